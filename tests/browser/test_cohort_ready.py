"""Issue 17, "ready for a real cohort": what a learner trips over in the browser, one test per point.

The course is the small one of the journeys (two lessons, each with a quiz), so answers are known.
Screenshots of both widths go to tests/artifacts/ (gitignored) for people to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_harness import LotseServer, main_text, open_page, reload, rerun, running_server, screenshot, sign_in
from raw_sql import raw
from test_journeys import journey_course

LEARNER = ("lara.liest", "Lara Liest", "Lesen-macht-klug-2026")
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LotseServer:
    content = journey_course(tmp_path_factory.mktemp("content"))
    with running_server(content_dir=content) as running:
        from lotse.accounts import create_account

        db = running.database()
        create_account(db, LEARNER[0], LEARNER[1], LEARNER[2], "learner")
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
