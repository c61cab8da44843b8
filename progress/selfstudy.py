"""SQL of the self-study features: entry check, review cards, journal, self-assessment, certificates.

Authorisation happens in the lotse modules that call these functions; every function here that
reads personal data takes the owner's user id and filters by it.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from sqlite_utils import Database

from .db import inserted_id, utc_now, write_transaction
from .store import uses_connection


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- entry check (placement) -----------------------------------------------------------------


def _placement(row: dict | None) -> dict | None:
    if row is None:
        return None
    row["items"] = json.loads(row["items"])
    row["responses"] = json.loads(row["responses"])
    row["result"] = json.loads(row["result"]) if row["result"] else None
    return row


@uses_connection
def open_placement(db: Database, user_id: int) -> dict | None:
    """The unfinished run of the entry check, if any."""
    return _placement(next(db.query(
        "SELECT * FROM placement_results WHERE user_id = ? AND finished_at IS NULL ORDER BY run_no DESC LIMIT 1",
        [user_id]), None))


@uses_connection
def get_placement(db: Database, user_id: int, run_id: int) -> dict | None:
    return _placement(next(db.query("SELECT * FROM placement_results WHERE id = ? AND user_id = ?",
                                    [run_id, user_id]), None))


@uses_connection
def start_placement(db: Database, user_id: int, seed_of: Any, items_of: Any) -> dict:
    """The open run, or a new one numbered after the last; ``seed_of(run_no)`` and ``items_of(seed)``
    draw the questions. Two clicks at once start one run (the write lock is taken first)."""
    with write_transaction(db):
        existing = open_placement(db, user_id)
        if existing is not None:
            return existing
        row = next(db.query("SELECT COALESCE(MAX(run_no), 0) + 1 AS n FROM placement_results WHERE user_id = ?",
                            [user_id]))
        run_no = row["n"]
        seed = seed_of(run_no)
        now = utc_now()
        cursor = db.execute(
            "INSERT INTO placement_results (user_id, run_no, seed, items, started_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id", [user_id, run_no, seed, _json(items_of(seed)), now, now])
        run_id = inserted_id(cursor)
    return get_placement(db, user_id, run_id)


@uses_connection
def save_placement_responses(db: Database, user_id: int, run_id: int, responses: dict[str, Any]) -> bool:
    """Merge answers into an unfinished run; False if the run is finished or not the user's."""
    with write_transaction(db):
        run = get_placement(db, user_id, run_id)
        if run is None or run["finished_at"] is not None:
            return False
        merged = {**run["responses"], **responses}
        db.execute("UPDATE placement_results SET responses = ?, updated_at = ? WHERE id = ?",
                   [_json(merged), utc_now(), run_id])
    return True


@uses_connection
def finish_placement(db: Database, user_id: int, run_id: int, grade: Any) -> dict | None:
    """Store ``grade(run)`` as the result once; a second call returns the stored run unchanged."""
    with write_transaction(db):
        run = get_placement(db, user_id, run_id)
        if run is None:
            return None
        if run["finished_at"] is None:
            now = utc_now()
            db.execute("UPDATE placement_results SET result = ?, finished_at = ?, updated_at = ? WHERE id = ?",
                       [_json(grade(run)), now, now, run_id])
    return get_placement(db, user_id, run_id)


@uses_connection
def discard_placement(db: Database, user_id: int, run_id: int) -> bool:
    cursor = db.execute("DELETE FROM placement_results WHERE id = ? AND user_id = ? AND finished_at IS NULL",
                        [run_id, user_id])
    return cursor.rowcount == 1


@uses_connection
def finished_placements(db: Database, user_id: int) -> list[dict]:
    """Finished runs, newest first."""
    return [_placement(row) for row in db.query(
        "SELECT * FROM placement_results WHERE user_id = ? AND finished_at IS NOT NULL ORDER BY run_no DESC",
        [user_id])]


# --- review cards ---------------------------------------------------------------------------------


@uses_connection
def sync_watermark(db: Database, user_id: int) -> int:
    row = next(db.query("SELECT last_attempt_id FROM review_sync WHERE user_id = ?", [user_id]), None)
    return row["last_attempt_id"] if row else 0


@uses_connection
def answers_since(db: Database, user_id: int, attempt_id: int) -> list[dict]:
    """The learner's answers in attempts newer than ``attempt_id``, oldest attempt first."""
    return list(db.query(
        "SELECT a.id AS attempt_id, a.lesson_id, a.submitted_at, n.question_id, n.mark, n.max_mark"
        " FROM attempts a JOIN answers n ON n.attempt_id = a.id"
        " WHERE a.user_id = ? AND a.id > ? ORDER BY a.id, n.question_id", [user_id, attempt_id]))


@uses_connection
def cards_of(db: Database, user_id: int) -> dict[tuple[str, str], dict]:
    return {(r["lesson_id"], r["question_id"]): r
            for r in db.query("SELECT * FROM review_cards WHERE user_id = ?", [user_id])}


@uses_connection
def get_card(db: Database, user_id: int, card_id: int) -> dict | None:
    return next(db.query("SELECT * FROM review_cards WHERE id = ? AND user_id = ?", [card_id, user_id]), None)


@uses_connection
def new_card_id(db: Database, user_id: int, lesson_id: str, question_id: str, now: str) -> int:
    """Insert an empty card row and return its id (the fsrs card then carries the same id)."""
    cursor = db.execute(
        "INSERT INTO review_cards (user_id, lesson_id, question_id, card, due, last_fraction, created_at, updated_at)"
        " VALUES (?, ?, ?, '{}', ?, 0, ?, ?) RETURNING id", [user_id, lesson_id, question_id, now, now, now])
    return inserted_id(cursor)


def _insert_log(db: Database, card_id: int, user_id: int, log: dict) -> None:
    db.execute(
        "INSERT INTO review_logs (card_id, user_id, source, attempt_id, rating, fraction, reviewed_at,"
        " duration_ms, log) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [card_id, user_id, log["source"], log.get("attempt_id"), log["rating"], log["fraction"],
         log["reviewed_at"], log.get("duration_ms"), log["log"]])


@uses_connection
def store_sync(db: Database, user_id: int, last_attempt_id: int, cards: Iterable[dict], logs: Iterable[dict]) -> None:
    """Write synced card states and their quiz review logs, and advance the watermark."""
    now = utc_now()
    for card in cards:
        db.execute("UPDATE review_cards SET card = ?, due = ?, last_fraction = ?, version = version + 1,"
                   " updated_at = ? WHERE id = ? AND user_id = ?",
                   [card["card"], card["due"], card["last_fraction"], now, card["id"], user_id])
    for log in logs:
        _insert_log(db, log["card_id"], user_id, log)
    db.execute("INSERT INTO review_sync (user_id, last_attempt_id) VALUES (?, ?)"
               " ON CONFLICT (user_id) DO UPDATE SET last_attempt_id = excluded.last_attempt_id",
               [user_id, last_attempt_id])


@uses_connection
def store_review(db: Database, user_id: int, card_id: int, version: int, card_json: str, due: str,
                 fraction: float, log: dict) -> bool:
    """Save a reviewed card if nobody saved it since ``version`` was read; False if stale."""
    with write_transaction(db):
        cursor = db.execute(
            "UPDATE review_cards SET card = ?, due = ?, last_fraction = ?, version = version + 1, updated_at = ?"
            " WHERE id = ? AND user_id = ? AND version = ?",
            [card_json, due, fraction, utc_now(), card_id, user_id, version])
        if cursor.rowcount != 1:
            return False
        _insert_log(db, card_id, user_id, log)
    return True


@uses_connection
def due_cards(db: Database, user_id: int, until: str, limit: int = 500) -> list[dict]:
    return list(db.query("SELECT * FROM review_cards WHERE user_id = ? AND due <= ? ORDER BY due, id LIMIT ?",
                         [user_id, until, limit]))


@uses_connection
def mistake_cards(db: Database, user_id: int, limit: int = 500) -> list[dict]:
    """Cards whose last answer was not fully right, the longest-waiting first."""
    return list(db.query(
        "SELECT * FROM review_cards WHERE user_id = ? AND last_fraction < 0.999999 ORDER BY due, id LIMIT ?",
        [user_id, limit]))


@uses_connection
def card_counts(db: Database, user_id: int, until: str) -> dict:
    return next(db.query(
        "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN due <= ? THEN 1 ELSE 0 END), 0) AS due,"
        " COALESCE(SUM(CASE WHEN last_fraction < 0.999999 THEN 1 ELSE 0 END), 0) AS mistakes, MIN(CASE WHEN due > ? THEN due END) AS next_due"
        " FROM review_cards WHERE user_id = ?", [until, until, user_id]))


@uses_connection
def review_logs_of(db: Database, user_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM review_logs WHERE user_id = ? ORDER BY reviewed_at, id", [user_id]))


# --- reflection journal ------------------------------------------------------------------------


@uses_connection
def insert_reflection(db: Database, user_id: int, lesson_id: str, prompt_id: str, text: str) -> int:
    now = utc_now()
    cursor = db.execute(
        "INSERT INTO reflections (user_id, lesson_id, prompt_id, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
        " RETURNING id", [user_id, lesson_id, prompt_id, text, now, now])
    return inserted_id(cursor)


@uses_connection
def get_reflection(db: Database, user_id: int, entry_id: int) -> dict | None:
    return next(db.query("SELECT * FROM reflections WHERE id = ? AND user_id = ?", [entry_id, user_id]), None)


@uses_connection
def update_reflection(db: Database, user_id: int, entry_id: int, text: str) -> bool:
    """Replace the text; the previous text goes into reflection_versions with its dates."""
    with write_transaction(db):
        entry = get_reflection(db, user_id, entry_id)
        if entry is None:
            return False
        if entry["text"] == text:
            return True
        now = utc_now()
        db.execute("INSERT INTO reflection_versions (reflection_id, text, written_at, replaced_at) VALUES (?, ?, ?, ?)",
                   [entry_id, entry["text"], entry["updated_at"], now])
        db.execute("UPDATE reflections SET text = ?, updated_at = ? WHERE id = ?", [text, now, entry_id])
    return True


@uses_connection
def delete_reflection(db: Database, user_id: int, entry_id: int) -> bool:
    return db.execute("DELETE FROM reflections WHERE id = ? AND user_id = ?", [entry_id, user_id]).rowcount == 1


@uses_connection
def reflections_of(db: Database, user_id: int) -> list[dict]:
    """The learner's own entries with the shares of each, newest first."""
    rows = list(db.query("SELECT * FROM reflections WHERE user_id = ? ORDER BY created_at DESC, id DESC", [user_id]))
    shares: dict[int, list[dict]] = {}
    for share in db.query(
            "SELECT s.reflection_id, s.cohort_id, s.trainer_id, s.shared_at, c.name AS cohort_name,"
            " u.display_name AS trainer_name FROM reflection_shares s JOIN reflections r ON r.id = s.reflection_id"
            " JOIN cohorts c ON c.id = s.cohort_id JOIN users u ON u.id = s.trainer_id WHERE r.user_id = ?",
            [user_id]):
        shares.setdefault(share["reflection_id"], []).append(share)
    for row in rows:
        row["shares"] = shares.get(row["id"], [])
    return rows


@uses_connection
def versions_of(db: Database, user_id: int, entry_id: int) -> list[dict]:
    return list(db.query(
        "SELECT v.text, v.written_at, v.replaced_at FROM reflection_versions v JOIN reflections r"
        " ON r.id = v.reflection_id WHERE v.reflection_id = ? AND r.user_id = ? ORDER BY v.id DESC",
        [entry_id, user_id]))


@uses_connection
def share_reflection(db: Database, user_id: int, entry_id: int, cohort_id: int, trainer_id: int) -> bool:
    """Record the share; the caller has checked membership and the trainer. False if already shared."""
    if get_reflection(db, user_id, entry_id) is None:
        return False
    cursor = db.execute("INSERT INTO reflection_shares (reflection_id, cohort_id, trainer_id, shared_at)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", [entry_id, cohort_id, trainer_id, utc_now()])
    return cursor.rowcount == 1


@uses_connection
def unshare_reflection(db: Database, user_id: int, entry_id: int, cohort_id: int) -> bool:
    cursor = db.execute(
        "DELETE FROM reflection_shares WHERE reflection_id = ? AND cohort_id = ?"
        " AND reflection_id IN (SELECT id FROM reflections WHERE user_id = ?)", [entry_id, cohort_id, user_id])
    return cursor.rowcount == 1


# A share is readable only by the trainer named in it, while that person still leads the cohort
# and the learner is still a member of it.
_VISIBLE_SHARE = (
    " FROM reflection_shares s JOIN reflections r ON r.id = s.reflection_id"
    " JOIN cohorts c ON c.id = s.cohort_id AND c.trainer_id = s.trainer_id"
    " JOIN memberships m ON m.cohort_id = s.cohort_id AND m.user_id = r.user_id"
    " JOIN users u ON u.id = r.user_id")


@uses_connection
def shared_with_trainer(db: Database, trainer_id: int, cohort_id: int | None = None) -> list[dict]:
    sql = ("SELECT r.id, r.user_id, u.display_name AS learner_name, r.lesson_id, r.prompt_id, r.text,"
           " r.created_at, r.updated_at, s.cohort_id, c.name AS cohort_name, s.shared_at"
           + _VISIBLE_SHARE + " WHERE s.trainer_id = ?")
    params: list[Any] = [trainer_id]
    if cohort_id is not None:
        sql += " AND s.cohort_id = ?"
        params.append(cohort_id)
    return list(db.query(sql + " ORDER BY u.display_name, r.created_at", params))


@uses_connection
def shared_entry_for_trainer(db: Database, trainer_id: int, entry_id: int) -> dict | None:
    return next(db.query(
        "SELECT r.id, r.user_id, u.display_name AS learner_name, r.lesson_id, r.prompt_id, r.text,"
        " r.created_at, r.updated_at, s.cohort_id, c.name AS cohort_name, s.shared_at"
        + _VISIBLE_SHARE + " WHERE s.trainer_id = ? AND r.id = ? LIMIT 1", [trainer_id, entry_id]), None)


@uses_connection
def reflection_counts(db: Database, cohort_id: int, trainer_id: int) -> list[dict]:
    """Per member of the cohort: how many entries exist and how many are shared with this trainer."""
    return list(db.query(
        "SELECT u.id AS user_id, u.display_name,"
        " (SELECT COUNT(*) FROM reflections r WHERE r.user_id = u.id) AS entries,"
        " (SELECT COUNT(*) FROM reflection_shares s JOIN reflections r ON r.id = s.reflection_id"
        "   WHERE r.user_id = u.id AND s.cohort_id = m.cohort_id AND s.trainer_id = ?) AS shared"
        " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = ? ORDER BY u.display_name",
        [trainer_id, cohort_id]))


# --- self-assessment -------------------------------------------------------------------------------


@uses_connection
def save_ratings(db: Database, user_id: int, phase: str, ratings: dict[tuple[str, str], int]) -> int:
    """Upsert ratings {(lesson_id, item_id): 1..5} of one phase; returns how many were written."""
    now = utc_now()
    with write_transaction(db):
        for (lesson_id, item_id), rating in ratings.items():
            db.execute(
                "INSERT INTO self_assessments (user_id, lesson_id, item_id, phase, rating, rated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, lesson_id, item_id, phase)"
                " DO UPDATE SET rating = excluded.rating, rated_at = excluded.rated_at",
                [user_id, lesson_id, item_id, phase, rating, now])
    return len(ratings)


@uses_connection
def ratings_of(db: Database, user_id: int) -> list[dict]:
    return list(db.query("SELECT lesson_id, item_id, phase, rating, rated_at FROM self_assessments"
                         " WHERE user_id = ? ORDER BY lesson_id, item_id, phase", [user_id]))


# --- certificates -------------------------------------------------------------------------------------


def _certificate(row: dict | None) -> dict | None:
    if row is not None:
        row["modules"] = json.loads(row["modules"])
    return row


@uses_connection
def certificate_of(db: Database, user_id: int, course_id: str) -> dict | None:
    return _certificate(next(db.query("SELECT * FROM certificates WHERE user_id = ? AND course_id = ?",
                                      [user_id, course_id]), None))


@uses_connection
def insert_certificate(db: Database, user_id: int, course_id: str, code: str, values: dict) -> dict:
    """Store the certificate once per learner and course; an existing one is returned instead.

    Raises sqlite3.IntegrityError only on a code collision (the caller draws a new code)."""
    with write_transaction(db):
        existing = certificate_of(db, user_id, course_id)
        if existing is not None:
            return existing
        db.execute(
            "INSERT INTO certificates (user_id, course_id, code, holder_name, course_title, modules, lesson_count,"
            " total_minutes, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [user_id, course_id, code, values["holder_name"], values["course_title"], _json(values["modules"]),
             values["lesson_count"], values["total_minutes"], values["issued_at"]])
    return certificate_of(db, user_id, course_id)


@uses_connection
def certificate_by_code(db: Database, code: str) -> dict | None:
    return next(db.query("SELECT holder_name, course_title, issued_at FROM certificates WHERE code = ?", [code]), None)


@uses_connection
def passed_lessons(db: Database, user_id: int) -> set[str]:
    return {r["lesson_id"] for r in db.query("SELECT lesson_id FROM lesson_progress WHERE user_id = ? AND passed = 1",
                                             [user_id])}


# --- first visit ---------------------------------------------------------------------------------


@uses_connection
def onboarding_choice(db: Database, user_id: int) -> str | None:
    row = next(db.query("SELECT choice FROM onboarding_choices WHERE user_id = ?", [user_id]), None)
    return row["choice"] if row else None


@uses_connection
def set_onboarding_choice(db: Database, user_id: int, choice: str | None) -> None:
    """Remember the choice (None forgets it, so the welcome step shows again)."""
    with write_transaction(db):
        if choice is None:
            db.execute("DELETE FROM onboarding_choices WHERE user_id = ?", [user_id])
            return
        db.execute("INSERT INTO onboarding_choices (user_id, choice, chosen_at) VALUES (?, ?, ?)"
                   " ON CONFLICT (user_id) DO UPDATE SET choice = excluded.choice, chosen_at = excluded.chosen_at",
                   [user_id, choice, utc_now()])
