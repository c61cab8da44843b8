"""ILIAS question pool / test import (lotse.interop.ilias_qti).

The fixtures follow what ILIAS' QTI writers produce (Modules/TestQuestionPool/classes/export/
qti12/class.ass*Export.php): `1700000000__0__qti_4711.xml` is a question pool with every type
(indented for reading; ILIAS writes one long line), `1700000001__0__qti_815.xml` a test export
exactly as ILIAS lays it out (one line, items inside <assessment><section>). ZIP archives with
ILIAS' folder layout are built in memory.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learner_support import COURSE_DIR, LESSON_ONE, LESSON_TWO
from lotse.cli import main as cli
from lotse.interop import InteropError, load_quiz, parse_moodle_xml
from lotse.interop import ilias_qti
from lotse.interop.exchange import (EXPORT_FORMATS, FORMAT_LABELS, FORMATS, export_quiz,
                                    guess_format, preview_import, quiz_text, read_questions)
from lotse.interop.ilias_qti import parse_ilias_qti
from lotse.interop.quiz_yaml import PLACEHOLDER_FEEDBACK, build_quiz

FIXTURES = Path(__file__).parent / "fixtures" / "ilias"
POOL = FIXTURES / "1700000000__0__qti_4711.xml"
TEST = FIXTURES / "1700000001__0__qti_815.xml"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cf000002070100e1a7a9c80000000049454e44ae426082")
SKIPPED_IN_POOL = ["Zwei Grundsätze", "Erfahrungsbericht", "Fristen einsetzen", "Fehler finden",
                   "Organigramm", "Nachweis hochladen", "Gebühr berechnen", "Auswahl im Text",
                   "Stack-Aufgabe"]


@pytest.fixture(scope="module")
def pool():
    result = parse_ilias_qti(POOL.read_bytes())
    return {d.name: d for d in result.drafts}, result


def item_line(path: Path, title: str) -> int:
    """The line of `<item ... title="title"` in a fixture (for the expected line numbers)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if re.search(rf'<item [^>]*title="{re.escape(title)}"', line):
            return number
    raise AssertionError(title)


def ilias_zip(kind: str = "qpl", qti: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """An export ZIP as ILIAS lays it out: <stamp>/<stamp>.xml, <stamp>/..._qti_<id>.xml, objects/."""
    stamp = f"1700000000__0__{kind}_4711"
    meta = ('<?xml version="1.0" encoding="utf-8"?><!DOCTYPE Test SYSTEM '
            '"http://www.ilias.uni-koeln.de/download/dtd/ilias_co.dtd"><ContentObject '
            'Type="Questionpool_Test"><MetaData><General><Title Language="de">Digitalisierung'
            '</Title></General></MetaData></ContentObject>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stamp}/", b"")
        archive.writestr(f"{stamp}/{stamp}.xml", meta)
        archive.writestr(f"{stamp}/1700000000__0__qti_4711.xml",
                         POOL.read_bytes() if qti is None else qti)
        archive.writestr(f"{stamp}/objects/il_0_mob_77/organigramm.png", PNG)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- question types --------------------------------------------------------------------


def test_supported_types_map_to_lotse_types(pool):
    drafts, _ = pool
    assert {n: d.data["type"] for n, d in drafts.items()} == {
        "Zuständigkeit OZG": "single_choice", "Pflichten der Kommunen": "multiple_choice",
        "Barrierefreiheit": "multiple_choice", "Aussagen zum Datenschutz": "multiple_choice",
        "Umsetzungskatalog": "numeric", "Abkürzung DSGVO": "short_answer",
        "Gesetze zuordnen": "matching", "Ablauf Antragsverfahren": "ordering", "Satzbau": "ordering"}


def test_single_choice_points_feedback_and_general_feedback(pool):
    draft = pool[0]["Zuständigkeit OZG"]
    data = draft.data
    assert data["prompt"] == "Wer ist nach dem **OZG** verpflichtet, Verwaltungsleistungen auch online anzubieten?"
    assert data["points"] == 2
    assert [(o["text"], o["correct"], o.get("weight")) for o in data["options"]] == [
        ("Bund und Länder einschließlich der Kommunen", True, None), ("Nur der Bund", False, None),
        ("Nur Kommunen über 10.000 Einwohner", False, None)]
    assert [o["feedback"] for o in data["options"]] == [
        "Richtig: § 1 OZG verpflichtet Bund und Länder.",
        "Auch die Länder und ihre Kommunen sind verpflichtet.", None]  # ILIAS writes empty ones
    assert data["explanation"] == ("Bei richtiger Antwort: Das OZG gilt seit dem *14.08.2017*.\n\n"
                                   "Bei falscher Antwort: Lesen Sie § 1 OZG noch einmal.")
    assert any("Minuspunkte" in n for n in draft.notes)  # -1 for the third answer


def test_multiple_choice_correct_where_checking_gives_points(pool):
    draft = pool[0]["Pflichten der Kommunen"]
    options = draft.data["options"]
    assert [o["correct"] for o in options] == [True, True, False, False]
    assert all("weight" not in o for o in options)  # +1/+1/-1/-1 is Lotse's default +-50 %
    assert draft.data["points"] == 2
    assert options[3]["text"] == "Sie wird ausgedruckt abgelegt.\n\n\\[Bild: drucker.png\\]"
    assert any("drucker.png" in n for n in draft.notes)  # matimage: noted, not carried
    assert any("höchstens 3 Kreuze" in n for n in draft.notes)
    assert options[2]["feedback"] == "Nein, auch Kommunen führen E-Akten."


def test_multiple_choice_weights_follow_ilias_points():
    text = POOL.read_text(encoding="utf-8")
    start = text.index('<item ident="il_0_qst_102"')
    item = text[start:text.index("</item>", start) + 7]
    changed = item.replace('<setvar action="Add">-1</setvar>', '<setvar action="Add">0</setvar>', 1)
    changed = changed.replace('MCMR">0</varequal></conditionvar><setvar action="Add">1<',
                              'MCMR">0</varequal></conditionvar><setvar action="Add">3<')
    draft = parse_ilias_qti(f"<questestinterop>{changed}</questestinterop>".encode()).drafts[0]
    assert [o["weight"] for o in draft.data["options"]] == [75, 25, 0, -25]  # 3 + 1 = 100 %
    assert draft.data["points"] == 4


def test_multiple_choice_points_for_unchecked_answers_are_noted(pool):
    draft = pool[0]["Barrierefreiheit"]
    assert [o["correct"] for o in draft.data["options"]] == [True, True, False]
    assert all("weight" not in o for o in draft.data["options"])
    assert draft.data["points"] == 3  # ILIAS: the best of checked/unchecked per answer
    assert any("nicht angekreuzte" in n for n in draft.notes)


def test_kprim_becomes_multiple_choice(pool):
    draft = pool[0]["Aussagen zum Datenschutz"]
    assert [o["correct"] for o in draft.data["options"]] == [True, False, True, False]
    assert draft.data["options"][1]["feedback"] == "Doch, auch für Behörden."
    assert draft.data["points"] == 2
    assert any("Kprim" in n for n in draft.notes)


def test_numeric_range_becomes_value_and_tolerance(pool):
    data = pool[0]["Umsetzungskatalog"].data
    assert data["answers"] == [{"value": 575, "tolerance": 5}]  # vargte 570, varlte 580
    assert data["points"] == 2
    assert data["explanation"] == "Bei richtiger Antwort: Es waren 575 Leistungsbündel."


def test_textsubset_becomes_short_answer(pool):
    data = pool[0]["Abkürzung DSGVO"].data
    assert data["prompt"] == "Wofür steht **DSGVO**?"
    assert data["case_sensitive"] is False  # textrating ci
    assert [(a["text"], a["weight"]) for a in data["answers"]] == [
        ("Datenschutz-Grundverordnung", 100), ("Datenschutzgrundverordnung", 100),
        ("Datenschutzverordnung", 50)]
    assert data["points"] == 2


@pytest.mark.parametrize("rating, case_sensitive, note", [("cs", True, None), ("l2", False, "Levenshtein-Abstand 2")])
def test_textsubset_rating(rating, case_sensitive, note):
    text = POOL.read_text(encoding="utf-8").replace(
        "<fieldlabel>textrating</fieldlabel><fieldentry>ci</fieldentry>",
        f"<fieldlabel>textrating</fieldlabel><fieldentry>{rating}</fieldentry>", 1)
    draft = next(d for d in parse_ilias_qti(text.encode()).drafts if d.name == "Abkürzung DSGVO")
    assert draft.data["case_sensitive"] is case_sensitive
    assert any(note in n for n in draft.notes) if note else not draft.notes


def test_matching_pairs_distractors_and_pair_feedback(pool):
    draft = pool[0]["Gesetze zuordnen"]
    data = draft.data
    assert data["pairs"] == [{"left": "Verpflichtet zu Online-Angeboten", "right": "OZG"},
                             {"left": "Regelt die elektronische Verwaltung", "right": "EGovG"}]
    assert data["distractors"] == ["BauGB"]  # a term without a correct definition
    assert data["points"] == 2
    assert "Verpflichtet zu Online-Angeboten → OZG: Das OZG gilt seit 2017." in data["explanation"]
    assert any("Minuspunkten" in n for n in draft.notes)  # BauGB -> 201 costs 0.5 in ILIAS


def test_matching_n_to_1_puts_terms_left():
    text = POOL.read_text(encoding="utf-8")
    start = text.index('<item ident="il_0_qst_108"')
    item = text[start:text.index("</item>", start) + 7].replace(
        '<varsubset respident="MQ">103,201</varsubset></conditionvar><setvar action="Add">-0.5',
        '<varsubset respident="MQ">103,201</varsubset></conditionvar><setvar action="Add">1')
    data = parse_ilias_qti(f"<questestinterop>{item}</questestinterop>".encode()).drafts[0].data
    assert data["pairs"] == [{"left": "OZG", "right": "Verpflichtet zu Online-Angeboten"},
                             {"left": "EGovG", "right": "Regelt die elektronische Verwaltung"},
                             {"left": "BauGB", "right": "Verpflichtet zu Online-Angeboten"}]
    assert data["distractors"] == [] and data["points"] == 3


def test_ordering_in_correct_order_with_item_feedback(pool):
    draft = pool[0]["Ablauf Antragsverfahren"]
    assert draft.data["items"] == ["Antrag stellen", "Antrag prüfen", "Bescheid erstellen"]
    assert draft.data["points"] == 3  # metadata "points"
    assert draft.data["explanation"] == "Antrag stellen: Der Antrag steht immer am Anfang."
    assert not draft.notes


def test_ordering_nested_and_pictures():
    text = POOL.read_text(encoding="utf-8")
    nested = text.replace('<mattext label="answerdepth">0</mattext></material></response_label>\n'
                          '            <response_label ident="9120584_1_1_0">',
                          '<mattext label="answerdepth">1</mattext></material></response_label>\n'
                          '            <response_label ident="9120584_1_1_0">', 1)
    draft = next(d for d in parse_ilias_qti(nested.encode()).drafts if d.name == "Ablauf Antragsverfahren")
    assert any("Einrückungen" in n for n in draft.notes)
    pictures = text.replace('response_lid ident="OQT"', 'response_lid ident="OQP"')
    skipped = {s.name: s.reason for s in parse_ilias_qti(pictures.encode()).skipped}
    assert "Bildern" in skipped["Ablauf Antragsverfahren"]


def test_horizontal_ordering_splits_ordertext(pool):
    data = pool[0]["Satzbau"].data
    assert data["items"] == ["Antrag", "Prüfung", "Bescheid", "Widerspruch"]
    assert data["explanation"] == "Genau so."  # same feedback for right and wrong: said once
    assert data["points"] == 1


def test_skipped_types_are_listed_one_by_one_with_title_and_line(pool):
    _, result = pool
    assert [(s.name, s.line) for s in result.skipped] == [
        (title, item_line(POOL, title)) for title in SKIPPED_IN_POOL]
    reasons = {s.name: s.reason for s in result.skipped}
    assert "Eingabefeld" in reasons["Zwei Grundsätze"]  # TEXTSUBSET with two answer fields
    assert "„TEXT QUESTION“ (Freitext)" in reasons["Erfahrungsbericht"]
    assert reasons["Fristen einsetzen"] == "Lücke 1: keine Antwort gibt Punkte"  # cloze, but no scoring
    assert "(Fehlertext)" in reasons["Fehler finden"] and "(Imagemap)" in reasons["Organigramm"]
    assert "„assFileUpload“ (Datei-Upload)" in reasons["Nachweis hochladen"]
    assert "(Formelfrage)" in reasons["Gebühr berechnen"] and "(Long Menu)" in reasons["Auswahl im Text"]
    assert "unbekannter ILIAS-Fragetyp „assStackQuestion“" in reasons["Stack-Aufgabe"]


def test_draft_lines_point_at_the_item_element(pool):
    drafts, _ = pool
    lines = POOL.read_text(encoding="utf-8").split("\n")
    for draft in drafts.values():
        assert lines[draft.line - 1].strip().startswith('<item ident="il_0_qst_')


def test_question_text_from_the_page_editor_is_reported():
    text = POOL.read_text(encoding="utf-8")
    start = text.index('<item ident="il_0_qst_105"')
    item = text[start:text.index("</item>", start) + 7]
    item = item.replace("<fieldentry>default</fieldentry>", "<fieldentry>pageobject</fieldentry>")
    item = re.sub(r'<mattext texttype="text/plain">Wie viele[^<]*</mattext>', '<mattext texttype="text/plain"/>', item)
    result = parse_ilias_qti(f"<questestinterop>{item}</questestinterop>".encode())
    assert "Seiteneditor" in result.skipped[0].reason


def test_type_is_derived_from_the_response_without_questiontype():
    item = ('<questestinterop><item title="Ohne Typ"><presentation><flow><material><mattext>Frage?'
            '</mattext></material><response_lid ident="MCSR" rcardinality="Single"><render_choice>'
            '<response_label ident="a"><material><mattext>ja</mattext></material></response_label>'
            '<response_label ident="b"><material><mattext>nein</mattext></material></response_label>'
            '</render_choice></response_lid></flow></presentation><resprocessing><respcondition>'
            '<conditionvar><varequal respident="MCSR">a</varequal></conditionvar><setvar>1</setvar>'
            '</respcondition></resprocessing></item></questestinterop>')
    draft = parse_ilias_qti(item.encode()).drafts[0]
    assert draft.data["type"] == "single_choice" and draft.data["options"][0]["correct"]
    assert any("abgeleitet" in n for n in draft.notes)


# --- test exports and ZIP archives -----------------------------------------------------


def test_test_export_with_assessment_and_section():
    result = parse_ilias_qti(TEST.read_bytes())
    drafts = {d.name: d for d in result.drafts}
    assert list(drafts) == ["Hauptamt", "Widerspruchsverfahren"]
    assert {d.data["category"] for d in drafts.values()} == {"Abschlusstest Digitalisierung"}
    hauptamt = drafts["Hauptamt"]
    assert hauptamt.data["type"] == "single_choice"  # QUESTIONTYPE "assSingleChoice"
    assert hauptamt.data["prompt"] == "Welche Stelle ist im Organigramm markiert?\n\n\\[Bild: Organigramm\\]"
    assert hauptamt.notes == ["Bild „organigramm.png“ nicht übernommen (bitte in lessons/images/ ablegen)"]
    # ILIAS < 5.2: <varequal index="solution position">label</varequal>, labels in stored order
    assert drafts["Widerspruchsverfahren"].data["items"] == ["Bescheid", "Widerspruch", "Widerspruchsbescheid"]
    assert drafts["Widerspruchsverfahren"].data["points"] == 1.5  # no metadata points: the sum
    # ILIAS writes everything on one line: the position in the file tells same-line items apart
    assert [(s.name, s.line) for s in result.skipped] == [("Zwei Beispiele", 4), ("Reflexion", 4)]
    assert result.skipped[0].reason.endswith("(Frage 3 der Datei)")
    assert "(Freitext)" in result.skipped[1].reason


def test_a_test_without_questions_says_why():
    text = ('<questestinterop><assessment ident="il_0_tst_9" title="Zufallstest"><section ident="1">'
            '<selection_ordering/></section></assessment></questestinterop>')
    result = parse_ilias_qti(text.encode())
    assert not result.drafts and "zufälliger Fragenauswahl" in result.skipped[0].reason


@pytest.mark.parametrize("kind, qti", [("qpl", POOL), ("tst", TEST)])
def test_zip_gives_the_same_result_as_the_bare_xml(kind, qti):
    from_zip = parse_ilias_qti(ilias_zip(kind, qti.read_bytes()))
    from_xml = parse_ilias_qti(qti.read_bytes())
    assert from_zip == from_xml and from_zip.drafts


def test_zip_without_or_with_several_qti_files():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("1700000000__0__qpl_1/1700000000__0__qpl_1.xml", "<ContentObject/>")
    with pytest.raises(InteropError, match="keine QTI-Datei"):
        parse_ilias_qti(buffer.getvalue())
    with pytest.raises(InteropError, match="mehrere QTI-Dateien"):
        parse_ilias_qti(ilias_zip(extra={"x/1700000000__0__qti_9.xml": b"<questestinterop/>"}))


def test_errors_inside_a_zip_name_the_qti_file():
    with pytest.raises(InteropError) as info:
        parse_ilias_qti(ilias_zip(qti=b"<questestinterop>\n<item>\n</questestinterop>"))
    assert info.value.message.startswith("1700000000__0__qpl_4711/1700000000__0__qti_4711.xml: kein wohlgeformtes XML")
    assert info.value.line == 3


def test_zip_bomb_is_refused_without_unpacking_it():
    bomb = ilias_zip(qti=b"\0" * (ilias_qti.MAX_QTI_BYTES + 1))
    assert len(bomb) < 100_000
    with pytest.raises(InteropError, match="größer als 25 MB .*ZIP-Bombe"):
        parse_ilias_qti(bomb)


def test_zip_with_a_lying_size_is_refused(monkeypatch):
    """The central directory claims 100 bytes; reading stops there and the CRC check fails."""
    monkeypatch.setattr(ilias_qti, "MAX_QTI_BYTES", 1024 * 1024)
    data = bytearray(ilias_zip(qti=b"<questestinterop>" + b" " * 2_000_000 + b"</questestinterop>"))
    struct.pack_into("<I", data, _central_entry(data, b"qti_4711.xml") + 24, 100)  # uncompressed size
    with pytest.raises(InteropError, match="ZIP-Archiv nicht lesbar"):
        parse_ilias_qti(bytes(data))


def _central_entry(data: bytearray, suffix: bytes) -> int:
    """Offset of the central directory record of the member whose name ends in `suffix`."""
    for match in re.finditer(rb"PK\x01\x02", bytes(data)):
        length = struct.unpack_from("<H", data, match.start() + 28)[0]
        if bytes(data[match.start() + 46:match.start() + 46 + length]).endswith(suffix):
            return match.start()
    raise AssertionError(suffix)


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(ilias_qti, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(InteropError, match="Einträgen abgelehnt"):
        parse_ilias_qti(ilias_zip())


def test_broken_zip_gives_a_clear_error():
    with pytest.raises(InteropError, match="ZIP-Archiv nicht lesbar"):
        parse_ilias_qti(b"PK\x03\x04" + b"\x00" * 40)


# --- safety and bad files --------------------------------------------------------------


def test_doctype_without_internal_subset_is_accepted_and_never_loaded(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "geheim">', encoding="utf-8")
    text = (f'<?xml version="1.0"?>\n<!DOCTYPE questestinterop SYSTEM "{dtd.as_uri()}">\n'
            "<questestinterop>\n<item title=\"&secret;\"/></questestinterop>")
    with pytest.raises(InteropError, match="kein wohlgeformtes XML: unbekannte Zeichenreferenz") as info:
        parse_ilias_qti(text.encode())  # the DTD would define it: it was not read
    assert info.value.line == 4
    assert parse_ilias_qti(POOL.read_bytes()).drafts  # the fixtures start with ILIAS' DOCTYPE


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE questestinterop [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE questestinterop [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE questestinterop SYSTEM "ims_qtiasiv1p2p1.dtd" [<!ELEMENT item ANY>]>'])
def test_entities_and_internal_subsets_are_refused(prolog):
    text = f'<?xml version="1.0"?>\n{prolog}\n<questestinterop><item title="x"/></questestinterop>'
    with pytest.raises(InteropError, match="eingebettete DTDs und ENTITY-Deklarationen") as info:
        parse_ilias_qti(text.encode())
    assert info.value.line == 2


def test_moodle_import_keeps_refusing_every_doctype():
    with pytest.raises(InteropError, match="Moodle-Exporte enthalten keine"):
        parse_moodle_xml(POOL.read_bytes())


def test_malformed_xml_names_the_line():
    text = POOL.read_text(encoding="utf-8").replace("</response_lid>", "</response_xx>", 1)
    with pytest.raises(InteropError, match="kein wohlgeformtes XML") as info:
        parse_ilias_qti(text.encode())
    assert info.value.line == text.split("\n").index("        </response_xx>") + 1


@pytest.mark.parametrize("data, message", [
    (b"<quiz><question type='truefalse'/></quiz>", "Moodle XML"),
    (b"", "kein wohlgeformtes XML"),
    (b'<?xml version="1.0" encoding="big5"?><questestinterop/>', "Zeichenkodierung")])
def test_other_bad_files(data, message):
    with pytest.raises(InteropError, match=message) as info:
        parse_ilias_qti(data)
    assert info.value.line is not None


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
                 st.binary(max_size=400).map(lambda b: b"<questestinterop>" + b)))
def test_random_bytes_never_crash(data):
    try:
        result = parse_ilias_qti(data)
    except InteropError:
        return
    build_quiz(result, "lektion", "ziel")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.from_regex(r"[\w/ .-]{0,30}", fullmatch=True), st.binary(max_size=200)),
                max_size=4))
def test_random_zips_never_crash(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number, (name, data) in enumerate(members):
            archive.writestr(f"{name}{number}_qti_{number}.xml" if number == 0 else f"{name}{number}", data)
    try:
        build_quiz(parse_ilias_qti(buffer.getvalue()), "lektion", "ziel")
    except InteropError:
        pass


_TYPES = st.sampled_from(["SINGLE CHOICE QUESTION", "MULTIPLE CHOICE QUESTION", "KPRIM CHOICE QUESTION",
                          "NUMERIC QUESTION", "TEXTSUBSET QUESTION", "MATCHING QUESTION",
                          "ORDERING QUESTION", "assOrderingHorizontal", "CLOZE QUESTION", "", "x"])
_TAGS = st.sampled_from(["varequal", "varsubset", "vargte", "varlte"])
_RESPONSES = st.sampled_from(['response_lid ident="MCSR" rcardinality="Single"',
                              'response_lid ident="OQT" rcardinality="Ordered"',
                              'response_grp ident="MQ"', 'response_num ident="NUM"',
                              'response_str ident="TEXTSUBSET_01"'])
_TEXT = st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(_TYPES, _RESPONSES, st.lists(st.tuples(_TEXT, _TEXT, st.booleans()), max_size=4),
       st.lists(st.tuples(_TAGS, _TEXT, _TEXT, st.booleans(), _TEXT), max_size=5),
       st.dictionaries(st.sampled_from(["points", "ordertext", "correctanswers", "textrating"]), _TEXT))
def test_random_items_never_crash(qtype, response, labels, conditions, meta):
    def e(text: str) -> str:
        return escape(text, {'"': "&quot;"})
    fields = [("QUESTIONTYPE", qtype), *meta.items()]
    metadata = "".join(f"<qtimetadatafield><fieldlabel>{e(k)}</fieldlabel><fieldentry>{e(v)}</fieldentry>"
                       "</qtimetadatafield>" for k, v in fields)
    tag = response.split()[0]
    body = "".join(f'<response_label ident="{e(i)}"{" match_group=" + chr(34) + "1" + chr(34) if g else ""}>'
                   f"<material><mattext>{e(t)}</mattext></material></response_label>" for i, t, g in labels)
    rules = "".join(f"<respcondition><conditionvar>{'<not>' if n else ''}<{t} respident=\"{e(r)}\" index=\"{e(v)}\">"
                    f"{e(v)}</{t}>{'</not>' if n else ''}</conditionvar><setvar action=\"Add\">{e(p)}</setvar>"
                    "</respcondition>" for t, r, v, n, p in conditions)
    xml = (f'<questestinterop><item title="t"><itemmetadata><qtimetadata>{metadata}</qtimetadata></itemmetadata>'
           f"<presentation><flow><material><mattext>Frage</mattext></material><{response}><render_choice>"
           f"{body}</render_choice></{tag}></flow></presentation><resprocessing>{rules}</resprocessing>"
           "</item></questestinterop>")
    try:
        result = parse_ilias_qti(xml.encode())
    except InteropError as err:  # e.g. characters XML does not allow
        assert err.line is not None
        return
    build_quiz(result, "lektion", "ziel")


# --- Lotse quiz, exchange, command line, trainer page ----------------------------------


def test_result_passes_the_quiz_schema(pool):
    quiz, skipped, attention = build_quiz(pool[1], "lektion", "ziel")
    assert len(quiz.questions) == 9
    assert [s.name for s in skipped] == SKIPPED_IN_POOL  # nothing else fails the schema
    assert quiz_text(quiz).startswith("lesson: lektion\n")  # YAML that reads back the same
    barrier = next(q for q in quiz.questions if q.id == "barrierefreiheit")
    assert barrier.options[0].feedback == PLACEHOLDER_FEEDBACK
    assert any(a.startswith(f"Zeile {item_line(POOL, 'Barrierefreiheit')}: barrierefreiheit:") for a in attention)


def test_formats_and_guessing():
    assert FORMATS == ("gift", "moodle-xml", "ilias-qti") and EXPORT_FORMATS == ("gift", "moodle-xml")
    assert FORMAT_LABELS["ilias-qti"] == "ILIAS (QTI)"
    assert guess_format("1700000000__0__qpl_4711.zip", ilias_zip()) == "ilias-qti"
    assert guess_format("export", ilias_zip()) == "ilias-qti"
    assert guess_format("fragen.xml", POOL.read_bytes()) == "ilias-qti"
    assert guess_format("fragen.xml", b'<?xml version="1.0"?>\n<quiz></quiz>') == "moodle-xml"
    assert guess_format("fragen.txt", b"::Q::Frage?{T}") == "gift"
    quiz = load_quiz(COURSE_DIR / "quizzes" / f"{LESSON_ONE}.yaml")
    with pytest.raises(InteropError, match="unbekanntes Format"):
        export_quiz(quiz, "ilias-qti")


@pytest.mark.parametrize("fmt", ["moodle-xml", "gift"])
def test_ilias_files_read_as_moodle_or_gift_get_a_clear_word(fmt):
    for data in (POOL.read_bytes(), ilias_zip()):
        with pytest.raises(InteropError, match="„ILIAS \\(QTI\\)“ wählen"):
            read_questions(data, fmt)


def test_preview_of_an_ilias_zip():
    preview = preview_import(ilias_zip(), "ilias-qti", LESSON_TWO, ["zahlen", "zuordnen"])
    assert preview.error is None and len(preview.quiz.questions) == 9
    assert [s.name for s in preview.skipped] == SKIPPED_IN_POOL


def test_command_imports_an_ilias_zip_and_the_validator_accepts_it(tmp_path, capsys):
    root = tmp_path / "content"
    shutil.copytree(COURSE_DIR, root)
    (root / "quizzes" / f"{LESSON_TWO}.yaml").unlink()
    source = tmp_path / "1700000000__0__qpl_4711.zip"
    source.write_bytes(ilias_zip())
    assert cli(["questions", "import", str(source), "--format", "ilias-qti", "--lesson", LESSON_TWO,
                 "--root", str(root)]) == 0  # 0: written and passes `python -m lotse validate`
    quiz = load_quiz(root / "quizzes" / f"{LESSON_TWO}.yaml")
    assert len(quiz.questions) == 9 and {q.objective for q in quiz.questions} == {"zahlen"}
    err = capsys.readouterr().err
    assert "Nicht übernommen (9):" in err
    assert f"{source}:{item_line(POOL, 'Erfahrungsbericht')}: Erfahrungsbericht: ILIAS-Fragetyp" in err


def test_command_export_offers_no_ilias_format(capsys):
    with pytest.raises(SystemExit):
        cli(["questions", "export", LESSON_ONE, "--format", "ilias-qti"])
    assert "invalid choice" in capsys.readouterr().err


def test_trainer_page_previews_an_ilias_zip(signed_in_app, make_user, tmp_path, monkeypatch):
    folder = tmp_path / "content"
    shutil.copytree(COURSE_DIR, folder)
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(folder))
    at = signed_in_app(make_user("trainer"), page="app_pages/austausch.py")
    assert not at.exception
    at.selectbox(key="austausch-import-lektion").set_value(LESSON_ONE)
    at.file_uploader(key="austausch-import-datei").upload("1700000000__0__qpl_4711.zip", ilias_zip(),
                                                          "application/zip")
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("gelesen als ILIAS (QTI)" in c.value for c in at.caption)
    assert "Nicht übernommen (9 Fragen)" in [s.value for s in at.subheader]
    imported = next(df.value for df in at.dataframe if "Frage-ID" in df.value.columns)
    assert len(imported) == 9
    skipped = next(df.value for df in at.dataframe if "Grund" in df.value.columns)
    assert list(skipped["Frage"]) == SKIPPED_IN_POOL
