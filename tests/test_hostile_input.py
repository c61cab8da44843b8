"""Hostile input through every text input and URL parameter of every page (AppTest), and hostile
content (a lesson and a quiz full of payloads, an image path leaving the content folder).

A tampered client can send anything, including more than a field's max_chars, so values are set
directly. After every run: no exception, no payload markup rendered as live HTML (event handlers,
script/iframe/style tags, javascript: URLs), and nothing overlong stored in the database.
The browser tests (tests/browser/test_hostile.py) prove that no script actually runs.
"""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from content_builder import COURSE, write_course
from payloads import (LONG_PAYLOAD, PAYLOADS, PWN_FLAG, SCRIPT_PAYLOADS, hostile_course, hostile_lesson,
                      short_name)
from ui.quiz_panel import _TO_QUIZ_SCRIPT
from raw_sql import raw

ROOT = Path(__file__).resolve().parent.parent
MAX_STORED = 20_000  # no text column may hold anything this long after hostile input

ANONYMOUS_PAGES = ["anmelden", "datenschutz", "barrierefreiheit", "verifizieren", "mitmachen"]
LEARNER_PAGES = ["lernweg", "lektion", "fortschritt", "suche", "glossar", "einstufung", "wiederholen", "reflexion",
                 "selbsteinschaetzung", "projekte", "zertifikat", "konto", "sichtbarkeit", "kein_zugriff"]
TRAINER_PAGES = ["cockpit", "fragenanalyse", "teilnehmende", "briefing", "projekte_trainer", "kohorten", "austausch",
                 "inhalte", "live", "live_projektor"]
ADMIN_PAGES = ["verwaltung"]
CASES = ([(None, p) for p in ANONYMOUS_PAGES] + [("learner", p) for p in LEARNER_PAGES]
         + [("trainer", p) for p in TRAINER_PAGES] + [("admin", p) for p in ADMIN_PAGES])

# URL parameters the pages read (test_every_url_parameter_read_is_covered keeps this list complete):
# "invite" is read on every page (a signed-in learner may join from any page), the others here.
URL_PARAMETERS = {"id", "invite", "kohorte", "projekt", "q", "code", "sitzung", "teil"}
COHORT_PAGES = ("cockpit", "fragenanalyse", "teilnehmende", "briefing", "projekte_trainer", "kohorten", "live")
URL_PARAMETERS_OF = {"anmelden": URL_PARAMETERS, "lektion": {"id"}, "projekte": {"projekt"}, "suche": {"q"},
                     "verifizieren": {"code"}, "mitmachen": {"code"}, "live_projektor": {"sitzung"}, "einstufung": {"teil"},
                     **{page: {"kohorte"} for page in COHORT_PAGES}}
UNKNOWN_PARAMETER = "x"
# For URL parameters one payload of each kind (every parameter of a page carries it at once).
URL_PAYLOADS = [SCRIPT_PAYLOADS[0], SCRIPT_PAYLOADS[1], SCRIPT_PAYLOADS[6], "' OR '1'='1'; DROP TABLE users; --",
                "../../etc/passwd", "Null\x00Byte%00%0d%0a", "\u202eRechts\u200bnach\ufefflinks", LONG_PAYLOAD,
                "-99999999999999999999"]


# --- checks ---------------------------------------------------------------------------------------

class _LiveMarkup(HTMLParser):
    """Collects what would execute if this HTML reached the page: handlers, script-ish tags, js URLs."""

    DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "base", "form"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction", "srcdoc", "xlink:href"):
                target = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
                if target.startswith(("javascript:", "vbscript:")) or name == "srcdoc":
                    self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def live_markup(html: str) -> list[str]:
    parser = _LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def html_bodies(at) -> list[str]:
    """Every piece of HTML the run sends as HTML: st.markdown(unsafe_allow_html=True) and st.html,
    except Lotse's own page chrome (the lang script, the sign-in cookie script, the style sheet)."""
    bodies = [m.value for m in at.markdown if getattr(m.proto, "allow_html", False)]
    bodies += [getattr(getattr(e, "proto", None), "body", "") for e in at.get("html")]
    return [b for b in bodies if not _chrome(b)]


# Lotse's own script that brings the quiz result into view after a submit (ui/quiz_panel.py).
_QUIZ_TO_TOP = re.compile(re.escape(_TO_QUIZ_SCRIPT).replace("%d", r"\d+"))


def _own_scripts() -> set[str]:
    """Lotse's fixed page-chrome scripts: the German labels, the guard for unsaved text and the
    full value of a cut select box."""
    from ui import full_choice, german_chrome, unsaved

    return {german_chrome.script(), unsaved.guard_script(), full_choice.script()}


def _chrome(body: str) -> bool:
    head = body.lstrip()
    return PWN_FLAG not in body and (head.startswith(("<script>document.documentElement.lang = ",
                                                      "<script>document.cookie = ", "<style>"))
                                     or _QUIZ_TO_TOP.fullmatch(body) is not None or body in _own_scripts())


def assert_safe(at, where: str) -> None:
    assert not at.exception, f"{where}: {[e.value for e in at.exception][:1]}"
    for body in html_bodies(at):
        found = live_markup(body)
        assert not found, f"{where}: live markup reached the page: {found} in {body[:300]!r}"


def longest_stored_text(db) -> tuple[int, str]:
    """(length, table.column) of the longest text value in any table (test-side schema reading)."""
    longest = (0, "")
    for table in raw(db).table_names():
        if table.endswith(("_fts", "_fts_data", "_fts_idx", "_fts_docsize", "_fts_config")) or table == "lesson_texts":
            continue
        for name, kind in raw(db).columns(table):
            if kind.upper() != "TEXT":
                continue
            size = raw(db).execute(f'SELECT MAX(LENGTH("{name}")) FROM "{table}"').fetchone()[0] or 0
            longest = max(longest, (size, f"{table}.{name}"))
    return longest


def text_widgets(at) -> list:
    return list(at.text_input) + list(at.text_area)


def submit_buttons(at) -> list:
    """Form submit buttons: the only way values typed into a form reach the core."""
    return [b for b in at.button if getattr(b.proto, "is_form_submitter", False)]


# --- the app under test -------------------------------------------------------------------------------

@pytest.fixture
def app(signed_in_app, make_user, app_env, fast_passwords, small_course):
    """open(role, page, query_params) -> AppTest on that page; role None = signed out. The pages
    show the small fixture course (every question type): the input is the subject here, not the
    24 lessons (hostile content has its own tests below)."""
    from streamlit.testing.v1 import AppTest

    users = {}

    def open_page(role: str | None, page: str, query_params: dict | None = None):
        if role is None:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
            for key, value in (query_params or {}).items():
                at.query_params[key] = value
            at.run()
            if page != "anmelden":
                at.switch_page(f"app_pages/{page}.py")
                for key, value in (query_params or {}).items():
                    at.query_params[key] = value
                at.run()
            return at
        if role not in users:
            users[role] = make_user(role, display_name=f"{role.title()} Hostile")
        return signed_in_app(users[role], page=f"app_pages/{page}.py", query_params=query_params, timeout=60)

    return open_page


@pytest.mark.parametrize(("role", "page"), CASES, ids=[f"{r or 'gast'}-{p}" for r, p in CASES])
def test_every_text_input_survives_every_payload(app, db, role, page):
    at = app(role, page)
    assert_safe(at, f"{page} first run")
    widgets = text_widgets(at)
    keys = [w.key for w in widgets]
    # Without a text field no payload reaches the page: one rerun and one click of each submit
    # button is all there is to try (33 identical rounds would test nothing more).
    for payload in PAYLOADS if keys else PAYLOADS[:1]:
        where = f"{role} {page} {short_name(payload)}"
        for key in keys:
            found = [w for w in text_widgets(at) if w.key == key]
            if found:
                found[0].set_value(payload)
        at.run()
        assert_safe(at, where)
        for index in range(len(submit_buttons(at))):
            buttons = submit_buttons(at)
            if index >= len(buttons):
                break
            for key in keys:  # a submit may have cleared the form: type the payload again
                found = [w for w in text_widgets(at) if w.key == key]
                if found:
                    found[0].set_value(payload)
            buttons[index].click()
            at.run()
            assert_safe(at, f"{where} submit {index}")
        if not at.session_state or ("lotse-session-token" not in at.session_state and role is not None):
            at = app(role, page)  # the payload signed us out (e.g. account deleted): start again
    size, column = longest_stored_text(db)
    assert size < MAX_STORED, f"{page}: a {size}-character value was stored in {column}"


@pytest.mark.parametrize(("role", "page"), CASES, ids=[f"{r or 'gast'}-{p}" for r, p in CASES])
def test_every_url_parameter_survives_every_payload(app, role, page):
    """All parameters at once (a crafted link carries several): the page's own, the invite every
    signed-in page offers, and one the app does not know."""
    for payload in URL_PAYLOADS:
        params = {name: payload for name in URL_PARAMETERS_OF.get(page, set()) | {"invite", UNKNOWN_PARAMETER}}
        at = app(role, page, params)
        assert_safe(at, f"{role} {page}?{'&'.join(params)}={short_name(payload)}")


def test_every_page_is_covered():
    """A new page file is automatically flagged until it is added to CASES."""
    pages = {path.stem for path in (ROOT / "app_pages").glob("*.py")}
    covered = {page for _, page in CASES}
    assert pages == covered, f"pages without hostile-input coverage: {pages - covered}"


def test_every_url_parameter_read_is_covered():
    """A page that starts reading a new URL parameter is automatically flagged here."""
    read = set()
    for path in list((ROOT / "app_pages").glob("*.py")) + list((ROOT / "ui").glob("*.py")):
        read |= set(re.findall(r"query_params\.get\(\s*[\"']([\w-]+)[\"']", path.read_text(encoding="utf-8")))
        read |= set(re.findall(r"query_params\[\s*[\"']([\w-]+)[\"']\s*\]", path.read_text(encoding="utf-8")))
    assert read <= URL_PARAMETERS, f"new URL parameters without hostile-input coverage: {read - URL_PARAMETERS}"


# --- hostile content ------------------------------------------------------------------------------------

def test_hostile_lesson_and_quiz_load_but_render_without_live_markup(tmp_path):
    from lotse.content import load_catalog
    from lotse.content.render import render_inline, render_markdown

    catalog = load_catalog(hostile_course(tmp_path / "content"))
    lesson, quiz = catalog.lesson("boese"), catalog.quiz("boese")
    assert lesson is not None and quiz is not None, [p for p in catalog.problems if p.severity == "error"]
    rendered = render_markdown(lesson.body, glossary={"OZG": catalog.glossary["ozg"].term.definition},
                               image_dir=lesson.path.parent)
    assert live_markup(rendered.html) == []
    for question in quiz.questions:
        for text in [question.prompt, question.explanation] + [getattr(o, "feedback", "") for o in
                                                                  getattr(question, "options", [])]:
            assert live_markup(render_inline(text)) == [], text


@pytest.mark.parametrize("link", [f"[Link](javascript:window.{PWN_FLAG}=1)", "[Link](JaVaScRiPt:alert(1))",
                                  "[Link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
                                  "[Link](vbscript:msgbox(1))", "[Link](../../etc/passwd.md)"])
def test_script_links_in_a_lesson_are_rejected_with_a_clear_message(tmp_path, link):
    from lotse.content import load_catalog

    content = hostile_course(tmp_path / "content")
    (content / "lessons" / "boese.md").write_text(hostile_lesson(extra=link), encoding="utf-8")
    catalog = load_catalog(content)
    errors = [p for p in catalog.problems if p.severity == "error" and p.path.endswith("boese.md")]
    assert errors and any(p.field == "link" for p in errors), errors
    assert catalog.lesson("boese") is None


@pytest.mark.parametrize("raw", [f"<a href=\"javascript:window.{PWN_FLAG}=1\">roh</a>",
                                 f"<a href=\" jav&#x09;ascript:window.{PWN_FLAG}=1\">roh</a>",
                                 "<img src=\"javascript:alert(1)\" alt=\"x\">",
                                 "<a href=\"data:text/html,<script>alert(1)</script>\">roh</a>"])
def test_script_urls_in_raw_html_are_removed_when_rendered(tmp_path, raw):
    """Raw HTML is not checked link by link by the validator; the sanitiser removes what it carries."""
    from lotse.content import load_catalog
    from lotse.content.render import render_markdown

    content = hostile_course(tmp_path / "content")
    (content / "lessons" / "boese.md").write_text(hostile_lesson(extra=raw), encoding="utf-8")
    lesson = load_catalog(content).lesson("boese")
    if lesson is not None:
        html = render_markdown(lesson.body, image_dir=lesson.path.parent).html
        assert live_markup(html) == [] and "javascript" not in html.lower() and "data:text" not in html, html[-500:]


def test_hostile_lesson_and_quiz_pages_render_safely(signed_in_app, make_user, monkeypatch, tmp_path):
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(hostile_course(tmp_path / "content")))
    learner = make_user("learner")
    for page, params in (("lektion", {"id": "boese"}), ("lernweg", None), ("glossar", None), ("suche", {"q": "OZG"}),
                         ("fortschritt", None)):
        at = signed_in_app(learner, page=f"app_pages/{page}.py", query_params=params)
        assert_safe(at, f"hostile content on {page}")
    at = signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": "boese"})
    at.button(key="quiz-boese-start").click().run()
    assert_safe(at, "hostile quiz answering")
    at.radio(key="quiz-boese-frage-a1").set_value(0).run()
    at.text_input(key="quiz-boese-text-a1").set_value(SCRIPT_PAYLOADS[0]).run()
    at.button(key="quiz-boese-submit-a1").click().run()
    assert_safe(at, "hostile quiz feedback")
    assert any("Bestanden" in a.value or "bestanden" in a.value for a in list(at.success) + list(at.warning))


@pytest.mark.parametrize("src", ["../../etc/passwd", "../../../../../../etc/passwd", "/etc/passwd",
                                 "images/../../../etc/passwd", "file:///etc/passwd", "images/link-out.svg"])
def test_image_path_leaving_the_content_folder_is_rejected_and_never_inlined(tmp_path, src):
    from lotse.content import load_catalog
    from lotse.content.render import render_markdown

    secret = tmp_path / "secret.svg"
    secret.write_text("<svg xmlns='http://www.w3.org/2000/svg'><text>GEHEIM-1234</text></svg>", encoding="utf-8")
    content = hostile_course(tmp_path / "content")
    (content / "lessons" / "images").mkdir(exist_ok=True)
    os.symlink(secret, content / "lessons" / "images" / "link-out.svg")  # a link pointing outside
    text = hostile_lesson(extra=f"![Ein Bild]({src})")
    (content / "lessons" / "boese.md").write_text(text, encoding="utf-8")

    catalog = load_catalog(content)
    problems = [p for p in catalog.problems if p.severity == "error" and "image" in p.message]
    assert problems, f"{src!r} was not reported by the validator"
    assert src in problems[0].message and "lessons/images" in problems[0].message  # says what and where
    assert catalog.lesson("boese") is None  # the broken lesson is left out of the app
    rendered = render_markdown(text.split("---", 2)[2], image_dir=content / "lessons")
    assert "data:" not in rendered.html and "GEHEIM" not in rendered.html and "root:" not in rendered.html


def test_a_lesson_left_out_for_a_bad_image_gives_a_friendly_page(signed_in_app, make_user, monkeypatch, tmp_path):
    content = hostile_course(tmp_path / "content")
    (content / "lessons" / "boese.md").write_text(hostile_lesson(extra="![x](../../etc/passwd)"), encoding="utf-8")
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(content))
    at = signed_in_app(make_user("learner"), page="app_pages/lektion.py", query_params={"id": "boese"})
    assert_safe(at, "lesson with a bad image")
    assert [t.value for t in at.title] == ["Lektion nicht gefunden"]
    assert not any("etc/passwd" in m.value for m in at.markdown)


def test_course_file_payloads_do_not_break_loading(tmp_path):
    """A course title full of markup and control characters loads and is shown as text."""
    from lotse.content import load_catalog

    course = COURSE.replace("title: Testkurs", f"title: \"Kurs <script>window.{PWN_FLAG}=1</script> \\u202e\\u0000\"")
    catalog = load_catalog(write_course(tmp_path / "c", course=course))
    assert catalog.course is None or PWN_FLAG in catalog.course.title
