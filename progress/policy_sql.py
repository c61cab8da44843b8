"""SQL for the visibility policy: learners' opt-ins (visibility_choices)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from .db import utc_now
from .store import uses_connection


@uses_connection
def choices_of(db: Database, user_ids: Iterable[int]) -> dict[int, dict]:
    """user id -> {level, reading_time, activity} for those who made a choice."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = db.query(f"SELECT user_id, level, reading_time, activity FROM visibility_choices"
                    f" WHERE user_id IN ({marks})", ids)
    return {r["user_id"]: r for r in rows}


@uses_connection
def save_choice(db: Database, user_id: int, level: int, reading_time: bool, activity: bool) -> None:
    db.execute(
        "INSERT INTO visibility_choices (user_id, level, reading_time, activity, updated_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET level = excluded.level, reading_time = excluded.reading_time,"
        " activity = excluded.activity, updated_at = excluded.updated_at",
        [user_id, level, int(reading_time), int(activity), utc_now()])


@uses_connection
def delete_choice(db: Database, user_id: int) -> None:
    db.execute("DELETE FROM visibility_choices WHERE user_id = ?", [user_id])
