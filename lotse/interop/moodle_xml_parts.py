"""Moodle XML pieces shared by the format modules and the question type modules.

Element builders for the writer (texts as format="markdown", answers with Moodle fractions) and
readers for one element (its text, a rich text as Markdown, an answer's fraction). Imports neither
lotse.question_types nor the format modules (moodle_xml, moodle_xml_writer), which import the
registry: the type modules use these helpers without an import circle.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from lotse.interop.common import Refused, format_weight
from lotse.interop.text_formats import to_markdown

_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
           "markdown": "markdown", "wiki_like": "plain"}


# --- writing ---------------------------------------------------------------------------


def clean(text: str) -> str:
    return _INVALID_XML_CHARS.sub("", text)


def add_text(parent: ET.Element, tag: str, text: str, fmt: str | None = "markdown",
             **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, ({"format": fmt} if fmt else {}) | attrs)
    ET.SubElement(node, "text").text = clean(text)
    return node


def add_value(parent: ET.Element, tag: str, value: object) -> None:
    ET.SubElement(parent, tag).text = str(value)


def add_answer(parent: ET.Element, text: str, weight: float, feedback: str | None,
               fmt: str = "markdown") -> ET.Element:
    node = add_text(parent, "answer", text, fmt, fraction=format_weight(weight))
    add_text(node, "feedback", feedback or "")
    return node


def combined_feedback(q: ET.Element) -> None:
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        add_text(q, tag, "")


# --- reading ---------------------------------------------------------------------------


def text_of(node: ET.Element | None, path: str = "text") -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def rich(node: ET.Element | None, default: str, notes: list[str]) -> str:
    """A Moodle text element (<x format="..."><text>...</text><file/></x>) -> Markdown."""
    if node is None:
        return ""
    for file in node.findall("file"):
        notes.append(f"eingebettete Datei „{file.get('name', '?')}“ nicht übernommen")
    fmt = FORMATS.get(node.get("format", default), "html")
    return to_markdown(text_of(node), fmt, notes)


def fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError as err:
        raise Refused(f"Bewertung „{answer.get('fraction')}“ ist keine Zahl") from err
