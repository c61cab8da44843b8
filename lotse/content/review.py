"""Keeping lessons current: each lesson's `stand` (facts checked on) and `review_by` (check again by).

Used by the validator (warnings), `python -m lotse validate` (summary) and the content check page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..german_format import date_long, plural

def stand_line(stand: date | None) -> str | None:
    """What learners read under the lesson title."""
    return f"Stand: {date_long(stand)}" if stand else None


@dataclass(frozen=True)
class ReviewStatus:
    lesson_id: str
    title: str
    stand: date | None
    review_by: date | None

    def due(self, today: date) -> bool:
        """A lesson is due when its review date has come, or when it has no dates at all."""
        return self.stand is None or self.review_by is None or self.review_by <= today

    def describe(self, today: date) -> str:
        stand = self.stand.isoformat() if self.stand else "fehlt"
        review_by = self.review_by.isoformat() if self.review_by else "fehlt"
        state = "FÄLLIG" if self.due(today) else "in Ordnung"
        return f"{self.lesson_id}: Stand (stand) {stand}, prüfen bis (review_by) {review_by}: {state}"


def review_statuses(lessons) -> list[ReviewStatus]:
    return [ReviewStatus(l.id, l.meta.title, l.meta.stand, l.meta.review_by) for l in lessons]


def due_for_review(lessons, today: date) -> list[ReviewStatus]:
    return [status for status in review_statuses(lessons) if status.due(today)]


def summary(lessons, today: date) -> str:
    statuses = review_statuses(lessons)
    due = [s for s in statuses if s.due(today)]
    dated = sum(1 for s in statuses if s.stand and s.review_by)
    return (f"Stand und Prüftermin: {dated} von {plural(len(statuses), 'Lektion', 'Lektionen')} datiert, "
            f"{len(due)} zur Prüfung fällig (Stichtag {today.isoformat()})")
