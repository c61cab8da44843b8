"""Issue 18 in a real browser: the demo trainer under the default visibility policy walks through
every trainer page and sees no per-person reading time, activity time or answer; the learner's
page "Was sieht meine Trainerin?" then lists the trainer's look at their detail."""

from __future__ import annotations

import pytest

from playwright.sync_api import expect

from browser_harness import Browser, exception_boxes, main_text, open_page, running_server, sign_in

TRAINER = ("trainerin.demo", "Seminar-Lotse-2025")
LEARNER = ("lernende.demo", "Lernweg-Lotse-2025")
TRAINER_PAGES = ["cockpit", "teilnehmende", "briefing", "fragenanalyse", "kohorten"]
PER_PERSON = ("Lesezeit (Minuten)", "Zuletzt aktiv", "Antwort")


@pytest.fixture(scope="module")
def server():
    with running_server(demo=True) as running:
        yield running


def column_headers(page) -> list[str]:
    return [h.strip() for h in page.locator("[role='columnheader']").all_text_contents()]


def everything_shown(page) -> str:
    """The main area's text plus every table's headers and cells (tables draw on a canvas)."""
    cells = page.locator("[role='gridcell'], [role='columnheader']").all_text_contents()
    return main_text(page) + "\n" + " | ".join(cells)


def every_tab_shown(page) -> tuple[str, list[str]]:
    """Text and table headers of the page with each of its tabs opened in turn (a hidden tab's
    text is not in inner_text, and its tables are not drawn until it opens)."""
    shown, headers = everything_shown(page), column_headers(page)
    for tab in page.get_by_role("tab").all():
        tab.click()  # switches in the browser, no script run
        expect(tab).to_have_attribute("aria-selected", "true")
        shown += "\n" + everything_shown(page)
        headers += column_headers(page)
    return shown, headers


def test_trainer_sees_no_per_person_reading_time_activity_or_answers(server, playwright_driver):
    browser = Browser(playwright_driver)
    try:
        page = browser.new_page()
        sign_in(page, server, *TRAINER)
        for name in TRAINER_PAGES:
            open_page(page, f"{server.url}/{name}")
            expect(page.get_by_role("heading", level=1)).not_to_have_text("Anmelden")
            assert not exception_boxes(page), name
            shown, headers = every_tab_shown(page)
            if name == "cockpit":  # the detail sits in tabs: the check must have opened them
                assert "Lesezeit je Lektion" in shown and "Lernziele" in shown  # headings of later tabs
            if name == "teilnehmende":
                assert "Lektionen von " in shown  # the detail of one person is open
                for expander in page.get_by_test_id("stExpander").all():  # nothing folded away either
                    expander.locator("summary").click()  # opens in the browser, no script run
                    expect(expander.get_by_test_id("stExpanderDetails")).to_be_visible()
                shown, headers = every_tab_shown(page)
            if name == "kohorten":  # the member list: last active only where shared
                assert "nicht freigegeben" in shown
                continue
            leaked = [word for word in PER_PERSON if word in headers]
            assert not leaked, (name, leaked)
            assert "Lesezeit (Minuten)" not in shown and "Zuletzt aktiv" not in shown, name
            if name == "teilnehmende":
                assert "Einzelne Antworten sehen Sie nur" in shown
        learner = browser.new_page()
        sign_in(learner, server, *LEARNER)
        open_page(learner, f"{server.url}/sichtbarkeit")
        text = everything_shown(learner)
        assert "✗ Ihre einzelnen Antworten in jedem Quizversuch." in text
        assert "✗ Ihre Lesezeit je Lektion." in text
    finally:
        browser.close()
