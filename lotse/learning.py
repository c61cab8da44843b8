"""The learner's record: opening, reading, drafts, submitting attempts, and lesson status.

Status policy (documented in the README): the best attempt counts. A lesson is
"Quiz bestanden" once any attempt reached the pass mark and stays so; "Quiz nicht bestanden"
when attempts exist and none passed; otherwise "gelesen" / "begonnen" / "nicht begonnen".
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlite_utils import Database

from progress import learning as store

from .access import require_learner_access, require_self
from .content.models import Quiz
from .grading import AttemptResult, grade_attempt
from .identity import User

# One heartbeat adds at most this much reading time; one page view at most 2x the lesson's estimate.
HEARTBEAT_SECONDS = 30
READING_CAP_FACTOR = 2


class Status(str, Enum):
    NOT_STARTED = "nicht begonnen"
    STARTED = "begonnen"
    READ = "gelesen"
    FAILED = "Quiz nicht bestanden"
    PASSED = "Quiz bestanden"


STATUS_ICONS = {Status.NOT_STARTED: "○", Status.STARTED: "◐", Status.READ: "●",
                Status.FAILED: "✗", Status.PASSED: "✓"}


def status_of(row: dict | None) -> Status:
    if row is None:
        return Status.NOT_STARTED
    if row["passed"]:
        return Status.PASSED
    if row["attempts"]:
        return Status.FAILED
    if row["read_at"]:
        return Status.READ
    return Status.STARTED


def lesson_statuses(db: Database, actor: User, learner_id: int) -> dict[str, dict]:
    require_learner_access(db, actor, learner_id)
    return store.lesson_states(db, learner_id)


def open_lesson(db: Database, actor: User, lesson_id: str, view_key: str) -> bool:
    require_self(actor, actor.id)
    return store.record_opened(db, actor.id, lesson_id, view_key)


def add_reading_time(db: Database, actor: User, lesson_id: str, seconds: float, beat_key: str) -> bool:
    capped = max(0.0, min(float(seconds), HEARTBEAT_SECONDS))
    return store.record_reading(db, actor.id, lesson_id, capped, beat_key)


def mark_read(db: Database, actor: User, lesson_id: str) -> bool:
    return store.record_read(db, actor.id, lesson_id)


def attempt_seed(user_id: int, lesson_id: str, attempt_no: int) -> int:
    """Stable per attempt, so a reload shows the same option order; differs between attempts."""
    digest = hashlib.sha256(f"{user_id}:{lesson_id}:{attempt_no}".encode()).digest()
    return int.from_bytes(digest[:6], "big")  # 48 bits: fits an SQLite INTEGER


def shuffled(count: int, seed: int, salt: str) -> list[int]:
    """A permutation of range(count), fixed by (seed, salt)."""
    order = list(range(count))
    random.Random(f"{seed}:{salt}").shuffle(order)
    return order


@dataclass(frozen=True)
class QuizState:
    attempt_no: int
    seed: int
    draft: dict[str, Any]


def quiz_state(db: Database, actor: User, lesson_id: str) -> QuizState:
    """The attempt the learner is working on now, with their saved draft answers."""
    attempt_no = store.next_attempt_no(db, actor.id, lesson_id)
    saved = store.load_draft(db, actor.id, lesson_id)
    draft = saved[1] if saved and saved[0] == attempt_no else {}
    return QuizState(attempt_no, attempt_seed(actor.id, lesson_id, attempt_no), draft)


def save_draft(db: Database, actor: User, lesson_id: str, attempt_no: int, responses: dict) -> None:
    store.save_draft(db, actor.id, lesson_id, attempt_no, responses)


def submit_key(user_id: int, lesson_id: str, attempt_no: int) -> str:
    return f"{user_id}:{lesson_id}:{attempt_no}"


def submit_attempt(db: Database, actor: User, quiz: Quiz, attempt_no: int,
                   responses: dict[str, Any]) -> tuple[int, AttemptResult, bool]:
    """Grade and store; repeated submits of the same attempt are stored once.

    Returns (attempt id, result, newly stored). A repeated submit returns the stored result.
    """
    result = grade_attempt(quiz, responses)
    answers = [{"question_id": g.question_id, "objective": quiz.question(g.question_id).objective,
                "response": responses.get(g.question_id), "mark": g.mark, "max_mark": g.max_mark}
               for g in result.grades]
    summary = {"score": result.score, "max_score": result.max_score, "percent": result.percent,
               "passed": result.passed, "pass_mark": quiz.pass_mark}
    attempt_id, created = store.insert_attempt(
        db, actor.id, quiz.lesson, attempt_no, attempt_seed(actor.id, quiz.lesson, attempt_no),
        submit_key(actor.id, quiz.lesson, attempt_no), summary, answers)
    if not created:
        stored = {a["question_id"]: a["response"] for a in store.answers_of(db, attempt_id)}
        result = grade_attempt(quiz, stored)
    return attempt_id, result, created


def attempt_history(db: Database, actor: User, learner_id: int, lesson_id: str) -> list[dict]:
    require_learner_access(db, actor, learner_id)
    return store.attempts_of(db, learner_id, lesson_id)


def attempt_answers(db: Database, actor: User, learner_id: int, attempt_id: int) -> list[dict]:
    require_learner_access(db, actor, learner_id)
    answers = store.answers_of(db, attempt_id)
    owner = store.attempt_owner(db, attempt_id)
    return answers if owner == learner_id else []


def replay_progress(events: list[dict]) -> list[dict]:
    """Rebuild lesson_progress rows from the event log alone (the log is the truth)."""
    rows: dict[tuple[int, str], dict] = {}
    for event in events:
        key = (event["user_id"], event["lesson_id"])
        row = rows.setdefault(key, {"user_id": key[0], "lesson_id": key[1], "read": 0, "reading_seconds": 0.0,
                                    "attempts": 0, "best_percent": None, "passed": 0})
        kind, payload = event["kind"], event["payload"]
        if kind == "lesson_read":
            row["read"] = 1
        elif kind == "reading_time":
            row["reading_seconds"] += payload["seconds"]
        elif kind == "attempt_graded":
            row["attempts"] += 1
            best = row["best_percent"]
            row["best_percent"] = payload["percent"] if best is None else max(best, payload["percent"])
            row["passed"] = max(row["passed"], int(payload["passed"]))
    return [rows[k] for k in sorted(rows, key=lambda k: k[1])]
