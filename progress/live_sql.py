"""SQL of Seminar live (portable: ? placeholders, ON CONFLICT, RETURNING-free inserts with lastrowid)."""

from __future__ import annotations

from sqlite_utils import Database

from .db import read_all, read_one, utc_now
from .store import uses_connection

SESSION = "SELECT id, cohort_id, trainer_id, join_code, allow_anonymous, created_at, ended_at FROM live_sessions"
QUESTION = ("SELECT id, session_id, kind, prompt, options, correct, source, state, revealed, created_at, opened_at,"
            " closed_at FROM live_questions")


@uses_connection
def insert_session(db: Database, cohort_id: int, trainer_id: int, join_code: str, allow_anonymous: bool) -> int:
    cursor = db.execute("INSERT INTO live_sessions (cohort_id, trainer_id, join_code, allow_anonymous, created_at)"
                        " VALUES (?, ?, ?, ?, ?)", [cohort_id, trainer_id, join_code, int(allow_anonymous), utc_now()])
    return int(cursor.lastrowid)


@uses_connection
def get_session(db: Database, session_id: int) -> dict | None:
    return read_one(db, SESSION + " WHERE id = ?", [session_id])


@uses_connection
def session_by_code(db: Database, join_code: str) -> dict | None:
    return read_one(db, SESSION + " WHERE join_code = ? AND ended_at IS NULL", [join_code])


@uses_connection
def running_session(db: Database, cohort_id: int) -> dict | None:
    return read_one(db, SESSION + " WHERE cohort_id = ? AND ended_at IS NULL ORDER BY id DESC LIMIT 1", [cohort_id])


@uses_connection
def sessions_of_cohort(db: Database, cohort_id: int) -> list[dict]:
    return read_all(db, SESSION + " WHERE cohort_id = ? ORDER BY id", [cohort_id])


@uses_connection
def end_session(db: Database, session_id: int) -> None:
    now = utc_now()
    db.execute("UPDATE live_questions SET state = 'closed', closed_at = ? WHERE session_id = ? AND state = 'open'",
               [now, session_id])
    db.execute("UPDATE live_sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", [now, session_id])


@uses_connection
def insert_question(db: Database, session_id: int, kind: str, prompt: str, options: str, correct: str,
                    source: str | None) -> int:
    cursor = db.execute("INSERT INTO live_questions (session_id, kind, prompt, options, correct, source, created_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)", [session_id, kind, prompt, options, correct, source, utc_now()])
    return int(cursor.lastrowid)


@uses_connection
def questions(db: Database, session_id: int) -> list[dict]:
    return read_all(db, QUESTION + " WHERE session_id = ? ORDER BY id", [session_id])


@uses_connection
def get_question(db: Database, question_id: int) -> dict | None:
    return read_one(db, QUESTION + " WHERE id = ?", [question_id])


@uses_connection
def open_question(db: Database, session_id: int, question_id: int) -> None:
    """One open question per session: opening one closes the one that was open."""
    now = utc_now()
    db.execute("UPDATE live_questions SET state = 'closed', closed_at = ? WHERE session_id = ? AND state = 'open'"
               " AND id <> ?", [now, session_id, question_id])
    db.execute("UPDATE live_questions SET state = 'open', opened_at = ?, closed_at = NULL WHERE id = ?",
               [now, question_id])


@uses_connection
def close_question(db: Database, question_id: int) -> None:
    db.execute("UPDATE live_questions SET state = 'closed', closed_at = ? WHERE id = ? AND state = 'open'",
               [utc_now(), question_id])


@uses_connection
def reveal(db: Database, question_id: int) -> None:
    db.execute("UPDATE live_questions SET revealed = 1 WHERE id = ?", [question_id])


@uses_connection
def upsert_answer(db: Database, question_id: int, participant: str, user_id: int | None, answer: str) -> bool:
    """Store or replace a participant's answer while the question is open; False once it is closed.

    The state check and the write are one statement, so an answer racing the close is either in
    before it or refused, never half-counted."""
    cursor = db.execute(
        "INSERT INTO live_answers (question_id, participant, user_id, answer, answered_at)"
        " SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM live_questions WHERE id = ? AND state = 'open')"
        " ON CONFLICT (question_id, participant) DO UPDATE SET answer = excluded.answer,"
        " answered_at = excluded.answered_at",
        [question_id, participant, user_id, answer, utc_now(), question_id])
    return cursor.rowcount > 0


@uses_connection
def answers(db: Database, question_id: int) -> list[str]:
    """The answers of one question (JSON texts), without who gave them."""
    return [row["answer"] for row in read_all(db, "SELECT answer FROM live_answers WHERE question_id = ?",
                                              [question_id])]


@uses_connection
def answer_of(db: Database, question_id: int, participant: str) -> str | None:
    row = read_one(db, "SELECT answer FROM live_answers WHERE question_id = ? AND participant = ?",
                   [question_id, participant])
    return None if row is None else row["answer"]


@uses_connection
def answer_counts(db: Database, session_id: int) -> dict[int, int]:
    rows = read_all(db, "SELECT q.id AS question_id, COUNT(a.participant) AS n FROM live_questions q"
                        " LEFT JOIN live_answers a ON a.question_id = q.id WHERE q.session_id = ? GROUP BY q.id",
                    [session_id])
    return {row["question_id"]: row["n"] for row in rows}
