"""xAPI 1.0.3 statements from Lotse learning records (the validator is xapi_rules.py).

``build_statements`` is a pure function: lesson events (`lesson_opened` -> experienced,
`lesson_read` -> completed) and quiz attempts (answered per question, passed/failed per quiz)
become statements with ADL verbs, deterministic uuid5 ids (re-exports give the same ids, so
an LRS ledger never sends twice), pseudonymous `account` actors (HMAC-SHA256 of the user id)
and activity IRIs under a configurable base. Interaction definitions follow the xAPI
interaction formats (choice, true-false, sequencing, matching, fill-in, numeric).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

from lotse.content.models import Quiz
from lotse.interop.xapi_interactions import format_response, interaction
from lotse.interop.xapi_rules import is_iri

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
_VERB_DE = {"experienced": "hat angesehen", "completed": "hat abgeschlossen",
            "answered": "hat beantwortet", "passed": "hat bestanden", "failed": "hat nicht bestanden"}
_EVENT_VERBS = {"lesson_opened": "experienced", "lesson_read": "completed"}


@dataclass(frozen=True)
class XapiConfig:
    base_iri: str  # e.g. "https://lotse.example.de/xapi"; activity ids live below it
    secret: str = ""  # HMAC key for pseudonymous actor names (required if pseudonymize)
    home_page: str | None = None  # account.homePage; defaults to base_iri
    pseudonymize: bool = True
    language: str = "de-DE"
    platform: str = "Lotse"
    course_id: str = ""  # the course every statement is grouped under (contextActivities.grouping)
    course_name: str = ""

    def __post_init__(self) -> None:
        if not is_iri(self.base_iri) or not urlsplit(self.base_iri).netloc:
            raise ValueError(f"base_iri must be an absolute IRI, got {self.base_iri!r}")
        if self.pseudonymize and not self.secret:
            raise ValueError("a secret is needed to pseudonymize user ids")


@dataclass(frozen=True)
class LessonEvent:
    kind: str  # 'lesson_opened' | 'lesson_read'
    user_id: str
    lesson_id: str
    created_at: datetime
    key: str | None = None  # tells apart events of one millisecond (e.g. the store's event id)


@dataclass(frozen=True)
class AnswerRecord:
    """response: option index(es) or text(s) for choices, bool for true/false, item indices or
    texts in the learner's order for ordering, {left: right} or the chosen right-hand text per
    pair (as lotse.grading stores it) for matching, text or number."""

    question_id: str
    response: Any
    mark: float
    max_mark: float


@dataclass(frozen=True)
class QuizAttempt:
    attempt_id: str
    user_id: str
    lesson_id: str
    created_at: datetime
    answers: tuple[AnswerRecord, ...] = field(default_factory=tuple)
    passed: bool | None = None  # None: compare the score with the quiz's pass_mark
    started_at: datetime | None = None  # when the attempt was started; None: duration unknown (older attempts)


# --- building --------------------------------------------------------------------------


def _when(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def iso_timestamp(value: datetime | str) -> str:
    """ISO 8601 in UTC with milliseconds: 2024-05-01T08:30:00.000Z (naive = UTC)."""
    moment = _when(value).astimezone(timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def iso_duration(start: datetime | str, end: datetime | str) -> str | None:
    """The time from ``start`` to ``end`` as an ISO 8601 duration in whole seconds ("PT4M12S",
    "PT1H0M5S"); None when ``end`` lies before ``start`` (clocks of two machines disagreeing)."""
    seconds = round((_when(end) - _when(start)).total_seconds())
    if seconds < 0:
        return None
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"PT{hours}H{minutes}M{seconds}S"
    return f"PT{minutes}M{seconds}S" if minutes else f"PT{seconds}S"


def pseudonym(config: XapiConfig, user_id: str) -> str:
    return _hmac(config.secret, str(user_id)) if config.pseudonymize else str(user_id)


@lru_cache(maxsize=4096)  # one per learner and secret: a cohort export repeats each thousands of times
def _hmac(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4096)  # lessons, quizzes and questions recur in every attempt
def _iri(config: XapiConfig, *parts: str) -> str:
    return config.base_iri.rstrip("/") + "".join("/" + quote(str(p), safe="") for p in parts)


@lru_cache(maxsize=16)
def _namespace(base_iri: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, base_iri)


def _uuid(config: XapiConfig, *key: object) -> str:
    return str(uuid.uuid5(_namespace(config.base_iri), "|".join(str(k) for k in key)))


def _verb(name: str) -> dict:
    return {"id": ADL_VERBS + name, "display": {"en-US": name, "de-DE": _VERB_DE[name]}}


def _activity(config: XapiConfig, iri: str, kind: str, name: str, **definition: Any) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"type": ADL_ACTIVITIES + kind, "name": {config.language: name},
                           **definition}}


def _course(config: XapiConfig) -> list[dict]:
    """The course activity for contextActivities.grouping (empty without a course)."""
    if not config.course_id:
        return []
    return [_activity(config, _iri(config, "courses", config.course_id), "course",
                      config.course_name or config.course_id)]


def _unanswered(response: Any) -> bool:
    """No answer given: such questions are left out of the statements (an "answered" statement
    needs a response)."""
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    return isinstance(response, (list, tuple, dict)) and not response


def _score(raw: float, maximum: float) -> dict:
    return {"scaled": round(raw / maximum, 4), "raw": round(raw, 4), "min": 0,
            "max": round(maximum, 4)}


def _event_statement(config: XapiConfig, event: LessonEvent, titles: Mapping[str, str]) -> dict:
    verb = _EVENT_VERBS[event.kind]
    when = iso_timestamp(event.created_at)
    statement = {
        "id": _uuid(config, event.kind, event.user_id, event.lesson_id, when,
                    *([event.key] if event.key is not None else [])),
        "actor": _actor(config, event.user_id), "verb": _verb(verb),
        "object": _activity(config, _iri(config, "lessons", event.lesson_id), "lesson",
                            titles.get(event.lesson_id, event.lesson_id)),
        "context": {"platform": config.platform, "language": config.language,
                    **({"contextActivities": {"grouping": _course(config)}} if config.course_id else {})},
        "timestamp": when}
    if verb == "completed":
        statement["result"] = {"completion": True}
    return statement


def _actor(config: XapiConfig, user_id: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": config.home_page or config.base_iri,
                                               "name": pseudonym(config, user_id)}}


def _attempt_statements(config: XapiConfig, attempt: QuizAttempt, titles: Mapping[str, str],
                        quiz: Quiz | None) -> list[dict]:
    title = titles.get(attempt.lesson_id, attempt.lesson_id)
    lesson = {"objectType": "Activity", "id": _iri(config, "lessons", attempt.lesson_id)}
    quiz_iri = _iri(config, "quizzes", attempt.lesson_id)
    when = iso_timestamp(attempt.created_at)
    base = {"actor": _actor(config, attempt.user_id), "timestamp": when}
    context = {"registration": _uuid(config, "attempt", attempt.user_id, attempt.attempt_id),
               "platform": config.platform, "language": config.language}
    statements = []
    for answer in attempt.answers:
        if _unanswered(answer.response):
            continue
        question = quiz.question(answer.question_id) if quiz else None
        definition = interaction(question, config.language) if question else {}
        name = answer.question_id
        if question:
            definition["description"] = {config.language: question.prompt}
            name = question.prompt.split("\n", 1)[0][:100]
        result: dict = {"success": answer.mark >= answer.max_mark,
                        "response": format_response(question, answer.response)}
        if answer.max_mark > 0:
            result["score"] = _score(answer.mark, answer.max_mark)
        statements.append({
            "id": _uuid(config, "answered", attempt.user_id, attempt.attempt_id, answer.question_id),
            **base, "verb": _verb("answered"), "result": result,
            "object": _activity(config, _iri(config, "quizzes", attempt.lesson_id, "questions",
                                             answer.question_id), "cmi.interaction",
                                name, **definition),
            "context": context | {"contextActivities": {
                "parent": [{"objectType": "Activity", "id": quiz_iri}], "grouping": [lesson, *_course(config)]}}})
    raw = sum(a.mark for a in attempt.answers)
    maximum = sum(a.max_mark for a in attempt.answers)
    passed = attempt.passed
    if passed is None:
        if quiz is None:
            raise ValueError(f"quiz {attempt.lesson_id} unknown: cannot tell passed from failed")
        passed = maximum > 0 and raw / maximum * 100 >= quiz.pass_mark
    result = {"success": passed, "completion": True}
    if maximum > 0:
        result["score"] = _score(raw, maximum)
    duration = iso_duration(attempt.started_at, attempt.created_at) if attempt.started_at else None
    if duration is not None:
        result["duration"] = duration
    statements.append({
        "id": _uuid(config, "quiz", attempt.user_id, attempt.attempt_id), **base,
        "verb": _verb("passed" if passed else "failed"), "result": result,
        "object": _activity(config, quiz_iri, "assessment", f"Quiz: {title}"),
        "context": context | {"contextActivities": {"parent": [lesson],
                                                    **({"grouping": _course(config)} if config.course_id else {})}}})
    return statements


def _coerce(record: Any, kind: type) -> Any:
    if isinstance(record, kind):
        return record
    data = dict(record)
    if kind is QuizAttempt:
        data["answers"] = tuple(_coerce(a, AnswerRecord) for a in data.get("answers", ()))
    for moment in ("created_at", "started_at"):
        if data.get(moment) is not None:
            data[moment] = _when(data[moment])
    return kind(**{k: v for k, v in data.items() if k in kind.__dataclass_fields__})


def build_statements(events: Iterable[LessonEvent | Mapping] = (),
                     attempts: Iterable[QuizAttempt | Mapping] = (), *, config: XapiConfig,
                     titles: Mapping[str, str] | None = None,
                     quizzes: Mapping[str, Quiz] | None = None) -> list[dict]:
    """Learning records -> xAPI statements (a JSON-ready list), sorted by timestamp.

    `titles` maps lesson ids to titles, `quizzes` lesson ids to Quiz models (for interaction
    definitions, correct responses and the pass mark).
    """
    titles, quizzes = titles or {}, quizzes or {}
    statements = []
    for event in events:
        event = _coerce(event, LessonEvent)
        if event.kind not in _EVENT_VERBS:
            raise ValueError(f"unknown event kind {event.kind!r}")
        statements.append(_event_statement(config, event, titles))
    for attempt in attempts:
        attempt = _coerce(attempt, QuizAttempt)
        statements += _attempt_statements(config, attempt, titles, quizzes.get(attempt.lesson_id))
    return sorted(statements, key=lambda s: s["timestamp"])
