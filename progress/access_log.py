"""SQL for the access log: trainers opening a person's detail or exporting personal data."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from .db import utc_now
from .store import uses_connection


@uses_connection
def record(db: Database, trainer_id: int | None, learner_ids: Iterable[int], cohort_id: int | None, what: str,
           since: str, at: str | None = None) -> int:
    """One entry per learner, unless the same trainer logged the same kind for them at or after
    ``since`` (a page rerun is not a new look); returns how many were written."""
    moment = at or utc_now()
    written = 0
    for learner in sorted({int(i) for i in learner_ids}):
        written += db.execute(
            "INSERT INTO access_log (trainer_id, learner_id, cohort_id, what, at) SELECT ?, ?, ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM access_log WHERE trainer_id IS NOT DISTINCT FROM ? AND learner_id = ?"
            " AND what = ? AND at >= ?)", [trainer_id, learner, cohort_id, what, moment, trainer_id, learner, what,
                                         since]).rowcount
    return written


@uses_connection
def entries_about(db: Database, learner_id: int) -> list[dict]:
    """Newest first, with the trainer's current display name (None once the account is deleted)."""
    return list(db.query(
        "SELECT a.at, a.what, a.cohort_id, u.display_name AS trainer_name, c.name AS cohort_name"
        " FROM access_log a LEFT JOIN users u ON u.id = a.trainer_id LEFT JOIN cohorts c ON c.id = a.cohort_id"
        " WHERE a.learner_id = ? ORDER BY a.at DESC, a.id DESC", [learner_id]))


@uses_connection
def delete_before(db: Database, cutoff: str) -> int:
    return db.execute("DELETE FROM access_log WHERE at < ?", [cutoff]).rowcount
