"""Quiz <-> YAML, and turning imported drafts into a valid Quiz.

``build_quiz`` fills what Moodle files often lack (objective, explanation, option feedback)
with placeholders the validator accepts, and lists every question that needs an author.
``dump_quiz`` writes the YAML the way authors write it: fixed key order, defaults left out,
block scalars (``|``) for multi-line text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from lotse.content.german_problems import FIELD_WORDS, german_message
from lotse.content.models import QUESTION_TYPES, Question, Quiz
from lotse.content.yaml_lines import safe_load
from lotse.interop.common import SLUG_RE, ImportResult, InteropError, Skipped, unique_slug
from lotse.question_types import REGISTRY

PLACEHOLDER_FEEDBACK = "Keine Rückmeldung hinterlegt."
PLACEHOLDER_EXPLANATION = "Keine Erläuterung hinterlegt."
DEFAULT_PASS_MARK = 70.0

QUESTION_ADAPTER: TypeAdapter = TypeAdapter(Question)

_KEY_ORDER = ("id", "type", "objective", "section", "category", "points", "prompt",
              *dict.fromkeys(key for kind in REGISTRY.values() for key in kind.yaml_keys), "explanation")
_ENTRY_ORDER = ("text", "correct", "value", "tolerance", "weight", "left", "right", "feedback")
# keys of list entries a question type adds (a cloze gap's kind, options, ...) go first
_OPTION_ORDER = tuple(dict.fromkeys((*(key for kind in REGISTRY.values() for key in kind.yaml_entry_keys
                                       if key not in _ENTRY_ORDER), *_ENTRY_ORDER)))


# --- drafts -> Quiz --------------------------------------------------------------------


def error_text(error: ValidationError) -> str:
    """Pydantic errors as German sentences naming each field in words („Frage 1: „Erklärung“ fehlt.“)."""
    parts = []
    for err in error.errors(include_url=False):
        loc = tuple(step for step in err["loc"] if step not in QUESTION_TYPES)
        parts.append(german_message(err, loc, QUESTION_TYPES))
    return " ".join(parts)


def _fill_placeholders(data: dict) -> list[str]:
    """Put placeholders into missing required texts; return what was filled."""
    missing = []
    if not str(data.get("explanation") or "").strip():
        data["explanation"] = PLACEHOLDER_EXPLANATION
        missing.append("Erklärung")
    for i, option in enumerate(data.get("options") or []):
        if not str(option.get("feedback") or "").strip():
            option["feedback"] = PLACEHOLDER_FEEDBACK
            missing.append(f"Rückmeldung zu Option {i + 1}")
    for key in ("feedback_true", "feedback_false"):
        if data.get("type") == "true_false" and not str(data.get(key) or "").strip():
            data[key] = PLACEHOLDER_FEEDBACK
            missing.append(FIELD_WORDS[key])
    for answer in data.get("answers") or []:
        if answer.get("feedback") is not None and not str(answer["feedback"]).strip():
            answer["feedback"] = None
    return missing


def build_quiz(result: ImportResult, lesson: str, objective: str | None,
               objectives: list[str] | None = None,
               pass_mark: float | None = None) -> tuple[Quiz | None, list[Skipped], list[str]]:
    """Drafts -> Quiz. Returns (quiz or None, skipped questions, attention list).

    `objective` is used where the file does not name one; `objectives` (the lesson's, if
    known) are used to check objectives coming from the file.
    """
    taken: set[str] = set()
    questions, skipped, attention = [], list(result.skipped), []
    for draft in result.drafts:
        data = {k: ([dict(x) for x in v] if k in ("options", "answers") else v)
                for k, v in draft.data.items() if v is not None}
        notes = list(draft.notes)
        wanted = draft.meta.get("id")
        qid = wanted if isinstance(wanted, str) and SLUG_RE.match(wanted) and wanted not in taken \
            else unique_slug(draft.name, taken)
        data["id"] = qid
        goal = draft.meta.get("objective")
        if objectives is not None and goal not in objectives:
            if goal:
                notes.append(f"Lernziel „{goal}“ gibt es in der Lektion nicht, ersetzt")
            goal = None
        if not goal and not objective:
            raise InteropError("Kein Lernziel bekannt: bitte --objective ID angeben "
                               "(die Lektion gibt es noch nicht).")
        if not goal:
            data["objective"] = objective
            if not draft.meta.get("objective"):
                notes.append(f"Lernziel „{objective}“ vorbelegt")
        else:
            data["objective"] = goal
        notes = _fill_placeholders(data) + notes
        try:
            question = QUESTION_ADAPTER.validate_python(data)
        except ValidationError as err:
            skipped.append(Skipped(draft.name, draft.line, error_text(err)))
            continue
        taken.add(qid)
        questions.append(question)
        if notes:
            attention.append(f"Zeile {draft.line}: {qid}: " + "; ".join(notes))
    if not questions:
        return None, skipped, attention
    mark = pass_mark if pass_mark is not None else result.quiz_meta.get("pass_mark")
    quiz = Quiz.model_validate({"lesson": lesson, "questions": questions,
                                "pass_mark": DEFAULT_PASS_MARK if mark is None else mark})
    return quiz, skipped, attention


# --- YAML ------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str_representer)


def _tidy(value: Any, order: tuple[str, ...] = _KEY_ORDER) -> Any:
    """Sort keys like an author would and write whole numbers without `.0`."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (order.index(k) if k in order else len(order), k))
        return {k: _tidy(value[k], _OPTION_ORDER) for k in keys}
    if isinstance(value, list):
        return [_tidy(v, order) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def quiz_to_dict(quiz: Quiz) -> dict:
    data = quiz.model_dump(mode="json", exclude_defaults=True)
    return {"lesson": data["lesson"], "pass_mark": _tidy(quiz.pass_mark),
            "questions": [_tidy(q) for q in data["questions"]]}


def dump_quiz(quiz: Quiz) -> str:
    return yaml.dump(quiz_to_dict(quiz), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=100, default_flow_style=False)


def load_quiz(path: Path) -> Quiz:
    """Read and validate quizzes/<lesson>.yaml."""
    try:
        data = safe_load(path.read_text(encoding="utf-8"))
        return Quiz.model_validate(data)
    except OSError as err:
        raise InteropError(f"{path}: {err.strerror}") from err
    except yaml.YAMLError as err:
        raise InteropError(f"{path}: kein gültiges YAML: {err}") from err
    except ValidationError as err:
        raise InteropError(f"{path}: {error_text(err)}") from err


def canonical(quiz: Quiz) -> dict:
    """The quiz as a dict with effective option weights (rounded): for round-trip checks.

    Two quizzes that score every answer the same way and show the same texts compare equal,
    whether a weight is written out or left to its default.
    """
    data = quiz.model_dump(mode="json")
    for question, model in zip(data["questions"], quiz.questions):
        for i, option in enumerate(question.get("options") or []):
            option["weight"] = round(model.option_weight(i), 3)
        for answer in question.get("answers") or []:
            answer["weight"] = round(answer["weight"], 3)
    return data
