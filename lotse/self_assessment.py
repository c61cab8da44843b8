"""Self-assessment before and after: the statements lessons define, rated 1-5 at the start
("vorher") and at the end ("nachher") of the course, and the change per statement.

The ratings are the learner's own; nobody else reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from progress import Store

from progress import selfstudy as store

from .access import require_self
from .content import Catalog
from .identity import User

Phase = Literal["vorher", "nachher"]
PHASES: tuple[Phase, ...] = ("vorher", "nachher")
PHASE_LABELS = {"vorher": "Vorher (zu Beginn)", "nachher": "Nachher (am Ende)"}
SCALE = {1: "trifft gar nicht zu", 2: "trifft eher nicht zu", 3: "teils, teils", 4: "trifft eher zu",
         5: "trifft voll zu"}


@dataclass(frozen=True)
class Statement:
    lesson_id: str
    id: str
    competence: str
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return self.lesson_id, self.id


def statements(catalog: Catalog) -> list[Statement]:
    return [Statement(lesson.id, item.id, item.competence, item.statement)
            for lesson in catalog.lessons for item in lesson.meta.self_assessment]


def _valid_rating(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in SCALE and number == value else None


def save(db: Store, actor: User, catalog: Catalog, phase: str, ratings: dict[tuple[str, str], Any]) -> int:
    """Store the given ratings of one phase (unknown statements and values outside 1-5 are ignored;
    None means "not rated" and leaves an earlier rating as it is). Returns how many were stored."""
    require_self(actor, actor.id)
    if phase not in PHASES:
        raise ValueError("Bitte wählen Sie „vorher“ oder „nachher“.")
    known = {s.key for s in statements(catalog)}
    clean = {key: rating for key, value in ratings.items()
             if tuple(key) in known and (rating := _valid_rating(value)) is not None}
    return store.save_ratings(db, actor.id, phase, clean)


@dataclass(frozen=True)
class Row:
    statement: Statement
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def my_ratings(db: Store, actor: User, catalog: Catalog) -> list[Row]:
    """One row per statement of the course with the learner's ratings and the change."""
    require_self(actor, actor.id)
    stored = {(r["lesson_id"], r["item_id"], r["phase"]): r["rating"] for r in store.ratings_of(db, actor.id)}
    return [Row(s, stored.get((*s.key, "vorher")), stored.get((*s.key, "nachher"))) for s in statements(catalog)]


def change_word(change: int | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "gleich geblieben"
    return f"+{change} (höher)" if change > 0 else f"−{abs(change)} (niedriger)"


def short_labels(rows: list[Row]) -> list[str]:
    """Axis labels: the competence, numbered when several statements share it."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.statement.competence] = counts.get(row.statement.competence, 0) + 1
    seen: dict[str, int] = {}
    labels = []
    for row in rows:
        name = row.statement.competence
        seen[name] = seen.get(name, 0) + 1
        labels.append(f"{name} ({seen[name]})" if counts[name] > 1 else name)
    return labels


def summary(rows: list[Row]) -> str:
    """One sentence about the change across the statements rated both times."""
    both = [r for r in rows if r.change is not None]
    if not both:
        return ""
    up = sum(r.change > 0 for r in both)
    down = sum(r.change < 0 for r in both)
    same = len(both) - up - down
    return (f"Von {len(both)} Aussagen, die Sie vorher und nachher eingeschätzt haben, schätzen Sie sich "
            f"bei {up} höher, bei {same} gleich und bei {down} niedriger ein.")
