"""Issue 17 item 5 in a real browser: a trainer takes questions from a GIFT file into a lesson's quiz,
and a learner who is in the middle of that quiz sees the new question on the next page view, without
a restart of the server; the trainer then restores the earlier version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_harness import LotseServer, exception_boxes, open_page, reload, rerun, running_server, screenshot, sign_in
from test_journeys import journey_course

TRAINER = ("tina.import", "Tina Import", "Fragen-bringen-2026!")
LEARNER = ("lukas.lernt", "Lukas Lernt", "Quiz-und-mehr-2026!")
NEW_PROMPT = "Welches Gesetz verpflichtet zu Online-Verwaltungsleistungen?"
GIFT = f"""// Eine neue Frage aus Moodle
::gesetz::{NEW_PROMPT}{{=Onlinezugangsgesetz#Richtig. ~Gewerbeordnung#Nein.####Das OZG.}}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> LotseServer:
    with running_server(content_dir=journey_course(tmp_path_factory.mktemp("content"))) as running:
        from lotse.accounts import create_account

        db = running.database()
        create_account(db, TRAINER[0], TRAINER[1], TRAINER[2], "trainer")
        create_account(db, LEARNER[0], LEARNER[1], LEARNER[2], "learner")
        db.close()
        yield running


def check(page, label: str) -> None:
    """Tick a Streamlit checkbox by its visible label (the input itself is styled away)."""
    page.locator("label").filter(has=page.get_by_role("checkbox", name=label)).click()


def test_trainer_imports_a_gift_file_and_a_learner_sees_the_question_without_a_restart(server, browser):
    learner = browser.new_page()
    sign_in(learner, server, LEARNER[0], LEARNER[2])
    open_page(learner, server.url + "/lektion?id=eins")
    rerun(learner, lambda: learner.get_by_role("button", name="Quiz starten").click())
    expect(learner.get_by_text("Wer verantwortet die Gestaltung der Arbeitsabläufe?")).to_be_visible()
    assert learner.get_by_text(NEW_PROMPT).count() == 0

    trainer = browser.new_page()
    sign_in(trainer, server, TRAINER[0], TRAINER[2])
    open_page(trainer, server.url + "/austausch")
    trainer.get_by_role("heading", name="Fragen importieren").wait_for()
    upload = trainer.get_by_test_id("stFileUploaderDropzoneInput")
    rerun(trainer, lambda: upload.set_input_files(files=[{"name": "moodle.gift", "mimeType": "text/plain",
                                                          "buffer": GIFT.encode()}]))
    expect(trainer.get_by_text("gelesen als GIFT")).to_be_visible()
    expect(trainer.get_by_text("Vorschau gegenüber dem aktuellen Quiz: 1 neu")).to_be_visible()
    take_over = trainer.get_by_role("button", name="In den Kurs übernehmen")
    expect(take_over).to_be_disabled()
    rerun(trainer, lambda: check(trainer, "Ich habe die Vorschau geprüft."))
    expect(take_over).to_be_enabled()
    rerun(trainer, take_over.click)
    expect(trainer.get_by_text(re.compile("In den Kurs übernommen: 1 neu"))).to_be_visible()
    assert exception_boxes(trainer) == []
    screenshot(trainer, "import-uebernommen")

    reload(learner)  # the same server process, never restarted: the next page view has the question
    expect(learner.get_by_text(NEW_PROMPT)).to_be_visible()
    expect(learner.get_by_text("Wer verantwortet die Gestaltung der Arbeitsabläufe?")).to_be_visible()
    assert exception_boxes(learner) == []

    history = trainer.get_by_text(re.compile(r"^Frühere Fassungen dieses Quiz \(2\)"))
    history.click()  # opening an expander happens in the browser alone, no script run
    rerun(trainer, lambda: trainer.get_by_role("button", name="Diese Fassung wiederherstellen").click())
    # the success message, not the version table's cells (the grid puts them in the page once drawn)
    expect(trainer.get_by_test_id("stAlertContentSuccess").filter(has_text="wiederhergestellt")).to_be_visible()
    reload(learner)
    expect(learner.get_by_text("Wer verantwortet die Gestaltung der Arbeitsabläufe?")).to_be_visible()
    expect(learner.get_by_text(NEW_PROMPT)).to_have_count(0)
