"""SQL for the learning record: append-only events plus the current-state tables pages read.

Every write happens in one short transaction together with its event, so the state tables can
always be rebuilt from the event log (see ``replay_lesson_progress``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from .db import inserted_id, read_all, read_one, utc_now, write_transaction
from .store import uses_connection


def _event(db: Database, user_id: int, kind: str, lesson_id: str, *, question_id: str | None = None,
           attempt_id: int | None = None, payload: dict | None = None, dedupe_key: str | None = None,
           at: str | None = None) -> bool:
    cursor = db.execute(
        "INSERT INTO events (user_id, kind, lesson_id, question_id, attempt_id, payload, dedupe_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [user_id, kind, lesson_id, question_id, attempt_id, json.dumps(payload or {}, ensure_ascii=False),
         dedupe_key, at or utc_now()])
    return cursor.rowcount == 1


def _ensure_progress(db: Database, user_id: int, lesson_id: str, now: str) -> None:
    db.execute("INSERT INTO lesson_progress (user_id, lesson_id, opened_at, last_activity_at)"
               " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [user_id, lesson_id, now, now])


@uses_connection
def record_opened(db: Database, user_id: int, lesson_id: str, view_key: str) -> bool:
    """Log one opening per page view (view_key); False if this view was already logged."""
    now = utc_now()
    with write_transaction(db):
        if not _event(db, user_id, "lesson_opened", lesson_id, dedupe_key=f"open:{view_key}", at=now):
            return False
        _ensure_progress(db, user_id, lesson_id, now)
        db.execute("UPDATE lesson_progress SET last_activity_at = ? WHERE user_id = ? AND lesson_id = ?",
                   [now, user_id, lesson_id])
    return True


@uses_connection
def record_reading(db: Database, user_id: int, lesson_id: str, seconds: float, beat_key: str) -> bool:
    """Add reading time once per heartbeat key; the caller caps ``seconds``."""
    now = utc_now()
    with write_transaction(db):
        if not _event(db, user_id, "reading_time", lesson_id, payload={"seconds": seconds},
                      dedupe_key=f"read:{beat_key}", at=now):
            return False
        _ensure_progress(db, user_id, lesson_id, now)
        db.execute("UPDATE lesson_progress SET reading_seconds = reading_seconds + ?, last_activity_at = ?"
                   " WHERE user_id = ? AND lesson_id = ?", [seconds, now, user_id, lesson_id])
    return True


@uses_connection
def record_read(db: Database, user_id: int, lesson_id: str) -> bool:
    """Mark a lesson as read (once); False if it already was."""
    now = utc_now()
    with write_transaction(db):
        _ensure_progress(db, user_id, lesson_id, now)
        cursor = db.execute("UPDATE lesson_progress SET read_at = ?, last_activity_at = ?"
                            " WHERE user_id = ? AND lesson_id = ? AND read_at IS NULL", [now, now, user_id, lesson_id])
        if cursor.rowcount == 0:
            return False
        _event(db, user_id, "lesson_read", lesson_id, dedupe_key=f"read-mark:{user_id}:{lesson_id}", at=now)
    return True


@uses_connection
def save_draft(db: Database, user_id: int, lesson_id: str, attempt_no: int, responses: dict) -> None:
    """Upsert the draft; its start time stays while the attempt stays (a new draft starts now)."""
    now = utc_now()
    db.execute(
        "INSERT INTO drafts (user_id, lesson_id, attempt_no, responses, updated_at, started_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, lesson_id) DO UPDATE SET attempt_no = excluded.attempt_no,"
        " responses = excluded.responses, updated_at = excluded.updated_at,"
        " started_at = CASE WHEN drafts.attempt_no = excluded.attempt_no THEN drafts.started_at"
        " ELSE excluded.started_at END",
        [user_id, lesson_id, attempt_no, json.dumps(responses, ensure_ascii=False), now, now])


@uses_connection
def load_draft(db: Database, user_id: int, lesson_id: str) -> tuple[int, dict] | None:
    row = read_one(db, "SELECT attempt_no, responses FROM drafts WHERE user_id = ? AND lesson_id = ?",
                   [user_id, lesson_id])
    return (row["attempt_no"], json.loads(row["responses"])) if row else None


@uses_connection
def next_attempt_no(db: Database, user_id: int, lesson_id: str) -> int:
    row = read_one(db, "SELECT COALESCE(MAX(attempt_no), 0) + 1 AS n FROM attempts WHERE user_id = ? AND lesson_id = ?",
                   [user_id, lesson_id])
    return row["n"]


@uses_connection
def attempt_by_key(db: Database, submit_key: str) -> dict | None:
    return next(db.query("SELECT * FROM attempts WHERE submit_key = ?", [submit_key]), None)


@uses_connection
def insert_attempt(db: Database, user_id: int, lesson_id: str, attempt_no: int, seed: int, submit_key: str,
                   result: dict[str, Any], answers: list[dict[str, Any]]) -> tuple[int, bool]:
    """Store a graded attempt exactly once per submit_key: (attempt id, newly stored?)."""
    now = utc_now()
    with write_transaction(db):
        existing = attempt_by_key(db, submit_key)
        if existing is not None:
            return existing["id"], False
        draft = read_one(db, "SELECT started_at FROM drafts WHERE user_id = ? AND lesson_id = ? AND attempt_no = ?",
                         [user_id, lesson_id, attempt_no])
        cursor = db.execute(
            "INSERT INTO attempts (user_id, lesson_id, attempt_no, seed, submit_key, score, max_score, percent,"
            " passed, pass_mark, submitted_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [user_id, lesson_id, attempt_no, seed, submit_key, result["score"], result["max_score"],
             result["percent"], int(result["passed"]), result["pass_mark"], now, draft["started_at"] if draft else None])
        attempt_id = inserted_id(cursor)
        for answer in answers:
            db.execute("INSERT INTO answers (attempt_id, question_id, objective, response, mark, max_mark)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       [attempt_id, answer["question_id"], answer["objective"],
                        json.dumps(answer["response"], ensure_ascii=False), answer["mark"], answer["max_mark"]])
            _event(db, user_id, "answer_submitted", lesson_id, question_id=answer["question_id"],
                   attempt_id=attempt_id, payload={"mark": answer["mark"], "max_mark": answer["max_mark"]}, at=now)
        _event(db, user_id, "attempt_graded", lesson_id, attempt_id=attempt_id, at=now,
               payload={"percent": result["percent"], "passed": bool(result["passed"])})
        _apply_attempt(db, user_id, lesson_id, attempt_id, result["percent"], bool(result["passed"]), now)
        db.execute("DELETE FROM drafts WHERE user_id = ? AND lesson_id = ?", [user_id, lesson_id])
    return attempt_id, True


def _apply_attempt(db: Database, user_id: int, lesson_id: str, attempt_id: int, percent: float,
                   passed: bool, now: str) -> None:
    """Best attempt policy: the best percentage counts; passed once, passed for good."""
    _ensure_progress(db, user_id, lesson_id, now)
    db.execute(
        "UPDATE lesson_progress SET attempts = attempts + 1,"
        " best_attempt_id = CASE WHEN best_percent IS NULL OR ? > best_percent THEN ? ELSE best_attempt_id END,"
        " best_percent = GREATEST(COALESCE(best_percent, ?), ?), passed = GREATEST(passed, ?), last_activity_at = ?"
        " WHERE user_id = ? AND lesson_id = ?",
        [percent, attempt_id, percent, percent, int(passed), now, user_id, lesson_id])


@uses_connection
def lesson_states(db: Database, user_id: int) -> dict[str, dict]:
    return {row["lesson_id"]: row for row in read_all(db, "SELECT * FROM lesson_progress WHERE user_id = ?", [user_id])}


@uses_connection
def lesson_state(db: Database, user_id: int, lesson_id: str) -> dict | None:
    return read_one(db, "SELECT * FROM lesson_progress WHERE user_id = ? AND lesson_id = ?", [user_id, lesson_id])


@uses_connection
def attempts_of(db: Database, user_id: int, lesson_id: str) -> list[dict]:
    return read_all(db, "SELECT * FROM attempts WHERE user_id = ? AND lesson_id = ? ORDER BY attempt_no",
                    [user_id, lesson_id])


@uses_connection
def answers_of(db: Database, attempt_id: int) -> list[dict]:
    rows = list(db.query("SELECT * FROM answers WHERE attempt_id = ?", [attempt_id]))
    for row in rows:
        row["response"] = json.loads(row["response"])
    return rows


@uses_connection
def events_of(db: Database, user_id: int) -> list[dict]:
    rows = list(db.query("SELECT * FROM events WHERE user_id = ? ORDER BY id", [user_id]))
    for row in rows:
        row["payload"] = json.loads(row["payload"])
    return rows


@uses_connection
def progress_rows(db: Database, user_id: int) -> list[dict]:
    """Current state rows in a stable order (used to compare with a replay)."""
    return list(db.query(
        "SELECT user_id, lesson_id, read_at IS NOT NULL AS read, reading_seconds, attempts, best_percent, passed"
        " FROM lesson_progress WHERE user_id = ? ORDER BY lesson_id", [user_id]))


@uses_connection
def objective_answers(db: Database, user_id: int) -> list[dict]:
    """Per objective the marks over all answers of the learner."""
    return list(db.query(
        "SELECT a.lesson_id, n.objective, SUM(n.mark) AS mark, SUM(n.max_mark) AS max_mark, COUNT(*) AS answers"
        " FROM answers n JOIN attempts a ON a.id = n.attempt_id WHERE a.user_id = ?"
        " GROUP BY a.lesson_id, n.objective", [user_id]))


@uses_connection
def daily_activity(db: Database, user_id: int) -> list[dict]:
    return list(db.query(
        "SELECT substr(created_at, 1, 10) AS day, kind, COUNT(*) AS n FROM events WHERE user_id = ?"
        " GROUP BY day, kind ORDER BY day", [user_id]))


@uses_connection
def attempt_owner(db: Database, attempt_id: int) -> int | None:
    row = next(db.query("SELECT user_id FROM attempts WHERE id = ?", [attempt_id]), None)
    return row["user_id"] if row else None


@uses_connection
def save_current_draft(db: Database, user_id: int, lesson_id: str, attempt_no: int, responses: dict) -> bool:
    """Save the draft only while ``attempt_no`` is still open (not yet submitted).

    A stale tab still showing a submitted attempt must not overwrite the draft of the next one.
    """
    with write_transaction(db):
        if next_attempt_no(db, user_id, lesson_id) != attempt_no:
            return False
        save_draft(db, user_id, lesson_id, attempt_no, responses)
    return True


@uses_connection
def start_draft(db: Database, user_id: int, lesson_id: str, attempt_no: int) -> None:
    """An empty draft for ``attempt_no``, started now; an existing draft of that attempt is kept
    with its start time (idempotent: a second click or a second tab does not restart the clock)."""
    now = utc_now()
    db.execute(
        "INSERT INTO drafts (user_id, lesson_id, attempt_no, responses, updated_at, started_at)"
        " VALUES (?, ?, ?, '{}', ?, ?)"
        " ON CONFLICT (user_id, lesson_id) DO UPDATE SET attempt_no = excluded.attempt_no,"
        " responses = excluded.responses, updated_at = excluded.updated_at, started_at = excluded.started_at"
        " WHERE drafts.attempt_no != excluded.attempt_no",
        [user_id, lesson_id, attempt_no, now, now])


@uses_connection
def last_attempt(db: Database, user_id: int, lesson_id: str) -> dict | None:
    return read_one(db, "SELECT * FROM attempts WHERE user_id = ? AND lesson_id = ? ORDER BY attempt_no DESC LIMIT 1",
                    [user_id, lesson_id])


@uses_connection
def get_attempt(db: Database, attempt_id: int) -> dict | None:
    return next(db.query("SELECT * FROM attempts WHERE id = ?", [attempt_id]), None)


@uses_connection
def latest_objective_answers(db: Database, user_id: int) -> list[dict]:
    """Per objective the marks of the learner's latest attempt of each lesson (improvement counts)."""
    return list(db.query(
        "SELECT a.lesson_id, n.objective, SUM(n.mark) AS mark, SUM(n.max_mark) AS max_mark, COUNT(*) AS answers"
        " FROM answers n JOIN attempts a ON a.id = n.attempt_id"
        " WHERE a.user_id = ? AND a.attempt_no = (SELECT MAX(b.attempt_no) FROM attempts b"
        "   WHERE b.user_id = a.user_id AND b.lesson_id = a.lesson_id)"
        " GROUP BY a.lesson_id, n.objective", [user_id]))


@uses_connection
def milestone_events(db: Database, user_id: int) -> list[dict]:
    """Lessons marked read and attempts graded, oldest first (for the progress chart)."""
    rows = list(db.query(
        "SELECT kind, lesson_id, payload, created_at FROM events"
        " WHERE user_id = ? AND kind IN ('lesson_read', 'attempt_graded') ORDER BY id", [user_id]))
    for row in rows:
        row["payload"] = json.loads(row["payload"])
    return rows
