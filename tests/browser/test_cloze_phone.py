"""A cloze question on a 390 px phone, answered with the keyboard only: the text with numbered gaps,
one labelled field per gap, nothing cut or scrolling sideways, feedback per gap in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_harness import Browser, open_page, screenshot, server_with_account, wait_idle
from test_accessibility import press, tab_to

PHONE = {"width": 390, "height": 844}
CLOZE_QUIZ = """\
lesson: eins
pass_mark: 70
questions:
  - id: luecken
    type: cloze
    objective: ziel
    prompt: Ergänzen Sie den Satz.
    text: Nach Art. 5 Abs. 2 DSGVO gilt die {1}; die Verwaltung muss die Einhaltung der Grundsätze nicht nur sicherstellen, sondern auch {2} können.
    gaps:
      - kind: select
        options: [Rechenschaftspflicht, Zweckbindung, Speicherbegrenzung]
        correct: Rechenschaftspflicht
      - kind: text
        answers: [nachweisen, belegen]
    explanation: Art. 5 Abs. 2 DSGVO verlangt den Nachweis.
"""
OVERFLOW = ("() => document.querySelector(\"[data-testid='stMain']\").scrollWidth"
            " - document.querySelector(\"[data-testid='stMain']\").clientWidth")


@pytest.fixture(scope="module")
def cloze_server(tmp_path_factory):
    with server_with_account(tmp_path_factory.mktemp("cloze"), {"eins": CLOZE_QUIZ},
                             ("lena", "Lena Lernt", "Giesskanne-Leuchtturm-Pinsel-Stern", "learner")) as running:
        yield running


def test_cloze_on_a_phone_with_the_keyboard_only(cloze_server, playwright_driver):
    opened = Browser(playwright_driver)
    try:
        page = opened.new_page(PHONE)
        open_page(page, cloze_server.url)
        tab_to(page, "e => e.getAttribute('aria-label') === 'Login'", "the login field")
        page.keyboard.type("lena")
        page.keyboard.press("Tab")
        page.keyboard.type("Giesskanne-Leuchtturm-Pinsel-Stern")
        press(page, "Enter")
        open_page(page, cloze_server.url + "/lektion?id=eins")
        tab_to(page, "e => e.tagName === 'BUTTON' && e.innerText.includes('Quiz starten')", "„Quiz starten“")
        press(page, "Enter")
        expect(page.get_by_text("(1)", exact=False).first).to_be_visible()

        group = page.get_by_role("radiogroup", name="Frage 1, Lücke 1: Ihre Auswahl")
        tab_to(page, "e => e.type === 'radio' && (e.closest('[role=radiogroup]')?.getAttribute('aria-label') || '')"
                     ".includes('Lücke 1')", "the radio group of gap 1")
        for _ in range(4):
            if group.get_by_role("radio", name="Rechenschaftspflicht").is_checked():
                break
            press(page, "ArrowDown")
        expect(group.get_by_role("radio", name="Rechenschaftspflicht")).to_be_checked()
        tab_to(page, "e => e.tagName === 'INPUT' && (e.getAttribute('aria-label') || '').includes('Lücke 2')",
               "the text field of gap 2")
        page.keyboard.type("Nachweisen")
        press(page, "Enter")
        assert page.evaluate(OVERFLOW) <= 1, "the quiz scrolls sideways on a phone"
        screenshot(page, "lueckentext-390")

        tab_to(page, "e => e.tagName === 'BUTTON' && e.innerText.includes('Antworten abgeben')", "„Antworten abgeben“")
        press(page, "Enter")
        wait_idle(page)
        expect(page.get_by_text("Lücke 1: richtig.")).to_be_visible()
        expect(page.get_by_text("Lücke 2: richtig.")).to_be_visible()
        assert page.evaluate(OVERFLOW) <= 1
        assert page.console_errors == []
    finally:
        opened.close()
