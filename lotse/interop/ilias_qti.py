"""ILIAS question pool and test import (IMS QTI 1.2 as ILIAS writes it).

ILIAS exports a question pool as `<ts>__<inst>__qpl_<id>.zip` and a test as `..._tst_<id>.zip`.
Both hold `..._qti_<id>.xml`: a `<questestinterop>` whose `<item>`s (in a test inside
`<assessment><section>`) name their ILIAS type in `qtimetadata` (QUESTIONTYPE, either the
identifier "SINGLE CHOICE QUESTION" or the class name "assSingleChoice"). The readers follow
ILIAS' own writers and readers (Modules/TestQuestionPool/classes/export/qti12/class.ass*Export.php,
.../import/qti12/class.ass*Import.php, Services/QTI/classes/class.ilQTIItem.php): response idents
(MCSR, MCMR, NUM, TEXTSUBSET_01, MQ, OQT), points in `<setvar action="Add">`, feedback in
`<itemfeedback ident="response_N">`, `response_allcorrect` and `response_onenotcorrect`.
Here: the file, the item's headers and the shared helpers; each question type module reads its own
ILIAS types (lotse.question_types: ilias_readers, e.g. KPRIM in multiple_choice, CLOZE in cloze).

The ZIP is read in memory, never extracted, with limits on its size, its number of entries and
the unpacked size of the QTI file (zip bombs). The XML goes through moodle_xml.parse_xml, which
here accepts ILIAS' `<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd">` without loading
the DTD and still refuses ENTITY declarations and internal subsets.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from lotse.interop.common import (Draft, ImportResult, InteropError, Refused, Skipped,
                                  append_explanation, format_number)
from lotse.interop.moodle_xml import parse_xml
from lotse.interop.text_formats import escape_markdown, to_markdown

MAX_ZIP_BYTES = 100 * 1024 * 1024  # the archive itself (the trainer page allows far less)
MAX_ZIP_MEMBERS = 5000  # pools with many pictures have a few hundred entries
MAX_QTI_BYTES = 25 * 1024 * 1024  # unpacked QTI XML; ILIAS embeds answer images as base64

_REFUSAL = ("eingebettete DTDs und ENTITY-Deklarationen sind aus Sicherheitsgründen nicht "
            "erlaubt (ILIAS-Exporte enthalten keine)")
_QTI_MEMBER = re.compile(r"(^|_)qti(_[^/]*)?\.xml$", re.IGNORECASE)
_QTI_ROOT = re.compile(rb"\A(?:\xef\xbb\xbf)?"  # prolog parts cannot overlap: no backtracking blow-up
                       rb"(?:\s|<\?(?:(?!\?>).)*\?>|<!--(?:(?!-->).)*-->|<!DOCTYPE[^>\[]*>)*"
                       rb"<questestinterop[\s>/]", re.DOTALL)
_RESPONSES = {"response_lid", "response_str", "response_num", "response_grp", "response_xy",
              "response_extension"}
_META_LABELS = {"answerdepth", "suggested_solution"}
_MEDIA_OBJECT = re.compile(r"^il_\d+_mob_\d+$")  # pictures placed in the text by ILIAS' editor

_LONG_MENU = ("Long Menu", "Lücken mit langen Auswahllisten und Eingabehilfe; bitte in Lotse als "
              "Lückentext (cloze) neu anlegen")
_MANUAL = "wird von Hand bewertet; Lotse bewertet nur automatisch"
_PROGRAM = ("eingebettetes Programm", "in Lotse nicht darstellbar")
_UNSUPPORTED = {
    "text question": ("Freitext", _MANUAL), "asstextquestion": ("Freitext", _MANUAL),
    "long menu question": _LONG_MENU, "asslongmenu": _LONG_MENU,
    "error text question": ("Fehlertext", "Wörter im Text markieren ist in Lotse nicht darstellbar"),
    "asserrortext": ("Fehlertext", "Wörter im Text markieren ist in Lotse nicht darstellbar"),
    "image map question": ("Imagemap", "Klicken in Bildbereiche ist in Lotse nicht darstellbar"),
    "assimagemapquestion": ("Imagemap", "Klicken in Bildbereiche ist in Lotse nicht darstellbar"),
    "file upload question": ("Datei-Upload", _MANUAL), "assfileupload": ("Datei-Upload", _MANUAL),
    "formula question": ("Formelfrage", "Zufallswerte und Formeln; Lotse kennt nur feste Zahlen"),
    "assformulaquestion": ("Formelfrage", "Zufallswerte und Formeln; Lotse kennt nur feste Zahlen"),
    "java applet question": ("Java-Applet", _PROGRAM[1]), "assjavaapplet": ("Java-Applet", _PROGRAM[1]),
    "flash applet question": ("Flash", _PROGRAM[1]), "assflashquestion": ("Flash", _PROGRAM[1]),
}


@dataclass
class _Item:
    """One <item> while it is read: metadata, feedback texts and notes for the author."""

    node: ET.Element
    meta: dict[str, str]
    notes: list[str] = field(default_factory=list)
    feedback: dict[str, str] = field(default_factory=dict)  # itemfeedback ident -> Markdown


# --- file level ------------------------------------------------------------------------


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def looks_like_qti(data: bytes) -> bool:
    """True if the XML's root element is <questestinterop> (checked on the file's head only)."""
    return _QTI_ROOT.match(data[:65536]) is not None


def _qti_from_zip(data: bytes) -> tuple[str, bytes]:
    """The one `*_qti_*.xml` in an ILIAS export ZIP: (its name, its bytes), read in memory."""
    if len(data) > MAX_ZIP_BYTES:
        raise InteropError(f"ZIP-Archiv zu groß ({len(data) / 1_048_576:.0f} MB; höchstens "
                           f"{MAX_ZIP_BYTES // 1_048_576} MB)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise InteropError(f"ZIP-Archiv mit {len(infos)} Einträgen abgelehnt "
                                   f"(höchstens {MAX_ZIP_MEMBERS})")
            info = _qti_member(infos)
            if info.file_size > MAX_QTI_BYTES:
                raise _too_big(info.filename)
            with archive.open(info) as member:
                xml = member.read(MAX_QTI_BYTES + 1)  # never trust the declared size
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError,
            ValueError, OSError, EOFError, zlib.error) as err:
        raise InteropError(f"ZIP-Archiv nicht lesbar ({err})") from err
    if len(xml) > MAX_QTI_BYTES:
        raise _too_big(info.filename)
    return info.filename, xml


def _qti_member(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    found = [i for i in infos if not i.is_dir() and _QTI_MEMBER.search(i.filename.rsplit("/", 1)[-1])]
    if not found:
        raise InteropError("das ZIP-Archiv enthält keine QTI-Datei (…_qti_….xml); ist es der "
                           "Export eines ILIAS-Fragenpools oder -Tests?")
    if len(found) > 1:
        names = ", ".join(i.filename for i in found[:3])
        raise InteropError(f"das ZIP-Archiv enthält mehrere QTI-Dateien ({names}); bitte die "
                           "gewünschte einzeln hochladen")
    return found[0]


def _too_big(name: str) -> InteropError:
    return InteropError(f"{name} ist entpackt größer als {MAX_QTI_BYTES // 1_048_576} MB "
                        "(abgelehnt, möglicherweise eine ZIP-Bombe)")


def parse_ilias_qti(data: bytes) -> ImportResult:
    """ILIAS export (ZIP of a pool or test, or its QTI XML) -> drafts and skipped questions.

    Raises InteropError for a file that cannot be read at all.
    """
    if not is_zip(data):
        return _parse_qti(data)
    name, xml = _qti_from_zip(data)
    try:
        return _parse_qti(xml)
    except InteropError as err:
        raise InteropError(f"{name}: {err.message}", err.line) from err


def _parse_qti(data: bytes) -> ImportResult:
    root, lines = parse_xml(data, external_doctype=True, refusal=_REFUSAL)
    if root.tag != "questestinterop":
        hint = " (eine Moodle-XML-Datei? Dann bitte das Format „Moodle XML“ wählen)" \
            if root.tag == "quiz" else ""
        raise InteropError(f"Wurzelelement <questestinterop> erwartet, gefunden <{root.tag}>{hint}",
                           lines.get(id(root)))
    test = root.find("assessment")
    category = (test.get("title") or None) if test is not None else None
    items = list(root.iter("item"))
    shared = Counter(lines.get(id(node), 0) for node in items)
    result = ImportResult()
    for number, node in enumerate(items, start=1):
        line = lines.get(id(node), 0)
        try:
            result.drafts.append(_question(node, line, category))
        except Refused as err:
            where = f" (Frage {number} der Datei)" if shared[line] > 1 else ""
            result.skipped.append(Skipped(node.get("title") or "Frage", line, f"{err}{where}"))
    if not items and test is not None:
        result.skipped.append(Skipped(category or "Test", lines.get(id(test)),
                                      "der Test enthält keine Fragen (Test mit zufälliger "
                                      "Fragenauswahl?); bitte die Fragenpools exportieren"))
    return result


# --- one item --------------------------------------------------------------------------


def _question(node: ET.Element, line: int, category: str | None) -> Draft:
    item = _Item(node, _metadata(node))
    given = item.meta.get("QUESTIONTYPE", "").strip()
    kind = given.lower() or _type_from_response(node)
    reader = _registered_reader(kind)  # a registered reader wins over the list of types Lotse does not take
    if reader is None and kind in _UNSUPPORTED:
        label, reason = _UNSUPPORTED[kind]
        raise Refused(f"ILIAS-Fragetyp „{given or kind.upper()}“ ({label}) wird nicht unterstützt: "
                      f"{reason}")
    if reader is None:
        raise Refused(f"unbekannter ILIAS-Fragetyp „{given or '?'}“ (z. B. aus einem Plugin)")
    if not given:
        item.notes.append("Fragetyp aus der Antwortstruktur abgeleitet (keine Angabe QUESTIONTYPE)")
    item.feedback = _feedbacks(item)
    data = _headers(item)
    data.update(reader(item, data))
    if category:
        data["category"] = category
    name = node.get("title") or data["prompt"][:40] or "Frage"
    return Draft(name=name, line=line, data=data, notes=list(dict.fromkeys(item.notes)))


def _registered_reader(kind: str) -> Callable[[_Item, dict], dict] | None:
    """The reader a question type module registers for this QUESTIONTYPE (identifier or class name,
    lower case; lotse.question_types: ilias_readers)."""
    from lotse.question_types import REGISTRY

    return next((t.ilias_readers[kind] for t in REGISTRY.values() if kind in t.ilias_readers), None)


def _metadata(node: ET.Element) -> dict[str, str]:
    """The item's own qtimetadata fields; very old ILIAS wrote `Questiontype=...` comments."""
    meta: dict[str, str] = {}
    for entry in node.findall("itemmetadata/qtimetadata/qtimetadatafield"):
        label = (entry.findtext("fieldlabel") or "").strip()
        if label:
            meta.setdefault(label, (entry.findtext("fieldentry") or "").strip())
    for comment in node.findall("qticomment"):
        match = re.match(r"\s*Questiontype=(.+)", comment.text or "")
        if match:
            meta.setdefault("QUESTIONTYPE", match.group(1).strip())
    return meta


def _type_from_response(node: ET.Element) -> str:
    """As ILIAS guesses a type without QUESTIONTYPE (ilQTIItem::determineQuestionType)."""
    for element in node.iter():
        cardinality = (element.get("rcardinality") or "").lower()
        if element.tag == "response_lid":
            return {"ordered": "ordering question", "single": "single choice question",
                    "multiple": "multiple choice question"}.get(cardinality, "")
        if element.tag == "response_grp":
            return "matching question"
        if element.tag == "response_num":
            return "numeric question"
        if element.tag == "response_str":
            return "text question" if cardinality == "ordered" else "cloze question"
        if element.tag == "response_xy":
            return "image map question"
    return ""


def _headers(item: _Item) -> dict:
    """Prompt, explanation (general feedback, hints) -- what every question type has."""
    notes = item.notes
    presentation = item.node.find("presentation")
    prompt = "\n\n".join(t for t in (_material(m, notes) for m in _prompt_materials(presentation)) if t)
    if not prompt and item.meta.get("additional_cont_edit_mode") == "pageobject":
        raise Refused("der Fragetext steht im ILIAS-Seiteneditor und ist nicht in der QTI-Datei")
    data: dict = {"prompt": prompt, "explanation": None}
    right = item.feedback.get("response_allcorrect")
    wrong = item.feedback.get("response_onenotcorrect")
    if right and right == wrong:
        append_explanation(data, right)
    else:
        for label, text in (("Bei richtiger Antwort", right), ("Bei falscher Antwort", wrong)):
            if text:
                append_explanation(data, f"{label}: {text}")
    for hint in item.node.findall("solutionhint"):  # ILIAS 8+: hints offered during a test
        text = to_markdown(hint.text or "", "moodle", notes)
        if text:
            append_explanation(data, f"Hinweis: {text}")
    return data


def _prompt_materials(presentation: ET.Element | None) -> list[ET.Element]:
    """The presentation's outermost <material>s that are not part of a response."""
    if presentation is None:
        return []
    hidden: set[int] = set()
    for element in presentation.iter():
        if element.tag in _RESPONSES or element.tag == "material":
            hidden.update(id(e) for e in element.iter() if e is not element)
    return [m for m in presentation.iter("material") if id(m) not in hidden]


def _feedbacks(item: _Item) -> dict[str, str]:
    texts = {}
    for feedback in item.node.findall("itemfeedback"):
        text = _material(feedback, item.notes)
        if text:
            texts[feedback.get("ident", "")] = text
    return texts


def _material(node: ET.Element | None, notes: list[str]) -> str:
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


def _image_only(node: ET.Element) -> bool:
    texts = [e.text for e in node.iter("mattext") if e.get("label") not in _META_LABELS]
    return node.find(".//matimage") is not None and not any((t or "").strip() for t in texts)


# --- response processing ---------------------------------------------------------------


def _number(text: str | None, what: str) -> float:
    raw = (text or "").strip().replace(",", ".")
    try:
        value = float(raw)
    except ValueError as err:
        raise Refused(f"{what} „{(text or '').strip()}“ ist keine Zahl") from err
    if not math.isfinite(value):
        raise Refused(f"{what} „{raw}“ ist keine endliche Zahl")
    return value


def _children(node: ET.Element | None) -> list[ET.Element]:
    return [c for c in node if c.tag is not ET.Comment] if node is not None else []


def _points(condition: ET.Element) -> float | None:
    """What a <respcondition> adds to the score (None: it only shows feedback)."""
    total, seen = 0.0, False
    for setvar in condition.findall("setvar"):
        action = (setvar.get("action") or "Set").lower()
        if action not in ("add", "set", "subtract"):
            raise Refused(f"Bewertung mit <setvar action=\"{setvar.get('action')}\"> wird nicht "
                           "unterstützt")
        value = _number(setvar.text, "Punktzahl")
        total, seen = total + (-value if action == "subtract" else value), True
    return total if seen else None


def _tests(item: _Item, respident: str | None,
           tags: tuple[str, ...]) -> list[tuple[ET.Element, bool, ET.Element]]:
    """(test, negated, respcondition) for every respcondition that checks exactly one thing,
    e.g. `<varequal respident="MCMR">2</varequal>` or `<not><varequal …/></not>`."""
    found = []
    for condition in item.node.iter("respcondition"):
        tests = _children(condition.find("conditionvar"))
        if len(tests) != 1:
            continue
        test, negated = tests[0], False
        if test.tag == "not" and len(_children(test)) == 1:
            test, negated = _children(test)[0], True
        if test.tag in tags and (respident is None or test.get("respident") == respident):
            found.append((test, negated, condition))
    return found


def _response(item: _Item, tag: str) -> ET.Element:
    response = item.node.find(f".//{tag}")
    if response is None:
        raise Refused(f"Antwortbereich <{tag}> fehlt")
    return response


def _labels(item: _Item, response: ET.Element) -> list[tuple[str, str]]:
    return [(label.get("ident", ""), _material(label, item.notes))
            for label in response.iter("response_label")]


def _set_points(data: dict, points: float, notes: list[str]) -> None:
    if 0 < points < math.inf:
        data["points"] = points
    else:
        notes.append(f"Punktzahl {format_number(points)} ungültig, in Lotse 1 Punkt")


# What the readers of the question type modules use (lotse.question_types: ilias_readers).
material, tests, points, set_points, number = _material, _tests, _points, _set_points, _number
children, response, labels, image_only = _children, _response, _labels, _image_only
