"""True/false: a statement is right or wrong. Response: True, False or None."""

from __future__ import annotations

from typing import Any, Literal

from .base import Grade, QuestionBase, QuestionType, Text, make_grade

WORDS = {True: "Stimmt", False: "Stimmt nicht"}


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text
    feedback_false: Text


def grade(question: TrueFalse, response: Any) -> Grade:
    if not isinstance(response, bool):
        return make_grade(question, 0, [])
    feedback = question.feedback_true if response else question.feedback_false
    return make_grade(question, 1.0 if response == question.answer else 0.0, [feedback])


def xapi_interaction(question: TrueFalse, lang: str) -> dict:
    return {"interactionType": "true-false", "correctResponsesPattern": [str(question.answer).lower()]}


def xapi_response(question: TrueFalse, response: Any) -> str:
    return str(response).lower()


def moodle_write(question: TrueFalse, q: Any, warnings: list[str]) -> None:
    from lotse.interop import moodle_xml_parts as mx

    for value, feedback in (("true", question.feedback_true), ("false", question.feedback_false)):
        right = (value == "true") == question.answer
        mx.add_answer(q, value, 100 if right else 0, feedback, "moodle_auto_format")


def gift_write(question: TrueFalse, warnings: list[str]) -> list[str]:
    from lotse.interop.gift_parts import gift_text

    first, second = (question.feedback_false, question.feedback_true) if question.answer \
        else (question.feedback_true, question.feedback_false)
    return [("TRUE" if question.answer else "FALSE") + "#" + gift_text(first) + "#" + gift_text(second)]


def example() -> dict:
    return {"id": "beispiel-wahr", "type": "true_false", "objective": "ziel",
            "prompt": "Das Onlinezugangsgesetz betrifft auch Kommunen.", "answer": True,
            "explanation": "Das OZG gilt für Bund, Länder und Kommunen.",
            "feedback_true": "Richtig.", "feedback_false": "Doch, auch Kommunen."}


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    from lotse.interop import moodle_xml_parts as mx

    read: dict = {"type": "true_false", "answer": True}
    for position, answer in enumerate(q.findall("answer")):
        text = mx.text_of(answer)
        is_true = text == "true" if text in ("true", "false") else position == 0
        feedback = mx.rich(answer.find("feedback"), fmt, notes)
        read["feedback_true" if is_true else "feedback_false"] = feedback
        if is_true:
            read["answer"] = mx.fraction(answer) == 100
    return read


TYPE = QuestionType(
    name="true_false", label="Wahr/Falsch", model=TrueFalse, grade=grade,
    answered=lambda q, r: isinstance(r, bool),
    response_text=lambda q, r: WORDS[r] if isinstance(r, bool) else None,
    correct_answer=lambda q: WORDS[q.answer],
    solution_lines=lambda q: ["Die Aussage stimmt." if q.answer else "Die Aussage stimmt nicht."],
    right_response=lambda q: q.answer, wrong_response=lambda q: not q.answer,
    xapi_interaction=xapi_interaction, xapi_response=xapi_response,
    moodle_qtype="truefalse", moodle_write=moodle_write, gift_write=gift_write,
    example=example, yaml_keys=("answer", "feedback_true", "feedback_false"),
    moodle_readers={"truefalse": moodle_read},
)
