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
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable

from lotse.interop.common import (Draft, ImportResult, InteropError, Refused, Skipped,
                                  append_explanation)
from lotse.interop.moodle_xml import parse_xml
from lotse.interop.qti_parts import Item as _Item
from lotse.interop.qti_parts import material as _material
from lotse.interop.text_formats import to_markdown

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
