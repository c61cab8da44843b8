"""Moodle XML import and export.

Follows Moodle's qformat_xml (question/format/xml/format.php) and, for ordering questions,
the qtype_ordering plugin (core since Moodle 4.4). Parsing uses expat directly so that every
<question> keeps its line number; DOCTYPE and ENTITY declarations are refused (no entity
expansion, no external entities: safe against XML bombs and XXE without defusedxml).
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from lotse.content.models import (Matching, MultipleChoice, Numeric, Ordering, Quiz, ShortAnswer,
                                  SingleChoice, TrueFalse)
from lotse.interop import (Draft, ExportResult, ImportResult, InteropError, Skipped,
                           append_explanation, choice_data, format_number, format_weight,
                           is_moodle_grade, to_markdown)

_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
            "markdown": "markdown", "wiki_like": "plain"}
_BOILERPLATE = {"", "Your answer is correct.", "Your answer is partially correct.",
                "Your answer is incorrect.", "Ihre Antwort ist richtig.",
                "Ihre Antwort ist teilweise richtig.", "Ihre Antwort ist falsch."}
_UNSUPPORTED = {"essay": "Freitext", "description": "Beschreibung", "cloze": "Lückentext",
                "multianswer": "Lückentext", "calculated": "Berechnet",
                "calculatedsimple": "Einfach berechnet", "calculatedmulti": "Berechnete Auswahl",
                "ddwtos": "Drag-and-Drop auf Text", "gapselect": "Lückenauswahl",
                "ddimageortext": "Drag-and-Drop auf Bild", "ddmarker": "Drag-and-Drop-Markierung",
                "randomsamatch": "Zufällige Kurzantwort-Zuordnung", "random": "Zufallsfrage"}
_INVALID_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Invalid(Exception):
    """This question cannot be imported (reason in German)."""


# --- safe parsing ----------------------------------------------------------------------


def _parse(data: bytes | str) -> tuple[ET.Element, dict[int, int]]:
    """Parse with expat, recording the line of every element; refuse DOCTYPE/ENTITY."""
    builder = ET.TreeBuilder(insert_comments=True)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    lines: dict[int, int] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    def refuse(*_args: object) -> None:
        raise InteropError("DOCTYPE- und ENTITY-Deklarationen sind aus Sicherheitsgründen "
                           "nicht erlaubt (Moodle-Exporte enthalten keine)",
                           parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.CommentHandler = builder.comment
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = lambda *args: 0
    try:
        parser.Parse(data, True)
        root = builder.close()
    except expat.ExpatError as err:
        raise InteropError(f"kein wohlgeformtes XML: {expat.ErrorString(err.code)}",
                           err.lineno) from err
    except AssertionError as err:  # TreeBuilder.close() without a root element
        raise InteropError("leere XML-Datei", 1) from err
    return root, lines


def _text(node: ET.Element | None, path: str = "text") -> str:
    found = node.find(path) if node is not None else None
    return (found.text or "").strip() if found is not None else ""


def _rich(node: ET.Element | None, default: str, notes: list[str]) -> str:
    """A Moodle text element (<x format="..."><text>...</text><file/></x>) -> Markdown."""
    if node is None:
        return ""
    for file in node.findall("file"):
        notes.append(f"eingebettete Datei „{file.get('name', '?')}“ nicht übernommen")
    fmt = _FORMATS.get(node.get("format", default), "html")
    return to_markdown(_text(node), fmt, notes)


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError as err:
        raise _Invalid(f"Bewertung „{answer.get('fraction')}“ ist keine Zahl") from err


def _comment_meta(node: ET.Element, key: str) -> dict:
    for child in node:
        text = (child.text or "").strip() if child.tag is ET.Comment else ""
        if text.startswith(key + ":"):
            try:
                value = json.loads(text[len(key) + 1:])
            except ValueError:
                continue
            return value if isinstance(value, dict) else {}
    return {}


# --- question types --------------------------------------------------------------------


def _multichoice(q: ET.Element, fmt: str, notes: list[str]) -> dict:
    rows = [(_rich(a, fmt, notes), _fraction(a), _rich(a.find("feedback"), fmt, notes) or None)
            for a in q.findall("answer")]
    single = _text(q, "single") if q.find("single") is not None else "true"
    data, more = choice_data(rows, single.lower() not in ("false", "0", ""))
    notes.extend(more)
    return data


def _truefalse(q: ET.Element, fmt: str, notes: list[str]) -> dict:
    data: dict = {"type": "true_false", "answer": True}
    for position, answer in enumerate(q.findall("answer")):
        text = _text(answer)
        is_true = text == "true" if text in ("true", "false") else position == 0
        feedback = _rich(answer.find("feedback"), fmt, notes)
        data["feedback_true" if is_true else "feedback_false"] = feedback
        if is_true:
            data["answer"] = _fraction(answer) == 100
    return data


def _shortanswer(q: ET.Element, fmt: str, notes: list[str]) -> dict:
    answers = []
    for answer in q.findall("answer"):
        if _text(answer) == "*":
            notes.append("Moodle-Platzhalter * wird in Lotse wörtlich verglichen")
        answers.append({"text": _text(answer), "weight": _fraction(answer),
                        "feedback": _rich(answer.find("feedback"), fmt, notes) or None})
    usecase = _text(q, "usecase") not in ("", "0")
    return {"type": "short_answer", "answers": answers, "case_sensitive": usecase}


def _numerical(q: ET.Element, fmt: str, notes: list[str], data: dict) -> dict:
    answers = []
    for answer in q.findall("answer"):
        feedback = _rich(answer.find("feedback"), fmt, notes) or None
        value = _text(answer) or (answer.text or "").strip()
        if value in ("*", ""):
            if feedback:
                append_explanation(data, f"Bei anderen Antworten: {feedback}")
                notes.append("Rückmeldung für andere Antworten in die Erläuterung übernommen")
            continue
        try:
            answers.append({"value": float(value), "weight": _fraction(answer),
                            "tolerance": abs(float(_text(answer, "tolerance") or 0)),
                            "feedback": feedback})
        except ValueError as err:
            raise _Invalid(f"„{value}“ ist keine Zahl") from err
    units = [(_text(u, "unit_name"), _text(u, "multiplier")) for u in q.iter("unit")]
    unit = next((name for name, factor in units if factor in ("", "1", "1.0")), None)
    if len(units) > (1 if unit else 0):
        notes.append("weitere Einheiten mit Umrechnungsfaktor nicht übernommen: "
                     + ", ".join(name for name, _ in units if name != unit))
    return {"type": "numeric", "answers": answers, "unit": unit or None}


def _matching(q: ET.Element, fmt: str, notes: list[str]) -> dict:
    pairs, distractors = [], []
    for sub in q.findall("subquestion"):
        left, right = _rich(sub, fmt, notes), _text(sub, "answer/text")
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"type": "matching", "pairs": pairs, "distractors": distractors}


def _ordering(q: ET.Element, fmt: str, notes: list[str], data: dict) -> dict:
    items = []
    for answer in q.findall("answer"):
        items.append(_rich(answer, fmt, notes))
        feedback = _rich(answer.find("feedback"), fmt, notes)
        if feedback:
            append_explanation(data, f"{items[-1]}: {feedback}")
    grading = _text(q, "gradingtype").upper() or "RELATIVE"
    if grading not in ("ABS", "ABSOLUTE", "ABSOLUTE_POSITION"):
        notes.append(f"Moodle bewertet mit {grading}, Lotse nach absoluter Position")
    count = _text(q, "selectcount")
    if _text(q, "selecttype").upper() not in ("", "ALL", "EXACT") and count.isdigit() \
            and 0 < int(count) < len(items):
        notes.append(f"Moodle zeigt nur {count} von {len(items)} Elementen, Lotse alle")
    return {"type": "ordering", "items": items}


def _headers(q: ET.Element, notes: list[str]) -> tuple[dict, str]:
    text = q.find("questiontext")
    fmt = text.get("format", "html") if text is not None else "html"
    data: dict = {"prompt": _rich(text, "html", notes),
                  "explanation": _rich(q.find("generalfeedback"), fmt, notes) or None}
    try:
        points = float(_text(q, "defaultgrade") or 1)
    except ValueError:
        points = 0.0
    if 0 < points < math.inf:
        data["points"] = points
    else:
        notes.append(f"Punktzahl „{_text(q, 'defaultgrade')}“ ungültig, in Lotse 1 Punkt")
    for tag, label in (("correctfeedback", "Bei richtiger Antwort"),
                       ("partiallycorrectfeedback", "Bei teilweise richtiger Antwort"),
                       ("incorrectfeedback", "Bei falscher Antwort"), ("hint", "Hinweis")):
        for node in q.findall(tag):
            extra = _rich(node, fmt, notes)
            if extra not in _BOILERPLATE:
                append_explanation(data, f"{label}: {extra}")
    tags = [_text(t) for t in q.iter("tag")]
    if tags:
        notes.append("Schlagwörter nicht übernommen: " + ", ".join(tags))
    return data, fmt


def _question(q: ET.Element, line: int, category: str | None) -> Draft:
    qtype = q.get("type", "")
    if qtype in _UNSUPPORTED or qtype not in _READERS:
        label = _UNSUPPORTED.get(qtype, "unbekannter Typ")
        raise _Invalid(f"Fragetyp „{qtype}“ ({label}) wird nicht unterstützt")
    notes: list[str] = []
    data, fmt = _headers(q, notes)
    reader = _READERS[qtype]
    takes_data = reader in (_numerical, _ordering)
    data.update(reader(q, fmt, notes, data) if takes_data else reader(q, fmt, notes))
    meta = _comment_meta(q, "lotse")
    data["category"] = meta["category"] if "category" in meta else category
    if meta.get("section"):
        data["section"] = meta["section"]
    name = _text(q, "name/text") or data["prompt"][:40] or "Frage"
    return Draft(name=name, line=line, data=data, meta=meta, notes=notes)


_READERS = {"multichoice": _multichoice, "truefalse": _truefalse, "shortanswer": _shortanswer,
            "numerical": _numerical, "matching": _matching, "match": _matching,
            "ordering": _ordering}


def parse_moodle_xml(data: bytes | str) -> ImportResult:
    """Moodle XML -> drafts and skipped questions. Raises InteropError for a bad file."""
    root, lines = _parse(data)
    if root.tag != "quiz":
        raise InteropError(f"Wurzelelement <quiz> erwartet, gefunden <{root.tag}>",
                           lines.get(id(root)))
    result = ImportResult(quiz_meta=_comment_meta(root, "lotse-quiz"))
    category: str | None = None
    for node in root:
        if node.tag is ET.Comment:
            continue
        line = lines.get(id(node), 0)
        if node.tag != "question":
            result.skipped.append(Skipped(f"<{node.tag}>", line, "unbekanntes Element"))
        elif node.get("type") == "category":
            category = _text(node, "category/text") or _text(node, "category") or None
        else:
            try:
                result.drafts.append(_question(node, line, category))
            except _Invalid as err:
                name = _text(node, "name/text") or node.get("type", "?")
                result.skipped.append(Skipped(name, line, str(err)))
    return result


# --- writing ---------------------------------------------------------------------------


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
            warnings.append(f"{question.id}: Gewicht {format_weight(weight)} % ist keine "
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
