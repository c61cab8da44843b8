"""Tables of the Projektwerkstatt: learners' own projects, their version history, trainer comments,
and the course-phase timeline of a cohort.

Personal tables reference users(id) ON DELETE CASCADE (account deletion relies on it); versions,
current step contents and comments hang off projects with ON DELETE CASCADE as well.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

projects = Migrations("lotse-projects")


@projects()
def project_tables(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS projects (
        id INTEGER PRIMARY KEY,
        owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        subject TEXT NOT NULL DEFAULT '',
        shared_cohort_id INTEGER REFERENCES cohorts(id) ON DELETE SET NULL,
        shared_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS projects_owner ON projects(owner_id, updated_at);
    CREATE INDEX IF NOT EXISTS projects_shared ON projects(shared_cohort_id);
    CREATE TABLE IF NOT EXISTS project_steps (
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        content TEXT NOT NULL,
        version_no INTEGER NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (project_id, step)
    );
    CREATE TABLE IF NOT EXISTS project_versions (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        version_no INTEGER NOT NULL,
        step TEXT NOT NULL,
        content TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        saved_at TEXT NOT NULL,
        UNIQUE (project_id, version_no)
    );
    CREATE INDEX IF NOT EXISTS project_versions_step ON project_versions(project_id, step, version_no);
    CREATE TABLE IF NOT EXISTS project_comments (
        id INTEGER PRIMARY KEY,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        step TEXT NOT NULL,
        parent_id INTEGER REFERENCES project_comments(id) ON DELETE CASCADE,
        author_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS project_comments_project ON project_comments(project_id, step, created_at);
    CREATE INDEX IF NOT EXISTS project_comments_author ON project_comments(author_id);
    CREATE TABLE IF NOT EXISTS cohort_timelines (
        cohort_id INTEGER PRIMARY KEY REFERENCES cohorts(id) ON DELETE CASCADE,
        kickoff TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS cohort_phases (
        cohort_id INTEGER NOT NULL REFERENCES cohort_timelines(cohort_id) ON DELETE CASCADE,
        phase_no INTEGER NOT NULL,
        seminar_day TEXT NOT NULL,
        work_end TEXT NOT NULL,
        PRIMARY KEY (cohort_id, phase_no)
    );
    """)
