"""SQL for the retention runs (lotse.retention): cohort end dates, ending memberships, deleting old
learning-log and access-log entries, and forgetting idle sessions. Timestamps are ISO text, compared as text."""

from __future__ import annotations

from sqlite_utils import Database

from .store import uses_connection


@uses_connection
def cohort_dates(db: Database) -> list[dict]:
    """Every cohort with its dates, the end of its last work phase and its member count."""
    return list(db.query(
        "SELECT c.id, c.name, c.seminar_date, c.pre_deadline,"
        " (SELECT MAX(p.work_end) FROM cohort_phases p WHERE p.cohort_id = c.id) AS phase_end,"
        " (SELECT COUNT(*) FROM memberships m WHERE m.cohort_id = c.id) AS members"
        " FROM cohorts c ORDER BY c.id"))


@uses_connection
def end_memberships(db: Database, cohort_id: int) -> int:
    return db.execute("DELETE FROM memberships WHERE cohort_id = ?", [cohort_id]).rowcount


@uses_connection
def count_events_before(db: Database, cutoff: str) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM events WHERE created_at < ?", [cutoff]))["n"]


@uses_connection
def delete_events_before(db: Database, cutoff: str) -> int:
    return db.execute("DELETE FROM events WHERE created_at < ?", [cutoff]).rowcount


@uses_connection
def count_access_before(db: Database, cutoff: str) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM access_log WHERE at < ?", [cutoff]))["n"]


@uses_connection
def prune_idle_sessions(db: Database, idle_before: str) -> int:
    """Forget sessions nobody used since ``idle_before`` (they can no longer be used anyway)."""
    return db.execute("DELETE FROM sessions WHERE last_seen_at < ?", [idle_before]).rowcount
