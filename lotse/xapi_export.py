"""xAPI statements from the progress store, and sending them to a learning record store.

Who may export: a learner their own records, a trainer the members of the cohorts they lead,
an admin everyone (lotse.access). The actor of every statement is pseudonymous by default: an
`account` whose name is an HMAC (keyed with the server secret, lotse.secrets_store) of the
account id and its creation time, so it is stable across exports and restarts, and a reused
account id never continues someone else's record. Statement ids are deterministic, so the
ledger in the store (table xapi_sent) makes sure nothing is sent twice.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from progress import Store

from progress import xapi_sql as sql

from .access import require_cohort, require_learner_access, require_role
from .config import DEFAULT_BASE_URL, Settings
from .content import Catalog
from . import access_log
from .identity import PermissionDenied, User
from .visibility import Grant, Policy, current_policy, grants
from .interop.lrs import LrsClient, LrsConfig, SendReport
from .interop.xapi import AnswerRecord, LessonEvent, QuizAttempt, XapiConfig, build_statements
from .secrets_store import server_secret


class XapiExportError(ValueError):
    """A setting makes the export impossible; the message (German) says which."""


class StoreLedger:
    """The LRS ledger kept in the progress store (lotse.interop.lrs.Ledger)."""

    def __init__(self, db: Store) -> None:
        self.db = db

    def already_sent(self, ids) -> set[str]:
        return sql.already_sent(self.db, ids)

    def mark_sent(self, ids) -> None:
        sql.mark_sent(self.db, ids)


def xapi_config(settings: Settings, *, pseudonymous: bool = True) -> XapiConfig:
    try:
        return XapiConfig(base_iri=settings.xapi_base_iri, pseudonymize=pseudonymous,
                          secret=server_secret(settings) if pseudonymous else "")
    except ValueError as err:
        raise XapiExportError(f"LOTSE_XAPI_BASE_IRI (oder LOTSE_BASE_URL) ist keine vollständige "
                              f"Adresse wie https://lotse.example.de/xapi: {settings.xapi_base_iri!r}") from err


NOT_SHARED = ("xAPI-Lerndaten enthalten jede Antwort mit Zeitpunkt. Diese Person hat das nicht freigegeben, "
              "und die Vereinbarung zur Nutzung von Lotse erlaubt es nicht.")


def _full_record(grant: Grant) -> bool:
    """xAPI statements carry every answer with its time: only when both are visible."""
    return grant.answers and grant.activity


LOCAL_BASE_WARNING = ("Achtung: Die Aktivitäts-IDs beginnen mit {base}. Diese Adresse gilt nur auf dem "
                      "eigenen Rechner; ein Learning Record Store kann die Aussagen so keiner echten Plattform "
                      "zuordnen. Bitte LOTSE_BASE_URL (oder LOTSE_XAPI_BASE_IRI) auf die öffentliche Adresse "
                      "setzen, zum Beispiel https://lotse.example.de.")


def base_iri_warning(settings: Settings) -> str | None:
    """A German warning when the activity ids would use a local address (the default base)."""
    host = (urlsplit(settings.xapi_base_iri).hostname or "").lower()
    local = host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")
    if local or settings.xapi_base_iri.startswith(DEFAULT_BASE_URL):
        return LOCAL_BASE_WARNING.format(base=settings.xapi_base_iri)
    return None


def learner_statements(db: Store, actor: User, learner_id: int, catalog: Catalog,
                       settings: Settings, *, pseudonymous: bool = True, policy: Policy | None = None) -> list[dict]:
    """Every xAPI statement of one learner (the learner; their trainers and admins only when the
    visibility policy or the learner's choice shows answers and activity times; logged)."""
    require_learner_access(db, actor, learner_id)
    if actor.id != learner_id:
        if not _full_record(grants(db, policy or current_policy(), [learner_id])[learner_id]):
            raise PermissionDenied(NOT_SHARED)
        access_log.record(db, actor, [learner_id], None, access_log.XAPI)
    return _statements(db, "learner", learner_id, catalog, settings, pseudonymous)


def cohort_statements(db: Store, actor: User, cohort_id: int, catalog: Catalog,
                      settings: Settings, *, pseudonymous: bool = True, policy: Policy | None = None) -> list[dict]:
    """The xAPI statements of the cohort's members whose answers and activity times the policy
    (or their own choice) shows (its trainer, admins); logged for those people."""
    require_cohort(db, actor, cohort_id)
    members = [p["id"] for p in sql.people(db, "cohort", cohort_id)]
    allowed = {uid for uid, grant in grants(db, policy or current_policy(), members).items() if _full_record(grant)}
    access_log.record(db, actor, allowed, cohort_id, access_log.XAPI)
    return _statements(db, "cohort", cohort_id, catalog, settings, pseudonymous, allowed)


def _statements(db: Store, scope: str, key: int, catalog: Catalog, settings: Settings,
                pseudonymous: bool, allowed: set[int] | None = None) -> list[dict]:
    config = xapi_config(settings, pseudonymous=pseudonymous)
    if catalog.course is not None:
        config = replace(config, course_id=catalog.course.id, course_name=catalog.course.title)
    actors = {p["id"]: (f"{p['id']}:{p['created_at']}" if pseudonymous else p["login"])
              for p in sql.people(db, scope, key) if allowed is None or p["id"] in allowed}
    events = [LessonEvent(e["kind"], actors[e["user_id"]], e["lesson_id"], _moment(e["created_at"]), key=str(e["id"]))
              for e in sql.lesson_events(db, scope, key) if e["user_id"] in actors]
    answers: dict[int, list[AnswerRecord]] = defaultdict(list)
    for row in sql.answers(db, scope, key):
        answers[row["attempt_id"]].append(
            AnswerRecord(row["question_id"], _response(row["response"]), row["mark"], row["max_mark"]))
    attempts = [QuizAttempt(attempt_id=f"{a['id']}:{a['submitted_at']}", user_id=actors[a["user_id"]],
                            lesson_id=a["lesson_id"], created_at=_moment(a["submitted_at"]),
                            answers=tuple(answers[a["id"]]), passed=bool(a["passed"]),
                            started_at=_moment(a["started_at"]) if a["started_at"] else None)
                for a in sql.attempts(db, scope, key) if a["user_id"] in actors]
    titles = {lesson.id: lesson.meta.title for lesson in catalog.lessons}
    quizzes = {lesson_id: entry.quiz for lesson_id, entry in catalog.quizzes.items()}
    return build_statements(events, attempts, config=config, titles=titles, quizzes=quizzes)


def _moment(stored: str) -> datetime:
    moment = datetime.fromisoformat(stored)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _response(stored: str) -> Any:
    try:
        return json.loads(stored)
    except (TypeError, ValueError):
        return stored


def statements_json(statements: Sequence[dict]) -> str:
    """The download: a JSON array in UTF-8, one statement per line (readable, and fast to write)."""
    lines = ",\n".join(json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in statements)
    return f"[\n{lines}\n]\n" if lines else "[]\n"


# --- learning record store -------------------------------------------------------------


def lrs_config(settings: Settings, **options) -> LrsConfig | None:
    """The LRS from LOTSE_LRS_URL/USER/PASSWORD, or None if no LRS is configured."""
    if not settings.lrs_url:
        return None
    try:
        return LrsConfig(endpoint=settings.lrs_url, username=settings.lrs_user,
                         password=settings.lrs_password, **options)
    except ValueError as err:
        raise XapiExportError(f"LOTSE_LRS_URL muss mit http:// oder https:// beginnen: "
                              f"{settings.lrs_url!r}") from err


def send_to_lrs(db: Store, actor: User, statements: Sequence[dict], config: LrsConfig, *,
                sleep: Callable[[float], None] = time.sleep,
                opener: urllib.request.OpenerDirector | None = None) -> SendReport:
    """Send what the LRS does not have yet (trainers and admins; the statements come from the
    authorised functions above). Raises lotse.interop.lrs.LrsError; sending again resumes."""
    require_role(actor, "trainer", "admin")
    client = LrsClient(config, StoreLedger(db), sleep=sleep, opener=opener)
    return client.send(statements)
