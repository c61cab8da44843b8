"""SQL for the retention job: forgetting sign-in traces that no longer serve a purpose."""

from __future__ import annotations

from sqlite_utils import Database

from .store import uses_connection


@uses_connection
def prune_idle_sessions(db: Database, idle_before: str) -> int:
    """Forget sessions nobody used since ``idle_before`` (they can no longer be used anyway)."""
    return db.execute("DELETE FROM sessions WHERE last_seen_at < ?", [idle_before]).rowcount
