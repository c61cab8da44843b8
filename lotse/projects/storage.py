"""Create, list, load, save and delete projects (the SQL lives in ``progress/projects.py``).

Each save that changes something appends a version of that step; an unchanged save does not.
"""

from __future__ import annotations

import json

from progress import Store

from progress import projects as store
from progress.db import utc_now
from progress.users import get_user

from ..access import require_role
from ..display_names import Names, cohort_names
from ..identity import User
from .authorisation import owned_row, readable_row
from .canvas import STEPS, ProjectError
from .completion import progress_fields
from .model import Project, Saved, SaveResult
from .validation import clean_step, empty_content

VERSIONS_KEPT = 200  # per project and step; older versions are deleted


def dump_content(content: dict) -> str:
    """Canonical JSON, so equal contents compare equal as text."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True)


def load_content(step: str, text: str) -> dict:
    """Stored JSON back to a complete content dict.

    Stored content was validated when saved; should a later release tighten a limit, the stored
    values are still shown (never silently emptied) and the next save reports what to shorten.
    """
    try:
        raw = json.loads(text)
    except ValueError:
        return empty_content(step)
    try:
        return clean_step(step, raw)[0]
    except ProjectError:
        content = empty_content(step)
        content.update({key: raw[key] for key in content if isinstance(raw, dict) and key in raw})
        return content


def build_project(db: Store, row: dict, readonly: bool, names: Names | None = None) -> Project:
    """The project of a stored row with the current version of every step (no permission check);
    ``names`` says how the owner is named (default: by name)."""
    current = store.current_steps(db, row["id"])
    steps = {s: load_content(s, current[s]["content"]) if s in current else empty_content(s) for s in STEPS}
    saved = {s: Saved(r["version_no"], r["saved_at"]) for s, r in current.items()}
    owner = get_user(db, row["owner_id"])
    owner_name = owner.display_name if owner else ""
    if names is not None:
        owner_name = names.of(row["owner_id"], owner_name)
    return Project(row["id"], row["owner_id"], owner_name, row["title"], row["subject"],
                   row["shared_cohort_id"], row["shared_at"], row["created_at"], row["updated_at"],
                   steps, saved, readonly)


def create_project(db: Store, actor: User, title: str, subject: str = "") -> Project:
    require_role(actor, "learner", "trainer", "admin")
    basics, _ = clean_step("rahmen", {"title": title, "subject": subject})
    now = utc_now()
    project_id = store.insert_project(db, actor.id, basics["title"], basics["subject"], now)
    store.save_step(db, project_id, "rahmen", dump_content(basics), "Projekt angelegt", now,
                    basics=(basics["title"], basics["subject"]), keep=VERSIONS_KEPT)
    return load_project(db, actor, project_id)


def list_projects(db: Store, actor: User) -> list[dict]:
    """The actor's own projects, newest change first, each with the step reached."""
    require_role(actor, "learner", "trainer", "admin")
    result = []
    for row in store.projects_of_owner(db, actor.id):
        project = build_project(db, row, readonly=False)
        result.append({"id": row["id"], "title": row["title"], "subject": row["subject"],
                       "updated_at": row["updated_at"], "shared": row["shared_cohort_id"] is not None,
                       **progress_fields(project.steps)})
    return result


def load_project(db: Store, actor: User, project_id: object, *, presenting: bool = False) -> Project:
    """The project for its owner (editable) or for the trainer it is shared with (read-only).

    While the trainer presents, the owner is named by their pseudonym in the cohort the project is
    shared with (lotse.display_names)."""
    row = readable_row(db, actor, project_id)
    names = cohort_names(db, row["shared_cohort_id"], presenting and row["owner_id"] != actor.id, actor.id)
    return build_project(db, row, readonly=row["owner_id"] != actor.id, names=names)


def _previous_content(row: dict, step: str, current: dict | None) -> dict | None:
    """The step's current content; for "rahmen" never versioned yet, the title and subject of the row."""
    if current is not None:
        return load_content(step, current["content"])
    if step == "rahmen":
        return {"title": row["title"], "subject": row["subject"]}
    return None


def save_step(db: Store, actor: User, project_id: object, step: str, content: dict,
              note: str = "") -> SaveResult:
    """Validate and store one step (a new version when something changed)."""
    row = owned_row(db, actor, project_id)
    current = store.current_steps(db, row["id"]).get(step)
    previous = _previous_content(row, step, current)
    cleaned, hints = clean_step(step, content, previous)
    if previous is not None and dump_content(previous) == dump_content(cleaned):
        if current is None:  # rahmen unchanged and never versioned (should not happen): nothing to do
            return SaveResult(0, row["updated_at"], False, hints)
        return SaveResult(current["version_no"], current["saved_at"], False, hints)
    now = utc_now()
    basics = (cleaned["title"], cleaned["subject"]) if step == "rahmen" else None
    version_no = store.save_step(db, row["id"], step, dump_content(cleaned), note, now, basics=basics,
                                 keep=VERSIONS_KEPT)
    return SaveResult(version_no, now, True, hints)


def save_basics(db: Store, actor: User, project_id: object, title: str, subject: str) -> SaveResult:
    return save_step(db, actor, project_id, "rahmen", {"title": title, "subject": subject})


def step_hints(project: Project, step: str) -> list[str]:
    """What is still missing in a step (incomplete entries), as German sentences."""
    return clean_step(step, project.steps[step])[1] if step in STEPS else []


def delete_project(db: Store, actor: User, project_id: object) -> None:
    """Delete a project with all versions and comments (owner only)."""
    row = owned_row(db, actor, project_id)
    store.delete_project(db, row["id"])
