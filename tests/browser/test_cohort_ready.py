"""Issue 17, "ready for a real cohort": what a learner trips over in the browser, one test per point.

The course is the small one of the journeys (two lessons, each with a quiz), so answers are known.
Screenshots of both widths go to tests/artifacts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_harness import (LotseServer, main_text, open_page, page_not_found, reload, rerun, running_server,
                             screenshot, sign_in)
from raw_sql import raw
from content_builder import write_course
from test_journeys import LESSON, LESSON_TWO, QUIZ

REFLECTION = "reflection_prompts:\n  - id: rolle\n    topic: Ihre Rolle\n    prompt: Was heißt das für Sie?\n"
LESSON = LESSON.replace("glossary: [ozg]\n", "glossary: [ozg]\n" + REFLECTION)
LESSON_THREE = LESSON_TWO.replace("id: zwei", "id: drei").replace("order: 2", "order: 3").replace(
    "title: Der Rechtsrahmen", "title: Zuordnen und Ordnen").replace(
    "- Führung gestaltet Abläufe.\n", "- Führung gestaltet Abläufe.\n\n| Gesetz | Ebene | Pflicht | Frist | Zuständig | Quelle |\n"
    "| --- | --- | --- | --- | --- | --- |\n| Onlinezugangsgesetz | Bund und Länder | Verwaltungsleistungen "
    "online anbieten | laufend | Fachbereiche mit IT | BGBl. I S. 3122 |\n")
LONG_RIGHT = ["Die Leitung des Fachbereichs, die Abläufe und Ressourcen ihres Bereichs verantwortet",
              "Die behördliche Datenschutzbeauftragte, die unabhängig berät und die Verarbeitung überwacht"]
LONG_QUIZ = f"""\
lesson: drei
pass_mark: 70
questions:
  - id: zuordnen
    type: matching
    objective: ziel
    prompt: Wer ist wofür zuständig?
    pairs:
      - left: Wer entscheidet, wie ein Antrag künftig digital bearbeitet wird?
        right: {LONG_RIGHT[0]}
      - left: Wer prüft, ob personenbezogene Daten rechtmäßig verarbeitet werden?
        right: {LONG_RIGHT[1]}
    explanation: Verantwortung folgt der Aufgabe.
  - id: ordnen
    type: ordering
    objective: ziel
    prompt: Bringen Sie die Schritte in die richtige Reihenfolge.
    items:
      - Den heutigen Ablauf mit allen Beteiligten erheben und Medienbrüche sichtbar machen
      - Den künftigen Ablauf gemeinsam entwerfen und mit dem Personalrat abstimmen
    explanation: Erst verstehen, dann gestalten.
"""
LEARNER = ("lara.liest", "Lara Liest", "Lesen-macht-klug-2026")
TRAINER = ("tom.trainiert", "Tom Trainiert", "Kurse-leiten-2026!")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LotseServer:
    content = write_course(tmp_path_factory.mktemp("content"),
                           lessons={"eins": LESSON, "zwei": LESSON_TWO, "drei": LESSON_THREE},
                           quizzes={"eins": QUIZ.format(lesson="eins"), "zwei": QUIZ.format(lesson="zwei"),
                                    "drei": LONG_QUIZ})
    with running_server(content_dir=content) as running:
        from lotse.accounts import create_account

        db = running.database()
        create_account(db, LEARNER[0], LEARNER[1], LEARNER[2], "learner")
        create_account(db, TRAINER[0], TRAINER[1], TRAINER[2], "trainer")
        db.close()
        yield running


def read_marks(server: LotseServer) -> dict[str, bool]:
    """Lesson id -> marked read, for the learner of this module."""
    db = server.database()
    try:
        rows = raw(db).query("SELECT p.lesson_id, p.read_at FROM lesson_progress p JOIN users u ON u.id = p.user_id"
                             " WHERE u.login = ?", [LEARNER[0]])
        return {row["lesson_id"]: bool(row["read_at"]) for row in rows}
    finally:
        db.close()


def lesson_heading(page, title: str):
    return page.get_by_role("heading", name=title, level=1)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["1280", "390"])
def test_moving_between_lessons_keeps_address_page_and_action_together(server, browser, viewport):
    """Point 1: "Nächste/Vorherige Lektion" must change the address too, so the next click, a reload,
    the back button and a bookmark all mean the lesson on the screen."""
    page = browser.new_page(viewport)
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/lektion?id=eins")
    expect(lesson_heading(page, "Digitalisierung ist Führungsaufgabe")).to_be_visible()

    rerun(page, lambda: page.get_by_role("link", name=re.compile("^Nächste Lektion")).click())
    expect(lesson_heading(page, "Der Rechtsrahmen")).to_be_visible()
    assert page.url.endswith("/lektion?id=zwei"), page.url
    if viewport is None:  # the mark is per learner; record it once, on the second lesson
        rerun(page, lambda: page.get_by_role("button", name="Als gelesen markieren").click())
        expect(page.get_by_text("Sie haben diese Lektion als gelesen markiert.")).to_be_visible()
        expect(lesson_heading(page, "Der Rechtsrahmen")).to_be_visible()
        assert read_marks(server).get("zwei") and not read_marks(server).get("eins"), read_marks(server)
    reload(page)
    expect(lesson_heading(page, "Der Rechtsrahmen")).to_be_visible()
    screenshot(page, f"lektion-zwei-{'phone' if viewport else 'desktop'}")

    rerun(page, lambda: page.get_by_role("link", name=re.compile("^Vorherige Lektion")).click())
    expect(lesson_heading(page, "Digitalisierung ist Führungsaufgabe")).to_be_visible()
    assert page.url.endswith("/lektion?id=eins"), page.url
    reload(page)
    expect(lesson_heading(page, "Digitalisierung ist Führungsaufgabe")).to_be_visible()

    page.go_back()  # the browser's back button returns to lesson two, address and page alike
    page.wait_for_url(re.compile(r"/lektion\?id=zwei$"))
    expect(lesson_heading(page, "Der Rechtsrahmen")).to_be_visible()
    assert "Der Rechtsrahmen" in main_text(page)


def test_typed_quiz_answer_survives_leaving_by_the_sidebar(server, browser):
    """Point 3: a short answer typed but not confirmed with Enter, then a click in the sidebar: the
    click leads to the page and the answer is kept (it was dropped before)."""
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/lektion?id=eins")
    rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
    field = page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))
    field.click()
    field.type("OZG")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Suche").click()
    page.wait_for_url(re.compile(r"/suche$"))
    expect(page.get_by_role("heading", name="Suche", level=1)).to_be_visible()
    open_page(page, server.url + "/lektion?id=eins")
    expect(page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))).to_have_value("OZG")


def unload_is_held(page) -> bool:
    """Would the browser ask before a reload or closing the tab?"""
    return page.evaluate("() => { const e = new Event('beforeunload', {cancelable: true});"
                         " window.dispatchEvent(e); return e.defaultPrevented; }")


def test_reflection_draft_survives_a_page_change_and_a_reload_asks_first(server, browser):
    """Point 3: the reflection text typed but not yet saved is still there after a visit to another
    page, and a reload or closing the tab asks first."""
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/reflexion")
    field = page.get_by_role("textbox", name="Ihr neuer Eintrag")
    field.click()
    field.type("Mein Gedanke zur Rolle")
    assert unload_is_held(page), "a reload would drop the typed text without asking"
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Suche").click()
    page.wait_for_url(re.compile(r"/suche$"))
    expect(page.get_by_role("heading", name="Suche", level=1)).to_be_visible()
    rerun(page, lambda: nav.get_by_role("link", name="Rollenreflexion").click())
    expect(page.get_by_role("textbox", name="Ihr neuer Eintrag")).to_have_value("Mein Gedanke zur Rolle")
    rerun(page, lambda: page.get_by_role("button", name="Eintrag speichern").click())
    expect(page.get_by_text("Ihr Eintrag ist gespeichert.")).to_be_visible()
    assert not unload_is_held(page), "after saving, leaving must not ask"


# Streamlit's built-in English, as 1.67 renders it; a Streamlit upgrade that changes one of these
# shows up here (the page then says it in English again, or in new English words worth adding).
STREAMLIT_ENGLISH = re.compile(
    r"^(Help for .*|Help|Link to heading|Collapse sidebar|Expand sidebar|Show password|Hide password|Clear all|"
    r"Open|Close|Page not found|Drag and drop .*|Browse files|Upload|.*\\d?[KMG]B per file.*|.*per file.*|"
    r".*Running the app's main page.*|Delete|Remove file|Fullscreen|Close fullscreen)$")


def english_left(page) -> list[str]:
    """Streamlit's English texts and screen-reader labels (aria-label, title) still on the page."""
    found = page.evaluate("""() => {
        const out = [];
        document.querySelectorAll('[aria-label], [title]').forEach(el => {
            for (const name of ['aria-label', 'title']) { const v = el.getAttribute(name); if (v) out.push(v.trim()); }
        });
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) if (n.nodeValue.trim()) out.push(n.nodeValue.trim());
        return out;
    }""")
    return sorted({text for text in found if STREAMLIT_ENGLISH.match(text)})


def test_streamlit_chrome_speaks_german_and_known_addresses_open(server, browser):
    """Point 4: the sign-in page at /anmelden and the home page at /lernweg open without Streamlit's
    English "Page not found"; an unknown address says so in German; screen-reader labels of headings,
    help icons, the sidebar, the password field and the uploader are German."""
    page = browser.new_page()
    open_page(page, server.url + "/anmelden")
    assert not page_not_found(page), "/anmelden shows Streamlit's 'Page not found'"
    page.get_by_role("button", name="Eingegebene Zeichen anzeigen").first.wait_for(state="attached")
    problems = {"/anmelden": english_left(page)}
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/lernweg")
    assert not page_not_found(page), "/lernweg (signed in) shows Streamlit's 'Page not found'"
    expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()
    problems["/lernweg"] = english_left(page)
    open_page(page, server.url + "/lektion?id=eins")
    page.get_by_role("link", name="Link zu diesem Abschnitt").first.wait_for(state="attached")
    problems["/lektion"] = english_left(page)
    open_page(page, server.url + "/gibt-es-nicht")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Seite nicht gefunden")
    expect(dialog).to_contain_text("Diese Adresse gibt es in Lotse nicht.")
    problems["/gibt-es-nicht"] = english_left(page)
    screenshot(page, "unbekannte-adresse")
    dialog.get_by_role("button", name="Schließen").click()

    page = browser.new_page()
    sign_in(page, server, TRAINER[0], TRAINER[2])
    open_page(page, server.url + "/austausch")
    page.get_by_test_id("stFileUploaderDropzone").first.wait_for()
    expect(page.get_by_test_id("stFileUploaderDropzone").first).to_contain_text("pro Datei")
    problems["/austausch"] = english_left(page)
    screenshot(page, "austausch-deutsch")
    assert {path: english for path, english in problems.items() if english} == {}


# Text cut off: elements that clip their text, and select boxes whose chosen value (an input, which
# cannot wrap) does not fit without the full value shown below the box (ui/full_choice.py).
CUT_TEXT = """(root) => [...root.querySelectorAll('*')].filter(el => {
    const style = getComputedStyle(el);
    const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
    return clips && el.scrollWidth > el.clientWidth + 1 && el.innerText.trim();
}).map(el => el.innerText.trim().slice(0, 80)).concat(
    [...root.querySelectorAll("[data-testid='stSelectbox'] input[role='combobox']")].filter(input => {
        if (!input.value || input.scrollWidth <= input.clientWidth + 1) return false;
        const line = input.closest("[data-testid='stSelectbox']").querySelector('.lotse-full-choice');
        return !(line && line.offsetParent !== null && line.innerText.trim() === input.value.trim());
    }).map(input => input.value.slice(0, 80)))"""


@pytest.mark.parametrize("width", [320, 390])
def test_matching_and_ordering_are_readable_on_a_phone(server, browser, width):
    """Point 2: at 320-390 px every option of a matching or ordering question, and the chosen value,
    is shown in full (WCAG 1.4.10); wide lesson tables scroll inside their box, not the page; the
    title leaves room for the lesson on the first screen."""
    page = browser.new_page({"width": width, "height": 800})
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/lektion?id=drei")
    title = page.get_by_role("heading", name="Zuordnen und Ordnen", level=1)
    expect(title).to_be_visible()
    assert title.bounding_box()["height"] < 800 / 4, "the title fills the first phone screen"
    overflow = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollWidth"
                             " - document.querySelector(\"[data-testid='stMain']\").clientWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow} px (a lesson table wider than the screen)"
    if page.get_by_role("button", name="Quiz starten").count():  # the other width's run started it already
        rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
    quiz = page.get_by_test_id("stMain")
    texts = LONG_RIGHT + [line.strip()[2:] for line in LONG_QUIZ.splitlines() if line.startswith("      - Den")]
    for text in texts:  # every option is on the page in full, not only after opening a menu
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    first_group = page.get_by_role("radiogroup").first
    rerun(page, lambda: first_group.locator("label").filter(has=page.get_by_role("radio", name=LONG_RIGHT[0])).click())
    expect(first_group.get_by_role("radio", name=LONG_RIGHT[0])).to_be_checked()
    problems = [f"text cut: {text}" for text in quiz.evaluate(CUT_TEXT)]
    overflow = page.evaluate("() => document.querySelector(\"[data-testid='stMain']\").scrollWidth"
                             " - document.querySelector(\"[data-testid='stMain']\").clientWidth")
    problems += [f"the quiz scrolls sideways by {overflow} px"] if overflow > 1 else []
    screenshot(page, f"zuordnen-{width}")
    assert problems == []
