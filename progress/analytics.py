"""Aggregate SQL for the trainer cockpit: one query per figure, never one query per learner.

(The one figure finished in Python is the median reading time: it is taken from the rows of
``progress_cells``, which the matrix needs anyway, in one pass; SQLite's window functions
cost several times more for it.)

Every function takes the cohort id(s) the core has already authorised (lotse.access.require_cohort)
and restricts itself to the members of those cohorts through the ``m`` common table expression.
Column names and conditions come from allow-lists in this module, never from the caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from .store import uses_connection

# Which attempt of each learner counts for item statistics (Moodle offers the same choice).
ATTEMPT_CHOICES = ("first", "last", "best", "all")
_RANK_CONDITION = {"first": "r.first_rank = 1", "last": "r.last_rank = 1", "best": "r.best_rank = 1", "all": "1 = 1"}

# Event kinds that count as "activity" (reading heartbeats and single answers would only add noise).
ACTIVITY_KINDS = ("lesson_opened", "lesson_read", "attempt_graded")


def _ids(values: Iterable[int], what: str) -> list[int]:
    ids = sorted({int(v) for v in values})
    if not ids:
        raise ValueError(f"at least one {what} is needed")
    return ids


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _rows(db: Database, sql: str, params: list) -> list[sqlite3.Row]:
    """Rows with access by column name, built in C: for the big results (one row per learner and
    lesson), where sqlite-utils' dict per row costs more than the query itself."""
    cursor = db.conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, params).fetchall()


def _members(cohort_ids: Iterable[int]) -> tuple[str, list]:
    """The CTE ``m(user_id)``: distinct members of the given cohorts, and its parameters."""
    ids = _ids(cohort_ids, "cohort id")
    return f"m AS (SELECT DISTINCT user_id FROM memberships WHERE cohort_id IN ({_marks(ids)}))", ids


def _lesson_filter(lesson_ids: Sequence[str], column: str) -> tuple[str, list]:
    """``AND column IN (...)`` for the catalog's lessons (``column`` is one of ours)."""
    lessons = list(dict.fromkeys(lesson_ids))
    if not lessons:
        return " AND 1 = 0", []
    return f" AND {column} IN ({_marks(lessons)})", lessons


@uses_connection
def members(db: Database, cohort_ids: Iterable[int]) -> list[dict]:
    """Members in a stable order (user id): id, display name, first joined. No logins, no hashes."""
    ids = _ids(cohort_ids, "cohort id")
    return list(db.query(
        "SELECT u.id, u.display_name, MIN(ms.joined_at) AS joined_at FROM memberships ms"
        f" JOIN users u ON u.id = ms.user_id WHERE ms.cohort_id IN ({_marks(ids)})"
        " GROUP BY u.id ORDER BY u.id", ids))


@uses_connection
def key_figures(db: Database, cohort_ids: Iterable[int], lesson_ids: Sequence[str], since: str) -> dict:
    """Members, active since ``since``, learners who started, lessons read/passed, average best score."""
    cte, params = _members(cohort_ids)
    lessons, lesson_params = _lesson_filter(lesson_ids, "lp.lesson_id")
    sql = (
        f"WITH {cte}, p AS (SELECT COUNT(DISTINCT lp.user_id) AS started, SUM(CASE WHEN lp.read_at IS NOT NULL THEN 1 ELSE 0 END) AS lessons_read,"
        " SUM(lp.passed) AS lessons_passed, AVG(lp.best_percent) AS average_best"
        f" FROM lesson_progress lp JOIN m ON m.user_id = lp.user_id WHERE 1 = 1 {lessons})"
        " SELECT (SELECT COUNT(*) FROM m) AS members,"
        " (SELECT COUNT(*) FROM m WHERE EXISTS (SELECT 1 FROM events e WHERE e.user_id = m.user_id"
        "   AND e.created_at >= ?)) AS active, p.* FROM p")
    return next(db.query(sql, params + lesson_params + [since]))


@uses_connection
def lesson_funnel(db: Database, cohort_ids: Iterable[int]) -> list[dict]:
    """Per lesson: how many members opened it, read it, took the quiz, passed it."""
    cte, params = _members(cohort_ids)
    return list(db.query(
        f"WITH {cte} SELECT lp.lesson_id, COUNT(*) AS opened, SUM(CASE WHEN lp.read_at IS NOT NULL THEN 1 ELSE 0 END) AS read,"
        " SUM(CASE WHEN lp.attempts > 0 THEN 1 ELSE 0 END) AS attempted, SUM(lp.passed) AS passed"
        " FROM lesson_progress lp JOIN m ON m.user_id = lp.user_id GROUP BY lp.lesson_id", params))


@uses_connection
def progress_cells(db: Database, cohort_ids: Iterable[int]) -> list[sqlite3.Row]:
    """One row per member and lesson they opened (the learner x lesson matrix)."""
    cte, params = _members(cohort_ids)
    return _rows(db,
        f"WITH {cte} SELECT lp.user_id, lp.lesson_id, lp.read_at IS NOT NULL AS read, lp.attempts,"
        " lp.best_percent, lp.passed, lp.reading_seconds FROM lesson_progress lp JOIN m ON m.user_id = lp.user_id",
        params)


@uses_connection
def learner_summary(db: Database, cohort_ids: Iterable[int], lesson_ids: Sequence[str]) -> list[dict]:
    """Per member (also those who never started): lessons started/read/passed, mean best, last activity."""
    cte, params = _members(cohort_ids)
    lessons, lesson_params = _lesson_filter(lesson_ids, "lp.lesson_id")
    return list(db.query(
        f"WITH {cte} SELECT m.user_id, COUNT(lp.lesson_id) AS started, COALESCE(SUM(CASE WHEN lp.read_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS read,"
        " COALESCE(SUM(lp.passed), 0) AS passed, AVG(lp.best_percent) AS average_best,"
        " MAX(lp.last_activity_at) AS last_activity_at"
        f" FROM m LEFT JOIN lesson_progress lp ON lp.user_id = m.user_id {lessons}"
        " GROUP BY m.user_id ORDER BY m.user_id", params + lesson_params))


@uses_connection
def score_distribution(db: Database, cohort_ids: Iterable[int]) -> list[dict]:
    """Per lesson, members' best quiz scores in ten bands (0 = 0-9 %, ..., 9 = 90-100 %)."""
    cte, params = _members(cohort_ids)
    return list(db.query(
        f"WITH {cte} SELECT lp.lesson_id, LEAST(CAST(FLOOR(lp.best_percent / 10) AS INTEGER), 9) AS band, COUNT(*) AS learners"
        " FROM lesson_progress lp JOIN m ON m.user_id = lp.user_id WHERE lp.best_percent IS NOT NULL"
        " GROUP BY lp.lesson_id, band ORDER BY lp.lesson_id, band", params))


@uses_connection
def daily_activity(db: Database, cohort_ids: Iterable[int], since: str) -> list[dict]:
    """Per UTC day since ``since``: active members, lessons opened, lessons read, quizzes submitted.

    Two steps, one row per member and day first: PostgreSQL then aggregates member by member along
    the covering index events_user_kind_time instead of sorting every event for COUNT(DISTINCT)."""
    cte, params = _members(cohort_ids)
    kinds = list(ACTIVITY_KINDS)
    return list(db.query(
        f"WITH {cte}, d AS (SELECT e.user_id, substr(e.created_at, 1, 10) AS day,"
        " SUM(CASE WHEN e.kind = 'lesson_opened' THEN 1 ELSE 0 END) AS opened,"
        " SUM(CASE WHEN e.kind = 'lesson_read' THEN 1 ELSE 0 END) AS read,"
        " SUM(CASE WHEN e.kind = 'attempt_graded' THEN 1 ELSE 0 END) AS quizzes"
        f" FROM m JOIN events e ON e.user_id = m.user_id AND e.kind IN ({_marks(kinds)}) AND e.created_at >= ?"
        " GROUP BY e.user_id, day)"
        " SELECT day, COUNT(*) AS active, CAST(SUM(opened) AS INTEGER) AS opened, CAST(SUM(read) AS INTEGER) AS read,"
        " CAST(SUM(quizzes) AS INTEGER) AS quizzes FROM d GROUP BY day ORDER BY day", params + kinds + [since]))


@uses_connection
def objective_mastery(db: Database, cohort_ids: Iterable[int], threshold: float) -> list[dict]:
    """Per lesson and objective, over each member's best attempt: share of marks, and how many
    members reached ``threshold`` (0-1) of the objective's marks (attempt_objectives holds the
    marks per attempt and objective, see schema_analytics)."""
    ids = _ids(cohort_ids, "cohort id")
    return list(db.query(
        "SELECT lp.lesson_id, o.objective, COUNT(*) AS learners, SUM(o.mark) AS mark, SUM(o.max_mark) AS max_mark,"
        " SUM(CASE WHEN o.mark >= ? * o.max_mark - 1e-9 THEN 1 ELSE 0 END) AS mastered"
        " FROM lesson_progress lp JOIN attempt_objectives o ON o.attempt_id = lp.best_attempt_id"
        f" WHERE lp.user_id IN (SELECT user_id FROM memberships WHERE cohort_id IN ({_marks(ids)}))"
        " GROUP BY lp.lesson_id, o.objective", [threshold] + ids))


def _chosen_attempts(which: str, lesson_condition: str) -> str:
    """CTE ``r``: the members' attempts ranked first/last/best per learner and lesson."""
    if which not in _RANK_CONDITION:
        raise ValueError(f"attempt choice must be one of {ATTEMPT_CHOICES}")
    return (
        "r AS (SELECT a.id, a.user_id, a.lesson_id, a.attempt_no,"
        " ROW_NUMBER() OVER (PARTITION BY a.user_id, a.lesson_id ORDER BY a.attempt_no) AS first_rank,"
        " ROW_NUMBER() OVER (PARTITION BY a.user_id, a.lesson_id ORDER BY a.attempt_no DESC) AS last_rank,"
        " ROW_NUMBER() OVER (PARTITION BY a.user_id, a.lesson_id ORDER BY a.percent DESC, a.attempt_no) AS best_rank"
        f" FROM attempts a JOIN m ON m.user_id = a.user_id WHERE 1 = 1 {lesson_condition})")


@uses_connection
def item_answers(db: Database, cohort_ids: Iterable[int], lesson_id: str, which: str = "first") -> list[sqlite3.Row]:
    """Marks and stored responses of the chosen attempts of one quiz, ordered by attempt."""
    cte, params = _members(cohort_ids)
    return _rows(db, (
        f"WITH {cte}, {_chosen_attempts(which, 'AND a.lesson_id = ?')}"
        " SELECT r.id AS attempt_id, r.user_id, r.attempt_no, n.question_id, n.mark, n.max_mark, n.response"
        f" FROM r JOIN answers n ON n.attempt_id = r.id WHERE {_RANK_CONDITION[which]} ORDER BY r.id"),
        params + [lesson_id])


@uses_connection
def question_summary(db: Database, cohort_ids: Iterable[int], which: str = "first") -> list[dict]:
    """Per lesson and question over the chosen attempts: answers and mean fraction of the mark."""
    cte, params = _members(cohort_ids)
    return list(db.query(
        f"WITH {cte}, {_chosen_attempts(which, '')}"
        " SELECT r.lesson_id, n.question_id, COUNT(*) AS answers,"
        " AVG(CASE WHEN n.max_mark > 0 THEN n.mark / n.max_mark END) AS facility,"
        " SUM(CASE WHEN n.mark < n.max_mark THEN 1 ELSE 0 END) AS missed"
        f" FROM r JOIN answers n ON n.attempt_id = r.id WHERE {_RANK_CONDITION[which]}"
        " GROUP BY r.lesson_id, n.question_id", params))


@uses_connection
def wrong_responses(db: Database, cohort_ids: Iterable[int], which: str = "first") -> list[dict]:
    """How often each distinct stored response (JSON text) earned less than the full mark."""
    cte, params = _members(cohort_ids)
    return list(db.query(
        f"WITH {cte}, {_chosen_attempts(which, '')}"
        " SELECT r.lesson_id, n.question_id, n.response, COUNT(*) AS times"
        f" FROM r JOIN answers n ON n.attempt_id = r.id WHERE {_RANK_CONDITION[which]} AND n.mark < n.max_mark"
        " GROUP BY r.lesson_id, n.question_id, n.response", params))


@uses_connection
def cohort_attempts(db: Database, cohort_ids: Iterable[int]) -> list[dict]:
    """Every attempt of the members (for the CSV export), oldest first."""
    cte, params = _members(cohort_ids)
    return list(db.query(
        f"WITH {cte} SELECT a.user_id, a.lesson_id, a.attempt_no, a.score, a.max_score, a.percent, a.passed,"
        " a.submitted_at FROM attempts a JOIN m ON m.user_id = a.user_id ORDER BY a.submitted_at, a.id", params))


@uses_connection
def learner_progress(db: Database, learner_id: int) -> list[dict]:
    """One learner's lesson rows (drill-down); the core checked access and cohort membership."""
    return list(db.query(
        "SELECT lesson_id, opened_at, read_at, reading_seconds, attempts, best_percent, passed, last_activity_at"
        " FROM lesson_progress WHERE user_id = ?", [learner_id]))


@uses_connection
def learner_answers(db: Database, learner_id: int) -> list[dict]:
    """One learner's attempts with their answers, one row per answer, in attempt order."""
    return list(db.query(
        "SELECT a.id AS attempt_id, a.lesson_id, a.attempt_no, a.percent, a.passed, a.submitted_at,"
        " n.question_id, n.mark, n.max_mark, n.response FROM attempts a JOIN answers n ON n.attempt_id = a.id"
        " WHERE a.user_id = ? ORDER BY a.submitted_at, a.id, n.rowid", [learner_id]))


@uses_connection
def is_member_of_any(db: Database, cohort_ids: Iterable[int], learner_id: int) -> bool:
    cte, params = _members(cohort_ids)
    return next(db.query(f"WITH {cte} SELECT 1 FROM m WHERE user_id = ?", params + [learner_id]), None) is not None
