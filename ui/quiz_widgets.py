"""The quiz inputs: one renderer per question type (ui/question_widgets/<type>.py), reading the
answers back in the grading shapes, and the answer in words.

Ordering and matching use radio groups, not select boxes: a select box shows the chosen value in a
one-line input that cuts long texts on a phone (WCAG 1.4.10); radio labels wrap and stay readable.

Keys: ``quiz-<lesson>-<question>-a<attempt>`` (plus ``-o<i>`` per checkbox, ``-p<n>`` per ordering
position, ``-m<i>`` per matching pair, ``-g<n>`` per cloze gap). The attempt number is part of the
key, so a new attempt starts with empty inputs. Option order comes from lotse.learning.shuffled(seed,
question id): the same after a reload, reshuffled for the next attempt. Values are option indexes in
the file's order (see lotse.grading), so the shuffle never reaches grading.
"""

from __future__ import annotations

from typing import Any

from lotse.content.models import Question
from lotse.question_types import get, true_false

from .escape import md_escape
from .question_widgets import RENDERERS, renderer
from .question_widgets.common import MAX_TEXT_CHARS, Callback  # noqa: F401  (used by pages and tests)

__all__ = ["RENDERERS", "TRUE_FALSE_LABELS", "answered", "describe_response", "question_key", "render_input",
           "response_of", "response_text"]

TRUE_FALSE_LABELS = true_false.WORDS


def question_key(lesson_id: str, question_id: str, attempt_no: int) -> str:
    return f"quiz-{lesson_id}-{question_id}-a{attempt_no}"


def render_input(question: Question, key: str, seed: int, draft: Any, on_change: Callback,
                 label: str = "Frage") -> None:
    """``label`` names the question ("Frage 3") in the input labels, so a screen reader moving
    from field to field knows which question an input belongs to."""
    renderer(question.type).render(question, key, seed, draft, on_change, label)


def response_of(question: Question, key: str) -> Any:
    """The current answer in the shape lotse.grading expects."""
    return renderer(question.type).read(question, key)


def answered(question: Question, response: Any) -> bool:
    return get(question.type).answered(question, response)


def response_text(question: Question, response: Any) -> str:
    """The learner's answer in words, plain text (escape it for the place it is shown)."""
    return get(question.type).response_text(question, response) or "keine Antwort"


def describe_response(question: Question, response: Any) -> str:
    """The learner's answer in words, as Markdown-safe text."""
    return md_escape(response_text(question, response))
