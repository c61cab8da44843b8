"""Moodle XML import (the writer is moodle_xml_writer.py).

Follows Moodle's qformat_xml (question/format/xml/format.php) and, for ordering questions,
the qtype_ordering plugin (core since Moodle 4.4). Each question type module reads its own Moodle
types (lotse.question_types: moodle_readers); here the file and the shared headers (the readers'
helpers are in moodle_xml_parts).
Parsing (parse_xml, also used by ilias_qti)
uses expat directly so that every <question> keeps its line number; DOCTYPE and ENTITY
declarations are refused (no entity expansion, no external entities: safe against XML bombs and
XXE without defusedxml).
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from lotse.interop.common import (Draft, ImportResult, InteropError, Refused, Skipped,
                                  append_explanation)
from lotse.interop.moodle_xml_parts import rich, text_of

_BOILERPLATE = {"", "Your answer is correct.", "Your answer is partially correct.",
                "Your answer is incorrect.", "Ihre Antwort ist richtig.",
                "Ihre Antwort ist teilweise richtig.", "Ihre Antwort ist falsch."}
_UNSUPPORTED = {"essay": "Freitext", "description": "Beschreibung", "calculated": "Berechnet",
                "calculatedsimple": "Einfach berechnet", "calculatedmulti": "Berechnete Auswahl",
                "ddwtos": "Drag-and-Drop auf Text", "gapselect": "Lückenauswahl",
                "ddimageortext": "Drag-and-Drop auf Bild", "ddmarker": "Drag-and-Drop-Markierung",
                "randomsamatch": "Zufällige Kurzantwort-Zuordnung", "random": "Zufallsfrage"}




# --- safe parsing ----------------------------------------------------------------------


MOODLE_REFUSAL = ("DOCTYPE- und ENTITY-Deklarationen sind aus Sicherheitsgründen nicht erlaubt "
                  "(Moodle-Exporte enthalten keine)")
_QUOTED = r"""(?:"[^"]*"|'[^']*')"""
_PROLOG = r"(?:\s|<\?(?:(?!\?>).)*\?>|<!--(?:(?!-->).)*-->)*"  # unambiguous: no backtracking blow-up
_EXTERNAL_DOCTYPE = (rf"\A(?:\ufeff)?{_PROLOG}"
                     rf"(<!DOCTYPE\s+[\w:.-]+"
                     rf"(?:\s+SYSTEM\s+{_QUOTED}|\s+PUBLIC\s+{_QUOTED}\s+{_QUOTED})?\s*>)")
_EXTERNAL_DOCTYPE_TEXT = re.compile(_EXTERNAL_DOCTYPE, re.DOTALL)
_EXTERNAL_DOCTYPE_BYTES = re.compile(_EXTERNAL_DOCTYPE.replace(r"(?:\ufeff)?", r"(?:\xef\xbb\xbf)?")
                                     .encode(), re.DOTALL)


MAX_XML_DEPTH = 100  # Moodle and ILIAS files nest about ten levels

def _blank_external_doctype(data: bytes | str) -> bytes | str:
    """`<!DOCTYPE x SYSTEM "...">` (no internal subset) -> spaces, line breaks kept.

    The parser then never sees the declaration: nothing can be loaded, and an entity the DTD
    might declare is an error everywhere (expat would drop it silently inside attributes).
    """
    pattern = _EXTERNAL_DOCTYPE_TEXT if isinstance(data, str) else _EXTERNAL_DOCTYPE_BYTES
    match = pattern.match(data)
    if match is None:
        return data
    start, end = match.span(1)
    blank = re.sub(r"[^\n]", " ", match.group(1)) if isinstance(data, str) \
        else re.sub(rb"[^\n]", b" ", match.group(1))
    return data[:start] + blank + data[end:]


# Expat's reasons in German for the mistakes people make when editing XML by hand; others keep
# Expat's own words (named as such).
_EXPAT_REASONS = {
    "no element found": "die Datei endet, bevor alle Elemente geschlossen sind",
    "not well-formed (invalid token)": "unerlaubtes Zeichen (z. B. ein „&“ oder „<“ im Text statt &amp; oder &lt;)",
    "unclosed token": "ein Element oder Attribut ist nicht abgeschlossen",
    "mismatched tag": "ein schließendes Tag passt nicht zum geöffneten Element",
    "duplicate attribute": "ein Attribut steht doppelt im selben Element",
    "junk after document element": "nach dem Ende des Dokuments folgt noch Text",
    "undefined entity": "unbekannte Zeichenreferenz (z. B. &nbsp; ist in XML nicht definiert)",
    "unclosed CDATA section": "ein CDATA-Abschnitt ist nicht geschlossen",
    "unbound prefix": "ein Namensraum-Präfix ist nicht deklariert",
    "XML or text declaration not at start of entity": "die XML-Deklaration steht nicht ganz am Anfang der Datei",
    "XML declaration not well-formed": "die XML-Deklaration in der ersten Zeile ist fehlerhaft",
    "reference to invalid character number": "Verweis auf ein ungültiges Zeichen",
}


def _expat_reason(code: int) -> str:
    reason = expat.ErrorString(code)
    return _EXPAT_REASONS.get(reason, f"Fehler des XML-Parsers „{reason}“")


def parse_xml(data: bytes | str, *, external_doctype: bool = False,
              refusal: str = MOODLE_REFUSAL) -> tuple[ET.Element, dict[int, int]]:
    """Parse with expat, recording the line of every element (shared with ilias_qti).

    DOCTYPE and ENTITY declarations are refused (`refusal` says why). `external_doctype`
    accepts one bare `<!DOCTYPE x SYSTEM "...">` as ILIAS writes it: it is blanked out before
    parsing, so the DTD is never loaded; internal subsets stay refused.
    """
    if external_doctype:
        data = _blank_external_doctype(data)
    builder = ET.TreeBuilder(insert_comments=True)
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    lines: dict[int, int] = {}
    depth = [0]

    def start(tag: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if depth[0] > MAX_XML_DEPTH:
            raise InteropError(f"XML mit mehr als {MAX_XML_DEPTH} ineinander verschachtelten Elementen",
                               parser.CurrentLineNumber)
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    def end(tag: str) -> None:
        depth[0] -= 1
        builder.end(tag)

    def refuse(*_args: object) -> None:
        raise InteropError(refusal, parser.CurrentLineNumber)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.CommentHandler = builder.comment
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = lambda *args: 0
    try:
        parser.Parse(data, True)
        root = builder.close()
    except expat.ExpatError as err:
        raise InteropError(f"kein wohlgeformtes XML: {_expat_reason(err.code)}", err.lineno) from err
    except (ValueError, LookupError) as err:  # e.g. encoding="big5" or an unknown encoding
        raise InteropError(f"Zeichenkodierung nicht unterstützt ({err})", 1) from err
    except AssertionError as err:  # TreeBuilder.close() without a root element
        raise InteropError("leere XML-Datei", 1) from err
    return root, lines


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


def _headers(q: ET.Element, notes: list[str]) -> tuple[dict, str]:
    text = q.find("questiontext")
    fmt = text.get("format", "html") if text is not None else "html"
    data: dict = {"prompt": rich(text, "html", notes),
                  "explanation": rich(q.find("generalfeedback"), fmt, notes) or None}
    try:
        points = float(text_of(q, "defaultgrade") or 1)
    except ValueError:
        points = 0.0
    if 0 < points < math.inf:
        data["points"] = points
    else:
        notes.append(f"Punktzahl „{text_of(q, 'defaultgrade')}“ ungültig, in Lotse 1 Punkt")
    for tag, label in (("correctfeedback", "Bei richtiger Antwort"),
                       ("partiallycorrectfeedback", "Bei teilweise richtiger Antwort"),
                       ("incorrectfeedback", "Bei falscher Antwort"), ("hint", "Hinweis")):
        for node in q.findall(tag):
            extra = rich(node, fmt, notes)
            if extra not in _BOILERPLATE:
                append_explanation(data, f"{label}: {extra}")
    for image in q.iter("image"):
        name = (image.text or "").strip().rsplit("/", 1)[-1]
        notes.append(f"Bild „{name or 'ohne Namen'}“ (altes <image>-Feld) nicht übernommen "
                     "(bitte in lessons/images/ ablegen)")
    tags = [text_of(t) for t in q.iter("tag")]
    if tags:
        notes.append("Schlagwörter nicht übernommen: " + ", ".join(tags))
    return data, fmt


def _question(q: ET.Element, line: int, category: str | None) -> Draft:
    qtype = q.get("type", "")
    readers = _readers()  # a registered reader wins over the list of types Lotse does not take
    if qtype not in readers:
        label = _UNSUPPORTED.get(qtype, "unbekannter Typ")
        raise Refused(f"Fragetyp „{qtype}“ ({label}) wird nicht unterstützt")
    notes: list[str] = []
    data, fmt = _headers(q, notes)
    data.update(readers[qtype](q, fmt, notes, data))
    meta = _comment_meta(q, "lotse")
    data["category"] = meta["category"] if "category" in meta else category
    if meta.get("section"):
        data["section"] = meta["section"]
    name = text_of(q, "name/text") or data["prompt"][:40] or "Frage"
    return Draft(name=name, line=line, data=data, meta=meta, notes=notes)


def _readers() -> dict:
    """Moodle type -> reader, as the question type modules register them (lotse.question_types:
    moodle_readers; "multichoice" gives single or multiple choice, read by single_choice)."""
    from lotse.question_types import REGISTRY

    return {name: reader for kind in REGISTRY.values() for name, reader in kind.moodle_readers.items()}


def parse_moodle_xml(data: bytes | str) -> ImportResult:
    """Moodle XML -> drafts and skipped questions. Raises InteropError for a bad file."""
    root, lines = parse_xml(data)
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
            category = text_of(node, "category/text") or text_of(node, "category") or None
        else:
            try:
                result.drafts.append(_question(node, line, category))
            except Refused as err:
                name = text_of(node, "name/text") or node.get("type", "?")
                result.skipped.append(Skipped(name, line, str(err)))
    return result

