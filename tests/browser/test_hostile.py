"""No script runs: hostile content and hostile input in the real browser.

Every payload (tests/payloads.py) that managed to execute would set ``window.__lotsePwned`` or open
a dialog (alert). The page records every dialog; after each step both are checked. The payloads
arrive through the content (a lesson, its quiz, a glossary term), a display name that the learner
types and a trainer then sees, quiz answers, the search field and URL parameters.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from browser_harness import exception_boxes, main_text, open_page, rerun, running_server, screenshot
from browser_harness import sign_in as harness_sign_in
from payloads import PWN_FLAG, SCRIPT_PAYLOADS, hostile_course

LEARNER = ("boese.lernende", "Bea Böse", "Harmlos-oder-nicht-2026!")
TRAINER = ("vorsicht.trainer", "Theo Vorsicht", "Immer-wachsam-2026!")
NAME_PAYLOAD = f"<img src=x onerror=\"window.{PWN_FLAG}=1;alert('img')\">"  # fits the 80-character name limit


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from lotse.accounts import create_account
    from lotse.cohorts import create_cohort, enrol

    with running_server(content_dir=hostile_course(tmp_path_factory.mktemp("hostile"))) as running:
        db = running.database()
        trainer = create_account(db, TRAINER[0], TRAINER[1], TRAINER[2], "trainer")
        learner = create_account(db, LEARNER[0], LEARNER[1], LEARNER[2], "learner")
        cohort = create_cohort(db, trainer, f"Kohorte <script>window.{PWN_FLAG}=1</script>")
        enrol(db, learner, cohort["invite_code"])
        db.close()
        yield running


def assert_nothing_ran(page, where: str) -> None:
    ran = page.evaluate(f"() => window.{PWN_FLAG}")
    assert ran is None, f"{where}: a payload ran (window.{PWN_FLAG} = {ran!r})"
    assert page.dialogs == [], f"{where}: a payload opened a dialog: {page.dialogs}"
    assert page.console_errors == [], f"{where}: uncaught errors: {page.console_errors}"
    assert exception_boxes(page) == [], f"{where}: a traceback is shown"


def sign_in(page, server, login: str, password: str) -> None:
    """Sign in and arrive on the learner's home page."""
    harness_sign_in(page, server, login, password)
    expect(page.get_by_role("heading", name="Mein Lernweg", level=1)).to_be_visible()


def test_hostile_lesson_quiz_and_glossary_run_no_script(server, browser):
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    assert_nothing_ran(page, "Mein Lernweg")
    rerun(page, lambda: page.get_by_role("button", name="Überspringen").click())  # the first-visit step
    assert_nothing_ran(page, "Mein Lernweg, Lernweg")
    assert "Böse" in main_text(page)

    open_page(page, server.url + "/lektion?id=boese")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Böse")
    assert "<script>" in page.get_by_role("heading", level=1).inner_text(), "the title is not shown as text"
    assert_nothing_ran(page, "lesson page")
    handlers = page.locator(", ".join(f"[data-testid='stMain'] [{a}]" for a in ("onclick", "onerror", "onload",
                                                                              "ontoggle", "onmouseover")))
    assert handlers.count() == 0, "an inline event handler from the content reached the page"
    screenshot(page, "feindlich-lektion")

    rerun(page, lambda: page.get_by_role("button", name="Quiz starten").click())
    assert_nothing_ran(page, "quiz")
    page.locator("label").filter(has=page.get_by_role("radio", name=re.compile("^A "))).click()
    field = page.get_by_role("textbox", name=re.compile(r"Ihre Antwort \(Text\)"))
    field.fill(SCRIPT_PAYLOADS[1][:200])
    rerun(page, lambda: field.press("Enter"))
    rerun(page, lambda: page.get_by_role("button", name="Antworten abgeben").click())
    expect(page.get_by_text(re.compile(r"Versuch 1: "))).to_be_visible()
    assert_nothing_ran(page, "quiz feedback with a hostile answer")
    screenshot(page, "feindlich-quiz")

    for path in ("/glossar", "/fortschritt", "/suche?q=" + quote("OZG"), "/lernweg"):
        open_page(page, server.url + path)
        assert_nothing_ran(page, path)


def test_hostile_display_name_is_text_for_the_learner_and_for_the_trainer(server, browser):
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/konto")
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Namen speichern"))
    name_field = form.get_by_role("textbox")
    name_field.fill(NAME_PAYLOAD)
    rerun(page, lambda: form.get_by_role("button", name="Namen speichern").click())
    expect(page.get_by_text("onerror", exact=False).first).to_be_visible()  # shown, as text
    assert_nothing_ran(page, "account page with a hostile name")

    trainer = browser.new_page()
    sign_in(trainer, server, TRAINER[0], TRAINER[2])
    for path in ("/cockpit", "/teilnehmende", "/kohorten", "/fragenanalyse", "/briefing"):
        open_page(trainer, server.url + path)
        assert_nothing_ran(trainer, f"trainer {path}")
    screenshot(trainer, "feindlich-trainer")


# One payload per way out of a context: a script tag, an event handler, breaking out of an attribute
# with " or ', a javascript: URL, a frame with its own document. (AppTest sends all of them everywhere.)
URL_PAYLOADS = [SCRIPT_PAYLOADS[i] for i in (0, 1, 3, 4, 6, 8)]


def test_hostile_url_parameters_run_no_script(server, browser):
    """Several parameters per address (a crafted link carries several), signed out and signed in."""
    guest, learner = browser.new_page(), browser.new_page()
    sign_in(learner, server, LEARNER[0], LEARNER[2])
    for payload in URL_PAYLOADS:
        value = quote(payload, safe="")
        for page, path in ((guest, f"/?invite={value}&x={value}"),
                           (guest, f"/zertifikat-pruefen?code={value}&invite={value}"),
                           (learner, f"/lektion?id={value}&invite={value}"),
                           (learner, f"/suche?q={value}&x={value}"),
                           (learner, f"/projekte?projekt={value}&invite={value}")):
            open_page(page, server.url + path)
            assert_nothing_ran(page, f"{path.split('?')[0]} with {payload!r}")


def test_hostile_search_typed_into_the_field_runs_no_script(server, browser):
    page = browser.new_page()
    sign_in(page, server, LEARNER[0], LEARNER[2])
    open_page(page, server.url + "/suche")
    field = page.get_by_role("textbox", name="Suchbegriff")
    for payload in SCRIPT_PAYLOADS:
        field.fill(payload[:200])
        rerun(page, lambda: field.press("Enter"))
        assert_nothing_ran(page, f"search for {payload!r}")
