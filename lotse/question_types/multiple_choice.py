"""Multiple choice: any number of options are right. Response: list of chosen option indexes."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator

from . import choice
from .base import Grade, QuestionBase, QuestionType, as_list, distinct, make_grade, valid_index
from .choice import ChoiceOption

RULE = ("So wird gezählt: Jede richtige Auswahl bringt einen Anteil der Punkte, jede falsche "
        "Auswahl zieht einen Anteil ab. Weniger als 0 Punkte gibt es nicht. Wer alles oder "
        "nichts ankreuzt, erhält 0 Punkte; ein richtiges und ein falsches Kreuz heben sich auf.")


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    options: list[ChoiceOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _weights_consistent(cls, options: list[ChoiceOption]) -> list[ChoiceOption]:
        if not any(o.correct for o in options):
            raise ValueError("multiple choice needs at least one correct option")
        distinct([o.text for o in options], "option texts")
        given = [o.weight for o in options if o.weight is not None]
        if given and len(given) != len(options):
            raise ValueError("give a weight on every option or on none")
        if given:
            positive = sum(w for w in given if w > 0)
            if not math.isclose(positive, 100, abs_tol=0.01):
                raise ValueError(f"positive weights must add up to 100, they add up to {positive:g}")
        return options

    def option_weight(self, index: int) -> float:
        """Weight in percent; by default +100/k for each of the k correct options and
        -100/min(k, w) for each of the w wrong ones, so ticking every box always earns 0."""
        option = self.options[index]
        if option.weight is not None:
            return option.weight
        k = sum(o.correct for o in self.options)
        if option.correct:
            return 100.0 / k
        return -100.0 / min(k, len(self.options) - k)


def _chosen(question: MultipleChoice, response: Any) -> list[int]:
    return sorted({i for i in as_list(response) if valid_index(i, len(question.options)) is not None})


def grade(question: MultipleChoice, response: Any) -> Grade:
    chosen = _chosen(question, response)
    total = math.fsum(question.option_weight(i) for i in chosen)  # exact: independent of order
    return make_grade(question, total / 100, [question.options[i].feedback for i in chosen])


def response_text(question: MultipleChoice, response: Any) -> str:
    picked = [question.options[i].text for i in as_list(response)
              if valid_index(i, len(question.options)) is not None]
    return "; ".join(picked) or "keine Auswahl"


def example() -> dict:
    return {"id": "beispiel-mehrfach", "type": "multiple_choice", "objective": "ziel",
            "prompt": "Welche Angaben gehören in ein Verzeichnis der Verarbeitungstätigkeiten?",
            "explanation": "Art. 30 DSGVO nennt unter anderem Zwecke und Empfänger.",
            "options": [{"text": "Zwecke der Verarbeitung", "correct": True, "feedback": "Ja."},
                        {"text": "Empfänger der Daten", "correct": True, "feedback": "Ja."},
                        {"text": "Lieblingsfarbe der Leitung", "feedback": "Nein."}]}


TYPE = QuestionType(
    name="multiple_choice", label="Mehrfachauswahl", model=MultipleChoice, grade=grade,
    answered=lambda q, r: bool(r),
    response_text=response_text,
    correct_answer=lambda q: "; ".join(choice.right_texts(q)),
    solution_lines=choice.right_texts,
    right_response=lambda q: [i for i, o in enumerate(q.options) if o.correct],
    wrong_response=lambda q: [i for i, o in enumerate(q.options) if not o.correct],
    xapi_interaction=choice.xapi_interaction, xapi_response=choice.xapi_response,
    moodle_qtype="multichoice", moodle_write=choice.moodle_write, gift_write=choice.gift_write,
    example=example, counting_rule=RULE, yaml_keys=("options",),
)
