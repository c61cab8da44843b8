"""The first visit and the personal path: what "Mein Lernweg" offers a learner who has just signed up
(welcome, what the course is, the entry check or skip it) and which lesson "Weiterlernen" opens once
the entry check has sorted the course (focus first, then work, then skim; passed lessons never)."""

from __future__ import annotations

from dataclasses import dataclass

from progress import Store

from . import placement
from .content import Catalog
from .identity import User
from .lesson_status import Status
from .progress_report import Overview


@dataclass(frozen=True)
class Start:
    """What the home page offers before and after the entry check."""

    first_visit: bool  # nothing started, no entry check: show the welcome
    check_running: bool  # an entry check was started and not finished
    next_lesson_id: str | None  # the lesson "Weiterlernen" opens
    next_title: str | None
    by_placement: bool  # True when the entry check chose the next lesson


def start(db: Store, actor: User, catalog: Catalog, course: Overview) -> Start:
    running = placement.open_run(db, actor) is not None
    result = placement.overview(db, actor, catalog)
    nothing_started = all(entry.status is Status.NOT_STARTED for entry in course.lessons)
    first_visit = nothing_started and result.latest is None and not running
    chosen = _next_on_path(result.path, course) if result.path is not None else None
    if chosen is not None:
        return Start(first_visit, running, chosen[0], chosen[1], True)
    fallback = course.next_lesson
    return Start(first_visit, running, fallback.lesson_id if fallback else None,
                 fallback.title if fallback else None, False)


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
