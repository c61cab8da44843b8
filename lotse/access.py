"""Authorisation rules, enforced in the core: pages hiding things is not the protection.

A learner sees only their own data; a trainer the members of their own cohorts; an admin all.
"""

from __future__ import annotations

from progress import Store

from progress import cohorts as cohort_sql

from .identity import PermissionDenied, User

DENIED = "Dafür fehlt Ihnen die Berechtigung."


def can_read_learner(db: Store, actor: User, learner_id: int) -> bool:
    if actor.disabled:
        return False
    if actor.id == learner_id or actor.is_admin:
        return True
    return actor.role == "trainer" and cohort_sql.trainer_sees_learner(db, actor.id, learner_id)


def require_learner_access(db: Store, actor: User, learner_id: int) -> None:
    if not can_read_learner(db, actor, learner_id):
        raise PermissionDenied(DENIED)


def require_self(actor: User, learner_id: int) -> None:
    """Writes to a learner's own record: only that learner (never a trainer on their behalf)."""
    if actor.disabled or actor.id != learner_id:
        raise PermissionDenied(DENIED)


def can_manage_cohort(db: Store, actor: User, cohort_id: int) -> bool:
    if actor.disabled:
        return False
    if actor.is_admin:
        return cohort_sql.get_cohort(db, cohort_id) is not None
    cohort = cohort_sql.get_cohort(db, cohort_id)
    return actor.role == "trainer" and cohort is not None and cohort["trainer_id"] == actor.id


def require_cohort(db: Store, actor: User, cohort_id: int) -> dict:
    """The cohort row if the actor leads it (or is admin); PermissionDenied otherwise."""
    if not can_manage_cohort(db, actor, cohort_id):
        raise PermissionDenied(DENIED)
    return cohort_sql.get_cohort(db, cohort_id)


def require_role(actor: User | None, *roles: str) -> User:
    if actor is None or actor.disabled or actor.role not in roles:
        raise PermissionDenied(DENIED)
    return actor


def visible_cohorts(db: Store, actor: User) -> list[dict]:
    if actor.is_admin:
        return cohort_sql.all_cohorts(db)
    if actor.role == "trainer":
        return cohort_sql.cohorts_of_trainer(db, actor.id)
    return []
