"""SQL for the xAPI export: the learning records of one learner or of a cohort's members, and
the ledger of statements already sent to a learning record store (table xapi_sent).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from .db import utc_now, write_transaction
from .store import uses_connection

# Whose records: one learner, or every member of a cohort. Fixed SQL, never built from input.
_SCOPES = {
    "learner": ("", "x.user_id = ?"),
    "cohort": (" JOIN memberships m ON m.user_id = x.user_id", "m.cohort_id = ?"),
}
EXPORTED_EVENTS = ("lesson_opened", "lesson_read")
_CHUNK = 500  # ids per IN (...) list, well below SQLite's parameter limit


def _scope(scope: str) -> tuple[str, str]:
    if scope not in _SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    return _SCOPES[scope]


@uses_connection
def people(db: Database, scope: str, key: int) -> list[dict]:
    """id, login and created_at of the learner or of every cohort member."""
    _scope(scope)
    if scope == "learner":
        return list(db.query("SELECT id, login, created_at FROM users WHERE id = ?", [key]))
    return list(db.query("SELECT u.id, u.login, u.created_at FROM users u JOIN memberships m ON m.user_id = u.id"
                         " WHERE m.cohort_id = ? ORDER BY u.id", [key]))


@uses_connection
def lesson_events(db: Database, scope: str, key: int) -> list[dict]:
    """The 'lesson opened' and 'lesson read' events, oldest first."""
    join, where = _scope(scope)
    return list(db.query(
        f"SELECT x.id, x.user_id, x.kind, x.lesson_id, x.created_at FROM events x{join}"
        f" WHERE {where} AND x.kind IN (?, ?) ORDER BY x.created_at, x.id", [key, *EXPORTED_EVENTS]))


@uses_connection
def attempts(db: Database, scope: str, key: int) -> list[dict]:
    """Submitted quiz attempts, oldest first."""
    join, where = _scope(scope)
    return list(db.query(
        f"SELECT x.id, x.user_id, x.lesson_id, x.attempt_no, x.passed, x.submitted_at, x.started_at"
        f" FROM attempts x{join}"
        f" WHERE {where} ORDER BY x.submitted_at, x.id", [key]))


@uses_connection
def answers(db: Database, scope: str, key: int) -> list[dict]:
    """The answers of those attempts (response as stored JSON text)."""
    join, where = _scope(scope)
    return list(db.query(
        f"SELECT a.attempt_id, a.question_id, a.response, a.mark, a.max_mark FROM answers a"
        f" JOIN attempts x ON x.id = a.attempt_id{join} WHERE {where} ORDER BY a.attempt_id, a.rowid", [key]))


@uses_connection
def already_sent(db: Database, ids: Iterable[str]) -> set[str]:
    wanted = list(dict.fromkeys(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ", ".join("?" for _ in chunk)
        found |= {row["statement_id"] for row in db.query(
            f"SELECT statement_id FROM xapi_sent WHERE statement_id IN ({marks})", chunk)}
    return found


@uses_connection
def mark_sent(db: Database, ids: Iterable[str]) -> None:
    now = utc_now()
    rows = [(statement_id, now) for statement_id in dict.fromkeys(ids)]
    with write_transaction(db):
        db.conn.executemany("INSERT INTO xapi_sent (statement_id, sent_at) VALUES (?, ?) ON CONFLICT DO NOTHING", rows)


@uses_connection
def sent_count(db: Database) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM xapi_sent"))["n"]
