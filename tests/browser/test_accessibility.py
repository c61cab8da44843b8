"""Accessibility (BITV 2.0 / WCAG 2.1 AA) in the real browser, on every main page.

* axe-core (shipped inside axe-playwright-python; injected from the local file, nothing is
  downloaded: the browser may only talk to the test server) on every page as a signed-out visitor,
  a learner, a trainer and an admin, plus the states that matter (quiz being answered, the sign-up
  tab): no serious or critical violation from our own markup. Violations whose every node lies in
  Streamlit's own chrome are excluded by the precise (rule, selector) list below, each entry
  explained in docs/accessibility.md. Nothing else is excluded.
* The document language is German (lang="de"), every form control has an accessible name.
* A quiz can be completed with the keyboard only (Tab, Shift+Tab, Space, Enter, arrow keys).

Runs on the real course content with demo data (LOTSE_DEMO=1), so charts and tables are filled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_harness import (Browser, exception_boxes, open_page, page_not_found, rerun, running_server,
                             screenshot, server_with_account, sign_in, wait_idle)
from browser_quiz import ABBREVIATION_QUESTION, areas_question, who_question

AXE_FILE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

# Violations that come from Streamlit's own markup, by rule and by the chrome element they sit in.
# A violation is excused only if EVERY one of its nodes lies inside a listed selector for that
# rule. Each entry is explained, with the workaround, in docs/accessibility.md ("Streamlit itself").
STREAMLIT_CHROME: dict[str, tuple[str, ...]] = {
    # The sidebar navigation renders section headings as non-<li> children of its <ul>.
    "list": ("[data-testid='stSidebarNavItems']",),
    "listitem": ("[data-testid='stSidebarNavItems']",),
}

DEMO_LESSON = "1-1-digitalisierung-fuehrungsaufgabe"
ACCOUNTS = {
    "lernende": ("lernende.demo", "Lernweg-Lotse-2025"),
    "trainerin": ("trainerin.demo", "Seminar-Lotse-2025"),
    "admin": ("admin.demo", "Verwaltung-Lotse-2025"),
}
PAGES = [
    (None, "anmelden", "/"),
    (None, "datenschutz", "/datenschutz"),
    (None, "barrierefreiheit", "/barrierefreiheit"),
    (None, "zertifikat-pruefen", "/zertifikat-pruefen"),
    (None, "mitmachen", "/mitmachen"),
    ("lernende", "lernweg", "/"),
    ("lernende", "lektion", f"/lektion?id={DEMO_LESSON}"),
    ("lernende", "fortschritt", "/fortschritt"),
    ("lernende", "suche", "/suche?q=Datenschutz"),
    ("lernende", "glossar", "/glossar"),
    ("lernende", "einstufung", "/einstufung"),
    ("lernende", "wiederholen", "/wiederholen"),
    ("lernende", "reflexion", "/reflexion"),
    ("lernende", "selbsteinschaetzung", "/selbsteinschaetzung"),
    ("lernende", "projekte", "/projekte"),
    ("lernende", "zertifikat", "/zertifikat"),
    ("lernende", "konto", "/konto"),
    ("lernende", "sichtbarkeit", "/sichtbarkeit"),
    ("lernende", "barrierefreiheit", "/barrierefreiheit"),
    ("lernende", "kein-zugriff", "/cockpit"),
    ("trainerin", "lernweg", "/"),
    ("trainerin", "cockpit", "/cockpit"),
    ("trainerin", "fragenanalyse", "/fragenanalyse"),
    ("trainerin", "teilnehmende", "/teilnehmende"),
    ("trainerin", "briefing", "/briefing"),
    ("trainerin", "projekte-kohorte", "/projekte-kohorte"),
    ("trainerin", "kohorten", "/kohorten"),
    ("trainerin", "austausch", "/austausch"),
    ("trainerin", "inhalte", "/inhalte"),
    ("trainerin", "live", "/live"),
    ("trainerin", "konto", "/konto"),
    ("admin", "verwaltung", "/verwaltung"),
]

# Form controls in the accessibility tree without an accessible name (computed the way browsers do
# for the common cases: aria-labelledby, aria-label, <label>, title).
UNLABELLED_CONTROLS = """() => {
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return (r.width > 0 || r.height > 0) && s.visibility !== 'hidden' && s.display !== 'none'; };
  const text = (el) => (el ? el.textContent : '').replace(/\\s+/g, ' ').trim();
  const name = (el) => {
    if (el.getAttribute('aria-labelledby'))
      return el.getAttribute('aria-labelledby').split(/\\s+/)
        .map(id => text(document.getElementById(id))).join(' ').trim();
    if ((el.getAttribute('aria-label') || '').trim()) return el.getAttribute('aria-label').trim();
    if (el.labels && el.labels.length) return [...el.labels].map(text).join(' ').trim();
    if (el.closest('label')) return text(el.closest('label'));
    if ((el.getAttribute('title') || '').trim()) return el.getAttribute('title').trim();
    // ARIA: radio, checkbox and switch roles take their name from their content (not native inputs)
    if (!el.matches('input, select, textarea') && el.matches('[role=radio], [role=checkbox], [role=switch]'))
      return text(el);
    return '';
  };
  const controls = document.querySelectorAll("input:not([type=hidden]), select, textarea, " +
    "[role=combobox], [role=textbox], [role=slider], [role=spinbutton], [role=switch], [role=checkbox], [role=radio]");
  return [...controls]
    // not in the accessibility tree (e.g. the form mirror of a date field)
    .filter(el => !el.closest('[aria-hidden="true"]'))
    .filter(el => visible(el) || el.matches('input[type=radio], input[type=checkbox]'))
    .filter(el => !name(el)).map(el => el.outerHTML.slice(0, 200));
}"""

# Page links whose label is wider than the link (Streamlit sets nowrap + overflow hidden on them).
CLIPPED_LINK_TEXT = """() => [...document.querySelectorAll('[data-testid="stPageLink-NavLink"]')]
  .filter(a => [...a.querySelectorAll('span, p')].some(e => e.scrollWidth > e.clientWidth + 1))
  .map(a => a.innerText.slice(0, 120))"""


@pytest.fixture(scope="module")
def server():
    with running_server(demo=True) as running:
        yield running


@pytest.fixture(scope="module")
def pages(server, playwright_driver):
    """One signed-in browser per role (fresh profile each), opened on first use."""
    opened = Browser(playwright_driver)
    by_role: dict = {}

    def page_for(role: str | None):
        if role not in by_role:
            page = opened.new_page()
            if role is not None:
                sign_in(page, server, *ACCOUNTS[role])
                expect(page.get_by_role("heading", level=1)).not_to_have_text("Anmelden")
            by_role[role] = page
        return by_role[role]

    yield page_for
    opened.close()


def run_axe(page) -> list[dict]:
    """axe-core from the local file; returns the serious/critical violations not excused above."""
    page.evaluate(AXE_FILE.read_text(encoding="utf-8"))
    return page.evaluate("""([tags, chrome, blocking]) => axe.run(document, {
          runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then(result => result.violations
          .filter(v => blocking.includes(v.impact))
          .map(v => ({id: v.id, impact: v.impact, help: v.help,
                      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                        why: [...(n.any || []), ...(n.all || []), ...(n.none || [])].map(c => c.message).join('; '),
                        chrome: (chrome[v.id] || []).some(sel => {
                          const el = n.target.length === 1 ? document.querySelector(n.target[0]) : null;
                          return !!(el && el.closest(sel)); })}))}))
          .filter(v => !v.nodes.every(n => n.chrome)))""", [WCAG_TAGS, STREAMLIT_CHROME, list(BLOCKING)])


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {n['target']}  {n['why']}\n      {n['html']}" for n in v["nodes"] if not n["chrome"]][:8]
    return "\n".join(lines)


def check_page(page, label: str) -> None:
    """Everything this module asserts about one rendered page state."""
    assert not page_not_found(page), f"{label}: the server answered 'page not found'"
    assert exception_boxes(page) == [], f"{label}: an exception is shown"
    expect(page.locator("html")).to_have_attribute("lang", "de")
    violations = run_axe(page)
    assert violations == [], f"{label}: axe-core found serious/critical violations:\n{describe(violations)}"
    unlabelled = page.evaluate(UNLABELLED_CONTROLS)
    assert unlabelled == [], f"{label}: form controls without an accessible name: {unlabelled}"
    clipped = page.evaluate(CLIPPED_LINK_TEXT)
    assert clipped == [], f"{label}: link text cut off (wider than its box): {clipped}"


@pytest.mark.parametrize(("role", "name", "path"), PAGES, ids=[f"{r or 'gast'}-{n}" for r, n, _ in PAGES])
def test_page_is_accessible(server, pages, role, name, path):
    page = pages(role)
    open_page(page, server.url + path)
    screenshot(page, f"a11y-{role or 'gast'}-{name}")
    check_page(page, f"{role or 'gast'} {path}")


def test_sign_up_tab_is_accessible(server, pages):
    page = pages(None)
    open_page(page, server.url)
    page.get_by_role("tab", name="Registrieren").click()
    expect(page.get_by_role("button", name="Konto anlegen")).to_be_visible()
    check_page(page, "gast / (Registrieren)")


def test_seminar_live_during_a_question_is_accessible(server, pages):
    """The trainer's page with a running session, the projector with results and a phone answering."""
    from lotse import live
    from progress import cohorts as cohort_sql
    from progress.users import get_user_by_login

    db = server.database()
    trainer = get_user_by_login(db, ACCOUNTS["trainerin"][0])
    learner = get_user_by_login(db, ACCOUNTS["lernende"][0])
    cohort_id = cohort_sql.cohorts_of_member(db, learner.id)[0]["id"]
    session = live.start_session(db, trainer, cohort_id)
    question = live.add_question(db, trainer, session.id, "multiple", "Was hilft Ihnen?", "* Zeit\nRückhalt\nGeld")
    live.open_question(db, trainer, question)
    db.close()
    page = pages("trainerin")
    for path in ("/live", f"/beamer?sitzung={session.id}"):
        open_page(page, server.url + path)
        check_page(page, f"trainerin {path}")
    phone = pages("lernende")
    open_page(phone, f"{server.url}/mitmachen?code={session.join_code}")
    rerun(phone, lambda: phone.get_by_role("button", name="Teilnehmen", exact=True).click())
    expect(phone.get_by_text("Was hilft Ihnen?")).to_be_visible()
    check_page(phone, "lernende /mitmachen (Frage offen)")


def test_quiz_being_answered_is_accessible(server, pages):
    """The answering state (radio groups, checkboxes, selects, text fields) of a real lesson's quiz."""
    page = pages("trainerin")  # trainers can take quizzes too; the demo trainer has not started this one
    open_page(page, server.url + f"/lektion?id={DEMO_LESSON}")
    start = page.get_by_role("button", name="Quiz starten")
    if start.count():
        rerun(page, lambda: start.click())
    expect(page.get_by_role("button", name="Antworten abgeben")).to_be_visible()
    screenshot(page, "a11y-quiz-beantworten")
    check_page(page, f"trainerin /lektion?id={DEMO_LESSON} (Quiz)")


def test_the_accessibility_statement_is_complete_and_linked_everywhere(server, pages):
    """BITV 2.0 / § 12b BGG: status, gaps, how assessed, feedback contact, enforcement; reachable from every page."""
    from lotse.config import load_settings

    contact = load_settings().contact
    for role in (None, "lernende", "trainerin"):
        page = pages(role)
        open_page(page, server.url + "/datenschutz")
        link = page.get_by_test_id("stSidebarNav").get_by_role("link", name="Barrierefreiheit")
        expect(link).to_be_visible()
        rerun(page, lambda: link.click())
        expect(page.get_by_role("heading", name="Erklärung zur Barrierefreiheit", level=1)).to_be_visible()
    for heading in ("Stand der Vereinbarkeit mit den Anforderungen", "Nicht barrierefreie Inhalte",
                    "Erstellung dieser Erklärung", "Barrieren melden: Kontakt",
                    "Durchsetzungsverfahren und Schlichtung"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_text("teilweise vereinbar")).to_be_visible()
    mail = page.get_by_role("link", name=contact)
    expect(mail).to_have_attribute("href", re.compile(r"^mailto:" + re.escape(contact)))
    expect(page.get_by_role("link", name="www.schlichtungsstelle-bgg.de")).to_be_visible()


def test_axe_is_the_local_copy_and_nothing_is_downloaded(server, pages):
    """axe-core comes from the installed package: running it makes no request at all beyond the server."""
    source = AXE_FILE.read_text(encoding="utf-8")
    assert source.startswith("/*! axe v4."), "axe.min.js is missing from axe-playwright-python"
    page = pages(None)
    open_page(page, server.url + "/barrierefreiheit")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    run_axe(page)
    assert all(url.startswith(server.url) for url in requests), requests


# --- keyboard only ---------------------------------------------------------------------------------

KEYBOARD_QUIZ = ("lesson: eins\npass_mark: 70\nquestions:\n"
                 + who_question(more_options="""\
      - text: Der Personalrat
        feedback: Er wirkt mit, verantwortet aber nicht.
""")
                 + areas_question()
                 + """\
  - id: schritte
    type: ordering
    objective: ziel
    prompt: Bringen Sie die Schritte in die richtige Reihenfolge.
    items:
      - Ist-Zustand erheben
      - Soll-Prozess entwerfen
    explanation: Erst verstehen, dann gestalten.
"""
                 + ABBREVIATION_QUESTION)

FOCUSED = "() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || e.innerText " \
          "|| e.value || e.outerHTML).slice(0, 120) : ''; }"
MAX_TABS = 400


def tab_to(page, matches, what: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element satisfies ``matches`` (a JS predicate on
    document.activeElement): proves the element is reachable by keyboard."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({matches})(e); }}"):
            return
    pytest.fail(f"{what} cannot be reached with {key} ({MAX_TABS} presses); focus ends on {page.evaluate(FOCUSED)!r}")


def focus_text(page) -> str:
    return page.evaluate(FOCUSED)


def press(page, key: str) -> None:
    """A key that makes Streamlit rerun (a choice, Enter in a field, a button)."""
    rerun(page, lambda: page.keyboard.press(key))


@pytest.fixture(scope="module")
def keyboard_server(tmp_path_factory):
    with server_with_account(tmp_path_factory.mktemp("keyboard"), {"eins": KEYBOARD_QUIZ},
                             ("tastatur", "Tanja Tastatur", "Tasten-statt-Maus-2026!", "learner")) as running:
        yield running


def test_a_quiz_can_be_completed_with_the_keyboard_only(keyboard_server, playwright_driver):
    opened = Browser(playwright_driver)
    try:
        page = opened.new_page()
        server = keyboard_server
        open_page(page, server.url)
        # Sign in by keyboard: the login field, Tab to the password, Enter submits the form.
        tab_to(page, "e => e.getAttribute('aria-label') === 'Login'", "the login field")
        page.keyboard.type("tastatur")
        page.keyboard.press("Tab")
        page.keyboard.type("Tasten-statt-Maus-2026!")
        press(page, "Enter")
        expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()

        open_page(page, server.url + "/lektion?id=eins")
        tab_to(page, "e => e.tagName === 'BUTTON' && e.innerText.includes('Quiz starten')", "„Quiz starten“")
        press(page, "Enter")
        expect(page.get_by_role("button", name="Antworten abgeben")).to_be_visible()

        # Single choice: Tab into the radio group, arrow keys move and select.
        tab_to(page, "e => e.type === 'radio'", "the first radio group")
        wanted = "Die Führungskraft im Fachbereich"
        for _ in range(6):
            if page.get_by_role("radio", name=wanted).is_checked():
                break
            press(page, "ArrowDown")
        expect(page.get_by_role("radio", name=wanted)).to_be_checked()

        # Multiple choice: Tab to the checkbox, Space ticks it.
        tab_to(page, "e => e.type === 'checkbox' && (e.closest('label') || e).innerText.includes('Organisation')",
               "the checkbox „Organisation der Arbeit“")
        press(page, "Space")
        expect(page.get_by_role("checkbox", name="Organisation der Arbeit")).to_be_checked()

        # Ordering: each position is a radio group (labels wrap on a phone); Tab into it, arrow keys choose.
        for position, item in enumerate(["Ist-Zustand erheben", "Soll-Prozess entwerfen"], 1):
            group = page.get_by_role("radiogroup", name=f"Position {position}")
            tab_to(page, "e => e.type === 'radio' && (e.closest('[role=radiogroup]')?.getAttribute('aria-label') || '')"
                         f".includes('Position {position}')", f"the radio group „Position {position}“")
            for _ in range(4):
                if group.get_by_role("radio", name=item).is_checked():
                    break
                press(page, "ArrowDown")
            expect(group.get_by_role("radio", name=item)).to_be_checked()

        # Short answer: type, Enter stores it.
        tab_to(page, "e => e.tagName === 'INPUT' && (e.getAttribute('aria-label') || '').includes('Ihre Antwort (Text)')",
               "the text answer")
        page.keyboard.type("OZG")
        press(page, "Enter")

        # Submit with Enter on the button.
        tab_to(page, "e => e.tagName === 'BUTTON' && e.innerText.includes('Antworten abgeben')",
               "„Antworten abgeben“")
        press(page, "Enter")
        expect(page.get_by_text(re.compile(r"✓ Bestanden\. Versuch 1"))).to_be_visible()
        screenshot(page, "tastatur-quiz-bestanden")
        wait_idle(page)
        # The feedback links back into the lesson and "Neuer Versuch" is reachable too.
        tab_to(page, "e => e.tagName === 'BUTTON' && e.innerText.includes('Neuer Versuch')", "„Neuer Versuch“")
        assert page.dialogs == [] and page.console_errors == []
    finally:
        opened.close()
