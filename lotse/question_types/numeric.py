"""Numeric: a number within a tolerance. Response: the text as typed (decimal comma or point) or a
number."""

from __future__ import annotations

import math
import re
from typing import Any, Literal

from pydantic import Field, field_validator

from lotse.german_format import decimal

from .base import (Grade, QuestionBase, QuestionType, Strict, german_number, make_grade,
                   parse_number, quoted)
from .short_answer import plain_response


class NumericAnswer(Strict):
    value: float
    tolerance: float = Field(default=0, ge=0)
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str | None = None

    @field_validator("value", "tolerance")
    @classmethod
    def _finite(cls, number: float) -> float:
        if not math.isfinite(number):
            raise ValueError("must be a finite number")
        return number


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answers: list[NumericAnswer] = Field(min_length=1)
    unit: str | None = None

    @field_validator("answers")
    @classmethod
    def _one_full_answer(cls, answers: list[NumericAnswer]) -> list[NumericAnswer]:
        if not any(a.weight == 100 for a in answers):
            raise ValueError("at least one answer must have weight 100")
        return answers


def grade(question: Numeric, response: Any) -> Grade:
    value = parse_number(response)
    if value is None:
        return make_grade(question, 0, [])
    for answer in question.answers:
        # A tiny epsilon so a boundary typed as decimal (0.1 + 0.2) is not lost to binary rounding.
        if abs(value - answer.value) <= answer.tolerance + 1e-9 * max(1.0, abs(answer.value)):
            return make_grade(question, answer.weight / 100, [answer.feedback] if answer.feedback else [])
    return make_grade(question, 0, [])


def _number(value: float, tolerance: float) -> str:
    text = decimal(value)
    return f"{text} (± {decimal(tolerance)})" if tolerance else text


def correct_answer(question: Numeric) -> str:
    unit = f" {question.unit}" if question.unit else ""
    return " oder ".join(_number(a.value, a.tolerance) + unit for a in question.answers if a.weight == 100)


def solution_lines(question: Numeric) -> list[str]:
    unit = f" {question.unit}" if question.unit else ""
    return [german_number(a.value) + unit + (f" (± {german_number(a.tolerance)})" if a.tolerance else "")
            for a in question.answers if a.weight == 100]


def xapi_interaction(question: Numeric, lang: str) -> dict:
    from lotse.interop.common import format_number

    return {"interactionType": "numeric", "correctResponsesPattern": [
        format_number(a.value) if not a.tolerance else
        f"{format_number(round(a.value - a.tolerance, 10))}[:]"
        f"{format_number(round(a.value + a.tolerance, 10))}"
        for a in question.answers if a.weight == 100]}


def xapi_response(question: Numeric, response: Any) -> str:
    text = plain_response(question, response)
    return text.replace(",", ".") if re.fullmatch(r"[+-]?\d+,\d+", text) else text


def moodle_write(question: Numeric, q: Any, warnings: list[str]) -> None:
    import xml.etree.ElementTree as ET

    from lotse.interop import moodle_xml_parts as mx
    from lotse.interop.common import format_number

    for answer in question.answers:
        node = mx.add_answer(q, format_number(answer.value), answer.weight, answer.feedback,
                             "moodle_auto_format")
        mx.add_value(node, "tolerance", format_number(answer.tolerance))
    if question.unit:
        unit = ET.SubElement(ET.SubElement(q, "units"), "unit")
        mx.add_value(unit, "multiplier", 1)
        mx.add_value(unit, "unit_name", mx.clean(question.unit))


def gift_write(question: Numeric, warnings: list[str]) -> list[str]:
    from lotse.interop.common import format_number, format_weight
    from lotse.interop.gift_parts import gift_feedback

    if question.unit:
        warnings.append(f"{question.id}: Einheit „{question.unit}“ kennt GIFT nicht")
    return ["#"] + [f"=%{format_weight(a.weight)}%{format_number(a.value)}:"
                    f"{format_number(a.tolerance)}" + gift_feedback(a.feedback) for a in question.answers]


def example() -> dict:
    return {"id": "beispiel-zahl", "type": "numeric", "objective": "ziel",
            "prompt": "Wie viele Tage hat eine Behörde für eine Auskunft nach Art. 15 DSGVO höchstens "
                      "(ohne Verlängerung, ein Monat gerechnet als 30 Tage)?",
            "explanation": "Art. 12 Abs. 3 DSGVO: innerhalb eines Monats.",
            "answers": [{"value": 30, "tolerance": 1}], "unit": "Tage"}


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    """Moodle's numerical; feedback for "any other answer" (*) goes into the explanation."""
    from lotse.interop import moodle_xml_parts as mx
    from lotse.interop.common import Refused, append_explanation

    answers = []
    for answer in q.findall("answer"):
        feedback = mx.rich(answer.find("feedback"), fmt, notes) or None
        value = mx.text_of(answer) or (answer.text or "").strip()
        if value in ("*", ""):
            if feedback:
                append_explanation(data, f"Bei anderen Antworten: {feedback}")
                notes.append("Rückmeldung für andere Antworten in die Erläuterung übernommen")
            continue
        try:
            answers.append({"value": float(value), "weight": mx.fraction(answer),
                            "tolerance": abs(float(mx.text_of(answer, "tolerance") or 0)),
                            "feedback": feedback})
        except ValueError as err:
            raise Refused(f"„{value}“ ist keine Zahl") from err
    units = [(mx.text_of(u, "unit_name"), mx.text_of(u, "multiplier")) for u in q.iter("unit")]
    unit = next((name for name, factor in units if factor in ("", "1", "1.0")), None)
    if len(units) > (1 if unit else 0):
        notes.append("weitere Einheiten mit Umrechnungsfaktor nicht übernommen: "
                     + ", ".join(name for name, _ in units if name != unit))
    return {"type": "numeric", "answers": answers, "unit": unit or None}


def ilias_read(item: Any, data: dict) -> dict:
    """ILIAS accepts a closed range [vargte, varlte] -> value in the middle +- tolerance."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused, format_number

    for condition in item.node.iter("respcondition"):
        tests = {t.tag: t for t in iq.children(condition.find("conditionvar"))}
        points = iq.points(condition)
        if points is None or not ({"vargte", "varlte"} <= tests.keys() or "varequal" in tests):
            continue
        low = tests.get("vargte", tests.get("varequal"))
        high = tests.get("varlte", tests.get("varequal"))
        lower, upper = iq.number(low.text, "Untergrenze"), iq.number(high.text, "Obergrenze")
        if lower > upper:
            raise Refused(f"Untergrenze {format_number(lower)} größer als Obergrenze "
                           f"{format_number(upper)}")
        value, tolerance = (float(f"{x:.12g}") for x in ((lower + upper) / 2, (upper - lower) / 2))
        iq.set_points(data, points, item.notes)
        return {"type": "numeric", "answers": [{"value": value, "tolerance": tolerance}]}
    raise Refused("kein Zahlenbereich (vargte/varlte) mit Punkten gefunden")


TYPE = QuestionType(
    name="numeric", label="Zahl", model=Numeric, grade=grade,
    answered=lambda q, r: r is not None and r != "",
    response_text=lambda q, r: quoted(r),
    correct_answer=correct_answer, solution_lines=solution_lines,
    right_response=lambda q: german_number(max(q.answers, key=lambda a: a.weight).value),
    wrong_response=lambda q: german_number(max(q.answers, key=lambda a: a.weight).value
                                           + 10 * (1 + max(a.tolerance for a in q.answers))),
    xapi_interaction=xapi_interaction, xapi_response=xapi_response,
    moodle_qtype="numerical", moodle_write=moodle_write, gift_write=gift_write, gift_meta=("unit",),
    example=example, yaml_keys=("answers", "unit"),
    moodle_readers={"numerical": moodle_read},
    ilias_readers={"numeric question": ilias_read, "assnumeric": ilias_read},
)
