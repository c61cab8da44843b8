"""Moodle XML export, written as Moodle's own exporter writes it (texts as format="markdown").

Ordering questions use the qtype_ordering plugin's format (core since Moodle 4.4). Comments
`<!-- lotse: {...} -->` (ignored by Moodle) keep ids, objectives, sections and categories for
a round trip.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from lotse.german_format import percent
from lotse.content.models import (Matching, MultipleChoice, Numeric, Ordering, Quiz, ShortAnswer,
                                  SingleChoice, TrueFalse)
from lotse.interop.common import (ExportResult, choice_data, format_number, format_weight,
                                  is_moodle_grade)

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


def _add_text(parent: ET.Element, tag: str, text: str, fmt: str | None = "markdown",
              **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, ({"format": fmt} if fmt else {}) | attrs)
    ET.SubElement(node, "text").text = _clean(text)
    return node


def _add_value(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = str(value)


def _add_answer(parent: ET.Element, text: str, weight: float, feedback: str | None,
                fmt: str = "markdown") -> ET.Element:
    node = _add_text(parent, "answer", text, fmt, fraction=format_weight(weight))
    _add_text(node, "feedback", feedback or "")
    return node


def _combined_feedback(q: ET.Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _add_text(q, tag, "")


def _write_choice(q: ET.Element, question: SingleChoice | MultipleChoice,
                  warnings: list[str]) -> None:
    single = isinstance(question, SingleChoice)
    rows = [(o.text, question.option_weight(i), o.feedback) for i, o in enumerate(question.options)]
    derived, _ = choice_data(rows, single)
    if [o["correct"] for o in derived["options"]] != [o.correct for o in question.options]:
        warnings.append(f"{question.id}: „richtig“ ergibt sich in Moodle aus den Gewichten")
    _add_value(q, "single", "true" if single else "false")
    _add_value(q, "shuffleanswers", "true")
    _add_value(q, "answernumbering", "abc")
    _combined_feedback(q)
    for text, weight, feedback in rows:
        if not is_moodle_grade(weight):
            warnings.append(f"{question.id}: Gewicht {percent(weight, 5, fixed=False)} ist keine "
                            "Moodle-Standardbewertung (Import mit „nächstliegende Bewertung“)")
        _add_answer(q, text, weight, feedback)


def _write_body(q: ET.Element, question, warnings: list[str]) -> None:
    if isinstance(question, (SingleChoice, MultipleChoice)):
        _write_choice(q, question, warnings)
    elif isinstance(question, TrueFalse):
        for value, feedback in (("true", question.feedback_true), ("false", question.feedback_false)):
            right = (value == "true") == question.answer
            _add_answer(q, value, 100 if right else 0, feedback, "moodle_auto_format")
    elif isinstance(question, ShortAnswer):
        _add_value(q, "usecase", int(question.case_sensitive))
        for answer in question.answers:
            _add_answer(q, answer.text, answer.weight, answer.feedback, "moodle_auto_format")
    elif isinstance(question, Numeric):
        for answer in question.answers:
            node = _add_answer(q, format_number(answer.value), answer.weight, answer.feedback,
                               "moodle_auto_format")
            _add_value(node, "tolerance", format_number(answer.tolerance))
        if question.unit:
            unit = ET.SubElement(ET.SubElement(q, "units"), "unit")
            _add_value(unit, "multiplier", 1)
            _add_value(unit, "unit_name", _clean(question.unit))
    elif isinstance(question, Matching):
        _add_value(q, "shuffleanswers", "true")
        _combined_feedback(q)
        for left, right in [(p.left, p.right) for p in question.pairs] + \
                [("", d) for d in question.distractors]:
            sub = _add_text(q, "subquestion", left)
            _add_text(sub, "answer", right, fmt=None)
    elif isinstance(question, Ordering):
        for tag, value in (("layouttype", "VERTICAL"), ("selecttype", "ALL"),
                           ("selectcount", len(question.items)),
                           ("gradingtype", "ABSOLUTE_POSITION"), ("showgrading", "SHOW")):
            _add_value(q, tag, value)
        _combined_feedback(q)
        for position, item in enumerate(question.items, start=1):
            _add_text(q, "answer", item, fraction=str(position))
        warnings.append(f"{question.id}: Reihenfolge braucht Moodle ≥ 4.4 oder das Plugin "
                        "qtype_ordering")


_QTYPES = {"single_choice": "multichoice", "multiple_choice": "multichoice",
           "true_false": "truefalse", "short_answer": "shortanswer", "numeric": "numerical",
           "matching": "matching", "ordering": "ordering"}


def _meta_comment(data: dict, key: str) -> ET.Element:
    text = json.dumps(data, ensure_ascii=False).replace("--", "-\\u002d")
    return ET.Comment(f" {key}: {_clean(text)} ")


def export_moodle_xml(quiz: Quiz) -> ExportResult:
    """Quiz -> Moodle XML as written by Moodle's own exporter (format="markdown" texts)."""
    result = ExportResult(text="")
    root = ET.Element("quiz")
    root.append(_meta_comment({"lesson": quiz.lesson, "pass_mark": quiz.pass_mark}, "lotse-quiz"))
    category = None
    for question in quiz.questions:
        if question.category and question.category != category:
            category = question.category
            node = ET.SubElement(root, "question", type="category")
            _add_text(node, "category", category, fmt=None)
            _add_text(node, "info", "", fmt="moodle_auto_format")
        q = ET.SubElement(root, "question", type=_QTYPES[question.type])
        q.append(_meta_comment({"id": question.id, "objective": question.objective,
                                "section": question.section, "category": question.category},
                               "lotse"))
        _add_text(q, "name", question.id, fmt=None)
        _add_text(q, "questiontext", question.prompt)
        _add_text(q, "generalfeedback", question.explanation)
        _add_value(q, "defaultgrade", format_number(question.points))
        _add_value(q, "penalty", "0.3333333")
        _add_value(q, "hidden", 0)
        _write_body(q, question, result.warnings)
    ET.indent(root, "  ")
    result.text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
    return result
