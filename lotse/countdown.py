"""Seminar countdown: days left, open lessons and the pace needed, in kind German words.

Pure functions over plain values (cohort rows, today's date, the lessons and which are done), so
every wording is tested without a database. ``learner_countdowns`` gathers those values for the
signed-in learner.

Rules:
- The countdown runs to the cohort's "Frist für die Vorbereitung" (pre_deadline) if one is set,
  otherwise to the seminar date. Cohorts without a seminar date get no countdown.
- A lesson is done when its quiz is passed; a lesson without a quiz when it is marked as read.
- When the preparation deadline has passed but the seminar has not, the countdown switches to the
  seminar date and says so kindly; after the seminar it only offers the open lessons for later.
  Seminars that ended more than PAST_DAYS_SHOWN days ago are not shown any more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

from .german_format import date_long, local_today, plural

if TYPE_CHECKING:
    from progress import Store

    from .content import Catalog
    from .identity import User

PAST_DAYS_SHOWN = 14

Tone = Literal["on_track", "done", "last_day", "deadline_passed", "seminar_today", "after_seminar"]


def hours_text(minutes: int) -> str:
    """'45 Minuten', 'etwa 1 Stunde', 'etwa 2,5 Stunden' (half hours)."""
    if minutes < 60:
        return plural(minutes, "Minute", "Minuten")
    hours = round(minutes / 30) / 2
    return f"etwa {plural(hours, 'Stunde', 'Stunden')}"


def pace_text(lessons: int, days: int) -> str:
    """'etwa 2 Lektionen pro Tag' / 'etwa 5 Lektionen pro Woche' / 'etwa eine Lektion alle 3 Tage'."""
    if lessons <= 0 or days <= 0:
        return ""
    if lessons >= days:
        per_day = math.ceil(lessons / days)
        return "etwa eine Lektion pro Tag" if per_day == 1 else f"etwa {per_day} Lektionen pro Tag"
    if days >= 2 * lessons:
        return f"etwa eine Lektion alle {round(days / lessons)} Tage"
    return f"etwa {round(7 * lessons / days)} Lektionen pro Woche"  # between one a day and one every two days


def _within(lessons: int, days: int, start: str = "noch") -> str:
    """'noch 6 Lektionen in 12 Tagen', 'noch 1 Lektion bis morgen'."""
    span = "bis morgen" if days == 1 else f"in {days} Tagen"
    return f"{start} {plural(lessons, 'Lektion', 'Lektionen')} {span}"


@dataclass(frozen=True)
class Countdown:
    cohort_name: str
    seminar_date: date
    deadline: date
    uses_pre_deadline: bool
    days_left: int  # to the deadline; negative once it has passed
    days_to_seminar: int
    open_lessons: tuple[str, ...]  # lesson ids in course order
    open_minutes: int
    tone: Tone
    headline: str
    message: str

    @property
    def pace(self) -> str:
        return _within(len(self.open_lessons), self.days_left) if self.days_left > 0 and self.open_lessons else ""


def _parse_day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def countdown_for(cohort: dict, today: date, open_lessons: list[tuple[str, int]]) -> Countdown | None:
    """The countdown for one cohort; ``open_lessons`` are (lesson id, minutes) not done yet, in course order."""
    seminar = _parse_day(cohort.get("seminar_date"))
    if seminar is None or (today - seminar).days > PAST_DAYS_SHOWN:
        return None
    pre = _parse_day(cohort.get("pre_deadline"))
    pre = pre if pre is not None and pre <= seminar else None
    deadline = pre or seminar
    days_left, to_seminar = (deadline - today).days, (seminar - today).days
    count, minutes = len(open_lessons), sum(m for _, m in open_lessons)
    tone, headline, message = _wording(cohort.get("name") or "Ihr Seminar", seminar, deadline, pre is not None,
                                       days_left, to_seminar, count, minutes)
    return Countdown(cohort.get("name") or "", seminar, deadline, pre is not None, days_left, to_seminar,
                     tuple(lesson_id for lesson_id, _ in open_lessons), minutes, tone, headline, message)


def _wording(name: str, seminar: date, deadline: date, uses_pre: bool, days_left: int, to_seminar: int,
             count: int, minutes: int) -> tuple[Tone, str, str]:
    when = date_long(seminar, weekday=True)
    effort = f" (zusammen {hours_text(minutes)})" if minutes else ""
    if to_seminar < 0:
        head = f"Ihr Seminar „{name}“ war am {date_long(seminar)}."
        if not count:
            return "after_seminar", head, "Sie haben alle Lektionen abgeschlossen. Zum Nachschlagen bleiben sie für Sie da."
        return "after_seminar", head, (f"{plural(count, 'Lektion ist', 'Lektionen sind')} noch offen{effort}. "
                                       "Sie stehen Ihnen weiterhin zur Verfügung – zum Vertiefen, wann es Ihnen passt.")
    if to_seminar == 0:
        head = f"Heute ist Ihr Seminartag: „{name}“. Viel Erfolg!"
        rest = ("Sie haben alle Lektionen abgeschlossen – Sie sind gut vorbereitet." if not count else
                f"{plural(count, 'Lektion ist', 'Lektionen sind')} noch offen. Das ist kein Problem: "
                "Sie können sie auch nach dem Seminar in Ruhe bearbeiten.")
        return "seminar_today", head, rest
    days_word = "morgen" if to_seminar == 1 else f"in {to_seminar} Tagen"
    head = f"Ihr Seminar „{name}“ beginnt {days_word} ({when})."
    if not count:
        return "done", head, "Sie haben alle Lektionen abgeschlossen. Sehr gut – Sie sind bestens vorbereitet."
    open_now = f"{plural(count, 'Lektion ist', 'Lektionen sind')} noch offen{effort}"
    if days_left > 0 and (uses_pre or days_left > 1):
        if days_left == 1:
            lead = f"Noch {plural(count, 'Lektion', 'Lektionen')} bis zur Vorbereitungsfrist morgen"
        else:
            target = f"bis zur Vorbereitungsfrist am {date_long(deadline)}" if uses_pre else "bis zum Seminar"
            lead = f"{_within(count, days_left, 'Noch')} {target}"
        return "on_track", head, f"{lead}{effort} – {pace_text(count, days_left)}."
    if days_left >= 0:  # the deadline is today, or (no separate deadline) the seminar is tomorrow
        what = "der Vorbereitungsfrist" if uses_pre else "vor dem Seminar"
        return "last_day", head, (f"Heute ist der letzte Tag {what}. {open_now}. Bearbeiten Sie, was gut passt – "
                                  "jede Lektion hilft Ihnen im Seminar.")
    passed = f"Die empfohlene Vorbereitungsfrist ist am {date_long(deadline)} abgelaufen. Kein Grund zur Sorge: "
    if to_seminar == 1:
        return "deadline_passed", head, (f"{passed}{open_now}. Bearbeiten Sie heute, was gut passt – "
                                         "den Rest können Sie auch nach dem Seminar nachholen.")
    return "deadline_passed", head, (
        f"{passed}{_within(count, to_seminar, 'Noch')} bis zum Seminar{effort} – {pace_text(count, to_seminar)}.")


def lesson_done(row: dict | None, has_quiz: bool) -> bool:
    """Done = quiz passed; for a lesson without a quiz, marked as read."""
    if row is None:
        return False
    return bool(row.get("passed")) if has_quiz else bool(row.get("passed") or row.get("read_at"))


def open_lessons_of(catalog: "Catalog", states: dict[str, dict]) -> list[tuple[str, int]]:
    order = {m.id: m.order for m in catalog.modules}
    lessons = sorted((lesson for lesson in catalog.lessons if lesson.meta.module in order),
                     key=lambda lesson: (order[lesson.meta.module], lesson.meta.order))
    return [(lesson.id, lesson.meta.duration_minutes) for lesson in lessons
            if not lesson_done(states.get(lesson.id), catalog.quiz(lesson.id) is not None)]


def countdowns(cohorts: list[dict], today: date, open_lessons: list[tuple[str, int]]) -> list[Countdown]:
    """One countdown per cohort with a seminar date (upcoming first, then recently past)."""
    found = [c for c in (countdown_for(cohort, today, open_lessons) for cohort in cohorts) if c is not None]
    return sorted(found, key=lambda c: (c.days_to_seminar < 0, abs(c.days_to_seminar)))


def learner_countdowns(db: "Store", actor: "User", catalog: "Catalog", today: date | None = None) -> list[Countdown]:
    """The signed-in learner's countdowns (one per cohort with a seminar date)."""
    from .cohorts import cohorts_of_learner
    from .learning import lesson_statuses

    cohorts = cohorts_of_learner(db, actor, actor.id)
    if not any(c.get("seminar_date") for c in cohorts):
        return []
    states = lesson_statuses(db, actor, actor.id)
    return countdowns(cohorts, today or local_today(), open_lessons_of(catalog, states))
