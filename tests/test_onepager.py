"""The one-pager for the head of department: every part present, umlauts intact, in Markdown and
in the PDF text (read back with pypdf); user text never turns into markup or links."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from lotse import onepager
from lotse import projects as P

TODAY = date(2025, 5, 6)
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**fett**", "[klick](javascript:alert(1))",
           "# Überschrift", "- Liste", "1. Punkt", "| Zelle |", "&lt;b&gt;", "`code`", "![bild](http://x/y.png)"]


@pytest.fixture
def project(db, make_user):
    owner = make_user("learner", display_name="Jürgen Größe-Weiß")
    p = P.create_project(db, owner, "Hallenbelegung für Vereine", "Vergabe der Sporthallen im Rathaus")
    P.save_step(db, owner, p.id, "ist", {
        "actors": [{"name": "Hauptamt", "task": "prüft Zeiten"}, {"name": "Hausmeister"}],
        "process_steps": [{"step": "Anfrage per Telefon", "who": "Verein", "medium": "Telefon"},
                          {"step": "Übertrag in Tabelle", "who": "Hauptamt", "medium": "Excel"}],
        "systems": "Excel, Wandkalender", "media_breaks": "Telefonnotiz wird abgetippt",
        "volumes": "rund 40 Anfragen im Monat", "pain_points": "Doppelbelegungen und Ärger"})
    P.save_step(db, owner, p.id, "anforderungen", {"needs": [
        {"group": "Bürgerinnen und Bürger", "who": "Vereine", "what": "freie Zeiten sehen", "why": "selbst planen"},
        {"group": "Kolleginnen und Kollegen", "who": "Hausmeister", "what": "aktuelle Übersicht", "why": "Schlüssel"},
        {"group": "Kolleginnen und Kollegen", "who": "Kämmerei", "what": "Online-Abrechnung", "why": "weniger Bargeld"},
        {"group": "Kolleginnen und Kollegen", "who": "Hauptamt", "what": "Plakat drucken", "why": ""},
    ], "methods": "Gespräche mit drei Vereinen"})
    P.save_step(db, owner, p.id, "priorisierung", {"ratings": {
        "1": {"benefit": 5, "effort": 2, "urgency": 4}, "2": {"benefit": 4, "effort": 1, "urgency": 3},
        "3": {"benefit": 4, "effort": 5, "urgency": 2}, "4": {"benefit": 1, "effort": 4}},
        "rationale": "Abrechnung später, erst die Übersicht"})
    P.save_step(db, owner, p.id, "massnahmen", {"measures": [
        {"title": "Gemeinsame Übersicht", "need": 2, "owner": "Frau Kühn", "due": "2025-06-30", "status": "In Arbeit",
         "success": "keine Doppelbelegung"},
        {"title": "Einweisung Hausmeister", "need": 2, "owner": "Herr Öztürk", "due": "2025-07-15", "status": "Offen"},
    ]})
    return P.load_project(db, owner, p.id)


EVERY_PART = [
    "Hallenbelegung für Vereine", "Vergabe der Sporthallen im Rathaus", "Jürgen Größe-Weiß", "06.05.2025",
    "Ausgangslage", "Hauptamt", "Hausmeister", "Anfrage per Telefon", "Übertrag in Tabelle", "Wandkalender",
    "Telefonnotiz wird abgetippt", "rund 40 Anfragen im Monat", "Doppelbelegungen und Ärger",
    "Anforderungen", "freie Zeiten sehen", "aktuelle Übersicht", "Kämmerei", "Gespräche mit drei Vereinen",
    "Prioritäten", "Nutzen-Aufwand-Matrix", "Quick Wins (sofort angehen)", "Große Vorhaben (planen, in Etappen zerlegen)",
    "Lückenfüller (bei freier Kapazität)", "Zurückstellen (oder verwerfen)", "Rangfolge",
    "Abrechnung später, erst die Übersicht",
    "Maßnahmen", "Gemeinsame Übersicht", "Einweisung Hausmeister", "Frau Kühn", "Herr Öztürk", "30.06.2025",
    "15.07.2025", "In Arbeit", "Offen", "keine Doppelbelegung",
]


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_markdown_contains_every_part_with_umlauts(project):
    text = onepager.onepager_markdown(project, TODAY)
    plain = unescape(text)
    missing = [part for part in EVERY_PART if part not in plain]
    assert not missing
    assert text.startswith("# Hallenbelegung für Vereine\n")
    for heading in onepager.HEADINGS:
        assert f"\n## {heading}\n" in text


def test_markdown_ranking_and_matrix_rows(project):
    text = onepager.onepager_markdown(project, TODAY)
    assert "| 1 | freie Zeiten sehen | 5 | 2 | 4 | 18 | Quick Wins |" in text
    assert "| 2 | aktuelle Übersicht | 4 | 1 | 3 | 16 | Quick Wins |" in text
    assert "| – | Plakat drucken | 1 | 4 | – | – | Zurückstellen |" in text
    assert "**Quick Wins (sofort angehen)** – 1. freie Zeiten sehen; 2. aktuelle Übersicht" in text
    assert "**Große Vorhaben (planen, in Etappen zerlegen)** – 3. Online-Abrechnung" in text
    assert "| Gemeinsame Übersicht | aktuelle Übersicht | Frau Kühn | 30.06.2025 | In Arbeit | keine Doppelbelegung |" in text


def test_pdf_contains_every_part_with_umlauts(project):
    data = onepager.onepager_pdf(project, TODAY)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    missing = [part for part in EVERY_PART if part not in text]
    assert not missing, missing
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Hallenbelegung für Vereine – Projektübersicht"
    fonts = {str(f) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert fonts  # text is set in an embedded font (DejaVu), not a Latin-1 core font


def test_empty_project_says_so_in_every_section(db, make_user):
    empty = P.create_project(db, make_user("learner"), "Leeres Projekt")
    markdown = onepager.onepager_markdown(empty, TODAY)
    assert markdown.count(onepager.NOTHING) == 4
    assert pdf_text(onepager.onepager_pdf(empty, TODAY)).count(onepager.NOTHING) == 4


@pytest.mark.parametrize("payload", HOSTILE)
def test_markdown_escapes_user_text(payload):
    escaped = onepager.md_escape(payload)
    assert unescape(escaped) == payload
    assert not re.search(r"(?<!\\)[<>\[\]*`|#!]", escaped)  # every markup character is escaped
    assert not re.match(r"\s*([-+]|\d+\.)\s", escaped)  # no list marker at the start of a line


def test_hostile_text_in_every_field_stays_text(db, make_user):
    owner = make_user("learner", display_name="<b>Name</b>")
    bad = " ".join(HOSTILE)[:P.ITEM_TEXT_MAX]
    p = P.create_project(db, owner, "**Titel** <script>x</script>"[:P.TITLE_MAX], "[a](javascript:alert(1))")
    P.save_step(db, owner, p.id, "ist", {"actors": [{"name": bad, "task": bad}],
                                         "process_steps": [{"step": bad, "who": bad, "medium": bad}],
                                         **{f.key: "\n".join(HOSTILE) for f in P.SPECS["ist"].texts}})
    P.save_step(db, owner, p.id, "anforderungen", {"needs": [{"group": P.GROUPS[0], "who": bad, "what": bad, "why": bad}],
                                                   "methods": "\n".join(HOSTILE)})
    P.save_step(db, owner, p.id, "priorisierung", {"ratings": {"1": {"benefit": 5, "effort": 1, "urgency": 1}},
                                                   "rationale": "\n".join(HOSTILE)})
    P.save_step(db, owner, p.id, "massnahmen", {"measures": [
        {"title": bad, "need": 1, "owner": bad[:P.SHORT_MAX], "due": "2025-01-31", "success": bad, "resources": bad}]})
    project = P.load_project(db, owner, p.id)
    markdown = onepager.onepager_markdown(project, TODAY)
    for raw in ("<script>", "<img", "<b>", "](javascript:", "**fett**", "![bild]", "&lt;", "`code`"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), markdown), raw  # only ever with a backslash before
    assert "\\<script\\>" in markdown and "\\*\\*fett\\*\\*" in markdown and "\\[klick\\](javascript:" in markdown
    for line in markdown.splitlines():
        assert not line.startswith(("# Über", "- Liste", "1. Punkt", "| Zelle")), line
    data = onepager.onepager_pdf(project, TODAY)
    assert b"/JavaScript" not in data and b"/URI" not in data  # no links or scripts made from user text
    text = pdf_text(data)
    assert "<script>alert(1)</script>" in text and "**fett**" in text


def test_long_projects_flow_onto_more_pages_and_the_matrix_stays_readable(db, make_user):
    owner = make_user("learner")
    p = P.create_project(db, owner, "Großes Vorhaben")
    needs = [{"group": P.GROUPS[i % 2], "who": f"Gruppe {i}", "what": f"Bedarf Nummer {i} " + "ä" * 60, "why": "x" * 200}
             for i in range(30)]
    P.save_step(db, owner, p.id, "anforderungen", {"needs": needs})
    P.save_step(db, owner, p.id, "priorisierung", {"ratings": {str(i): {"benefit": 5, "effort": 1, "urgency": 3}
                                                               for i in range(1, 31)}})
    P.save_step(db, owner, p.id, "massnahmen", {"measures": [
        {"title": "M" * 300, "owner": "Ö" * 200, "due": "2025-12-31"} for _ in range(30)]})
    data = onepager.onepager_pdf(P.load_project(db, owner, p.id), TODAY)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 2
    assert "… und 22 weitere (siehe Rangfolge)" in pdf_text(data)


def test_emoji_and_other_scripts_do_not_break_the_pdf(db, make_user):
    owner = make_user("learner")
    p = P.create_project(db, owner, "Vorhaben 🚀 Ελληνικά Русский")
    assert onepager.onepager_pdf(P.load_project(db, owner, p.id), TODAY).startswith(b"%PDF")


@pytest.mark.parametrize("title, stem", [
    ("Hallenbelegung für Vereine", "Projekt-Hallenbelegung-fuer-Vereine"),
    ("../../etc/passwd", "Projekt-etc-passwd"),
    ("Straße & Größe", "Projekt-Strasse-Groesse"),
    ("🚀", "Projekt"),
])
def test_file_stem_is_safe(title, stem):
    assert onepager.file_stem(title) == stem


def test_footer_names_this_course_never_another(project):
    """Issue 17 item 9: the footer named another course ("Lehrgang Digitalisierungsmanager")."""
    for text in (unescape(onepager.onepager_markdown(project, TODAY)), pdf_text(onepager.onepager_pdf(project, TODAY))):
        assert "Führung und Digitalisierung in der Kommunalverwaltung" in text
        assert "Digitalisierungsmanager" not in text
    configured = unescape(onepager.onepager_markdown(project, TODAY, course_title="Digitale Verwaltung kompakt"))
    assert configured.rstrip().endswith("Projektwerkstatt im Kurs „Digitale Verwaltung kompakt“.")
    assert "Digitale Verwaltung kompakt" in pdf_text(onepager.onepager_pdf(project, TODAY, course_title="Digitale Verwaltung kompakt"))
