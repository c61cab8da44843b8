"""What single and multiple choice share: the option, xAPI "choice", the Moodle multichoice body
and GIFT answer lines. Not a question type itself."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from lotse.german_format import percent

from .base import Strict, Text


class ChoiceOption(Strict):
    text: Text
    feedback: Text
    correct: bool = False
    weight: float | None = Field(default=None, ge=-100, le=100)


def right_texts(question: Any) -> list[str]:
    return [o.text for o in question.options if o.correct]


def xapi_interaction(question: Any, lang: str) -> dict:
    from lotse.interop.xapi_parts import component_ids

    right = [f"option-{i}" for i, o in enumerate(question.options, 1) if o.correct]
    return {"interactionType": "choice", "correctResponsesPattern": ["[,]".join(right)],
            "choices": component_ids("option", [o.text for o in question.options], lang)}


def xapi_response(question: Any, response: Any) -> str:
    from lotse.interop.xapi_parts import component_index

    items = response if isinstance(response, (list, tuple)) else [response]
    texts = [o.text for o in question.options]
    return "[,]".join(component_index(v, texts, "option") for v in items)


def moodle_write(question: Any, q: Any, warnings: list[str]) -> None:
    from lotse.interop import moodle_xml_parts as mx
    from lotse.interop.common import choice_data, is_moodle_grade

    single = question.type == "single_choice"
    rows = [(o.text, question.option_weight(i), o.feedback) for i, o in enumerate(question.options)]
    derived, _ = choice_data(rows, single)
    if [o["correct"] for o in derived["options"]] != [o.correct for o in question.options]:
        warnings.append(f"{question.id}: „richtig“ ergibt sich in Moodle aus den Gewichten")
    mx.add_value(q, "single", "true" if single else "false")
    mx.add_value(q, "shuffleanswers", "true")
    mx.add_value(q, "answernumbering", "abc")
    mx.combined_feedback(q)
    for text, weight, feedback in rows:
        if not is_moodle_grade(weight):
            warnings.append(f"{question.id}: Gewicht {percent(weight, 5, fixed=False)} ist keine "
                            "Moodle-Standardbewertung (Import mit „nächstliegende Bewertung“)")
        mx.add_answer(q, text, weight, feedback)


def gift_write(question: Any, warnings: list[str]) -> list[str]:
    from lotse.interop import gift_parts as gw
    from lotse.interop.common import format_weight, is_moodle_grade

    single = question.type == "single_choice"
    lines = []
    for i, option in enumerate(question.options):
        weight = question.option_weight(i)
        if single and option.correct:
            if weight != 100:
                raise gw.NotRepresentable("richtige Option mit Gewicht ≠ 100 (in GIFT nur als "
                                          "Mehrfachauswahl möglich); bitte Moodle XML verwenden")
            mark = "="
        else:
            mark = "~" if weight == 0 and not option.text.startswith("%") \
                else f"~%{format_weight(weight)}%"
        if not is_moodle_grade(weight):
            warnings.append(f"{question.id}: Gewicht {percent(weight, 5, fixed=False)} ist keine "
                            "Moodle-Standardbewertung (Import mit „nächstliegende Bewertung“)")
        lines.append(mark + gw.gift_text(option.text) + gw.gift_feedback(option.feedback))
    return lines


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    """Moodle's multichoice: single or multiple choice, as <single> says."""
    from lotse.interop import moodle_xml_parts as mx
    from lotse.interop.common import choice_data

    rows = [(mx.rich(a, fmt, notes), mx.fraction(a), mx.rich(a.find("feedback"), fmt, notes) or None)
            for a in q.findall("answer")]
    single = mx.text_of(q, "single") if q.find("single") is not None else "true"
    read, more = choice_data(rows, single.lower() not in ("false", "0", ""))
    notes.extend(more)
    return read


def ilias_choice_points(item: Any, response: Any) -> tuple[dict[str, float], dict[str, float]]:
    """Points for checking / not checking each option (ILIAS: one respcondition per case)."""
    from lotse.interop import qti_parts as iq

    checked: dict[str, float] = {}
    unchecked: dict[str, float] = {}
    for test, negated, condition in iq.tests(item, response.get("ident"), ("varequal",)):
        points = iq.points(condition)
        if points is not None:
            target = unchecked if negated else checked
            ident = (test.text or "").strip()
            target[ident] = target.get(ident, 0.0) + points
    return checked, unchecked
