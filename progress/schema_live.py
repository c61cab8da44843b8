"""Schema of Seminar live: sessions a trainer runs in the room, their questions, and the answers."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

live = Migrations("lotse-live")


@live()
def live_sessions(db: Database) -> None:
    # Answers keep user_id only for members who answered signed in (the cohort's record, shown at group
    # level); anonymous participants are a random key that lives in their browser session.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS live_sessions (
        id INTEGER PRIMARY KEY,
        cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        trainer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        join_code TEXT NOT NULL UNIQUE,
        allow_anonymous INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE INDEX IF NOT EXISTS live_sessions_cohort ON live_sessions(cohort_id, created_at);
    CREATE TABLE IF NOT EXISTS live_questions (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES live_sessions(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'word', 'scale')),
        prompt TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '[]',
        correct TEXT NOT NULL DEFAULT '[]',
        source TEXT,
        state TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'open', 'closed')),
        revealed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        opened_at TEXT,
        closed_at TEXT
    );
    CREATE INDEX IF NOT EXISTS live_questions_session ON live_questions(session_id, id);
    CREATE TABLE IF NOT EXISTS live_answers (
        question_id INTEGER NOT NULL REFERENCES live_questions(id) ON DELETE CASCADE,
        participant TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
        answer TEXT NOT NULL,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (question_id, participant)
    );
    """)
