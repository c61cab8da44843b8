"""What a learner is told about a graded question beyond the verdict: which ticks were right, the
correct answer (when the quiz's review option allows it) and the partial-credit rule in words.

Plain text only (no Markdown, no HTML): the page escapes it for the place it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .content.models import Question, Quiz
from .german_format import decimal

TRUE_FALSE_WORDS = {True: "Stimmt", False: "Stimmt nicht"}

MULTIPLE_CHOICE_RULE = ("So wird gezählt: Jede richtige Auswahl bringt einen Anteil der Punkte, jede falsche "
                        "Auswahl zieht einen Anteil ab. Weniger als 0 Punkte gibt es nicht. Wer alles oder "
                        "nichts ankreuzt, erhält 0 Punkte; ein richtiges und ein falsches Kreuz heben sich auf.")
SHARE_RULE = "So wird gezählt: Sie erhalten für jede richtige Position einen Anteil der Punkte."
MATCHING_RULE = "So wird gezählt: Sie erhalten für jede richtige Zuordnung einen Anteil der Punkte."


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
    if question.type in ("single_choice", "multiple_choice"):
        return "; ".join(o.text for o in question.options if o.correct)
    if question.type == "true_false":
        return TRUE_FALSE_WORDS[question.answer]
    if question.type == "ordering":
        return "; ".join(f"{n}. {item}" for n, item in enumerate(question.items, 1))
    if question.type == "matching":
        return "; ".join(f"{pair.left} → {pair.right}" for pair in question.pairs)
    if question.type == "short_answer":
        return " oder ".join(f"„{a.text}“" for a in question.answers if a.weight == 100)
    unit = f" {question.unit}" if question.unit else ""
    return " oder ".join(_number(a.value, a.tolerance) + unit for a in question.answers if a.weight == 100)


def _number(value: float, tolerance: float) -> str:
    text = decimal(value)
    return f"{text} (± {decimal(tolerance)})" if tolerance else text


def counting_rule(question: Question) -> str | None:
    """How partial credit is counted, for the types that give it by default."""
    return {"multiple_choice": MULTIPLE_CHOICE_RULE, "ordering": SHARE_RULE,
            "matching": MATCHING_RULE}.get(question.type)


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
