"""Bulk insert of a learning history with explicit timestamps (demo data and benchmarks).

The rows written are exactly what the live path (progress.learning) writes for the same
actions, so ``lotse.learning.replay_progress(events)`` equals the state tables afterwards.
Only for (learner, lesson) pairs without any record yet: an existing row is an IntegrityError.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from .db import write_transaction
from .store import uses_connection


@dataclass
class PastAttempt:
    attempt_no: int
    seed: int
    submit_key: str
    score: float
    max_score: float
    percent: float
    passed: bool
    pass_mark: float
    submitted_at: str
    answers: list[dict[str, Any]]  # question_id, objective, response, mark, max_mark


@dataclass
class LessonHistory:
    user_id: int
    lesson_id: str
    opened: list[str]  # one timestamp per page view; at least one
    reading: list[tuple[str, float]] = field(default_factory=list)  # heartbeats (at, seconds)
    read_at: str | None = None
    attempts: list[PastAttempt] = field(default_factory=list)


@uses_connection
def insert_history(db: Database, histories: Iterable[LessonHistory]) -> int:
    """Write all histories; events get ids in time order. Returns the number of events.

    Runs in the caller's transaction if one is open, else in its own (BEGIN IMMEDIATE).
    """
    histories = list(histories)
    if db.conn.in_transaction:
        return _insert(db, histories)
    with write_transaction(db):
        return _insert(db, histories)


def _insert(db: Database, histories: list[LessonHistory]) -> int:
    next_id = next(db.query("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM attempts"))["n"]
    progress, attempts, answers, events = [], [], [], []
    for h in histories:
        if not h.opened:
            raise ValueError("a lesson history needs at least one opening")
        for i, at in enumerate(h.opened):
            events.append((at, h.user_id, "lesson_opened", h.lesson_id, None, None, {},
                           f"open:hist:{h.user_id}:{h.lesson_id}:{i}"))
        for i, (at, seconds) in enumerate(h.reading):
            events.append((at, h.user_id, "reading_time", h.lesson_id, None, None, {"seconds": seconds},
                           f"read:hist:{h.user_id}:{h.lesson_id}:{i}"))
        if h.read_at:
            events.append((h.read_at, h.user_id, "lesson_read", h.lesson_id, None, None, {},
                           f"read-mark:{h.user_id}:{h.lesson_id}"))
        best_id, best_percent = None, None
        for a in h.attempts:
            attempt_id, next_id = next_id, next_id + 1
            attempts.append((attempt_id, h.user_id, h.lesson_id, a.attempt_no, a.seed, a.submit_key, a.score,
                             a.max_score, a.percent, int(a.passed), a.pass_mark, a.submitted_at))
            for n in a.answers:
                answers.append((attempt_id, n["question_id"], n["objective"],
                                json.dumps(n["response"], ensure_ascii=False), n["mark"], n["max_mark"]))
                events.append((a.submitted_at, h.user_id, "answer_submitted", h.lesson_id, n["question_id"], attempt_id,
                               {"mark": n["mark"], "max_mark": n["max_mark"]}, None))
            events.append((a.submitted_at, h.user_id, "attempt_graded", h.lesson_id, None, attempt_id,
                           {"percent": a.percent, "passed": bool(a.passed)}, None))
            if best_percent is None or a.percent > best_percent:
                best_id, best_percent = attempt_id, a.percent
        stamps = h.opened + [at for at, _ in h.reading] + ([h.read_at] if h.read_at else []) \
            + [a.submitted_at for a in h.attempts]
        progress.append((h.user_id, h.lesson_id, min(h.opened), h.read_at, sum(s for _, s in h.reading),
                         len(h.attempts), best_percent, best_id, int(any(a.passed for a in h.attempts)), max(stamps)))
    db.conn.executemany(
        "INSERT INTO lesson_progress (user_id, lesson_id, opened_at, read_at, reading_seconds, attempts,"
        " best_percent, best_attempt_id, passed, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", progress)
    db.conn.executemany(
        "INSERT INTO attempts (id, user_id, lesson_id, attempt_no, seed, submit_key, score, max_score, percent,"
        " passed, pass_mark, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", attempts)
    db.conn.executemany(
        "INSERT INTO answers (attempt_id, question_id, objective, response, mark, max_mark) VALUES (?, ?, ?, ?, ?, ?)",
        answers)
    events.sort(key=lambda e: e[0])
    db.conn.executemany(
        "INSERT INTO events (user_id, kind, lesson_id, question_id, attempt_id, payload, dedupe_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((e[1], e[2], e[3], e[4], e[5], json.dumps(e[6], ensure_ascii=False), e[7], e[0]) for e in events))
    return len(events)
