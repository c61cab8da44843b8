"""Comments (Rückmeldungen) per step: the trainer comments on a project shared with them, and the
owner (or that trainer) answers. Answers stay in one flat thread under the first comment."""

from __future__ import annotations

from progress import Store

from progress import projects as store
from progress.db import utc_now

from ..display_names import cohort_names
from ..identity import PermissionDenied, User
from .authorisation import NOT_VISIBLE, project_row, readable_row, trainer_may_read
from .canvas import SECTIONS, ProjectError
from .validation import clean_id, clean_text, require_section

COMMENT_MAX = 2000


def _comment_body(body: object) -> str:
    text = clean_text(body, "Kommentar", COMMENT_MAX, multiline=True)
    if not text:
        raise ProjectError("Bitte schreiben Sie einen Text.")
    return text


def add_comment(db: Store, actor: User, project_id: object, step: str, body: object) -> int:
    """A trainer's comment on one step of a project shared with them."""
    row = project_row(db, project_id)
    if row is None or not trainer_may_read(db, actor, row["id"]):
        raise PermissionDenied(NOT_VISIBLE)
    require_section(step)
    return store.insert_comment(db, row["id"], step, actor.id, _comment_body(body), utc_now())


def answer_comment(db: Store, actor: User, project_id: object, comment_id: object, body: object) -> int:
    """An answer to a comment, by the owner (or by the trainer who may read the project)."""
    row = readable_row(db, actor, project_id)
    number = clean_id(comment_id)
    parent = store.get_comment(db, number) if number is not None else None
    if parent is None or parent["project_id"] != row["id"]:
        raise ProjectError("Diesen Kommentar gibt es nicht (mehr).")
    root = parent["parent_id"] or parent["id"]  # answers stay in one flat thread
    return store.insert_comment(db, row["id"], parent["step"], actor.id, _comment_body(body), utc_now(),
                                parent_id=root)


def comments(db: Store, actor: User, project_id: object, *, presenting: bool = False) -> dict[str, list[dict]]:
    """step -> threads (oldest first), each {id, author_name, body, created_at, answers: [...]}.

    While the trainer presents, authors other than the trainer are named by their pseudonym in the
    cohort the project is shared with; the comments themselves stay (lotse.display_names)."""
    row = readable_row(db, actor, project_id)
    names = cohort_names(db, row["shared_cohort_id"], presenting and row["owner_id"] != actor.id, actor.id)
    threads: dict[str, list[dict]] = {s: [] for s in SECTIONS}
    by_id: dict[int, dict] = {}
    for c in store.comments_of(db, row["id"]):
        entry = {"id": c["id"], "author_name": names.of(c["author_id"], c["author_name"]), "body": c["body"], "created_at": c["created_at"],
                 "by_owner": c["author_id"] == row["owner_id"], "answers": []}
        if c["parent_id"] is None:
            by_id[c["id"]] = entry
            threads.setdefault(c["step"], []).append(entry)
        elif c["parent_id"] in by_id:
            by_id[c["parent_id"]]["answers"].append(entry)
    return threads
