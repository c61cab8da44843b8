"""SQL for the Projektwerkstatt: projects, step contents, versions, comments, cohort timelines.

Step contents are stored as JSON text; ``lotse.projects`` validates them before they get here.
Every save appends a version and replaces the current content in one short transaction.
"""

from __future__ import annotations

from sqlite_utils import Database

from .db import inserted_id, write_transaction
from .store import uses_connection


# --- projects ---------------------------------------------------------------------------------

@uses_connection
def insert_project(db: Database, owner_id: int, title: str, subject: str, now: str) -> int:
    cursor = db.execute(
        "INSERT INTO projects (owner_id, title, subject, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        [owner_id, title, subject, now, now])
    return inserted_id(cursor)


@uses_connection
def get_project(db: Database, project_id: int) -> dict | None:
    return next(db.query("SELECT * FROM projects WHERE id = ?", [project_id]), None)


@uses_connection
def projects_of_owner(db: Database, owner_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM projects WHERE owner_id = ? ORDER BY updated_at DESC, id DESC", [owner_id]))


@uses_connection
def delete_project(db: Database, project_id: int) -> None:
    db.execute("DELETE FROM projects WHERE id = ?", [project_id])


@uses_connection
def set_share(db: Database, project_id: int, cohort_id: int | None, now: str | None) -> None:
    db.execute("UPDATE projects SET shared_cohort_id = ?, shared_at = ? WHERE id = ?", [cohort_id, now, project_id])


# --- steps and versions -----------------------------------------------------------------------

@uses_connection
def current_steps(db: Database, project_id: int) -> dict[str, dict]:
    """step -> {content, version_no, saved_at} of the current content."""
    return {r["step"]: r for r in db.query(
        "SELECT step, content, version_no, saved_at FROM project_steps WHERE project_id = ?", [project_id])}


@uses_connection
def save_step(db: Database, project_id: int, step: str, content: str, note: str, now: str,
              basics: tuple[str, str] | None = None, keep: int = 200) -> int:
    """Append a version of ``step`` and make it current; returns the new version number.

    ``basics`` (title, subject) also updates the project row (the "rahmen" step). Versions beyond
    the newest ``keep`` of this step are deleted, so an autosaving page cannot grow without end.
    """
    with write_transaction(db):
        row = next(db.query("SELECT COALESCE(MAX(version_no), 0) + 1 AS n FROM project_versions WHERE project_id = ?",
                            [project_id]))
        version_no = row["n"]
        db.execute("INSERT INTO project_versions (project_id, version_no, step, content, note, saved_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)", [project_id, version_no, step, content, note, now])
        db.execute("INSERT INTO project_steps (project_id, step, content, version_no, saved_at) VALUES (?, ?, ?, ?, ?)"
                   " ON CONFLICT (project_id, step) DO UPDATE SET content = excluded.content,"
                   " version_no = excluded.version_no, saved_at = excluded.saved_at",
                   [project_id, step, content, version_no, now])
        if basics is not None:
            db.execute("UPDATE projects SET title = ?, subject = ?, updated_at = ? WHERE id = ?",
                       [basics[0], basics[1], now, project_id])
        else:
            db.execute("UPDATE projects SET updated_at = ? WHERE id = ?", [now, project_id])
        db.execute("DELETE FROM project_versions WHERE project_id = ? AND step = ? AND version_no NOT IN"
                   " (SELECT version_no FROM project_versions WHERE project_id = ? AND step = ?"
                   "  ORDER BY version_no DESC LIMIT ?)", [project_id, step, project_id, step, keep])
    return version_no


@uses_connection
def versions_of(db: Database, project_id: int, step: str, limit: int = 50) -> list[dict]:
    """The newest versions of one step first."""
    return list(db.query(
        "SELECT version_no, step, content, note, saved_at FROM project_versions"
        " WHERE project_id = ? AND step = ? ORDER BY version_no DESC LIMIT ?", [project_id, step, limit]))


@uses_connection
def get_version(db: Database, project_id: int, version_no: int) -> dict | None:
    return next(db.query("SELECT version_no, step, content, note, saved_at FROM project_versions"
                         " WHERE project_id = ? AND version_no = ?", [project_id, version_no]), None)


@uses_connection
def count_versions(db: Database, project_id: int) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM project_versions WHERE project_id = ?", [project_id]))["n"]


# --- who may read -----------------------------------------------------------------------------

@uses_connection
def trainer_reads_project(db: Database, trainer_id: int, project_id: int) -> bool:
    """True if the project is shared with a cohort this person leads and its owner is still a member."""
    return next(db.query(
        "SELECT 1 FROM projects p JOIN cohorts c ON c.id = p.shared_cohort_id"
        " JOIN memberships m ON m.cohort_id = c.id AND m.user_id = p.owner_id"
        " WHERE p.id = ? AND c.trainer_id = ?", [project_id, trainer_id]), None) is not None


@uses_connection
def shared_projects_of_cohort(db: Database, cohort_id: int) -> list[dict]:
    """Projects shared with this cohort by its current members, with owner name and comment count."""
    return list(db.query(
        "SELECT p.*, u.display_name AS owner_name,"
        " (SELECT COUNT(*) FROM project_comments k WHERE k.project_id = p.id) AS comments"
        " FROM projects p JOIN memberships m ON m.cohort_id = p.shared_cohort_id AND m.user_id = p.owner_id"
        " JOIN users u ON u.id = p.owner_id"
        " WHERE p.shared_cohort_id = ? ORDER BY u.display_name, p.title, p.id", [cohort_id]))


# --- comments ---------------------------------------------------------------------------------

@uses_connection
def insert_comment(db: Database, project_id: int, step: str, author_id: int, body: str, now: str,
                   parent_id: int | None = None) -> int:
    cursor = db.execute(
        "INSERT INTO project_comments (project_id, step, parent_id, author_id, body, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [project_id, step, parent_id, author_id, body, now])
    return inserted_id(cursor)


@uses_connection
def get_comment(db: Database, comment_id: int) -> dict | None:
    return next(db.query("SELECT * FROM project_comments WHERE id = ?", [comment_id]), None)


@uses_connection
def comments_of(db: Database, project_id: int) -> list[dict]:
    return list(db.query(
        "SELECT k.id, k.step, k.parent_id, k.author_id, k.body, k.created_at, u.display_name AS author_name"
        " FROM project_comments k JOIN users u ON u.id = k.author_id"
        " WHERE k.project_id = ? ORDER BY k.created_at, k.id", [project_id]))


# --- cohort timelines -------------------------------------------------------------------------

@uses_connection
def set_timeline(db: Database, cohort_id: int, kickoff: str, phases: list[tuple[int, str, str]], now: str) -> None:
    """Replace the timeline: ``phases`` as (phase_no, seminar_day, work_end) ISO dates."""
    with write_transaction(db):
        db.execute("INSERT INTO cohort_timelines (cohort_id, kickoff, updated_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (cohort_id) DO UPDATE SET kickoff = excluded.kickoff, updated_at = excluded.updated_at",
                   [cohort_id, kickoff, now])
        db.execute("DELETE FROM cohort_phases WHERE cohort_id = ?", [cohort_id])
        for phase_no, seminar_day, work_end in phases:
            db.execute("INSERT INTO cohort_phases (cohort_id, phase_no, seminar_day, work_end) VALUES (?, ?, ?, ?)",
                       [cohort_id, phase_no, seminar_day, work_end])


@uses_connection
def get_timeline(db: Database, cohort_id: int) -> tuple[str, list[dict]] | None:
    """(kickoff, phases ordered by number) or None if the cohort has no timeline."""
    head = next(db.query("SELECT kickoff FROM cohort_timelines WHERE cohort_id = ?", [cohort_id]), None)
    if head is None:
        return None
    phases = list(db.query("SELECT phase_no, seminar_day, work_end FROM cohort_phases WHERE cohort_id = ?"
                           " ORDER BY phase_no", [cohort_id]))
    return head["kickoff"], phases


@uses_connection
def delete_timeline(db: Database, cohort_id: int) -> None:
    db.execute("DELETE FROM cohort_timelines WHERE cohort_id = ?", [cohort_id])
