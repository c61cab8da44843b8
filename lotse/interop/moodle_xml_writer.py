"""Moodle XML export, written as Moodle's own exporter writes it (texts as format="markdown").

Each question type writes its own body (lotse.question_types: moodle_qtype, moodle_write) with the
element builders of moodle_xml_parts. Ordering questions use the qtype_ordering plugin's format
(core since Moodle 4.4), cloze questions Moodle's multianswer ("cloze"). Comments
`<!-- lotse: {...} -->` (ignored by Moodle) keep ids, objectives, sections and categories for
a round trip.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from lotse.content.models import Quiz
from lotse.interop.common import ExportResult, format_number
from lotse.interop.moodle_xml_parts import add_text, add_value, clean
from lotse.question_types import get


def _meta_comment(data: dict, key: str) -> ET.Element:
    text = json.dumps(data, ensure_ascii=False).replace("--", "-\\u002d")
    return ET.Comment(f" {key}: {clean(text)} ")


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
            add_text(node, "category", category, fmt=None)
            add_text(node, "info", "", fmt="moodle_auto_format")
        kind = get(question.type)
        q = ET.SubElement(root, "question", type=kind.moodle_qtype)
        q.append(_meta_comment({"id": question.id, "objective": question.objective,
                                "section": question.section, "category": question.category},
                               "lotse"))
        add_text(q, "name", question.id, fmt=None)
        add_text(q, "questiontext", question.prompt)
        add_text(q, "generalfeedback", question.explanation)
        add_value(q, "defaultgrade", format_number(question.points))
        add_value(q, "penalty", "0.3333333")
        add_value(q, "hidden", 0)
        kind.moodle_write(question, q, result.warnings)
    ET.indent(root, "  ")
    result.text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
    return result
