"""Tables of the visibility policy (issue 18): learners' opt-ins and the trainers' access log.

Both have user columns that reference users(id), so the data export and account deletion
(progress.privacy_sql reads the schema) cover them without a list to maintain:
- visibility_choices: one row per learner who shares more than the operator's policy;
- access_log: who (trainer_id) looked at or exported whose (learner_id) data, what, when.
  Deleting the learner deletes the entries about them; deleting the trainer keeps the entry
  for the learner (Art. 15) but unlinks the trainer (SET NULL).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

policy = Migrations("lotse-policy")


@policy()
def visibility_tables(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS visibility_choices (
        user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        level INTEGER NOT NULL,
        reading_time INTEGER NOT NULL DEFAULT 0,
        activity INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS access_log (
        id INTEGER PRIMARY KEY,
        trainer_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        learner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        cohort_id INTEGER,
        what TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS access_log_learner ON access_log(learner_id, at);
    CREATE INDEX IF NOT EXISTS access_log_at ON access_log(at);
    """)
