"""Seminar live: the trainer asks questions in the room, participants answer on their phones.

A session belongs to a cohort and has a short join code (and a QR code of the join link). Its
questions come from the course's quizzes (the weakest objectives of the cohort first) or are written
on the spot: single or multiple choice, a word (for a word cloud) or a 1-5 scale (a mood check).
One question is open at a time; participants answer once and may change their answer until it is
closed. Results never name anyone, and fewer than MIN_ANSWERS answers show no distribution.

Members who answer signed in count for the cohort's record (group level only); if the trainer
allows it, people can join with the code alone, as an anonymous key kept by their browser (in the
address, so that a reload keeps it and nobody answers twice): random, never derived from the person.
"""

from __future__ import annotations

import json
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from progress import Conflict, Store
from progress import cohorts as cohort_sql
from progress import live_sql as sql

from .access import require_cohort
from .content import Catalog
from .content.models import MultipleChoice, SingleChoice, TrueFalse
from .identity import PermissionDenied, User

Kind = Literal["single", "multiple", "word", "scale"]
KIND_LABELS: dict[str, str] = {"single": "Einfachauswahl", "multiple": "Mehrfachauswahl",
                               "word": "Ein Wort (Wortwolke)", "scale": "Skala 1 bis 5 (Stimmungsbild)"}
SCALE = ["1", "2", "3", "4", "5"]
SCALE_HINT = "1 = gar nicht, 5 = voll und ganz"
MIN_ANSWERS = 3
CODE_ALPHABET = "ACDEFHJKLMNPRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 6/G, 8/B: easy to read off a projector
CODE_LENGTH = 6
MAX_PROMPT, MAX_OPTION, MAX_OPTIONS, MAX_WORD = 300, 120, 8, 40


class LiveError(ValueError):
    """A German message for the person who did something the live session cannot take."""


@dataclass(frozen=True)
class LiveSession:
    id: int
    cohort_id: int
    join_code: str
    allow_anonymous: bool
    ended: bool


@dataclass(frozen=True)
class LiveQuestion:
    id: int
    session_id: int
    kind: str
    prompt: str
    options: list[str]
    correct: list[int]
    state: str
    revealed: bool
    source: str | None = None

    @property
    def choices(self) -> list[str]:
        return SCALE if self.kind == "scale" else self.options


@dataclass(frozen=True)
class Results:
    """What the projector shows for a question: counts per option (or word), never who answered."""
    question: LiveQuestion
    answers: int
    rows: list[tuple[str, int]] = field(default_factory=list)  # (label, count); empty while withheld
    mean: float | None = None  # scale questions

    @property
    def withheld(self) -> bool:
        return self.answers < MIN_ANSWERS

    @property
    def correct_labels(self) -> list[str]:
        if not self.question.revealed:
            return []
        return [self.question.choices[i] for i in self.question.correct if i < len(self.question.choices)]


# --- sessions ----------------------------------------------------------------------------------------


def normalise_code(text: str | None) -> str | None:
    """A join code as typed (spaces, dashes, lower case forgiven); None unless it can be one."""
    if not isinstance(text, str):
        return None
    code = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
    return code if len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code) else None


def _session(row: dict) -> LiveSession:
    return LiveSession(row["id"], row["cohort_id"], row["join_code"], bool(row["allow_anonymous"]),
                       row["ended_at"] is not None)


def start_session(db: Store, actor: User, cohort_id: int, allow_anonymous: bool = False) -> LiveSession:
    """The cohort's running session, or a new one with a fresh join code."""
    require_cohort(db, actor, cohort_id)
    with db.transaction():
        running = sql.running_session(db, cohort_id)
        if running is not None:
            return _session(running)
        for _ in range(10):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            try:
                return _session(sql.get_session(db, sql.insert_session(db, cohort_id, actor.id, code,
                                                                       allow_anonymous)))
            except Conflict:  # a code in use: astronomically rare, draw again
                continue
    raise RuntimeError("could not find a free join code")


def running_session(db: Store, actor: User, cohort_id: int) -> LiveSession | None:
    require_cohort(db, actor, cohort_id)
    row = sql.running_session(db, cohort_id)
    return None if row is None else _session(row)


def end_session(db: Store, actor: User, session_id: int) -> None:
    _managed(db, actor, session_id)
    sql.end_session(db, session_id)


def managed_session(db: Store, actor: User, session_id: int) -> LiveSession:
    """A session the actor runs (trainer of its cohort, or admin); PermissionDenied otherwise."""
    return _managed(db, actor, session_id)


def _managed(db: Store, actor: User, session_id: int) -> LiveSession:
    row = sql.get_session(db, session_id)
    if row is None:
        raise PermissionDenied("Diese Live-Sitzung gibt es nicht.")
    require_cohort(db, actor, row["cohort_id"])
    return _session(row)


def join(db: Store, code: str | None) -> LiveSession:
    """The running session of a join code, or LiveError with what to do."""
    normalised = normalise_code(code)
    row = sql.session_by_code(db, normalised) if normalised else None
    if row is None:
        raise LiveError("Zu diesem Code läuft keine Live-Sitzung. Bitte prüfen Sie den Code auf der Leinwand.")
    return _session(row)


def participant(db: Store, session: LiveSession, user: User | None, anonymous_key: str) -> tuple[str, int | None]:
    """Who answers: a signed-in member as themselves (for the cohort's group record), anyone else
    with the anonymous key of their browser session if the trainer allows it."""
    if user is not None and not user.disabled and cohort_sql.is_member(db, session.cohort_id, user.id):
        return f"u{user.id}", user.id
    if session.allow_anonymous:
        return f"a{anonymous_key}", None
    if user is None:
        raise LiveError("Für diese Live-Sitzung melden Sie sich bitte an. Ihre Trainerin oder Ihr Trainer hat "
                        "die Teilnahme ohne Anmeldung nicht freigegeben.")
    raise LiveError("Diese Live-Sitzung ist für die Mitglieder einer anderen Kohorte.")


def new_anonymous_key() -> str:
    return secrets.token_urlsafe(16)


_ANONYMOUS_KEY = re.compile(r"[A-Za-z0-9_-]{22}")  # what new_anonymous_key makes


def anonymous_key(kept: object = None) -> str:
    """The anonymous key a browser kept (the address's ?teilnahme=) when it has the form of one,
    otherwise a new random key."""
    if isinstance(kept, str) and _ANONYMOUS_KEY.fullmatch(kept):
        return kept
    return new_anonymous_key()


# --- questions ---------------------------------------------------------------------------------------


def _clean(text: str | None, limit: int, what: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", text or "").split())
    if not value:
        raise LiveError(f"Bitte geben Sie {what} ein.")
    if len(value) > limit:
        raise LiveError(f"{what[0].upper()}{what[1:]} ist zu lang (höchstens {limit} Zeichen).")
    return value


def parse_options(text: str) -> tuple[list[str], list[int]]:
    """Options one per line; a leading * marks a correct one ("* Die Personalvertretung")."""
    options, correct = [], []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("*"):
            correct.append(len(options))
            stripped = stripped[1:].strip()
        options.append(_clean(stripped, MAX_OPTION, "den Text der Antwortmöglichkeit"))
    return options, correct


def add_question(db: Store, actor: User, session_id: int, kind: str, prompt: str, options_text: str = "") -> int:
    """A question written on the spot."""
    session = _managed(db, actor, session_id)
    if session.ended:
        raise LiveError("Diese Live-Sitzung ist beendet.")
    if kind not in KIND_LABELS:
        raise LiveError("Bitte wählen Sie eine Frageart.")
    prompt = _clean(prompt, MAX_PROMPT, "eine Frage")
    options, correct = parse_options(options_text) if kind in ("single", "multiple") else ([], [])
    if kind in ("single", "multiple"):
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise LiveError(f"Bitte geben Sie 2 bis {MAX_OPTIONS} Antwortmöglichkeiten ein, eine pro Zeile.")
        if len({o.casefold() for o in options}) != len(options):
            raise LiveError("Zwei Antwortmöglichkeiten sind gleich. Bitte formulieren Sie sie unterschiedlich.")
        if kind == "single" and len(correct) > 1:
            raise LiveError("Bei einer Einfachauswahl ist höchstens eine Antwort richtig (mit * markiert).")
    return sql.insert_question(db, session_id, kind, prompt, json.dumps(options), json.dumps(correct), None)


@dataclass(frozen=True)
class CourseQuestion:
    lesson_id: str
    lesson_title: str
    question_id: str
    prompt: str
    objective: str


def course_questions(catalog: Catalog, weakest_objectives: list[tuple[str, str]] | None = None) -> list[CourseQuestion]:
    """The course's choice questions that work in the room, those of the weakest objectives first
    (``weakest_objectives``: (lesson id, objective id) in order of need, e.g. from the briefing)."""
    found = []
    for lesson in catalog.lessons:
        quiz = catalog.quiz(lesson.id)
        for question in quiz.questions if quiz else []:
            if isinstance(question, (SingleChoice, MultipleChoice, TrueFalse)):
                found.append(CourseQuestion(lesson.id, lesson.meta.title, question.id, question.prompt,
                                            question.objective))
    rank = {pair: n for n, pair in enumerate(weakest_objectives or [])}
    return sorted(found, key=lambda q: rank.get((q.lesson_id, q.objective), len(rank)))


def add_course_question(db: Store, actor: User, session_id: int, catalog: Catalog, lesson_id: str,
                        question_id: str) -> int:
    session = _managed(db, actor, session_id)
    if session.ended:
        raise LiveError("Diese Live-Sitzung ist beendet.")
    quiz = catalog.quiz(lesson_id)
    question = next((q for q in quiz.questions if q.id == question_id), None) if quiz else None
    if isinstance(question, TrueFalse):
        kind, options, correct = "single", ["Richtig", "Falsch"], [0 if question.answer else 1]
    elif isinstance(question, (SingleChoice, MultipleChoice)):
        kind = "single" if isinstance(question, SingleChoice) else "multiple"
        options = [o.text for o in question.options]
        correct = [i for i, o in enumerate(question.options) if o.correct]
    else:
        raise LiveError("Diese Frage lässt sich nicht live stellen (nur Auswahl- und Richtig/Falsch-Fragen).")
    return sql.insert_question(db, session_id, kind, question.prompt[:MAX_PROMPT], json.dumps(options),
                               json.dumps(correct), f"{lesson_id}/{question_id}")


def _question(row: dict) -> LiveQuestion:
    return LiveQuestion(row["id"], row["session_id"], row["kind"], row["prompt"], json.loads(row["options"]),
                        json.loads(row["correct"]), row["state"], bool(row["revealed"]), row["source"])


def questions(db: Store, actor: User, session_id: int) -> list[LiveQuestion]:
    _managed(db, actor, session_id)
    return [_question(row) for row in sql.questions(db, session_id)]


def answer_counts(db: Store, actor: User, session_id: int) -> dict[int, int]:
    _managed(db, actor, session_id)
    return sql.answer_counts(db, session_id)


def _owned_question(db: Store, actor: User, question_id: int) -> LiveQuestion:
    row = sql.get_question(db, question_id)
    if row is None:
        raise PermissionDenied("Diese Frage gibt es nicht.")
    _managed(db, actor, row["session_id"])
    return _question(row)


def open_question(db: Store, actor: User, question_id: int) -> None:
    question = _owned_question(db, actor, question_id)
    with db.transaction():
        sql.open_question(db, question.session_id, question.id)


def close_question(db: Store, actor: User, question_id: int) -> None:
    sql.close_question(db, _owned_question(db, actor, question_id).id)


def reveal(db: Store, actor: User, question_id: int) -> None:
    question = _owned_question(db, actor, question_id)
    if question.state != "closed":
        raise LiveError("Die Lösung zeigen Sie, nachdem Sie die Frage geschlossen haben.")
    sql.reveal(db, question.id)


# --- answering ---------------------------------------------------------------------------------------


def open_question_of(db: Store, session: LiveSession) -> LiveQuestion | None:
    """What participants see now: the open question of the session, if any."""
    rows = [row for row in sql.questions(db, session.id) if row["state"] == "open"]
    return _question(rows[-1]) if rows else None


def _validated(question: LiveQuestion, value) -> object:
    if question.kind in ("single", "scale"):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < len(question.choices):
            raise LiveError("Bitte wählen Sie eine Antwort aus.")
        return value
    if question.kind == "multiple":
        if not isinstance(value, (list, tuple)) or not value or \
                any(not isinstance(v, int) or not 0 <= v < len(question.options) for v in value):
            raise LiveError("Bitte kreuzen Sie mindestens eine Antwort an.")
        return sorted(set(value))
    word = _clean(value if isinstance(value, str) else "", MAX_WORD, "ein Wort oder einen kurzen Begriff")
    if len(word.split()) > 3:
        raise LiveError("Bitte antworten Sie mit einem Wort oder einem kurzen Begriff (höchstens drei Wörter).")
    return word


def answer(db: Store, session: LiveSession, question_id: int, who: tuple[str, int | None], value) -> None:
    """Store (or change) this participant's answer while the question is open."""
    row = sql.get_question(db, question_id)
    if row is None or row["session_id"] != session.id:
        raise LiveError("Diese Frage gehört nicht zu Ihrer Live-Sitzung.")
    question = _question(row)
    stored = json.dumps(_validated(question, value), ensure_ascii=False)
    if not sql.upsert_answer(db, question.id, who[0], who[1], stored):
        raise LiveError("Diese Frage ist schon geschlossen. Ihre Antwort wurde nicht mehr gezählt.")


def my_answer(db: Store, question_id: int, who: tuple[str, int | None]):
    stored = sql.answer_of(db, question_id, who[0])
    return None if stored is None else json.loads(stored)


# --- results -----------------------------------------------------------------------------------------


def tally(question: LiveQuestion, stored: list[str]) -> Results:
    """Counts per option (multiple choice: per ticked option) or per word (case folded, most
    frequent first); nothing while fewer than MIN_ANSWERS people answered."""
    values = [json.loads(text) for text in stored]
    if len(values) < MIN_ANSWERS:
        return Results(question, len(values))
    if question.kind == "word":
        counts: dict[str, tuple[str, int]] = {}
        for word in values:
            label, n = counts.get(word.casefold(), (word, 0))
            counts[word.casefold()] = (label, n + 1)
        rows = sorted(counts.values(), key=lambda item: (-item[1], item[0].casefold()))[:30]
        return Results(question, len(values), rows)
    ticks = [0] * len(question.choices)
    for value in values:
        for index in value if isinstance(value, list) else [value]:
            if 0 <= index < len(ticks):
                ticks[index] += 1
    mean = sum(v + 1 for v in values) / len(values) if question.kind == "scale" else None
    return Results(question, len(values), list(zip(question.choices, ticks)), mean)


def results(db: Store, actor: User, question_id: int) -> Results:
    question = _owned_question(db, actor, question_id)
    return tally(question, sql.answers(db, question.id))


def projector(db: Store, actor: User, session_id: int) -> Results | None:
    """The question the projector shows: the open one, else the one closed last."""
    _managed(db, actor, session_id)
    rows = sql.questions(db, session_id)
    shown = [r for r in rows if r["state"] == "open"] or sorted(
        (r for r in rows if r["state"] == "closed"), key=lambda r: r["closed_at"] or "")
    if not shown:
        return None
    question = _question(shown[-1])
    return tally(question, sql.answers(db, question.id))


def cohort_record(db: Store, actor: User, cohort_id: int) -> list[Results]:
    """Every question of the cohort's sessions with its group results (for cockpit, briefing, export)."""
    require_cohort(db, actor, cohort_id)
    record = []
    for session in sql.sessions_of_cohort(db, cohort_id):
        for row in sql.questions(db, session["id"]):
            if row["state"] != "ready":
                question = _question(row)
                record.append(tally(question, sql.answers(db, question.id)))
    return record
