"""Single choice: one option is right. Response: the chosen option's index (file order) or None."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from . import choice
from .base import Grade, QuestionBase, QuestionType, distinct, make_grade, valid_index
from .choice import ChoiceOption


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    options: list[ChoiceOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: list[ChoiceOption]) -> list[ChoiceOption]:
        correct = sum(o.correct for o in options)
        if correct != 1:
            raise ValueError(f"single choice needs exactly one correct option, found {correct}")
        distinct([o.text for o in options], "option texts")
        return options

    def option_weight(self, index: int) -> float:
        option = self.options[index]
        if option.weight is not None:
            return option.weight
        return 100.0 if option.correct else 0.0


def grade(question: SingleChoice, response: Any) -> Grade:
    index = valid_index(response, len(question.options))
    if index is None:
        return make_grade(question, 0, [])
    return make_grade(question, question.option_weight(index) / 100, [question.options[index].feedback])


def response_text(question: SingleChoice, response: Any) -> str | None:
    index = valid_index(response, len(question.options))
    return question.options[index].text if index is not None else None


def example() -> dict:
    return {"id": "beispiel-einfach", "type": "single_choice", "objective": "ziel",
            "prompt": "Welche Stelle beschließt den Haushalt einer Gemeinde?",
            "explanation": "Den Haushalt beschließt die Vertretung (Rat).",
            "options": [{"text": "Der Rat", "correct": True, "feedback": "Richtig."},
                        {"text": "Die Kämmerei", "feedback": "Sie stellt ihn auf."}]}


def ilias_read(item: Any, data: dict) -> dict:
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused, choice_data
    from .choice import ilias_choice_points

    response = iq.response(item, "response_lid")
    labels = iq.labels(item, response)
    checked, _ = ilias_choice_points(item, response)
    points = [checked.get(ident, 0.0) for ident, _ in labels]
    best = max(points, default=0.0)
    if best <= 0:
        raise Refused("keine Antwort gibt Punkte")
    if min(points) < 0:
        item.notes.append("Minuspunkte für falsche Antworten nicht übernommen (in Lotse 0 Punkte)")
    rows = [(text, max(p, 0.0) / best * 100, item.feedback.get(f"response_{ident}"))
            for (ident, text), p in zip(labels, points)]
    result, notes = choice_data(rows, single=True)
    item.notes.extend(notes)
    iq.set_points(data, best, item.notes)
    return result


TYPE = QuestionType(
    name="single_choice", label="Einfachauswahl", model=SingleChoice, grade=grade,
    answered=lambda q, r: r is not None and r != "",
    response_text=response_text,
    correct_answer=lambda q: "; ".join(choice.right_texts(q)),
    solution_lines=choice.right_texts,
    right_response=lambda q: next(i for i, o in enumerate(q.options) if o.correct),
    wrong_response=lambda q: next(i for i, o in enumerate(q.options) if not o.correct),
    xapi_interaction=choice.xapi_interaction, xapi_response=choice.xapi_response,
    moodle_qtype="multichoice", moodle_write=choice.moodle_write, gift_write=choice.gift_write,
    example=example, yaml_keys=("options",),
    moodle_readers={"multichoice": choice.moodle_read},  # gives multiple choice too
    ilias_readers={"single choice question": ilias_read, "asssinglechoice": ilias_read},
)
