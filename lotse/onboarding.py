"""The first visit and the personal path: what "Mein Lernweg" offers a learner who has just signed up
(a welcome step: what the course is, how long, what happens with their data; then the entry check or
skip it, a choice that is remembered and can be revisited) and which lesson "Weiterlernen" opens once
the entry check has sorted the course (focus first, then work, then skim; passed lessons never)."""

from __future__ import annotations

from dataclasses import dataclass

from progress import Store
from progress import selfstudy as sql

from . import placement
from .access import require_self
from .content import Catalog
from .identity import User
from .lesson_status import Status
from .progress_report import Overview


@dataclass(frozen=True)
class Start:
    """What the home page offers before and after the entry check."""

    first_visit: bool  # nothing started, no entry check
    choice: str | None  # what the learner chose on the welcome step: placement, skipped or None
    check_running: bool  # an entry check was started and not finished
    placed: bool  # an entry check was finished: the personal path exists
    next_lesson_id: str | None  # the lesson "Weiterlernen" opens
    next_title: str | None
    by_placement: bool  # True when the entry check chose the next lesson


def start(db: Store, actor: User, catalog: Catalog, course: Overview) -> Start:
    running = placement.open_run(db, actor) is not None
    result = placement.overview(db, actor, catalog)
    nothing_started = all(entry.status is Status.NOT_STARTED for entry in course.lessons)
    first_visit = nothing_started and result.latest is None and not running
    choice = sql.onboarding_choice(db, actor.id)
    chosen = _next_on_path(result.path, course) if result.path is not None else None
    if chosen is not None:
        return Start(first_visit, choice, running, True, chosen[0], chosen[1], True)
    fallback = course.next_lesson
    return Start(first_visit, choice, running, result.latest is not None, fallback.lesson_id if fallback else None,
                 fallback.title if fallback else None, False)


CHOICES = ("placement", "skipped")


def choose(db: Store, actor: User, choice: str | None) -> None:
    """Remember the learner's own choice on the welcome step (None: show the welcome step again)."""
    require_self(actor, actor.id)
    if choice is not None and choice not in CHOICES:
        raise ValueError(f"unknown choice {choice!r}")
    sql.set_onboarding_choice(db, actor.id, choice)


def shows_welcome(begin: Start) -> bool:
    """The welcome step comes first until the learner chose (and only before anything was started)."""
    return begin.first_visit and begin.choice is None


def _next_on_path(path: placement.LearningPath, course: Overview) -> tuple[str, str] | None:
    """The first lesson of the personal path that is not passed yet: focus, then work, then skim."""
    passed = {entry.lesson_id for entry in course.lessons if entry.completed}
    for entry in path.first + path.work + path.skim:
        if entry.lesson_id not in passed:
            return entry.lesson_id, entry.title
    return None


def course_size(course: Overview) -> str:
    """"8 Lektionen in 3 Modulen, zusammen etwa 2 Stunden" for the welcome."""
    minutes = sum(entry.minutes for entry in course.lessons)
    modules = sum(1 for module in course.modules if module.lessons)
    hours = f"etwa {round(minutes / 60)} Stunden" if minutes >= 90 else f"etwa {minutes} Minuten"
    return (f"{course.total} {'Lektion' if course.total == 1 else 'Lektionen'} in {modules} "
            f"{'Modul' if modules == 1 else 'Modulen'}, zusammen {hours}")
