"""Sharing a project with the trainer of one of the owner's cohorts, and the trainer's overview
of the projects shared with them (see ``authorisation`` for who may read what)."""

from __future__ import annotations

from progress import Store

from progress import cohorts as cohort_sql
from progress import projects as store
from progress.db import utc_now
from progress.users import get_user

from ..access import require_role
from ..display_names import cohort_names
from ..identity import PermissionDenied, User
from .authorisation import owned_row
from .canvas import ProjectError
from .completion import progress_fields
from .model import Project
from .storage import build_project
from .validation import clean_id


def share_options(db: Store, actor: User) -> list[dict]:
    """Cohorts the actor is a member of and that have a trainer: id, name, trainer_name."""
    require_role(actor, "learner", "trainer", "admin")
    options = []
    for cohort in cohort_sql.cohorts_of_member(db, actor.id):
        trainer = get_user(db, cohort["trainer_id"]) if cohort["trainer_id"] else None
        if trainer is not None and trainer.id != actor.id:
            options.append({"id": cohort["id"], "name": cohort["name"], "trainer_name": trainer.display_name})
    return options


def share_project(db: Store, actor: User, project_id: object, cohort_id: object) -> None:
    """Share with the trainer of ``cohort_id`` (a cohort the owner is a member of)."""
    row = owned_row(db, actor, project_id)
    number = clean_id(cohort_id)
    if number is None or number not in {c["id"] for c in share_options(db, actor)}:
        raise ProjectError("Sie können nur mit der Trainerin oder dem Trainer einer Ihrer Kohorten teilen.")
    store.set_share(db, row["id"], number, utc_now())


def unshare_project(db: Store, actor: User, project_id: object) -> None:
    row = owned_row(db, actor, project_id)
    store.set_share(db, row["id"], None, None)


def shared_with(db: Store, actor: User, project: Project) -> dict | None:
    """Whom the owner's project is shared with (cohort and trainer name), for the owner's page."""
    if project.owner_id != actor.id or project.shared_cohort_id is None:
        return None
    return next((c for c in share_options(db, actor) if c["id"] == project.shared_cohort_id), None)


def shared_projects(db: Store, actor: User, cohort_id: object, *, presenting: bool = False) -> list[dict]:
    """Projects shared with the actor in a cohort the actor leads, with the step each has reached.

    An admin who does not lead the cohort gets PermissionDenied: projects are not admin data.
    While presenting, ``owner_name`` is the owner's pseudonym (lotse.display_names) and the rows are
    in pseudonym order; title and content stay, they were shared for the seminar.
    """
    require_role(actor, "trainer", "admin")
    number = clean_id(cohort_id)
    cohort = cohort_sql.get_cohort(db, number) if number is not None else None
    if cohort is None or cohort["trainer_id"] != actor.id:
        raise PermissionDenied("Geteilte Projekte sieht nur die Trainerin oder der Trainer der Kohorte.")
    names = cohort_names(db, number, presenting, actor.id)
    rows = sorted(store.shared_projects_of_cohort(db, number),
                  key=lambda r: (names.order(r["owner_id"], r["owner_name"]), r["title"], r["id"]))
    result = []
    for row in rows:
        project = build_project(db, row, readonly=True, names=names)
        result.append({"id": row["id"], "title": row["title"], "subject": row["subject"],
                       "owner_name": project.owner_name, "updated_at": row["updated_at"],
                       "shared_at": row["shared_at"], "comments": row["comments"],
                       **progress_fields(project.steps)})
    return result
