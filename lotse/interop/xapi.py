"""xAPI 1.0.3 statements from Lotse learning records, and a statement validator.

``build_statements`` is a pure function: lesson events (`lesson_opened` -> experienced,
`lesson_read` -> completed) and quiz attempts (answered per question, passed/failed per quiz)
become statements with ADL verbs, deterministic uuid5 ids (re-exports give the same ids, so
an LRS ledger never sends twice), pseudonymous `account` actors (HMAC-SHA256 of the user id)
and activity IRIs under a configurable base. Interaction definitions follow the xAPI
interaction formats (choice, true-false, sequencing, matching, fill-in, numeric).
``validate_statement`` checks a statement against the xAPI rules and returns the problems.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlsplit

from lotse.content.models import (Matching, MultipleChoice, Numeric, Ordering, Question, Quiz,
                                  ShortAnswer, SingleChoice, TrueFalse)
from lotse.interop import format_number

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
_VERB_DE = {"experienced": "hat angesehen", "completed": "hat abgeschlossen",
            "answered": "hat beantwortet", "passed": "hat bestanden", "failed": "hat nicht bestanden"}
_EVENT_VERBS = {"lesson_opened": "experienced", "lesson_read": "completed"}
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}


@dataclass(frozen=True)
class XapiConfig:
    base_iri: str  # e.g. "https://lotse.example.de/xapi"; activity ids live below it
    secret: str = ""  # HMAC key for pseudonymous actor names (required if pseudonymize)
    home_page: str | None = None  # account.homePage; defaults to base_iri
    pseudonymize: bool = True
    language: str = "de-DE"
    platform: str = "Lotse"

    def __post_init__(self) -> None:
        if not _is_iri(self.base_iri) or not urlsplit(self.base_iri).netloc:
            raise ValueError(f"base_iri must be an absolute IRI, got {self.base_iri!r}")
        if self.pseudonymize and not self.secret:
            raise ValueError("a secret is needed to pseudonymize user ids")


@dataclass(frozen=True)
class LessonEvent:
    kind: str  # 'lesson_opened' | 'lesson_read'
    user_id: str
    lesson_id: str
    created_at: datetime


@dataclass(frozen=True)
class AnswerRecord:
    """response: option index(es) or text(s) for choices, bool for true/false, item indices or
    texts in the learner's order for ordering, {left: right} for matching, text or number."""

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


# --- building --------------------------------------------------------------------------


def _when(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def iso_timestamp(value: datetime | str) -> str:
    """ISO 8601 in UTC with milliseconds: 2024-05-01T08:30:00.000Z (naive = UTC)."""
    moment = _when(value).astimezone(timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def pseudonym(config: XapiConfig, user_id: str) -> str:
    if not config.pseudonymize:
        return str(user_id)
    return hmac.new(config.secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


def _iri(config: XapiConfig, *parts: str) -> str:
    return config.base_iri.rstrip("/") + "".join("/" + quote(str(p), safe="") for p in parts)


def _uuid(config: XapiConfig, *key: object) -> str:
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, config.base_iri)
    return str(uuid.uuid5(namespace, "|".join(str(k) for k in key)))


def _verb(name: str) -> dict:
    return {"id": ADL_VERBS + name, "display": {"en-US": name, "de-DE": _VERB_DE[name]}}


def _activity(config: XapiConfig, iri: str, kind: str, name: str, **definition: Any) -> dict:
    return {"objectType": "Activity", "id": iri,
            "definition": {"type": ADL_ACTIVITIES + kind, "name": {config.language: name},
                           **definition}}


def _ids(prefix: str, texts: list[str], lang: str) -> list[dict]:
    return [{"id": f"{prefix}-{i}", "description": {lang: t}} for i, t in enumerate(texts, 1)]


def _interaction(question: Question, lang: str) -> dict:
    """interactionType, correctResponsesPattern and components for a question."""
    if isinstance(question, (SingleChoice, MultipleChoice)):
        right = [f"option-{i}" for i, o in enumerate(question.options, 1) if o.correct]
        return {"interactionType": "choice", "correctResponsesPattern": ["[,]".join(right)],
                "choices": _ids("option", [o.text for o in question.options], lang)}
    if isinstance(question, TrueFalse):
        return {"interactionType": "true-false",
                "correctResponsesPattern": [str(question.answer).lower()]}
    if isinstance(question, Ordering):
        order = [f"item-{i}" for i in range(1, len(question.items) + 1)]
        return {"interactionType": "sequencing", "correctResponsesPattern": ["[,]".join(order)],
                "choices": _ids("item", list(question.items), lang)}
    if isinstance(question, Matching):
        choices = question.choices
        pairs = [f"left-{i}[.]right-{choices.index(p.right) + 1}"
                 for i, p in enumerate(question.pairs, 1)]
        return {"interactionType": "matching", "correctResponsesPattern": ["[,]".join(pairs)],
                "source": _ids("left", [p.left for p in question.pairs], lang),
                "target": _ids("right", choices, lang)}
    if isinstance(question, ShortAnswer):
        case = "{case_matters=%s}" % str(question.case_sensitive).lower()
        return {"interactionType": "fill-in", "correctResponsesPattern":
                [case + a.text for a in question.answers if a.weight == 100]}
    assert isinstance(question, Numeric)
    return {"interactionType": "numeric", "correctResponsesPattern": [
        format_number(a.value) if not a.tolerance else
        f"{format_number(round(a.value - a.tolerance, 10))}[:]"
        f"{format_number(round(a.value + a.tolerance, 10))}"
        for a in question.answers if a.weight == 100]}


def _index(value: Any, texts: list[str], prefix: str) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and 0 <= value < len(texts):
        return f"{prefix}-{value + 1}"
    if isinstance(value, str) and value in texts:
        return f"{prefix}-{texts.index(value) + 1}"
    return str(value)


def format_response(question: Question | None, response: Any) -> str:
    """A stored response in the xAPI response format of the question's interaction type."""
    if response is None:
        return ""
    items = response if isinstance(response, (list, tuple)) else [response]
    if isinstance(question, (SingleChoice, MultipleChoice)):
        texts = [o.text for o in question.options]
        return "[,]".join(_index(v, texts, "option") for v in items)
    if isinstance(question, Ordering):
        return "[,]".join(_index(v, list(question.items), "item") for v in items)
    if isinstance(question, Matching):
        pairs = list(response.items()) if isinstance(response, Mapping) else response
        if not isinstance(pairs, (list, tuple)) or \
                not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
            return str(response)
        lefts = [p.left for p in question.pairs]
        return "[,]".join(f"{_index(left, lefts, 'left')}[.]{_index(right, question.choices, 'right')}"
                          for left, right in pairs)
    if isinstance(question, TrueFalse) or isinstance(response, bool):
        return str(response).lower()
    if isinstance(response, (int, float)):
        return format_number(float(response))
    text = str(response).strip()
    if isinstance(question, Numeric) and re.fullmatch(r"[+-]?\d+,\d+", text):
        return text.replace(",", ".")
    return text


def _score(raw: float, maximum: float) -> dict:
    return {"scaled": round(raw / maximum, 4), "raw": round(raw, 4), "min": 0,
            "max": round(maximum, 4)}


def _event_statement(config: XapiConfig, event: LessonEvent, titles: Mapping[str, str]) -> dict:
    verb = _EVENT_VERBS[event.kind]
    when = iso_timestamp(event.created_at)
    statement = {
        "id": _uuid(config, event.kind, event.user_id, event.lesson_id, when),
        "actor": _actor(config, event.user_id), "verb": _verb(verb),
        "object": _activity(config, _iri(config, "lessons", event.lesson_id), "lesson",
                            titles.get(event.lesson_id, event.lesson_id)),
        "context": {"platform": config.platform, "language": config.language},
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
        question = quiz.question(answer.question_id) if quiz else None
        definition = _interaction(question, config.language) if question else {}
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
                "parent": [{"objectType": "Activity", "id": quiz_iri}], "grouping": [lesson]}}})
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
    statements.append({
        "id": _uuid(config, "quiz", attempt.user_id, attempt.attempt_id), **base,
        "verb": _verb("passed" if passed else "failed"), "result": result,
        "object": _activity(config, quiz_iri, "assessment", f"Quiz: {title}"),
        "context": context | {"contextActivities": {"parent": [lesson]}}})
    return statements


def _coerce(record: Any, kind: type) -> Any:
    if isinstance(record, kind):
        return record
    data = dict(record)
    if kind is QuizAttempt:
        data["answers"] = tuple(_coerce(a, AnswerRecord) for a in data.get("answers", ()))
    if "created_at" in data:
        data["created_at"] = _when(data["created_at"])
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


# --- validation ------------------------------------------------------------------------

_UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
                      re.IGNORECASE)
_TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
_DURATION_RE = re.compile(r"^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?"
                          r"(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$")
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
                   "authority", "version", "attachments"}
_COMPONENTS = {"choices": {"choice", "sequencing"}, "scale": {"likert"},
               "source": {"matching"}, "target": {"matching"}, "steps": {"performance"}}


def _is_iri(value: Any) -> bool:
    if not isinstance(value, str) or not _SCHEME_RE.match(value) or re.search(r"\s", value):
        return False
    parts = urlsplit(value)
    return bool(parts.netloc) if parts.scheme in ("http", "https") else len(value) > len(parts.scheme) + 1


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _language_map(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and _LANG_RE.match(k) and isinstance(v, str) for k, v in value.items()):
        errors.append(f"{where}: must be a language map (RFC 5646 tag -> string)")


def _timestamp(value: Any, where: str, errors: list[str]) -> None:
    try:
        ok = isinstance(value, str) and bool(_TIMESTAMP_RE.match(value)) and not \
            value.endswith("-00:00") and bool(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        ok = False
    if not ok:
        errors.append(f"{where}: not an ISO 8601 timestamp with time zone: {value!r}")


def _agent(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: must be an object")
        return
    kind = value.get("objectType", "Agent")
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value]
    if kind not in ("Agent", "Group"):
        errors.append(f"{where}.objectType: must be Agent or Group")
    if len(ifis) > 1 or (kind == "Agent" and not ifis) or (kind == "Group" and not ifis
                                                           and not value.get("member")):
        errors.append(f"{where}: needs exactly one inverse functional identifier")
    if "mbox" in value and not str(value["mbox"]).startswith("mailto:"):
        errors.append(f"{where}.mbox: must be a mailto: IRI")
    if "mbox_sha1sum" in value and not re.fullmatch(r"[0-9a-f]{40}", str(value["mbox_sha1sum"])):
        errors.append(f"{where}.mbox_sha1sum: must be a SHA-1 hex digest")
    if "openid" in value and not _is_iri(value["openid"]):
        errors.append(f"{where}.openid: must be an IRI")
    account = value.get("account")
    if "account" in value and not (isinstance(account, dict) and _is_iri(account.get("homePage"))
                                   and isinstance(account.get("name"), str) and account["name"]):
        errors.append(f"{where}.account: needs homePage (IRL) and name")


def _definition(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: must be an object")
        return
    for key in ("name", "description"):
        if key in value:
            _language_map(value[key], f"{where}.{key}", errors)
    for key in ("type", "moreInfo"):
        if key in value and not _is_iri(value[key]):
            errors.append(f"{where}.{key}: must be an IRI")
    interaction = value.get("interactionType")
    if interaction is not None and interaction not in INTERACTION_TYPES:
        errors.append(f"{where}.interactionType: unknown {interaction!r}")
    pattern = value.get("correctResponsesPattern")
    if pattern is not None and not (isinstance(pattern, list) and all(isinstance(p, str) for p in pattern)):
        errors.append(f"{where}.correctResponsesPattern: must be a list of strings")
    for key, types in _COMPONENTS.items():
        if key not in value:
            continue
        components = value[key] if isinstance(value[key], list) else [None]
        ids = [c.get("id") for c in components if isinstance(c, dict)]
        if interaction not in types:
            errors.append(f"{where}.{key}: not allowed for interactionType {interaction!r}")
        if len(ids) != len(components) or not all(isinstance(i, str) and i for i in ids) \
                or len(set(ids)) != len(ids):
            errors.append(f"{where}.{key}: components need distinct string ids")


def _object(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: must be an object")
        return
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        if not _is_iri(value.get("id")):
            errors.append(f"{where}.id: activity id must be an IRI")
        if "definition" in value:
            _definition(value["definition"], f"{where}.definition", errors)
    elif kind in ("Agent", "Group"):
        _agent(value, where, errors)
    elif kind == "StatementRef":
        if not (isinstance(value.get("id"), str) and _UUID_RE.match(value["id"])):
            errors.append(f"{where}.id: must be a UUID")
    elif kind == "SubStatement":
        errors += [f"{where}: {e}" for e in validate_statement(
            {k: v for k, v in value.items() if k != "objectType"}, sub=True)]
    else:
        errors.append(f"{where}.objectType: unknown {kind!r}")


def _result(value: Any, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append("result: must be an object")
        return
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            errors.append(f"result.{key}: must be true or false")
    if "response" in value and not isinstance(value["response"], str):
        errors.append("result.response: must be a string")
    if "duration" in value and not _DURATION_RE.match(str(value["duration"])):
        errors.append("result.duration: must be an ISO 8601 duration")
    score = value.get("score", {})
    if not isinstance(score, dict) or not all(_is_number(score[k]) for k in score
                                              if k in ("scaled", "raw", "min", "max")):
        errors.append("result.score: scaled, raw, min and max must be numbers")
        return
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        errors.append("result.score.scaled: must be between -1 and 1")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and not low < high:
        errors.append("result.score: min must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        errors.append("result.score.raw: must lie between min and max")


def _context(value: Any, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append("context: must be an object")
        return
    if "registration" in value and not (isinstance(value["registration"], str)
                                        and _UUID_RE.match(value["registration"])):
        errors.append("context.registration: must be a UUID")
    if "language" in value and not _LANG_RE.match(str(value["language"])):
        errors.append("context.language: must be an RFC 5646 language tag")
    groups = value.get("contextActivities", {})
    if not isinstance(groups, dict):
        errors.append("context.contextActivities: must be an object")
        groups = {}
    for key, activities in groups.items():
        if key not in ("parent", "grouping", "category", "other"):
            errors.append(f"context.contextActivities.{key}: unknown key")
        for i, activity in enumerate(activities if isinstance(activities, list) else [activities]):
            _object(activity, f"context.contextActivities.{key}[{i}]", errors)


def validate_statement(statement: Any, sub: bool = False) -> list[str]:
    """xAPI 1.0.3 rules: required properties, IRIs, UUIDs, timestamps, scores. [] = valid."""
    if not isinstance(statement, dict):
        return ["statement must be a JSON object"]
    errors = [f"{key}: unknown property" for key in statement if key not in _STATEMENT_KEYS]
    errors += [f"{key}: required" for key in ("actor", "verb", "object") if key not in statement]
    if sub:
        errors += [f"{key}: not allowed in a SubStatement" for key in
                   ("id", "stored", "version", "authority") if key in statement]
    if "id" in statement and not (isinstance(statement["id"], str) and _UUID_RE.match(statement["id"])):
        errors.append("id: must be a UUID")
    if "actor" in statement:
        _agent(statement["actor"], "actor", errors)
    verb = statement.get("verb")
    if "verb" in statement and not (isinstance(verb, dict) and _is_iri(verb.get("id"))):
        errors.append("verb.id: must be an IRI")
    elif isinstance(verb, dict) and "display" in verb:
        _language_map(verb["display"], "verb.display", errors)
    if "object" in statement:
        _object(statement["object"], "object", errors)
    if "result" in statement:
        _result(statement["result"], errors)
    if "context" in statement:
        _context(statement["context"], errors)
    for key in ("timestamp", "stored"):
        if key in statement:
            _timestamp(statement[key], key, errors)
    if "version" in statement and not re.fullmatch(r"1\.0(\.\d+)?", str(statement["version"])):
        errors.append("version: must be 1.0.x")
    return errors
