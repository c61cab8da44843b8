"""What a learner is told about a graded question beyond the verdict: which ticks were right, the
correct answer (when the quiz's review option allows it) and the partial-credit rule in words.

Plain text only (no Markdown, no HTML): the page escapes it for the place it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content.models import Question, Quiz
from .question_types import get, matching, multiple_choice, ordering, true_false

TRUE_FALSE_WORDS = true_false.WORDS
MULTIPLE_CHOICE_RULE = multiple_choice.RULE
SHARE_RULE = ordering.RULE
MATCHING_RULE = matching.RULE


@dataclass(frozen=True)
class ChoiceNote:
    """One option the learner chose: was it right to choose it, its text and the author's feedback."""

    right: bool
    option: str
    feedback: str

    @property
    def lead(self) -> str:
        return "✓ Richtig gewählt" if self.right else "✗ Falsch gewählt"


def choice_notes(question: Question, response: object) -> list[ChoiceNote]:
    """The feedback of every chosen option, each marked as a right or a wrong choice, so "Richtig."
    under a wrong verdict cannot be read as being about the whole question. Empty for other types."""
    if question.type == "single_choice":
        chosen = [response] if _valid_index(response, len(question.options)) else []
    elif question.type == "multiple_choice":
        chosen = sorted({i for i in response if _valid_index(i, len(question.options))}) \
            if isinstance(response, list) else []
    else:
        return []
    return [ChoiceNote(question.options[i].correct, question.options[i].text, question.options[i].feedback)
            for i in chosen]


def correct_answer(question: Question) -> str:
    """The correct answer in words."""
    return get(question.type).correct_answer(question)


def counting_rule(question: Question) -> str | None:
    """How partial credit is counted, for the types that give it by default."""
    return get(question.type).counting_rule


def shows_correct(quiz: Quiz, passed_ever: bool) -> bool:
    """Does the quiz's review option let the learner see the correct answers now?"""
    if quiz.show_correct == "after_each_attempt":
        return True
    return quiz.show_correct == "after_passing" and passed_ever


def review_promise(quiz: Quiz) -> str:
    """One sentence for the quiz intro: when the correct answers will be shown."""
    return {"after_each_attempt": "Nach jeder Abgabe sehen Sie die richtigen Antworten mit Erklärung.",
            "after_passing": "Die richtigen Antworten sehen Sie, sobald Sie das Quiz bestanden haben; bis dahin "
                             "zeigt Ihnen jede Abgabe, was richtig und was falsch war.",
            "never": "Nach jeder Abgabe sehen Sie, was richtig und was falsch war, und eine Erklärung."}[quiz.show_correct]


def _valid_index(value: object, count: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count
