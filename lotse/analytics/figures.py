"""Pure builders: SQL aggregate rows + the course -> the rows the overview shows (German keys).

The keys are the column headings of the tables under the charts, so chart and table use the
same words. No database here: every rule is tested with plain lists.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean, median

from ..german_format import percent, share
from .course import LessonInfo, shorten

MASTERY_THRESHOLD = 0.8  # share of an objective's marks that counts as "reached"
BANDS = [f"{10 * b}–{percent(10 * b + 9)}" for b in range(9)] + [f"90–{percent(100)}"]


@dataclass(frozen=True)
class KeyFigures:
    members: int
    active_7_days: int | None  # None: withheld (too few people, see lotse.visibility)
    started: int | None
    lessons_passed: int | None
    lessons_read: int | None
    lessons_possible: int  # members x lessons
    average_best: float | None
    seminar_date: date | None
    days_until_seminar: int | None

    @property
    def passed_share(self) -> float | None:
        if self.lessons_passed is None or not self.lessons_possible:
            return None
        return 100 * self.lessons_passed / self.lessons_possible


def key_figures(row: dict, lessons: int, seminar: date | None, today: date) -> KeyFigures:
    members = row["members"] or 0
    return KeyFigures(members, row["active"] or 0, row["started"] or 0, row["lessons_passed"] or 0,
                      row["lessons_read"] or 0, members * lessons, row["average_best"], seminar,
                      (seminar - today).days if seminar else None)


def funnel_rows(lessons: list[LessonInfo], rows: list[dict], members: int) -> list[dict]:
    by_lesson = {r["lesson_id"]: r for r in rows}
    table = []
    for lesson in lessons:
        r = by_lesson.get(lesson.id, {})
        passed = r.get("passed") or 0
        table.append({"Lektion": lesson.label, "Geöffnet": r.get("opened") or 0, "Gelesen": r.get("read") or 0,
                      "Quiz bestanden": passed if lesson.quiz else None,
                      "Bestanden (%)": round(100 * passed / members) if members and lesson.quiz else None})
    return table


def distribution_rows(lessons: list[LessonInfo], rows: list[dict], min_group: int = 1) -> list[dict]:
    """Every quiz x every band (zeros included, so the bars line up); a quiz that fewer than
    ``min_group`` people took is left out (its distribution would show individual results)."""
    counts = {(r["lesson_id"], r["band"]): r["learners"] for r in rows}
    takers: dict[str, int] = defaultdict(int)
    for r in rows:
        takers[r["lesson_id"]] += r["learners"]
    return [{"Lektion": lesson.label, "Ergebnis": band, "Teilnehmende": counts.get((lesson.id, b), 0)}
            for lesson in lessons if lesson.quiz and takers[lesson.id] >= min_group for b, band in enumerate(BANDS)]


def activity_rows(rows: list[dict], first: date, last: date, min_group: int = 1) -> list[dict]:
    """One row per day from ``first`` to ``last`` (days without activity as zeros); a day on which
    fewer than ``min_group`` people were active counts as without activity (it would show when
    single people learned)."""
    by_day = {r["day"]: r for r in rows if (r.get("active") or 0) >= min_group}
    table, day = [], first
    while day <= last:
        r = by_day.get(day.isoformat(), {})
        table.append({"Tag": day.isoformat(), "Aktive Teilnehmende": r.get("active") or 0,
                      "Geöffnete Lektionen": r.get("opened") or 0, "Gelesene Lektionen": r.get("read") or 0,
                      "Abgegebene Quizze": r.get("quizzes") or 0})
        day += timedelta(days=1)
    return table


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def time_rows(lessons: list[LessonInfo], cells: list, min_group: int = 1) -> list[dict]:
    """Reading time per lesson over the members who read at all: median and mean, in minutes;
    withheld (None) for a lesson fewer than ``min_group`` people read.

    One pass over the matrix rows (one per member and lesson), not a query per lesson.
    """
    seconds: dict[str, list[float]] = defaultdict(list)
    for cell in cells:
        if cell["reading_seconds"] > 0:
            seconds[cell["lesson_id"]].append(cell["reading_seconds"])
    table = []
    for lesson in lessons:
        values = seconds.get(lesson.id, [])
        readers = len(values)
        if readers < min_group:
            values = []
        table.append({"Lektion": lesson.label, "Teilnehmende mit Lesezeit": readers,
                      "Median (Minuten)": _minutes(median(values)) if values else None,
                      "Mittelwert (Minuten)": _minutes(fmean(values)) if values else None,
                      "Geschätzte Dauer (Minuten)": lesson.minutes})
    return table


@dataclass(frozen=True)
class ObjectiveMastery:
    lesson: LessonInfo
    objective_id: str
    text: str
    learners: int
    share: float  # 0-100, of the marks over everyone's best attempt
    reached: int  # learners with at least MASTERY_THRESHOLD of the objective's marks


def objective_mastery(lessons: list[LessonInfo], rows: list[dict]) -> list[ObjectiveMastery]:
    """In course order; objectives no question tests are left out (nothing to measure)."""
    by_key = {(r["lesson_id"], r["objective"]): r for r in rows}
    result = []
    for lesson in lessons:
        for objective_id, text in lesson.objectives.items():
            r = by_key.get((lesson.id, objective_id))
            if r and r["max_mark"]:
                result.append(ObjectiveMastery(lesson, objective_id, text, r["learners"],
                                               100 * r["mark"] / r["max_mark"], r["mastered"] or 0))
    return result


def mastery_rows(items: list[ObjectiveMastery]) -> list[dict]:
    return [{"Lernziel": f"{m.lesson.code} {shorten(m.text, 70)}", "Lektion": m.lesson.label,
             "Teilnehmende": m.learners, "Punkte erreicht (Anteil)": round(m.share, 1),
             f"Ziel erreicht (ab {share(MASTERY_THRESHOLD)})": m.reached} for m in items]
