"""Learner drill-down: one member's lessons, attempts and answers, for the trainer of their cohort.

Shown: what the visibility policy (lotse.visibility) and the learner's own choice allow: status
and scores (Lernstand), answers, reading time, activity dates. Not shown: login, drafts,
reflections or any other private notes. Every opened detail is logged (lotse.access_log).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from progress import Store

from progress import analytics as sql

from .. import access_log
from ..access import DENIED, require_learner_access
from ..content import Catalog
from ..identity import PermissionDenied, User
from ..visibility import Policy
from .cohort import authorised_cohort, cohort_people
from ..german_format import date_short, decimal, percent
from .course import course_lessons, parse_day, plain
from .matrix import cell_text
from .responses import describe_response


@dataclass(frozen=True)
class AttemptDetail:
    lesson: str
    attempt_no: int
    percent: float
    passed: bool
    submitted_at: str
    answers: list[dict]


@dataclass(frozen=True)
class LearnerDetail:
    learner_id: int
    label: str
    lessons: list[dict]
    attempts: list[AttemptDetail]


NOT_SHOWN = ("Nach der Vereinbarung zur Nutzung von Lotse sehen Sie über diese Person nur Gruppenwerte "
             "(im Kohorten-Cockpit).")


def cohort_learners(db: Store, actor: User, cohort_id: int, *, pseudonymous: bool = False,
                    policy: Policy | None = None) -> dict[int, str]:
    """Members whose progress the policy (or their own choice) shows: user id -> name or pseudonym."""
    cohort = authorised_cohort(db, actor, cohort_id)
    return cohort_people(db, cohort.id, pseudonymous, policy).shown("progress")


def learner_detail(db: Store, actor: User, cohort_id: int, learner_id: int, catalog: Catalog, *,
                   pseudonymous: bool = False, policy: Policy | None = None) -> LearnerDetail:
    """PermissionDenied unless the actor leads the cohort, the learner is a member of it and the
    visibility policy shows this person's progress. Columns and answers as the grant allows."""
    cohort = authorised_cohort(db, actor, cohort_id)
    if not sql.is_member_of_any(db, [cohort.id], learner_id):
        raise PermissionDenied(DENIED)
    require_learner_access(db, actor, learner_id)
    people = cohort_people(db, cohort.id, pseudonymous, policy)
    grant = people.grants.get(learner_id)
    if grant is None or not grant.progress:
        raise PermissionDenied(NOT_SHOWN)
    access_log.record(db, actor, [learner_id], cohort.id, access_log.DETAIL)
    lessons = course_lessons(catalog)
    progress = {r["lesson_id"]: r for r in sql.learner_progress(db, learner_id)}
    lesson_rows = []
    for lesson in lessons:
        r = progress.get(lesson.id)
        cell = None if r is None else {**r, "read": r["read_at"] is not None}
        row = {"Lektion": lesson.label, "Stand": cell_text(cell), "Versuche": r["attempts"] if r else 0}
        if grant.reading_time:
            row["Lesezeit (Minuten)"] = round(r["reading_seconds"] / 60, 1) if r else 0.0
        if grant.activity:
            row["Zuletzt aktiv"] = _day(r["last_activity_at"]) if r else "–"
        lesson_rows.append(row)
    attempts = _attempts(sql.learner_answers(db, learner_id), lessons)
    return LearnerDetail(learner_id, people.all.get(learner_id, ""), lesson_rows,
                         [_limited(a, grant.answers, grant.activity) for a in attempts])


def _limited(attempt: AttemptDetail, answers: bool, activity: bool) -> AttemptDetail:
    return AttemptDetail(attempt.lesson, attempt.attempt_no, attempt.percent, attempt.passed,
                         attempt.submitted_at if activity else "", attempt.answers if answers else [])


def _day(value: str | None) -> str:
    day = parse_day(value)
    return date_short(day) if day else "–"


def _attempts(rows: list[dict], lessons) -> list[AttemptDetail]:
    by_id = {lesson.id: lesson for lesson in lessons}
    attempts: dict[int, AttemptDetail] = {}
    for row in rows:
        lesson = by_id.get(row["lesson_id"])
        attempt = attempts.get(row["attempt_id"])
        if attempt is None:
            title = lesson.label if lesson else f"{row['lesson_id']} (nicht mehr im Kurs)"
            attempt = attempts[row["attempt_id"]] = AttemptDetail(
                title, row["attempt_no"], row["percent"], bool(row["passed"]), _day(row["submitted_at"]), [])
        question = lesson.quiz.question(row["question_id"]) if lesson and lesson.quiz else None
        try:
            response = json.loads(row["response"])
        except (TypeError, ValueError):
            response = None
        attempt.answers.append({
            "Frage": plain(question.prompt, 90) if question else row["question_id"],
            "Antwort": describe_response(question, response) if question else "–",
            "Punkte": f"{decimal(row['mark'], 6)} von {decimal(row['max_mark'], 6)}",
            "Ergebnis": _verdict(row["mark"], row["max_mark"]),
        })
    return list(attempts.values())


def _verdict(mark: float, max_mark: float) -> str:
    if mark >= max_mark:
        return "✓ richtig"
    return "◐ teilweise" if mark > 0 else "✗ falsch"


def attempt_title(attempt: AttemptDetail) -> str:
    verdict = "bestanden" if attempt.passed else "nicht bestanden"
    when = f" am {attempt.submitted_at}" if attempt.submitted_at else ""
    return f"{attempt.lesson} – Versuch {attempt.attempt_no}{when}: {percent(attempt.percent)} ({verdict})"
