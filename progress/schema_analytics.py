"""Schema the trainer cockpit adds: two indexes and per-objective sums of each attempt (kept by a trigger)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

analytics = Migrations("lotse-analytics")


@analytics()
def activity_index(db: Database) -> None:
    # "Activity over time" reads a few event kinds of the cohort's members in a date window;
    # with this index it touches only those rows (not every reading heartbeat, not other cohorts).
    db.execute("CREATE INDEX IF NOT EXISTS events_user_kind_time ON events(user_id, kind, created_at)")


@analytics()
def attempt_objectives(db: Database) -> None:
    # Marks per attempt and learning objective, kept by a trigger as answers arrive (answers are
    # insert-only; deleting an attempt or a user cascades). Mastery per objective then reads two
    # or three rows per learner and lesson instead of every answer.
    db.executescript("""
    CREATE TABLE IF NOT EXISTS attempt_objectives (
        attempt_id INTEGER NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
        objective TEXT NOT NULL,
        mark REAL NOT NULL,
        max_mark REAL NOT NULL,
        PRIMARY KEY (attempt_id, objective)
    ) WITHOUT ROWID;
    INSERT OR IGNORE INTO attempt_objectives (attempt_id, objective, mark, max_mark)
        SELECT attempt_id, objective, SUM(mark), SUM(max_mark) FROM answers GROUP BY attempt_id, objective;
    CREATE TRIGGER IF NOT EXISTS answers_sum_by_objective AFTER INSERT ON answers BEGIN
        INSERT INTO attempt_objectives (attempt_id, objective, mark, max_mark)
        VALUES (NEW.attempt_id, NEW.objective, NEW.mark, NEW.max_mark)
        ON CONFLICT (attempt_id, objective)
        DO UPDATE SET mark = mark + excluded.mark, max_mark = max_mark + excluded.max_mark;
    END;
    """)
