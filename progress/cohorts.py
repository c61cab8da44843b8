"""SQL for cohorts and memberships."""

from __future__ import annotations

from sqlite_utils import Database

from .db import inserted_id, utc_now
from .store import uses_connection


@uses_connection
def insert_cohort(db: Database, name: str, trainer_id: int | None, invite_code: str,
                  seminar_date: str | None = None, place: str = "", pre_deadline: str | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO cohorts (name, trainer_id, seminar_date, place, pre_deadline, invite_code, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [name, trainer_id, seminar_date, place, pre_deadline, invite_code, utc_now()],
    )
    return inserted_id(cursor)


@uses_connection
def get_cohort(db: Database, cohort_id: int) -> dict | None:
    return next(db.query("SELECT * FROM cohorts WHERE id = ?", [cohort_id]), None)


@uses_connection
def cohort_by_invite(db: Database, code: str) -> dict | None:
    return next(db.query("SELECT * FROM cohorts WHERE invite_code = ? AND invite_active = 1", [code]), None)


@uses_connection
def update_cohort(db: Database, cohort_id: int, **values: object) -> None:
    allowed = {"name", "seminar_date", "place", "pre_deadline", "invite_code", "invite_active", "trainer_id"}
    columns = [k for k in values if k in allowed]
    if columns:
        assignments = ", ".join(f"{c} = ?" for c in columns)  # column names from the allow-list only
        db.execute(f"UPDATE cohorts SET {assignments} WHERE id = ?", [values[c] for c in columns] + [cohort_id])


@uses_connection
def delete_cohort(db: Database, cohort_id: int) -> None:
    db.execute("DELETE FROM cohorts WHERE id = ?", [cohort_id])


@uses_connection
def cohorts_of_trainer(db: Database, trainer_id: int) -> list[dict]:
    return list(db.query(
        "SELECT c.*, (SELECT COUNT(*) FROM memberships m WHERE m.cohort_id = c.id) AS members"
        " FROM cohorts c WHERE trainer_id = ? ORDER BY seminar_date IS NULL, seminar_date, name", [trainer_id]))


@uses_connection
def all_cohorts(db: Database) -> list[dict]:
    return list(db.query(
        "SELECT c.*, (SELECT COUNT(*) FROM memberships m WHERE m.cohort_id = c.id) AS members"
        " FROM cohorts c ORDER BY seminar_date IS NULL, seminar_date, name"))


@uses_connection
def cohorts_of_member(db: Database, user_id: int) -> list[dict]:
    return list(db.query(
        "SELECT c.* FROM cohorts c JOIN memberships m ON m.cohort_id = c.id WHERE m.user_id = ?"
        " ORDER BY c.seminar_date IS NULL, c.seminar_date", [user_id]))


@uses_connection
def add_member(db: Database, cohort_id: int, user_id: int) -> bool:
    """Enrol; True if newly enrolled, False if already a member."""
    cursor = db.execute("INSERT INTO memberships (cohort_id, user_id, joined_at) VALUES (?, ?, ?)"
                        " ON CONFLICT DO NOTHING",
                        [cohort_id, user_id, utc_now()])
    return cursor.rowcount == 1


@uses_connection
def backdate_joining(db: Database, cohort_id: int, user_ids: list[int], at: str) -> None:
    """Simulated members (demo): joined the cohort, and had their account, at ``at``, before the
    learning history written for them (which the app would otherwise show as after it)."""
    for user_id in user_ids:
        db.execute("UPDATE memberships SET joined_at = ? WHERE cohort_id = ? AND user_id = ?", [at, cohort_id, user_id])
        db.execute("UPDATE users SET created_at = ? WHERE id = ? AND created_at > ?", [at, user_id, at])


@uses_connection
def remove_member(db: Database, cohort_id: int, user_id: int) -> None:
    db.execute("DELETE FROM memberships WHERE cohort_id = ? AND user_id = ?", [cohort_id, user_id])


@uses_connection
def members(db: Database, cohort_id: int) -> list[dict]:
    return list(db.query(
        "SELECT u.id, u.login, u.display_name, m.joined_at, u.last_active_at FROM memberships m"
        " JOIN users u ON u.id = m.user_id WHERE m.cohort_id = ? ORDER BY u.display_name", [cohort_id]))


@uses_connection
def is_member(db: Database, cohort_id: int, user_id: int) -> bool:
    return next(db.query("SELECT 1 FROM memberships WHERE cohort_id = ? AND user_id = ?", [cohort_id, user_id]), None) is not None


@uses_connection
def trainer_sees_learner(db: Database, trainer_id: int, learner_id: int) -> bool:
    """True if the learner is in at least one cohort this trainer leads."""
    return next(db.query(
        "SELECT 1 FROM memberships m JOIN cohorts c ON c.id = m.cohort_id"
        " WHERE c.trainer_id = ? AND m.user_id = ? LIMIT 1", [trainer_id, learner_id]), None) is not None
