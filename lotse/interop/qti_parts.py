"""ILIAS QTI 1.2 pieces shared by the ILIAS reader (ilias_qti) and the question type modules'
readers (lotse.question_types: ilias_readers): the item being read, its texts and pictures as
Markdown, and the response processing (respconditions, points, response labels).

Imports neither lotse.question_types nor ilias_qti (which looks the readers up in the registry):
the type modules use these helpers without an import circle.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from lotse.interop.common import Refused, format_number
from lotse.interop.text_formats import escape_markdown, to_markdown

_META_LABELS = {"answerdepth", "suggested_solution"}
_MEDIA_OBJECT = re.compile(r"^il_\d+_mob_\d+$")  # pictures placed in the text by ILIAS' editor


@dataclass
class Item:
    """One <item> while it is read: metadata, feedback texts and notes for the author."""

    node: ET.Element
    meta: dict[str, str]
    notes: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)  # itemfeedback ident -> Markdown


def material(node: ET.Element | None, notes: list[str]) -> str:
    """Texts and pictures below `node` -> Markdown; pictures become `[Bild: name]` and a note."""
    if node is None:
        return ""
    media = {e.get("label", ""): e.get("uri", "") for e in node.iter("matimage")
             if _MEDIA_OBJECT.match(e.get("label") or "") and e.get("uri")}
    parts = []
    for element in node.iter():
        if element.tag == "mattext" and element.get("label") not in _META_LABELS:
            texttype = (element.get("texttype") or "").lower()
            fmt = "html" if "html" in texttype else "plain" if texttype else "moodle"
            text = element.text or ""
            for label, uri in media.items():  # <img src="il_0_mob_7"> -> the file's name
                text = text.replace(f'"{label}"', f'"{uri}"')
            parts.append(to_markdown(text, fmt, notes))
        elif element.tag == "matimage":
            label = element.get("label") or ""
            name = (element.get("uri") or "").rsplit("/", 1)[-1] or label or "?"
            notes.append(f"Bild „{name}“ nicht übernommen (bitte in lessons/images/ ablegen)")
            if not _MEDIA_OBJECT.match(label):  # media objects are already [Bild: …] in the text
                parts.append(escape_markdown(f"[Bild: {label or name}]"))
    return "\n\n".join(p for p in parts if p)


def image_only(node: ET.Element) -> bool:
    texts = [e.text for e in node.iter("mattext") if e.get("label") not in _META_LABELS]
    return node.find(".//matimage") is not None and not any((t or "").strip() for t in texts)


# --- response processing ---------------------------------------------------------------


def number(text: str | None, what: str) -> float:
    raw = (text or "").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError as err:
        raise Refused(f"{what} „{(text or '').strip()}“ ist keine Zahl") from err
    if not math.isfinite(value):
        raise Refused(f"{what} „{raw}“ ist keine endliche Zahl")
    return value


def children(node: ET.Element | None) -> list[ET.Element]:
    return [c for c in node if c.tag is not ET.Comment] if node is not None else []


def points(condition: ET.Element) -> float | None:
    """What a <respcondition> adds to the score (None: it only shows feedback)."""
    total, seen = 0.0, False
    for setvar in condition.findall("setvar"):
        action = (setvar.get("action") or "Set").lower()
        if action not in ("add", "set", "subtract"):
            raise Refused(f"Bewertung mit <setvar action=\"{setvar.get('action')}\"> wird nicht "
                           "unterstützt")
        value = number(setvar.text, "Punktzahl")
        total, seen = total + (-value if action == "subtract" else value), True
    return total if seen else None


def tests(item: Item, respident: str | None,
           tags: tuple[str, ...]) -> list[tuple[ET.Element, bool, ET.Element]]:
    """(test, negated, respcondition) for every respcondition that checks exactly one thing,
    e.g. `<varequal respident="MCMR">2</varequal>` or `<not><varequal …/></not>`."""
    found = []
    for condition in item.node.iter("respcondition"):
        tests = children(condition.find("conditionvar"))
        if len(tests) != 1:
            continue
        test, negated = tests[0], False
        if test.tag == "not" and len(children(test)) == 1:
            test, negated = children(test)[0], True
        if test.tag in tags and (respident is None or test.get("respident") == respident):
            found.append((test, negated, condition))
    return found


def response(item: Item, tag: str) -> ET.Element:
    response = item.node.find(f".//{tag}")
    if response is None:
        raise Refused(f"Antwortbereich <{tag}> fehlt")
    return response


def labels(item: Item, response: ET.Element) -> list[tuple[str, str]]:
    return [(label.get("ident", ""), material(label, item.notes))
            for label in response.iter("response_label")]


def set_points(data: dict, points: float, notes: list[str]) -> None:
    if 0 < points < math.inf:
        data["points"] = points
    else:
        notes.append(f"Punktzahl {format_number(points)} ungültig, in Lotse 1 Punkt")
