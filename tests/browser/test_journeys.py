"""What people do, in a real browser against a real server on a temporary database.

(a) A learner signs up through the invite link of a cohort a trainer created, reads a lesson,
    fails and then passes its quiz, reloads (still signed in, same page, same status); after a
    server restart everything is still there.
(b) The trainer signs in and sees that learner in the cohort cockpit, charts actually drawn.
(c) A wrong password gets the one generic message (known login or not).
(d) A learner who types a trainer URL (/cockpit) gets nothing of it.
(e) A link in a lesson to another lesson opens it in the same tab, still signed in.
(f) The trainer uploads a question pool exported from ILIAS (the ZIP as ILIAS downloads it) and sees
    which questions are taken over and which are not.

The content is a small course written for this test (LOTSE_CONTENT_DIR), so the quiz answers are
known; the pages, database and sign-in are the real ones.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from playwright.sync_api import expect

from browser_harness import (LotseServer, exception_boxes, main_text, open_page, page_not_found, reload, rerun,
                             running_server, screenshot, sign_in, trainer_with_cohort, wait_runs)
from browser_quiz import ABBREVIATION_QUESTION, areas_question, who_question
from content_builder import write_course
from raw_sql import raw

TRAINER = ("trainerin.test", "Tina Trainerin", "Kurs-Leitung-2026!")
LEARNER = ("lena.lernt", "Lena Lernt", "Ein-sicheres-Passwort-2026")
COHORT = "Seminar Digitalisierung Nord"
WORDS = " ".join(["Die Verwaltung gestaltet ihre Abläufe selbst."] * 90)

LESSON = f"""\
---
id: eins
title: Digitalisierung ist Führungsaufgabe
module: m1
order: 1
duration_minutes: 10
objectives:
  - id: ziel
    text: Sie können begründen, warum Digitalisierung Führungsaufgabe ist.
glossary: [ozg]
sources:
  - Quelle A
---

## Warum das Thema Chefsache ist

Das OZG ist wichtig. {WORDS}

!!! merke "Merke"
    Digitalisierung ist Führungsaufgabe.

## Das Wichtigste in Kürze

- Führung gestaltet Abläufe.
"""

LESSON_TWO = LESSON.replace("id: eins", "id: zwei").replace("order: 1", "order: 2").replace(
    "title: Digitalisierung ist Führungsaufgabe", "title: Der Rechtsrahmen")
CROSS_LINK = "Weiter zum Rechtsrahmen"  # a link from lesson one to lesson two, written as the author would
LESSON = LESSON.replace("- Führung gestaltet Abläufe.\n", f"- Führung gestaltet Abläufe.\n\n[{CROSS_LINK}](zwei.md)\n")

QUIZ = ("lesson: {lesson}\npass_mark: 70\nquestions:\n"
        + who_question(section="warum-das-thema-chefsache-ist")
        + """\
  - id: ozg
    type: true_false
    objective: ziel
    prompt: Das OZG verpflichtet Bund und Länder zu Online-Angeboten.
    answer: true
    feedback_true: Genau.
    feedback_false: Doch, das tut es.
    explanation: Das Onlinezugangsgesetz.
"""
        + areas_question(more_right_options="""\
      - text: Einsatz der Ressourcen
        correct: true
        feedback: Ja.
""")
        + ABBREVIATION_QUESTION)
RIGHT = {"radio": ["Die Führungskraft im Fachbereich", "Stimmt"],
         "checkbox": ["Organisation der Arbeit", "Einsatz der Ressourcen"], "text": "OZG"}
WRONG = {"radio": ["Allein die IT-Abteilung", "Stimmt nicht"],
         "checkbox": ["Urlaubsplanung der IT-Abteilung"], "text": "DSGVO"}
FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie Login und Passwort."


def journey_course(root: Path) -> Path:
    return write_course(root, lessons={"eins": LESSON, "zwei": LESSON_TWO},
                        quizzes={"eins": QUIZ.format(lesson="eins"), "zwei": QUIZ.format(lesson="zwei")})


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LotseServer:
    content = journey_course(tmp_path_factory.mktemp("content"))
    # A cohort of one learner: group figures only appear with LOTSE_MIN_GROUP_SIZE 1 (the policy's
    # own browser test, test_policy_walkthrough.py, runs with the defaults).
    with running_server(content_dir=content, extra_env={"LOTSE_MIN_GROUP_SIZE": "1"}) as running:
        yield running


@pytest.fixture(scope="module")
def cohort(server):
    """A trainer and their cohort, created through the core API on the server's database."""
    return trainer_with_cohort(server, TRAINER, COHORT, "Rathaus, Raum 2")


# --- small steps -----------------------------------------------------------------------------------

def answer_quiz(page, answers: dict) -> None:
    """Answer every question the way a person does (each choice saves the draft: one rerun each)."""
    for label in answers["radio"]:
        rerun(page, lambda: choose(page, "radio", label))
    for label in answers["checkbox"]:
        rerun(page, lambda: choose(page, "checkbox", label))
    field = page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))
    field.fill(answers["text"])
    rerun(page, lambda: field.press("Enter"))
    rerun(page, lambda: page.get_by_role("button", name="Antworten abgeben").click())


def choose(page, role: str, label: str) -> None:
    """Click the visible label of a radio button or checkbox (the input itself is styled away)."""
    page.locator("label").filter(has=page.get_by_role(role, name=label, exact=True)).click()
    assert page.get_by_role(role, name=label, exact=True).is_checked()


def assert_page_config_kept(page) -> None:
    """app.py sets the page config once per browser session: after page changes and reruns the
    layout is still wide and the tab still says "Lotse" with Lotse's icon."""
    width = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stMainBlockContainer]')).maxWidth")
    icon = page.evaluate("(document.querySelector('link[rel~=icon]') || {}).href || ''")
    assert width == "none" and page.title() == "Lotse" and icon.startswith("data:image/png;base64,"), (width, page.title())


def assert_quiz_heading_on_top(page) -> None:
    """After a submit or a new attempt the quiz heading (with the result below it) is brought into
    view and holds the keyboard focus, instead of the page staying where the pressed button was."""
    page.wait_for_function("document.activeElement && document.activeElement.id === 'quiz'")
    top = page.locator("#quiz").bounding_box()["y"]
    assert 0 <= top < page.viewport_size["height"] / 2, f"the quiz heading is at y={top}, not near the top"


def status_caption(page) -> str:
    return page.get_by_test_id("stCaptionContainer").filter(has_text="Status:").first.inner_text()


def learner_record(server) -> dict:
    from progress import open_store

    db = open_store(server.db_path)
    try:
        user = next(raw(db).query("SELECT id FROM users WHERE login = ?", [LEARNER[0]]))
        return {"attempts": [dict(r) for r in raw(db).query(
                    "SELECT attempt_no, passed FROM attempts WHERE user_id = ? ORDER BY attempt_no", [user["id"]])],
                "progress": next(raw(db).query("SELECT read_at, attempts, best_percent, passed FROM lesson_progress"
                                          " WHERE user_id = ? AND lesson_id = 'eins'", [user["id"]]), None),
                "cohorts": [r["cohort_id"] for r in raw(db).query("SELECT cohort_id FROM memberships WHERE user_id = ?",
                                                             [user["id"]])]}
    finally:
        db.close()


def assert_lesson_state_after_passing(page) -> None:
    assert "/lektion?id=eins" in page.url, page.url
    expect(page.get_by_role("heading", name="Digitalisierung ist Führungsaufgabe", level=1)).to_be_visible()
    assert "✓ Quiz bestanden" in status_caption(page)
    expect(page.get_by_text("✓ Bestanden. Versuch 2")).to_be_visible()
    assert page.get_by_role("heading", name="Anmelden").count() == 0
    assert exception_boxes(page) == []


def drawn_charts(page) -> list[dict]:
    """Per Vega-Lite chart: is there a canvas/svg, and does the canvas hold drawn (non-blank) pixels?"""
    return page.evaluate("""() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(chart => {
        const canvas = chart.querySelector('canvas');
        const svg = chart.querySelector('svg.marks');
        let inked = 0;
        if (canvas && canvas.width && canvas.height) {
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
        }
        return {canvas: !!canvas, svg: !!svg, inked, marks: svg ? svg.querySelectorAll('path, rect').length : 0};
    })""")


# --- the journeys ------------------------------------------------------------------------------------

def test_learner_signs_up_by_invite_learns_and_everything_survives_reload_and_restart(server, cohort, browser):
    problems: list[str] = []  # shortcomings that do not block the journey; asserted empty at the end
    page = browser.new_page()

    # The invite link exactly as the trainer hands it out.
    open_page(page, cohort["link"])
    if page_not_found(page):
        problems.append(f"The invite link {cohort['link']} shows Streamlit's English 'Page not found' dialog "
                        "before the sign-in page (the default page is served at '/', not at '/anmelden').")
        page.get_by_role("dialog").get_by_role("button", name="Close").click()
    assert COHORT in main_text(page), "the invite is not shown on the sign-in page"
    screenshot(page, "anmelden-einladung")

    page.get_by_role("tab", name="Registrieren").click()
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Konto anlegen"))
    form.get_by_label("Login").fill(LEARNER[0])
    form.get_by_label("Anzeigename (so sehen andere Sie, z. B. Ihre Trainerin)").fill(LEARNER[1])
    form.get_by_label("Passwort", exact=True).fill(LEARNER[2])
    form.get_by_label("Passwort wiederholen").fill(LEARNER[2])
    rerun(page, lambda: form.get_by_role("button", name="Konto anlegen").click())
    expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()
    assert COHORT in main_text(page), "no confirmation that the learner joined the cohort"
    assert learner_record(server)["cohorts"] == [cohort["id"]]
    expect(page.get_by_role("heading", name="Willkommen bei Lotse")).to_be_visible()  # the first-visit step
    screenshot(page, "lernweg")
    rerun(page, lambda: page.get_by_role("button", name="Überspringen").click())
    expect(page.get_by_text("Sie haben die Einstufung übersprungen")).to_be_visible()

    # Read the lesson.
    rerun(page, lambda: page.get_by_role("link", name="Digitalisierung ist Führungsaufgabe").first.click())
    page.get_by_role("heading", name="Digitalisierung ist Führungsaufgabe", level=1).wait_for()
    assert "/lektion?id=eins" in page.url
    rerun(page, lambda: page.get_by_role("button", name="Als gelesen markieren").click())
    expect(page.get_by_text("Sie haben diese Lektion als gelesen markiert.")).to_be_visible()
    assert_page_config_kept(page)
    assert "● gelesen" in status_caption(page)
    screenshot(page, "lektion")

    # Fail the quiz, then pass it.
    rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
    answer_quiz(page, WRONG)
    page.get_by_text("✗ Noch nicht bestanden. Versuch 1").wait_for()
    assert_quiz_heading_on_top(page)
    assert "✗ Quiz nicht bestanden" in status_caption(page)
    screenshot(page, "quiz-nicht-bestanden")
    rerun(page, lambda: page.get_by_role("button", name="Neuer Versuch").click())
    page.get_by_text("Versuch 2", exact=False).first.wait_for()
    assert_quiz_heading_on_top(page)
    answer_quiz(page, RIGHT)
    page.get_by_text("✓ Bestanden. Versuch 2").wait_for()
    assert_lesson_state_after_passing(page)
    screenshot(page, "quiz-bestanden")
    record = learner_record(server)
    assert record["attempts"] == [{"attempt_no": 1, "passed": 0}, {"attempt_no": 2, "passed": 1}]
    assert record["progress"]["read_at"] and record["progress"]["passed"] == 1

    # Reload: a new Streamlit session, the cookie keeps the sign-in.
    reload(page)
    assert_lesson_state_after_passing(page)

    # Restart the server on the same database; the open page reconnects, a reload shows the same.
    server.restart()
    reload(page)
    assert_lesson_state_after_passing(page)
    assert learner_record(server) == record
    rerun(page, lambda: page.get_by_role("link", name="Zurück zu „Mein Lernweg“").click())
    page.get_by_role("heading", name="Mein Lernweg", level=1).wait_for()
    assert "1 von 2 Lektionen" in main_text(page)
    assert "✓ Digitalisierung ist Führungsaufgabe — Quiz bestanden" in main_text(page)

    assert problems + browser_problems(page) == [], "\n".join(problems + browser_problems(page))


def test_trainer_sees_the_learner_in_the_cockpit_with_drawn_charts(server, cohort, browser):
    if learner_record_missing(server):
        pytest.fail("the learner of journey (a) does not exist: run the whole module (journey (a) failed?)")
    page = browser.new_page()
    sign_in(page, server, TRAINER[0], TRAINER[2])
    expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()
    rerun(page, lambda: page.get_by_test_id("stSidebarNav").get_by_role("link", name="Kohorten-Cockpit").click())
    page.get_by_role("heading", name="Kohorten-Cockpit", level=1).wait_for()
    assert "/cockpit" in page.url
    assert exception_boxes(page) == []
    for tab in ("Fortschritt je Lektion", "Ergebnisse je Quiz", "Aktivität", "Lesezeit", "Lernziele"):  # in tabs
        page.get_by_role("tab", name=tab).click()  # switching tabs happens in the browser alone
        page.locator("[data-testid='stVegaLiteChart']:visible").locator("canvas, svg").first.wait_for()
    charts = drawn_charts(page)
    assert len(charts) >= 3, charts
    assert all(c["canvas"] or c["svg"] for c in charts), charts
    assert all(c["inked"] > 500 or c["marks"] > 0 for c in charts), f"a chart is blank: {charts}"
    page.get_by_role("tab", name="Teilnehmende und Lektionen").click()
    matrix = page.get_by_test_id("stDataFrame").filter(  # the learner x lesson matrix, found by its columns
        has=page.locator("[role='columnheader']", has_text="Abgeschlossen")).filter(
        has=page.locator("[role='columnheader']", has_text="Teilnehmende"))
    matrix.locator("[role='gridcell']").first.wait_for(state="attached")
    assert LEARNER[1] in grid_text(matrix), "the learner is not in the cockpit's learner x lesson matrix"
    screenshot(page, "cockpit")
    assert browser_problems(page) == [], "\n".join(browser_problems(page))


def test_wrong_password_gets_the_generic_message(server, cohort, browser):
    page = browser.new_page()
    sign_in(page, server, TRAINER[0], "falsches-Passwort-123")
    expect(page.get_by_text(FAILED)).to_be_visible()
    assert page.get_by_role("heading", name="Mein Lernweg").count() == 0
    screenshot(page, "anmelden-fehlgeschlagen")
    sign_in(page, server, "gibt.es.nicht", "falsches-Passwort-123")  # unknown login: same message
    expect(page.get_by_text(FAILED)).to_be_visible()
    text = main_text(page)
    assert "nicht gefunden" not in text and "unbekannt" not in text.lower()
    assert browser_problems(page) == [], "\n".join(browser_problems(page))


def test_learner_typing_a_trainer_url_gets_nothing_of_it(server, cohort, browser):
    from lotse.accounts import create_account

    db = server.database()
    create_account(db, "neugierig", "Nils Neugierig", "Neugier-ist-gut-2026", "learner")
    db.close()
    page = browser.new_page()
    sign_in(page, server, "neugierig", "Neugier-ist-gut-2026")
    expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()
    for path in ("/cockpit", f"/cockpit?kohorte={cohort['id']}", "/teilnehmende", "/fragenanalyse", "/verwaltung"):
        open_page(page, server.url + path)
        text = page.locator("body").inner_text()
        assert "Kohorten-Cockpit" not in main_text(page), path
        assert "nicht freigegeben" in main_text(page) or page_not_found(page), f"{path}: no clear message"
        for secret in (COHORT, LEARNER[1], TRAINER[1], "Teilnehmende und Lektionen", "Benutzerverwaltung"):
            assert secret not in text, f"{path} shows {secret!r} to a learner"
        assert page.locator("[data-testid='stVegaLiteChart']").count() == 0, path
        assert page.get_by_test_id("stSidebarNav").get_by_role("link", name="Kohorten-Cockpit").count() == 0
    screenshot(page, "lernende-cockpit-verweigert")
    assert browser_problems(page) == [], "\n".join(browser_problems(page))


# --- helpers that read the page -------------------------------------------------------------------

def test_a_link_to_another_lesson_opens_it_in_the_same_tab(server, cohort, browser):
    if learner_record_missing(server):
        pytest.fail("the learner of journey (a) does not exist: run the whole module (journey (a) failed?)")
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/lektion?id=eins")
    tabs = len(page.context.pages)
    page.get_by_role("link", name=CROSS_LINK, exact=True).click()
    page.wait_for_url(re.compile(r"/lektion\?id=zwei"))
    wait_runs(page, 0)
    expect(page.get_by_role("heading", name="Der Rechtsrahmen", level=1)).to_be_visible()
    assert len(page.context.pages) == tabs, "the lesson link opened a new tab"
    assert browser_problems(page) == [], "\n".join(browser_problems(page))


ILIAS_POOL = Path(__file__).resolve().parent.parent / "fixtures" / "ilias" / "1700000000__0__qti_4711.xml"


def ilias_pool_zip() -> bytes:
    """A question pool export laid out as ILIAS writes it: <stamp>/<stamp>_qti_<id>.xml and pool data."""
    stamp = "1700000000__0__qpl_4711"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stamp}/{stamp}.xml", '<?xml version="1.0" encoding="utf-8"?><ContentObject/>')
        archive.writestr(f"{stamp}/1700000000__0__qti_4711.xml", ILIAS_POOL.read_bytes())
    return buffer.getvalue()


def test_trainer_uploads_an_ilias_pool_and_sees_what_is_taken_over(server, cohort, browser):
    page = browser.new_page()
    sign_in(page, server, TRAINER[0], TRAINER[2])
    open_page(page, server.url + "/austausch")
    page.get_by_role("heading", name="Fragen importieren").wait_for()
    upload = page.get_by_test_id("stFileUploaderDropzoneInput")
    rerun(page, lambda: upload.set_input_files(files=[{"name": "1700000000__0__qpl_4711.zip",
                                                      "mimeType": "application/zip", "buffer": ilias_pool_zip()}]))
    page.get_by_text("gelesen als ILIAS (QTI)").wait_for()
    text = main_text(page)
    assert "kann nicht übernommen werden" not in text, text
    assert re.search(r"\d+ Fragen gelesen", text), text
    assert re.search(r"Nicht übernommen \(\d+ Fragen\)", text), "the skipped question types are not listed"
    assert exception_boxes(page) == []
    screenshot(page, "austausch-ilias")
    assert browser_problems(page) == [], "\n".join(browser_problems(page))


def browser_problems(page) -> list[str]:
    """What the browser itself reported: script dialogs, uncaught errors, requests to other hosts."""
    problems = [f"a script dialog opened: {d}" for d in page.dialogs]
    problems += [f"uncaught error in the page: {e}" for e in page.console_errors]
    if page.foreign_requests:
        problems.append("the page made the browser contact other hosts (the IP address of every learner goes "
                        f"to a third party; DSGVO): {sorted(set(page.foreign_requests))}")
    return problems


def learner_record_missing(server) -> bool:
    from progress import open_store

    db = open_store(server.db_path)
    try:
        return next(raw(db).query("SELECT 1 FROM users WHERE login = ?", [LEARNER[0]]), None) is None
    finally:
        db.close()


def grid_text(dataframe) -> str:
    """The cell texts of a st.dataframe: Glide Data Grid draws on a canvas and mirrors the visible
    cells in an accessible table (role=grid) for screen readers, which is what is read here."""
    return " | ".join(dataframe.locator("[role='gridcell'], [role='columnheader']").all_text_contents())
