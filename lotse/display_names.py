"""How a trainer view names the people of a cohort: their names, or "Person n" while presenting.

Presentation mode (the projector in the seminar room) shows pseudonyms on every trainer view: the
cockpit pages, "Projekte der Kohorte" (owners and comment authors), the trainer's view of shared
reflections and the member list. One scheme for all of them (lotse.analytics.pseudonyms): "Person n"
numbered by account id among the cohort's members, so the same person has the same pseudonym on
every page and in every export of that cohort, and the number says nothing about the name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from progress import Store
from progress import analytics as sql

from .analytics.pseudonyms import participant_labels

SOMEONE = "Weitere Person"  # while presenting: someone who is not (or no longer) a member


@dataclass(frozen=True)
class Names:
    """The naming policy of one view: ``of(user_id, name)`` is what the view shows for a person."""

    presenting: bool
    pseudonyms: dict[int, str]  # member id -> "Person n" (empty unless presenting)
    actor_id: int | None = None  # the presenting trainer keeps their own name

    def of(self, user_id: int | None, name: str) -> str:
        if not self.presenting or (user_id is not None and user_id == self.actor_id):
            return name
        return self.pseudonyms.get(user_id, SOMEONE) if user_id is not None else SOMEONE

    def order(self, user_id: int | None, name: str) -> tuple:
        """A sort key: by name normally, by pseudonym number while presenting (so the order of the
        rows does not give the alphabetical order of the names away)."""
        if not self.presenting:
            return (0, name.casefold())
        rank = self._ranks.get(user_id)
        return (0, rank) if rank is not None else (1, 0)

    @cached_property
    def _ranks(self) -> dict[int, int]:
        return {uid: rank for rank, uid in enumerate(self.pseudonyms)}  # the dict is in pseudonym order


def cohort_names(db: Store, cohort_id: int | None, presenting: bool, actor_id: int | None = None) -> Names:
    """The naming policy for a view of one cohort (call after the caller's authorisation check)."""
    if not presenting or cohort_id is None:
        return Names(presenting, {}, actor_id)
    return Names(True, participant_labels(sql.members(db, [cohort_id]), True), actor_id)
