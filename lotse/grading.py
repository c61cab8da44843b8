"""Grading: one pure function per question type, and the attempt total.

Responses are what the quiz page collects:
- single_choice: option index (in the file's order) or None
- multiple_choice: list of option indexes
- true_false: True / False / None
- ordering: list of item indexes, one per position (None where nothing was chosen)
- matching: list of chosen right-hand texts, one per pair (None where nothing was chosen)
- short_answer: text; numeric: text as typed (decimal comma or point) or a number
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from .content.models import (MultipleChoice, Matching, Numeric, Ordering, Question, Quiz,
                             ShortAnswer, SingleChoice, TrueFalse)


@dataclass(frozen=True)
class Grade:
    question_id: str
    fraction: float  # 0..1
    mark: float
    max_mark: float
    feedback: list[str] = field(default_factory=list)  # feedback of what the learner chose

    @property
    def correct(self) -> bool:
        return math.isclose(self.fraction, 1.0)

    @property
    def partly(self) -> bool:
        return 0 < self.fraction < 1


@dataclass(frozen=True)
class AttemptResult:
    grades: list[Grade]
    score: float
    max_score: float
    percent: float
    passed: bool


def _clamp(value: float) -> float:
    """Into [0, 1], rounded to 1e-9 so float noise (3 x 33.33...%) never shows as credit."""
    return round(min(1.0, max(0.0, value)), 9)


def _grade(question: Question, fraction: float, feedback: list[str]) -> Grade:
    fraction = _clamp(fraction)
    return Grade(question.id, fraction, round(fraction * question.points, 6), question.points, feedback)


def _as_list(response: Any) -> list:
    """List-shaped responses; anything else (a stale draft of another type, tampering) is empty."""
    return list(response) if isinstance(response, (list, tuple)) else []


def grade_single_choice(question: SingleChoice, response: Any) -> Grade:
    if not isinstance(response, int) or isinstance(response, bool) or not 0 <= response < len(question.options):
        return _grade(question, 0, [])
    return _grade(question, question.option_weight(response) / 100, [question.options[response].feedback])


def grade_multiple_choice(question: MultipleChoice, response: Any) -> Grade:
    chosen = sorted({i for i in _as_list(response)
                     if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(question.options)})
    total = math.fsum(question.option_weight(i) for i in chosen)  # exact: independent of order
    return _grade(question, total / 100, [question.options[i].feedback for i in chosen])


def grade_true_false(question: TrueFalse, response: Any) -> Grade:
    if not isinstance(response, bool):
        return _grade(question, 0, [])
    feedback = question.feedback_true if response else question.feedback_false
    return _grade(question, 1.0 if response == question.answer else 0.0, [feedback])


def grade_ordering(question: Ordering, response: Any) -> Grade:
    placed = _as_list(response)[: len(question.items)]
    right = sum(1 for position, item in enumerate(placed)
                if isinstance(item, int) and not isinstance(item, bool) and item == position)
    return _grade(question, right / len(question.items), [])


def grade_matching(question: Matching, response: Any) -> Grade:
    chosen = _as_list(response)[: len(question.pairs)]
    right = sum(1 for pair, answer in zip(question.pairs, chosen) if answer == pair.right)
    return _grade(question, right / len(question.pairs), [])


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """NFKC, trimmed, inner whitespace folded; case-folded unless case_sensitive."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    return folded if case_sensitive else folded.casefold()


def grade_short_answer(question: ShortAnswer, response: Any) -> Grade:
    if not isinstance(response, str) or not response.strip():
        return _grade(question, 0, [])
    given = normalise_text(response, question.case_sensitive)
    for answer in question.answers:
        if normalise_text(answer.text, question.case_sensitive) == given:
            return _grade(question, answer.weight / 100, [answer.feedback] if answer.feedback else [])
    return _grade(question, 0, [])


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$", re.IGNORECASE)


def parse_number(text: Any) -> float | None:
    """A number typed by a person: '72', '72,5', ' 0.5 '; None if it is not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u2212", "-")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def grade_numeric(question: Numeric, response: Any) -> Grade:
    value = parse_number(response)
    if value is None:
        return _grade(question, 0, [])
    for answer in question.answers:
        # A tiny epsilon so a boundary typed as decimal (0.1 + 0.2) is not lost to binary rounding.
        if abs(value - answer.value) <= answer.tolerance + 1e-9 * max(1.0, abs(answer.value)):
            return _grade(question, answer.weight / 100, [answer.feedback] if answer.feedback else [])
    return _grade(question, 0, [])


GRADERS: dict[str, Callable[[Any, Any], Grade]] = {
    "single_choice": grade_single_choice,
    "multiple_choice": grade_multiple_choice,
    "true_false": grade_true_false,
    "ordering": grade_ordering,
    "matching": grade_matching,
    "short_answer": grade_short_answer,
    "numeric": grade_numeric,
}


def grade_question(question: Question, response: Any) -> Grade:
    return GRADERS[question.type](question, response)


def grade_attempt(quiz: Quiz, responses: dict[str, Any]) -> AttemptResult:
    """Grade every question; a question without a response scores 0."""
    grades = [grade_question(q, responses.get(q.id)) for q in quiz.questions]
    score = round(sum(g.mark for g in grades), 6)
    percent = round(100 * score / quiz.max_points, 4) if quiz.max_points else 0.0
    return AttemptResult(grades, score, quiz.max_points, percent, percent + 1e-9 >= quiz.pass_mark)
