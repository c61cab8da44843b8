"""SQL for sign-in sessions: only the SHA-256 hash of a session token is ever stored."""

from __future__ import annotations

from sqlite_utils import Database

from .db import read_one
from .store import uses_connection


@uses_connection
def insert_session(db: Database, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
    db.execute("INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)"
               " VALUES (?, ?, ?, ?, ?)", [token_hash, user_id, now, now, expires_at])


@uses_connection
def get_session(db: Database, token_hash: str) -> dict | None:
    return next(db.query("SELECT * FROM sessions WHERE token_hash = ?", [token_hash]), None)


@uses_connection
def get_session_with_user(db: Database, token_hash: str) -> dict | None:
    """The session and its user's fields (prefixed ``user_``) in one query: asked on every page view."""
    return read_one(
        db, "SELECT s.*, u.login AS user_login, u.display_name AS user_display_name, u.role AS user_role,"
        " u.disabled AS user_disabled FROM sessions AS s JOIN users AS u ON u.id = s.user_id"
        " WHERE s.token_hash = ?", [token_hash])


@uses_connection
def touch_session(db: Database, token_hash: str, now: str) -> None:
    db.execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
               [now, token_hash])


@uses_connection
def revoke_session(db: Database, token_hash: str, now: str) -> None:
    db.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
               [now, token_hash])


@uses_connection
def revoke_user_sessions(db: Database, user_id: int, now: str) -> int:
    cursor = db.execute("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                        [now, user_id])
    return cursor.rowcount


@uses_connection
def active_session_count(db: Database, user_id: int, now: str) -> int:
    row = next(db.query("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ? AND revoked_at IS NULL"
                        " AND expires_at > ?", [user_id, now]))
    return row["n"]


@uses_connection
def prune_sessions(db: Database, now: str, revoked_before: str) -> int:
    """Forget sessions past their absolute expiry and those revoked before ``revoked_before``."""
    cursor = db.execute("DELETE FROM sessions WHERE expires_at <= ? OR revoked_at < ?", [now, revoked_before])
    return cursor.rowcount
