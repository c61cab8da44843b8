"""The learner's record: opening, reading, drafts, submitting attempts, and lesson status.

Status policy (documented in the README): the best attempt counts. A lesson is
"Quiz bestanden" once any attempt reached the pass mark and stays so; "Quiz nicht bestanden"
when attempts exist and none passed; otherwise "gelesen" / "begonnen" / "nicht begonnen".
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from progress import Store

from progress import learning as store

from .access import require_learner_access, require_self
from .visibility import require_grant
from .content import Catalog
from .content.models import Quiz
from .grading import AttemptResult, grade_attempt
from .identity import User
from .lesson_status import STATUS_ICONS, Status, status_of  # noqa: F401 (part of this module's interface)
from .progress_report import Overview, Report, build_report, overview

# One heartbeat adds at most this much reading time; one page view at most 2x the lesson's estimate.
HEARTBEAT_SECONDS = 30
READING_CAP_FACTOR = 2


def lesson_statuses(db: Store, actor: User, learner_id: int) -> dict[str, dict]:
    """The learner's progress rows (with reading time and activity times): their own, or for a
    trainer only as far as the visibility policy shows all of it (lotse.visibility)."""
    require_learner_access(db, actor, learner_id)
    require_grant(db, actor, learner_id, "progress", "reading_time", "activity")
    return store.lesson_states(db, learner_id)


def own_lesson_state(db: Store, actor: User, lesson_id: str) -> dict | None:
    """The signed-in learner's progress row of one lesson (None: never opened)."""
    return store.lesson_state(db, actor.id, lesson_id)


def course_overview(db: Store, actor: User, catalog: Catalog) -> Overview:
    """The signed-in learner's "Mein Lernweg": modules, lesson statuses, next open lesson."""
    return overview(catalog, lesson_statuses(db, actor, actor.id))


def learner_report(db: Store, actor: User, learner_id: int, catalog: Catalog) -> Report:
    """Everything "Mein Fortschritt" shows, for one learner the actor may see."""
    require_learner_access(db, actor, learner_id)
    require_grant(db, actor, learner_id, "progress", "answers", "reading_time", "activity")
    return build_report(catalog, store.lesson_states(db, learner_id), store.latest_objective_answers(db, learner_id),
                        store.milestone_events(db, learner_id))


def open_lesson(db: Store, actor: User, lesson_id: str, view_key: str) -> bool:
    require_self(actor, actor.id)
    return store.record_opened(db, actor.id, lesson_id, view_key)


def add_reading_time(db: Store, actor: User, lesson_id: str, seconds: float, beat_key: str) -> bool:
    require_self(actor, actor.id)
    capped = max(0.0, min(float(seconds), HEARTBEAT_SECONDS))
    return store.record_reading(db, actor.id, lesson_id, capped, beat_key)


def reading_budget(duration_minutes: int) -> float:
    """Most reading seconds one page view may add: READING_CAP_FACTOR x the lesson's estimate."""
    return READING_CAP_FACTOR * duration_minutes * 60.0


def heartbeat_seconds(elapsed: float, counted: float, duration_minutes: int) -> float:
    """Seconds one heartbeat may add: the time since the last beat, at most HEARTBEAT_SECONDS,
    and never beyond the page view's budget (so a tab left open overnight adds little)."""
    left = reading_budget(duration_minutes) - max(0.0, counted)
    return max(0.0, min(float(elapsed), float(HEARTBEAT_SECONDS), left))


def mark_read(db: Store, actor: User, lesson_id: str) -> bool:
    require_self(actor, actor.id)
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
    """The open attempt (number, seed, draft) and what the quiz section shows now.

    ``answering`` is True once the open attempt was started (it has a draft row, see
    start_new_attempt); before that the page shows the feedback of ``last_attempt`` or, before the
    first attempt, a start button. Both come from the store, so a reload shows the same.
    """

    attempt_no: int
    seed: int
    draft: dict[str, Any]
    answering: bool = False
    last_attempt: dict | None = None


def quiz_state(db: Store, actor: User, lesson_id: str) -> QuizState:
    """The attempt the learner is working on now, with their saved draft answers."""
    attempt_no = store.next_attempt_no(db, actor.id, lesson_id)
    saved = store.load_draft(db, actor.id, lesson_id)
    current = saved is not None and saved[0] == attempt_no
    draft = saved[1] if current else {}
    last = store.last_attempt(db, actor.id, lesson_id) if attempt_no > 1 else None
    return QuizState(attempt_no, attempt_seed(actor.id, lesson_id, attempt_no), draft,
                     answering=current, last_attempt=last)


# Typed answers longer than this are cut before they are stored (the inputs allow less).
MAX_TEXT_ANSWER = 500


def _bounded(value: Any) -> Any:
    """A response value with no overlong text and no long lists (what a tampered client sends)."""
    if isinstance(value, str):
        return value[:MAX_TEXT_ANSWER]
    if isinstance(value, list):
        return [v[:MAX_TEXT_ANSWER] if isinstance(v, str) else v for v in value[:100]]
    return value


def clean_responses(quiz: Quiz, responses: dict[str, Any]) -> dict[str, Any]:
    """Only the quiz's own questions, each value bounded."""
    return {question.id: _bounded(responses.get(question.id)) for question in quiz.questions}


def save_draft(db: Store, actor: User, lesson_id: str, attempt_no: int, responses: dict) -> bool:
    """Keep the answers being typed; False if that attempt was already submitted (stale tab)."""
    require_self(actor, actor.id)
    bounded = {str(key)[:64]: _bounded(value) for key, value in list(responses.items())[:200]}
    return store.save_current_draft(db, actor.id, lesson_id, attempt_no, bounded)


def start_new_attempt(db: Store, actor: User, lesson_id: str) -> int:
    """Open the next attempt (idempotent: clicking twice opens it once); returns its number."""
    require_self(actor, actor.id)
    attempt_no = store.next_attempt_no(db, actor.id, lesson_id)
    store.start_draft(db, actor.id, lesson_id, attempt_no)
    return attempt_no


def submit_key(user_id: int, lesson_id: str, attempt_no: int) -> str:
    return f"{user_id}:{lesson_id}:{attempt_no}"


def submit_attempt(db: Store, actor: User, quiz: Quiz, attempt_no: int,
                   responses: dict[str, Any]) -> tuple[int, AttemptResult, bool]:
    """Grade and store; repeated submits of the same attempt are stored once.

    Returns (attempt id, result, newly stored). A repeated submit returns the stored result.
    """
    require_self(actor, actor.id)
    responses = clean_responses(quiz, responses)
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


def matches_recorded(db: Store, actor: User, quiz: Quiz, attempt_id: int, responses: dict[str, Any]) -> bool:
    """Whether ``responses`` are the answers recorded for the actor's attempt (a second tab that
    submitted the same attempt is told when its answers were not the ones kept)."""
    require_self(actor, actor.id)
    if store.attempt_owner(db, attempt_id) != actor.id:
        return False
    stored = {a["question_id"]: a["response"] for a in store.answers_of(db, attempt_id)}
    cleaned = clean_responses(quiz, responses)
    return all(cleaned.get(question_id) == response for question_id, response in stored.items())


def attempt_history(db: Store, actor: User, learner_id: int, lesson_id: str) -> list[dict]:
    require_learner_access(db, actor, learner_id)
    require_grant(db, actor, learner_id, "progress", "activity")
    return store.attempts_of(db, learner_id, lesson_id)


def attempt_answers(db: Store, actor: User, learner_id: int, attempt_id: int) -> list[dict]:
    require_learner_access(db, actor, learner_id)
    require_grant(db, actor, learner_id, "answers")
    answers = store.answers_of(db, attempt_id)
    owner = store.attempt_owner(db, attempt_id)
    return answers if owner == learner_id else []


@dataclass(frozen=True)
class AttemptReview:
    attempt: dict
    responses: dict[str, Any]
    result: AttemptResult  # regraded from the stored responses: feedback texts of the current quiz


def attempt_review(db: Store, actor: User, learner_id: int, quiz: Quiz, attempt_id: int) -> AttemptReview | None:
    """A stored attempt with its answers and per-question feedback, or None if it is not the learner's."""
    require_learner_access(db, actor, learner_id)
    require_grant(db, actor, learner_id, "answers", "activity")
    attempt = store.get_attempt(db, attempt_id)
    if attempt is None or attempt["user_id"] != learner_id or attempt["lesson_id"] != quiz.lesson:
        return None
    stored = {a["question_id"]: a["response"] for a in store.answers_of(db, attempt_id)}
    return AttemptReview(attempt, stored, grade_attempt(quiz, stored))


VERDICTS = {"right": ("✓", "richtig"), "partly": ("◐", "teilweise richtig"), "wrong": ("✗", "falsch")}


def verdict(fraction: float) -> tuple[str, str]:
    """(icon, word) for a graded question: never colour alone."""
    if fraction >= 1 - 1e-9:
        return VERDICTS["right"]
    return VERDICTS["partly"] if fraction > 1e-9 else VERDICTS["wrong"]


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
