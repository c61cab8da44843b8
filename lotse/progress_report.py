"""Where a learner stands: per lesson status, module and course completion, weakest objectives,
recommended next lessons and the progress timeline. Pure functions over the catalog and rows
read from the store, so every rule here is tested without a database or Streamlit.

Completion: a lesson counts as completed ("abgeschlossen") when its quiz is passed; the best
attempt counts (see lotse.learning; the status itself: lotse.lesson_status). Module and course completion are shares of completed lessons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import Catalog
from .german_format import berlin, datetime_short, decimal, percent
from .lesson_status import STATUS_ICONS, Status, status_of

WEAK_BELOW_PERCENT = 100.0


@dataclass(frozen=True)
class LessonEntry:
    lesson_id: str
    title: str
    module_id: str
    minutes: int
    status: Status
    best_percent: float | None = None
    attempts: int = 0
    reading_seconds: float = 0.0
    last_activity_at: str | None = None
    read: bool = False  # marked as read ("Als gelesen markieren")

    @property
    def icon(self) -> str:
        return STATUS_ICONS[self.status]

    @property
    def completed(self) -> bool:
        return self.status is Status.PASSED


@dataclass(frozen=True)
class ModuleEntry:
    module_id: str
    order: int
    title: str
    description: str
    lessons: list[LessonEntry]

    @property
    def completed(self) -> int:
        return sum(entry.completed for entry in self.lessons)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def share(self) -> float:
        return self.completed / self.total if self.total else 0.0

    @property
    def minutes_left(self) -> int:
        return sum(entry.minutes for entry in self.lessons if not entry.completed)


@dataclass(frozen=True)
class Overview:
    modules: list[ModuleEntry]
    next_lesson: LessonEntry | None

    @property
    def lessons(self) -> list[LessonEntry]:
        return [entry for module in self.modules for entry in module.lessons]

    @property
    def completed(self) -> int:
        return sum(module.completed for module in self.modules)

    @property
    def total(self) -> int:
        return sum(module.total for module in self.modules)

    @property
    def share(self) -> float:
        return self.completed / self.total if self.total else 0.0

    def count(self, *statuses: Status) -> int:
        return sum(entry.status in statuses for entry in self.lessons)

    @property
    def read(self) -> int:
        return sum(entry.read for entry in self.lessons)

    @property
    def reading_minutes(self) -> float:
        return sum(entry.reading_seconds for entry in self.lessons) / 60


def lesson_entries(catalog: Catalog, states: dict[str, dict]) -> list[LessonEntry]:
    """One entry per lesson of the catalog, in course order (module order, then lesson order)."""
    entries = []
    for lesson in catalog.lessons:
        row = states.get(lesson.id)
        entries.append(LessonEntry(
            lesson.id, lesson.meta.title, lesson.meta.module, lesson.meta.duration_minutes, status_of(row),
            row["best_percent"] if row else None, row["attempts"] if row else 0,
            row["reading_seconds"] if row else 0.0, row["last_activity_at"] if row else None,
            bool(row and row["read_at"])))
    return entries


def overview(catalog: Catalog, states: dict[str, dict]) -> Overview:
    entries = lesson_entries(catalog, states)
    modules = [ModuleEntry(m.id, m.order, m.title, m.description, [e for e in entries if e.module_id == m.id])
               for m in catalog.modules]
    return Overview(modules, next_open_lesson(catalog, entries))


def open_lessons(catalog: Catalog, passed: set[str]) -> set[str]:
    """Lessons whose prerequisites (those still in the catalog) all have their quiz passed."""
    known = {lesson.id for lesson in catalog.lessons}
    return {lesson.id for lesson in catalog.lessons
            if all(p in passed or p not in known for p in lesson.meta.prerequisites)}


def next_open_lesson(catalog: Catalog, entries: list[LessonEntry]) -> LessonEntry | None:
    """"Weiterlernen": the lesson worked on most recently that is not completed; else the first
    lesson in course order whose prerequisites are met; else the first not completed; else None."""
    open_entries = [e for e in entries if not e.completed]
    if not open_entries:
        return None
    begun = [e for e in open_entries if e.last_activity_at]
    if begun:
        return max(begun, key=lambda e: e.last_activity_at)
    ready = open_lessons(catalog, {e.lesson_id for e in entries if e.completed})
    return next((e for e in open_entries if e.lesson_id in ready), open_entries[0])


@dataclass(frozen=True)
class ObjectiveScore:
    lesson_id: str
    lesson_title: str
    objective_id: str
    text: str
    percent: float
    answers: int


def objective_scores(catalog: Catalog, rows: list[dict]) -> list[ObjectiveScore]:
    """rows: lesson_id, objective, mark, max_mark, answers (from the store); unknown ones dropped."""
    scores = []
    for row in rows:
        lesson = catalog.lesson(row["lesson_id"])
        objective = next((o for o in lesson.meta.objectives if o.id == row["objective"]), None) if lesson else None
        if objective is None or not row["max_mark"]:
            continue
        percent = round(100 * row["mark"] / row["max_mark"], 1)
        scores.append(ObjectiveScore(lesson.id, lesson.meta.title, objective.id, objective.text, percent,
                                     row["answers"]))
    return scores


def weakest_objectives(catalog: Catalog, rows: list[dict], limit: int = 5) -> list[ObjectiveScore]:
    """Objectives answered below WEAK_BELOW_PERCENT, weakest first (ties: course order)."""
    order = {lesson.id: index for index, lesson in enumerate(catalog.lessons)}
    weak = [s for s in objective_scores(catalog, rows) if s.percent < WEAK_BELOW_PERCENT]
    weak.sort(key=lambda s: (s.percent, order.get(s.lesson_id, 0), s.objective_id))
    return weak[:limit]


@dataclass(frozen=True)
class Recommendation:
    lesson_id: str
    title: str
    reason: str


def recommended_lessons(catalog: Catalog, entries: list[LessonEntry], weakest: list[ObjectiveScore],
                        limit: int = 3) -> list[Recommendation]:
    """First repair (quiz failed, weak objectives), then go on in course order where the
    prerequisites are met. Completed lessons appear only for a weak objective."""
    picked: dict[str, Recommendation] = {}
    by_id = {e.lesson_id: e for e in entries}
    for entry in entries:
        if entry.status is Status.FAILED:
            picked.setdefault(entry.lesson_id, Recommendation(
                entry.lesson_id, entry.title, "Quiz noch nicht bestanden: Lesen Sie nach und versuchen Sie es erneut."))
    for score in weakest:
        if score.lesson_id in by_id:
            picked.setdefault(score.lesson_id, Recommendation(
                score.lesson_id, score.lesson_title, f"Lernziel noch unsicher: {score.text}"))
    ready = open_lessons(catalog, {e.lesson_id for e in entries if e.completed})
    for entry in entries:
        if entry.completed or entry.lesson_id not in ready:
            continue
        reason = ("Begonnen: Hier können Sie weitermachen." if entry.status in (Status.STARTED, Status.READ)
                  else "Nächster Schritt in Ihrem Lernweg.")
        picked.setdefault(entry.lesson_id, Recommendation(entry.lesson_id, entry.title, reason))
    return list(picked.values())[:limit]


@dataclass(frozen=True)
class TimelinePoint:
    day: str  # YYYY-MM-DD, local (German) time
    read: int  # lessons marked read so far
    passed: int  # lessons with a passed quiz so far


def local_day(timestamp: str) -> str:
    return berlin(timestamp).date().isoformat()


def timeline(events: list[dict]) -> list[TimelinePoint]:
    """Cumulative lessons read and passed per day, from lesson_read / attempt_graded events."""
    read: set[str] = set()
    passed: set[str] = set()
    days: dict[str, TimelinePoint] = {}
    for event in sorted(events, key=lambda e: e["created_at"]):
        if event["kind"] == "lesson_read":
            read.add(event["lesson_id"])
        elif event["kind"] == "attempt_graded" and event["payload"].get("passed"):
            passed.add(event["lesson_id"])
        else:
            continue
        day = local_day(event["created_at"])
        days[day] = TimelinePoint(day, len(read), len(passed))
    return list(days.values())


@dataclass(frozen=True)
class Report:
    overview: Overview
    weakest: list[ObjectiveScore]
    recommended: list[Recommendation]
    timeline: list[TimelinePoint] = field(default_factory=list)


def build_report(catalog: Catalog, states: dict[str, dict], objective_rows: list[dict],
                 events: list[dict]) -> Report:
    summary = overview(catalog, states)
    weakest = weakest_objectives(catalog, objective_rows)
    return Report(summary, weakest, recommended_lessons(catalog, summary.lessons, weakest), timeline(events))


def attempt_rows(attempts: list[dict], best_attempt_id: int | None) -> list[dict]:
    """The attempt history as table rows with German column names."""
    return [{"Versuch": a["attempt_no"], "Abgegeben": datetime_short(a["submitted_at"]),
             "Punkte": f"{decimal(a['score'])} von {decimal(a['max_score'])}", "Ergebnis": percent(a["percent"]),
             "Bestanden": "ja" if a["passed"] else "nein",
             "Zählt (bester Versuch)": "ja" if a["id"] == best_attempt_id else ""}
            for a in attempts]
