"""Seminar live in real browsers: a trainer, the projector view and three phones (390 px).

Join with the code from the QR link, answer, change an answer, close, reveal; the projector shows the
numbers by itself (its fragment refreshes every two seconds: the test waits for the text, no sleeps).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_harness import main_text, open_page, rerun, running_server, screenshot, sign_in, wait_idle

TRAINER = ("trainerin.live", "Tina Trainerin", "Leuchtturm-Ananas-Sturmflut-42")
LEARNERS = [(f"lernende.live{n}", f"Lernende Live {n}", f"Gießkanne-Vulkan-Notenblatt-{n}7") for n in range(3)]
PHONE = {"width": 390, "height": 844}
REFRESH_WAIT_MS = 15_000


@pytest.fixture(scope="module")
def server():
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def room(server):
    from lotse.accounts import create_account
    from lotse.cohorts import create_cohort
    from progress import cohorts as cohort_sql

    db = server.database()
    trainer = create_account(db, TRAINER[0], TRAINER[1], TRAINER[2], "trainer")
    cohort = create_cohort(db, trainer, "Live-Kohorte", seminar_date="2030-05-04")
    for login, name, password in LEARNERS:
        cohort_sql.add_member(db, cohort["id"], create_account(db, login, name, password).id)
    db.close()
    return cohort


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def keyed(page, prefix: str):
    """The button of a widget whose key starts with ``prefix`` (Streamlit adds class st-key-<key>).
    "Öffnen" and "Schließen" are also the German names of Streamlit's own select and dialog buttons."""
    return page.locator(f"[class*='st-key-{prefix}'] button")


def wait_for_text(page, pattern: str, timeout: int = REFRESH_WAIT_MS) -> None:
    """Until the main area shows ``pattern`` (a regular expression): the fragment refreshes by itself."""
    expect(page.get_by_test_id("stMain")).to_contain_text(re.compile(pattern), timeout=timeout)


def test_trainer_projector_and_three_phones_run_one_question(server, room, browser):
    trainer = browser.new_page()
    sign_in(trainer, server, TRAINER[0], TRAINER[2])
    open_page(trainer, f"{server.url}/live")
    rerun(trainer, lambda: button(trainer, "Live-Sitzung starten").click())
    code = re.search(r"Code ([A-Z0-9]{3}) ([A-Z0-9]{3})", main_text(trainer))
    assert code, main_text(trainer)
    join_code = code.group(1) + code.group(2)
    expect(trainer.get_by_role("img", name=re.compile("QR-Code"))).to_be_visible()

    trainer.get_by_role("tab", name="Schnelle Frage").click()  # tabs switch in the browser, no rerun
    trainer.get_by_label("Frage", exact=True).fill("Wer trägt die Verantwortung an Bord?")
    trainer.get_by_label(re.compile("Antwortmöglichkeiten")).fill("* Die Kapitänin\nDer Lotse\nDie Reederei")
    rerun(trainer, lambda: button(trainer, "Frage vorbereiten").click())
    rerun(trainer, lambda: keyed(trainer, "live-oeffnen-").click())
    assert "offen: Antworten laufen" in main_text(trainer)

    projector = browser.new_page()
    sign_in(projector, server, TRAINER[0], TRAINER[2])
    projector_link = trainer.get_by_role("link", name="Beamer-Ansicht öffnen").get_attribute("href")
    open_page(projector, f"{server.url}/{projector_link.lstrip('/')}")
    wait_for_text(projector, "Wer trägt die Verantwortung an Bord\\?")
    wait_for_text(projector, "0 Antworten")

    phones = []
    for (login, _, password), choice in zip(LEARNERS, ("Die Kapitänin", "Der Lotse", "Die Kapitänin")):
        phone = browser.new_page(viewport=PHONE)
        sign_in(phone, server, login, password)
        open_page(phone, f"{server.url}/mitmachen?code={join_code}")
        rerun(phone, lambda: button(phone, "Teilnehmen").click())
        wait_for_text(phone, "Wer trägt die Verantwortung an Bord\\?")
        rerun(phone, lambda: phone.get_by_text(choice, exact=True).click())
        rerun(phone, lambda: button(phone, "Antwort senden").click())
        wait_for_text(phone, f"Ihre Antwort ist angekommen: {choice}")
        phones.append(phone)
    screenshot(phones[0], "live-handy-390")

    # The second phone changes its mind; answers stay three, the distribution follows.
    rerun(phones[1], lambda: phones[1].get_by_text("Die Kapitänin", exact=True).click())
    rerun(phones[1], lambda: button(phones[1], "Antwort senden").click())
    wait_for_text(phones[1], "Ihre Antwort ist angekommen: Die Kapitänin")

    wait_for_text(projector, "3 Antworten")
    table = projector.get_by_test_id("stTable")
    expect(table).to_contain_text(re.compile(r"Die Kapitänin\s*3"), timeout=REFRESH_WAIT_MS)
    expect(table).to_contain_text(re.compile(r"Der Lotse\s*0"))
    text = main_text(projector)
    assert all(name not in text for _, name, _ in LEARNERS), "names never show on the projector"
    assert "Richtig:" not in text

    rerun(trainer, lambda: keyed(trainer, "live-schliessen-").click())
    wait_for_text(phones[2], "Gerade ist keine Frage offen")
    rerun(trainer, lambda: button(trainer, "Lösung zeigen").click())
    wait_for_text(projector, "Richtig: Die Kapitänin")
    wait_for_text(projector, "Frage geschlossen")
    wait_idle(projector)
    screenshot(projector, "live-beamer-1280")
    for page in [trainer, projector, *phones]:
        assert not page.get_by_test_id("stException").count()
