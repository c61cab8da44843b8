"""The version history of a project (owner only: the history of drafts stays private).

Restoring a version saves its content again as a new version, so a restore can itself be undone.
"""

from __future__ import annotations

import json

from progress import Store

from progress import projects as store

from ..identity import User
from .authorisation import owned_row
from .canvas import SPECS, ProjectError
from .model import SaveResult, VersionInfo
from .storage import load_content, save_step
from .validation import clean_id, require_section


def summarize(step: str, content: dict) -> str:
    """A one-line German description of a step's content, for the version list."""
    if step == "rahmen":
        return f"Titel: {content.get('title', '')}"
    parts = [f"{lst.label}: {len(content.get(lst.key, []))}" for lst in SPECS[step].lists]
    filled = [f.label for f in SPECS[step].texts if content.get(f.key)]
    if step == "priorisierung":
        parts.append(f"bewertet: {len(content.get('ratings', {}))}")
    if filled:
        parts.append("ausgefüllt: " + ", ".join(filled))
    return "; ".join(parts) or "leer"


def versions(db: Store, actor: User, project_id: object, step: str, limit: int = 50) -> list[VersionInfo]:
    """The newest versions of a step (owner only: the history of drafts stays private)."""
    row = owned_row(db, actor, project_id)
    require_section(step)
    result = []
    for v in store.versions_of(db, row["id"], step, limit):
        content = load_content(step, v["content"]) if step != "rahmen" else json.loads(v["content"])
        result.append(VersionInfo(v["version_no"], step, v["saved_at"], v["note"], summarize(step, content), content))
    return result


def restore_version(db: Store, actor: User, project_id: object, version_no: object) -> SaveResult:
    """Make an older version current again, stored as a new version (so it can be undone)."""
    row = owned_row(db, actor, project_id)
    number = clean_id(version_no)
    version = store.get_version(db, row["id"], number) if number is not None else None
    if version is None:
        raise ProjectError("Diese Version gibt es nicht (mehr).")
    content = json.loads(version["content"])
    return save_step(db, actor, row["id"], version["step"], content,
                     note=f"Wiederhergestellt aus Version {version['version_no']}")
