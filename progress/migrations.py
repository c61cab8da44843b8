"""Named migrations, one set per feature area; applied in this order at start.

A new schema change is a new function in a set, never an edit of an applied one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

core = Migrations("lotse-core")


@core()
def accounts(db: Database) -> None:
    db.executescript("""
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        password_hash TEXT,
        role TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'admin')),
        disabled INTEGER NOT NULL DEFAULT 0,
        sso_subject TEXT UNIQUE,
        created_at TEXT NOT NULL,
        last_active_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_id);
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL,
        client TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX login_failures_login ON login_failures(login, at);
    CREATE INDEX login_failures_client ON login_failures(client, at);
    CREATE TABLE reset_codes (
        code_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE cohorts (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        trainer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        seminar_date TEXT,
        place TEXT NOT NULL DEFAULT '',
        pre_deadline TEXT,
        invite_code TEXT NOT NULL UNIQUE,
        invite_active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL
    );
    CREATE INDEX cohorts_trainer ON cohorts(trainer_id);
    CREATE TABLE memberships (
        cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (cohort_id, user_id)
    );
    CREATE INDEX memberships_user ON memberships(user_id);
    """)


@core()
def learning(db: Database) -> None:
    db.executescript("""
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        lesson_id TEXT NOT NULL,
        question_id TEXT,
        attempt_id INTEGER,
        payload TEXT NOT NULL DEFAULT '{}',
        dedupe_key TEXT UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE INDEX events_user ON events(user_id, created_at);
    CREATE INDEX events_lesson ON events(lesson_id, kind);
    CREATE TABLE lesson_progress (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        read_at TEXT,
        reading_seconds REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        best_percent REAL,
        best_attempt_id INTEGER,
        passed INTEGER NOT NULL DEFAULT 0,
        last_activity_at TEXT NOT NULL,
        PRIMARY KEY (user_id, lesson_id)
    );
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        attempt_no INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        submit_key TEXT NOT NULL UNIQUE,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        percent REAL NOT NULL,
        passed INTEGER NOT NULL,
        pass_mark REAL NOT NULL,
        submitted_at TEXT NOT NULL,
        UNIQUE (user_id, lesson_id, attempt_no)
    );
    CREATE INDEX attempts_lesson ON attempts(lesson_id, user_id);
    CREATE TABLE answers (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        objective TEXT NOT NULL,
        response TEXT NOT NULL,
        mark REAL NOT NULL,
        max_mark REAL NOT NULL,
        PRIMARY KEY (attempt_id, question_id)
    );
    CREATE TABLE drafts (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        attempt_no INTEGER NOT NULL,
        responses TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, lesson_id)
    );
    """)


@core()
def search_index(db: Database) -> None:
    db.executescript("""
    CREATE TABLE lesson_texts (
        lesson_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        digest TEXT NOT NULL
    );
    """)
    db.table("lesson_texts").enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


from .schema_analytics import analytics  # noqa: E402
from .schema_projects import projects  # noqa: E402
from .schema_selfstudy import selfstudy  # noqa: E402
from .schema_xapi import xapi  # noqa: E402

MIGRATION_SETS: list[Migrations] = [core, analytics, projects, selfstudy, xapi]
