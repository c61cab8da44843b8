"""Tables of the self-study features: entry check, review cards, journal, self-assessment, certificates.

Every table holding personal data references users(id) ON DELETE CASCADE, directly or through its
parent row, so deleting an account removes all of it. That includes certificates: the verification
page then answers "unknown code" for a deleted account's certificate (personal data is not kept
just to keep a code verifiable; the PDF the person downloaded stays theirs).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

selfstudy = Migrations("lotse-selfstudy")


@selfstudy()
def placement(db: Database) -> None:
    # One row per run of the entry check; ``items`` are the drawn (lesson, question) pairs, fixed at
    # the start so later content changes do not change a running check; ``result`` is set when finished.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS placement_results (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        run_no INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        items TEXT NOT NULL,
        responses TEXT NOT NULL DEFAULT '{}',
        result TEXT,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        finished_at TEXT,
        UNIQUE (user_id, run_no)
    );
    """)


@selfstudy()
def review(db: Database) -> None:
    # ``card`` is fsrs Card.to_json(); ``due`` repeats card.due as sortable UTC text for the queries.
    # ``version`` guards against a double submit of the same review (optimistic concurrency).
    # review_logs keep every rating (fsrs ReviewLog.to_json() in ``log``) so the scheduler can be
    # re-fitted with fsrs' Optimizer later.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS review_cards (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        question_id TEXT NOT NULL,
        card TEXT NOT NULL,
        due TEXT NOT NULL,
        last_fraction REAL NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (user_id, lesson_id, question_id)
    );
    CREATE INDEX IF NOT EXISTS review_cards_due ON review_cards(user_id, due);
    CREATE TABLE IF NOT EXISTS review_logs (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL REFERENCES review_cards(id) ON DELETE CASCADE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        source TEXT NOT NULL CHECK (source IN ('quiz', 'review')),
        attempt_id INTEGER,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        fraction REAL NOT NULL,
        reviewed_at TEXT NOT NULL,
        duration_ms INTEGER,
        log TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS review_logs_card ON review_logs(card_id, reviewed_at);
    CREATE TABLE IF NOT EXISTS review_sync (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        last_attempt_id INTEGER NOT NULL
    );
    """)


@selfstudy()
def reflection(db: Database) -> None:
    # reflection_versions keeps every earlier text of an entry with the time it was written.
    # A share names the cohort and the trainer who led it when the learner shared: the entry is
    # visible to that person only while they still lead that cohort and the learner is a member.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS reflections (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        prompt_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reflections_user ON reflections(user_id, lesson_id, prompt_id);
    CREATE TABLE IF NOT EXISTS reflection_versions (
        id INTEGER PRIMARY KEY,
        reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        written_at TEXT NOT NULL,
        replaced_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS reflection_versions_entry ON reflection_versions(reflection_id);
    CREATE TABLE IF NOT EXISTS reflection_shares (
        reflection_id INTEGER NOT NULL REFERENCES reflections(id) ON DELETE CASCADE,
        cohort_id INTEGER NOT NULL REFERENCES cohorts(id) ON DELETE CASCADE,
        trainer_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        shared_at TEXT NOT NULL,
        PRIMARY KEY (reflection_id, cohort_id)
    );
    CREATE INDEX IF NOT EXISTS reflection_shares_trainer ON reflection_shares(trainer_id, cohort_id);
    """)


@selfstudy()
def self_assessment(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS self_assessments (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        lesson_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        phase TEXT NOT NULL CHECK (phase IN ('vorher', 'nachher')),
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        rated_at TEXT NOT NULL,
        PRIMARY KEY (user_id, lesson_id, item_id, phase)
    );
    """)


@selfstudy()
def certificates(db: Database) -> None:
    # What the certificate says is frozen at issue time (name, course, modules, duration), so the
    # PDF and the verification page keep saying the same thing after content or name changes.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS certificates (
        id INTEGER PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        course_id TEXT NOT NULL,
        code TEXT NOT NULL UNIQUE,
        holder_name TEXT NOT NULL,
        course_title TEXT NOT NULL,
        modules TEXT NOT NULL,
        lesson_count INTEGER NOT NULL,
        total_minutes INTEGER NOT NULL,
        issued_at TEXT NOT NULL,
        UNIQUE (user_id, course_id)
    );
    """)


@selfstudy()
def onboarding_choice(db: Database) -> None:
    # The first visit's choice: 'placement' (the entry check) or 'skipped' (start with the course
    # order); remembered so the welcome step is not shown again; deleted to see it once more.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS onboarding_choices (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        choice TEXT NOT NULL CHECK (choice IN ('placement', 'skipped')),
        chosen_at TEXT NOT NULL
    );
    """)
