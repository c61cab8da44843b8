"""SQL for user rows (accounts are managed through lotse.accounts), and the User record they give.

``User`` lives here, below the core, because the store builds it from its rows; the core knows it
as ``lotse.identity.User`` (the same class), so this package imports nothing from ``lotse``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlite_utils import Database

from .db import inserted_id, utc_now
from .store import uses_connection

Role = Literal["learner", "trainer", "admin"]


@dataclass(frozen=True)
class User:
    id: int
    login: str
    display_name: str
    role: Role
    disabled: bool = False

    @property
    def is_trainer(self) -> bool:
        return self.role in ("trainer", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _user(row: dict | None) -> User | None:
    if row is None:
        return None
    return User(row["id"], row["login"], row["display_name"], row["role"], bool(row["disabled"]))


@uses_connection
def insert_user(db: Database, login: str, display_name: str, role: str,
                password_hash: str | None = None, sso_subject: str | None = None) -> User:
    now = utc_now()
    cursor = db.execute(
        "INSERT INTO users (login, display_name, password_hash, role, sso_subject, created_at, last_active_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [login, display_name, password_hash, role, sso_subject, now, now],
    )
    return get_user(db, inserted_id(cursor))


@uses_connection
def get_user(db: Database, user_id: int) -> User | None:
    return _user(next(db.query("SELECT * FROM users WHERE id = ?", [user_id]), None))


@uses_connection
def get_user_by_login(db: Database, login: str) -> User | None:
    return _user(next(db.query("SELECT * FROM users WHERE login = ?", [login]), None))


@uses_connection
def get_user_by_sso(db: Database, subject: str) -> User | None:
    return _user(next(db.query("SELECT * FROM users WHERE sso_subject = ?", [subject]), None))


@uses_connection
def password_hash_of(db: Database, user_id: int) -> str | None:
    row = next(db.query("SELECT password_hash FROM users WHERE id = ?", [user_id]), None)
    return row["password_hash"] if row else None


@uses_connection
def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    db.execute("UPDATE users SET password_hash = ? WHERE id = ?", [password_hash, user_id])


@uses_connection
def set_disabled(db: Database, user_id: int, disabled: bool) -> None:
    db.execute("UPDATE users SET disabled = ? WHERE id = ?", [int(disabled), user_id])


@uses_connection
def set_role(db: Database, user_id: int, role: str) -> None:
    db.execute("UPDATE users SET role = ? WHERE id = ?", [role, user_id])


@uses_connection
def set_display_name(db: Database, user_id: int, display_name: str) -> None:
    db.execute("UPDATE users SET display_name = ? WHERE id = ?", [display_name, user_id])


@uses_connection
def touch_user(db: Database, user_id: int) -> None:
    db.execute("UPDATE users SET last_active_at = ? WHERE id = ?", [utc_now(), user_id])


@uses_connection
def list_users(db: Database) -> list[dict]:
    return list(db.query(
        "SELECT id, login, display_name, role, disabled, created_at, last_active_at,"
        " sso_subject IS NOT NULL AS sso FROM users ORDER BY role, login"))


@uses_connection
def delete_user(db: Database, user_id: int) -> None:
    """Delete a user; ON DELETE CASCADE removes everything that belongs to them."""
    db.execute("DELETE FROM users WHERE id = ?", [user_id])


@uses_connection
def inactive_user_ids(db: Database, before: str) -> list[int]:
    return [r["id"] for r in db.query(
        "SELECT id FROM users WHERE last_active_at < ? AND role = 'learner'", [before])]
