"""The xAPI 1.0.3 statement rules: ``validate_statement`` returns the problems ([] = valid).

Checks required properties, actors (exactly one inverse functional identifier), IRIs for verb,
activity and definition ids, UUIDs, ISO 8601 timestamps and durations, language maps,
interaction components, and scores (`scaled` in [-1, 1], min < raw < max).
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
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


def is_iri(value: Any) -> bool:
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
    if "openid" in value and not is_iri(value["openid"]):
        errors.append(f"{where}.openid: must be an IRI")
    account = value.get("account")
    if "account" in value and not (isinstance(account, dict) and is_iri(account.get("homePage"))
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
        if key in value and not is_iri(value[key]):
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
        if not is_iri(value.get("id")):
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
    if "verb" in statement and not (isinstance(verb, dict) and is_iri(verb.get("id"))):
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
