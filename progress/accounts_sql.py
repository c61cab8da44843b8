"""SQL for credentials, failed sign-ins and one-time reset codes (beyond progress.users)."""

from __future__ import annotations

from sqlite_utils import Database

from .store import uses_connection


@uses_connection
def credentials(db: Database, login: str) -> dict | None:
    """id, password hash and disabled flag of the account with this (normalised) login."""
    return next(db.query("SELECT id, password_hash, disabled FROM users WHERE login = ?", [login]), None)


@uses_connection
def login_taken(db: Database, login: str) -> bool:
    return next(db.query("SELECT 1 FROM users WHERE login = ?", [login]), None) is not None


@uses_connection
def admin_count(db: Database) -> int:
    row = next(db.query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0"))
    return row["n"]


@uses_connection
def user_row(db: Database, user_id: int) -> dict | None:
    """The profile columns of one user (never the password hash)."""
    return next(db.query(
        "SELECT id, login, display_name, role, disabled, sso_subject IS NOT NULL AS sso, created_at,"
        " last_active_at FROM users WHERE id = ?", [user_id]), None)


@uses_connection
def touch_if_older(db: Database, user_id: int, now: str, older_than: str) -> None:
    """Update last_active_at, but write at most once per interval (every rerun would be wasteful)."""
    db.execute("UPDATE users SET last_active_at = ? WHERE id = ? AND last_active_at < ?",
               [now, user_id, older_than])


@uses_connection
def backdate_activity(db: Database, user_ids: list[int], otherwise: str) -> None:
    """Simulated learners: last active at their latest learning event, else at ``otherwise``."""
    for user_id in user_ids:
        db.execute("UPDATE users SET last_active_at = COALESCE((SELECT MAX(created_at) FROM events"
                   " WHERE user_id = ?), ?) WHERE id = ?", [user_id, otherwise, user_id])


# --- failed sign-ins -------------------------------------------------------------------------

@uses_connection
def record_failure(db: Database, login: str, client: str, at: str) -> None:
    db.execute("INSERT INTO login_failures (login, client, at) VALUES (?, ?, ?)", [login, client, at])


@uses_connection
def failures_for_login(db: Database, login: str, since: str) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM login_failures WHERE login = ? AND at > ?",
                         [login, since]))["n"]


@uses_connection
def failures_for_client(db: Database, client: str, since: str) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM login_failures WHERE client = ? AND at > ?",
                         [client, since]))["n"]


@uses_connection
def clear_failures(db: Database, login: str) -> None:
    db.execute("DELETE FROM login_failures WHERE login = ?", [login])


@uses_connection
def prune_failures(db: Database, before: str) -> int:
    return db.execute("DELETE FROM login_failures WHERE at < ?", [before]).rowcount


@uses_connection
def failures_of_login(db: Database, login: str) -> list[dict]:
    """For the data export: when sign-ins to this login failed (the client address is left out)."""
    return list(db.query("SELECT at FROM login_failures WHERE login = ? ORDER BY at", [login]))


# --- reset codes -----------------------------------------------------------------------------

@uses_connection
def insert_reset_code(db: Database, code_hash: str, user_id: int, now: str, expires_at: str) -> None:
    db.execute("INSERT INTO reset_codes (code_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
               [code_hash, user_id, now, expires_at])


@uses_connection
def discard_reset_codes(db: Database, user_id: int) -> None:
    db.execute("DELETE FROM reset_codes WHERE user_id = ? AND used_at IS NULL", [user_id])


@uses_connection
def usable_reset_code(db: Database, code_hash: str, user_id: int, now: str) -> bool:
    return next(db.query(
        "SELECT 1 FROM reset_codes WHERE code_hash = ? AND user_id = ? AND used_at IS NULL AND expires_at > ?",
        [code_hash, user_id, now]), None) is not None


@uses_connection
def use_reset_code(db: Database, code_hash: str, now: str) -> bool:
    """Mark the code used; False if it was used meanwhile (two tabs redeeming at once)."""
    cursor = db.execute("UPDATE reset_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL",
                        [now, code_hash])
    return cursor.rowcount == 1


@uses_connection
def prune_reset_codes(db: Database, now: str) -> int:
    return db.execute("DELETE FROM reset_codes WHERE expires_at <= ? OR used_at IS NOT NULL", [now]).rowcount


# --- inactivity --------------------------------------------------------------------------------

@uses_connection
def inactive_learners(db: Database, before: str) -> list[dict]:
    return list(db.query("SELECT id, login, last_active_at FROM users WHERE role = 'learner'"
                         " AND last_active_at < ? ORDER BY last_active_at", [before]))
