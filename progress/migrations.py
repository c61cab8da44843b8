"""Named migrations, one set per feature area; applied in this order by ``python -m lotse prepare``.

A new schema change is a new function in a set, never an edit of an applied one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

core = Migrations("lotse-core")


@core()
def accounts(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS users (
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
    CREATE TABLE IF NOT EXISTS sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
    CREATE TABLE IF NOT EXISTS login_failures (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL,
        client TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS login_failures_login ON login_failures(login, at);
    CREATE INDEX IF NOT EXISTS login_failures_client ON login_failures(client, at);
    CREATE TABLE IF NOT EXISTS reset_codes (
        code_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    );
    CREATE TABLE IF NOT EXISTS cohorts (
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
    CREATE INDEX IF NOT EXISTS cohorts_trainer ON cohorts(trainer_id);
    CREATE TABLE IF NOT EXISTS memberships (
        cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (cohort_id, user_id)
    );
    CREATE INDEX IF NOT EXISTS memberships_user ON memberships(user_id);
    """)


@core()
def learning(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS events (
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
    CREATE INDEX IF NOT EXISTS events_user ON events(user_id, created_at);
    CREATE INDEX IF NOT EXISTS events_lesson ON events(lesson_id, kind);
    CREATE TABLE IF NOT EXISTS lesson_progress (
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
    CREATE TABLE IF NOT EXISTS attempts (
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
    CREATE INDEX IF NOT EXISTS attempts_lesson ON attempts(lesson_id, user_id);
    CREATE TABLE IF NOT EXISTS answers (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        objective TEXT NOT NULL,
        response TEXT NOT NULL,
        mark REAL NOT NULL,
        max_mark REAL NOT NULL,
        PRIMARY KEY (attempt_id, question_id)
    );
    CREATE TABLE IF NOT EXISTS drafts (
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
    CREATE TABLE IF NOT EXISTS lesson_texts (
        lesson_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        digest TEXT NOT NULL
    );
    """)
    if not db.table("lesson_texts_fts").exists():
        db.table("lesson_texts").enable_fts(["title", "body"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@core()
def attempt_start_times(db: Database) -> None:
    """When an attempt was started ("Quiz starten", "Neuer Versuch"): kept on the open attempt's
    draft and carried over to the attempt on submit, for the xAPI duration (issue 20). NULL for
    drafts and attempts from before this step: their duration is unknown."""
    db.execute("ALTER TABLE drafts ADD COLUMN started_at TEXT")
    db.execute("ALTER TABLE attempts ADD COLUMN started_at TEXT")


from .schema_analytics import analytics  # noqa: E402
from .schema_policy import policy  # noqa: E402
from .schema_projects import projects  # noqa: E402
from .schema_selfstudy import selfstudy  # noqa: E402
from .schema_live import live  # noqa: E402
from .schema_xapi import xapi  # noqa: E402

MIGRATION_SETS: list[Migrations] = [core, analytics, projects, selfstudy, xapi, live, policy]


def pending_names(db: Database) -> list[str]:
    """``set:name`` of every migration not yet applied (read-only)."""
    return [f"{m.name}:{step.name}" for m in MIGRATION_SETS for step in m.pending(db)]


def apply_pending(db: Database) -> list[str]:
    """Apply every pending migration in order; returns the ``set:name`` of those applied now.

    Callers hold the store's migration lock (Store.migrate). Each step also creates only what is
    missing (IF NOT EXISTS), so a step interrupted half-way can run again.
    """
    applied = pending_names(db)
    for migrations in MIGRATION_SETS:
        migrations.apply(db)
    return applied
