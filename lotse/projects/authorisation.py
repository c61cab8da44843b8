"""Who may read or change a project.

A project is private to its owner. The owner may share it with the trainer of one cohort they are
a member of; that trainer (whoever leads the cohort now) may then read the current state, for as
long as the owner stays a member and keeps sharing. Nobody else reads it: not other learners, not
other trainers, and not administrators either (an admin reads a project only when they lead the
cohort it is shared with). Unknown ids and forbidden ones get the same answer, so ids reveal nothing.
"""

from __future__ import annotations

from progress import Store

from progress import projects as store

from ..identity import PermissionDenied, User
from .validation import clean_id

NOT_VISIBLE = "Dieses Projekt gibt es nicht, oder Sie dürfen es nicht sehen."
OWNER_ONLY = "Nur die Verfasserin oder der Verfasser kann dieses Projekt ändern."


def project_row(db: Store, project_id: object) -> dict | None:
    """The stored project row, or None for an unknown or malformed id (no permission check)."""
    number = clean_id(project_id)
    return store.get_project(db, number) if number is not None else None


def owned_row(db: Store, actor: User, project_id: object) -> dict:
    """The project row if ``actor`` owns it; PermissionDenied otherwise (unknown ids alike)."""
    row = project_row(db, project_id)
    if actor is None or actor.disabled or row is None or row["owner_id"] != actor.id:
        raise PermissionDenied(NOT_VISIBLE)
    return row


def trainer_may_read(db: Store, actor: User, project_id: int) -> bool:
    """The trainer rule: shared with a cohort the actor leads, and the owner is still a member."""
    return (actor is not None and not actor.disabled and actor.role in ("trainer", "admin")
            and store.trainer_reads_project(db, actor.id, project_id))


def can_read(db: Store, actor: User, project_id: object) -> bool:
    row = project_row(db, project_id)
    if row is None or actor is None or actor.disabled:
        return False
    return row["owner_id"] == actor.id or trainer_may_read(db, actor, row["id"])


def readable_row(db: Store, actor: User, project_id: object) -> dict:
    """The project row if ``actor`` may read it (owner or trainer); PermissionDenied otherwise."""
    row = project_row(db, project_id)
    if row is None or not can_read(db, actor, row["id"]):
        raise PermissionDenied(NOT_VISIBLE)
    return row
