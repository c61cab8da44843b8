"""Grading: each question type grades itself (lotse.question_types); here the dispatch and the
attempt total.

Responses are what the quiz page collects; each type module documents its shape (single_choice:
option index or None, multiple_choice: list of indexes, true_false: bool, ordering: item index per
position, matching: chosen right-hand text per pair, short_answer and numeric: the text as typed,
cloze: the chosen or typed text per gap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .content.models import Question, Quiz
from .question_types import get
from .question_types.base import Grade, normalise_text, parse_number

__all__ = ["AttemptResult", "Grade", "grade_attempt", "grade_question", "normalise_text", "parse_number"]


@dataclass(frozen=True)
class AttemptResult:
    grades: list[Grade]
    score: float
    max_score: float
    percent: float
    passed: bool


def grade_question(question: Question, response: Any) -> Grade:
    """The type's own grading; an unknown type raises UnknownQuestionType."""
    return get(question.type).grade(question, response)


def grade_attempt(quiz: Quiz, responses: dict[str, Any]) -> AttemptResult:
    """Grade every question; a question without a response scores 0."""
    grades = [grade_question(q, responses.get(q.id)) for q in quiz.questions]
    score = round(sum(g.mark for g in grades), 6)
    percent = round(100 * score / quiz.max_points, 4) if quiz.max_points else 0.0
    return AttemptResult(grades, score, quiz.max_points, percent, percent + 1e-9 >= quiz.pass_mark)
