"""Hostile input sent through every text input and URL parameter (AppTest and the real browser).

A payload that manages to run script sets ``window.__lotsePwned`` or opens a dialog (alert), so the
browser tests can tell "shown as text" from "executed". PAYLOADS is the breadth list; the short
SCRIPT_PAYLOADS go where input length is limited.
"""

from __future__ import annotations

from pathlib import Path

PWN_FLAG = "__lotsePwned"

SCRIPT_PAYLOADS = [
    f"<script>window.{PWN_FLAG}=1;alert('xss')</script>",
    f"<img src=x onerror=\"window.{PWN_FLAG}=1;alert('img')\">",
    f"<svg onload=\"window.{PWN_FLAG}=1\"></svg>",
    f"\"><script>window.{PWN_FLAG}=1</script>",
    f"' onmouseover='window.{PWN_FLAG}=1' x='",
    f"<a href=\"javascript:window.{PWN_FLAG}=1\">klick</a>",
    f"javascript:window.{PWN_FLAG}=1",
    f"[klick](javascript:window.{PWN_FLAG}=1)",
    f"<iframe srcdoc=\"<script>parent.{PWN_FLAG}=1</script>\"></iframe>",
    f"<details open ontoggle=\"window.{PWN_FLAG}=1\">x</details>",
    f"<style>@import 'javascript:window.{PWN_FLAG}=1';</style>",
    f"{{{{constructor.constructor('window.{PWN_FLAG}=1')()}}}}",
]

SQL_PAYLOADS = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    "\" OR \"\"=\"",
    "1; SELECT * FROM sessions",
    "%' UNION SELECT password_hash FROM users --",
    "NEAR(a b) OR * \"",  # FTS5 query syntax
]

PATH_PAYLOADS = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "/etc/passwd",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "file:///etc/passwd",
]

ODD_TEXT_PAYLOADS = [
    "Null\x00Byte",
    "\x00",
    "\u202eRechts-nach-links\u202c",  # right-to-left override
    "Null\u200bbreite\u200d\u200cZeichen\ufeff",  # zero-width characters
    "Ω≈ç√∫ 👩‍💻 Ärger über Öde",
    "   ",
    "%00%0d%0aSet-Cookie: x=1",
    "{{7*7}} ${7*7} <%= 7*7 %>",
]

LONG_PAYLOAD = "A" * 100_000  # 100 kB

PAYLOADS = SCRIPT_PAYLOADS + SQL_PAYLOADS + PATH_PAYLOADS + ODD_TEXT_PAYLOADS + [LONG_PAYLOAD]


def short_name(payload: str) -> str:
    """A readable test id for a payload."""
    text = payload.encode("unicode_escape").decode("ascii")
    return text[:40] + (f"...({len(payload)} chars)" if len(payload) > 40 else "")


# --- hostile content: a lesson, its quiz and a glossary entry full of payloads ----------------------

WORDS = " ".join(["Die Verwaltung gestaltet ihre Abläufe selbst."] * 90)
# Script links are refused by the validator (tests/test_hostile_input.py); everything else must load
# and be defused by the sanitiser.
HOSTILE_LINES = "\n\n".join(p for p in SCRIPT_PAYLOADS if "javascript:" not in p)
HOSTILE_TITLE = f"Böse <script>window.{PWN_FLAG}=1</script> Lektion"
_GLOSSARY = """\
terms:
  - id: ozg
    term: OZG
    aliases: [Onlinezugangsgesetz]
    definition: Das Onlinezugangsgesetz.
    source: BGBl. I S. 3122
"""


def hostile_lesson(lesson_id: str = "boese", extra: str = "") -> str:
    """A valid lesson whose title, objective, sources, text and box carry script payloads; ``extra``
    is appended to the text."""
    return f"""\
---
id: {lesson_id}
title: "{HOSTILE_TITLE}"
module: m1
order: 1
duration_minutes: 10
stand: 2026-12-07
review_by: 2099-12-31
objectives:
  - id: ziel
    text: "Sie erkennen <img src=x onerror=\\"window.{PWN_FLAG}=1\\"> Angriffe."
glossary: [ozg]
sources:
  - "Quelle <script>window.{PWN_FLAG}=1</script>"
  - "<b onclick=\\"alert(1)\\">fett</b> und \\u202eumgedreht\\u202c"
---

## Einstieg

Das OZG ist wichtig. {WORDS}

{HOSTILE_LINES}

<div onclick="window.{PWN_FLAG}=1" style="position:fixed">Klick</div>

Ein Link <https://example.org/?q=<script>> und <b onclick="window.{PWN_FLAG}=1">fett</b>.

!!! merke "Merke <script>window.{PWN_FLAG}=1</script>"
    Ein Kasten mit <svg onload="window.{PWN_FLAG}=1"></svg>.

{extra}

## Das Wichtigste in Kürze

- Punkt
"""


HOSTILE_QUIZ = f"""\
lesson: boese
pass_mark: 70
questions:
  - id: frage
    type: single_choice
    objective: ziel
    prompt: "Was gilt? <script>window.{PWN_FLAG}=1</script> <img src=x onerror=alert(1)>"
    options:
      - text: "A <img src=x onerror=\\"window.{PWN_FLAG}=1\\">"
        correct: true
        feedback: "Richtig <svg onload=\\"window.{PWN_FLAG}=1\\">"
      - text: "B [x](javascript:alert(1))"
        feedback: "Falsch <iframe srcdoc='<script>parent.{PWN_FLAG}=1</script>'></iframe>"
    explanation: "Weil <details open ontoggle=\\"window.{PWN_FLAG}=1\\">x</details>."
  - id: text
    type: short_answer
    objective: ziel
    prompt: "Tippen Sie <b onmouseover=alert(1)>etwas</b>"
    answers:
      - text: "<script>"
        feedback: "<script>window.{PWN_FLAG}=1</script>"
    explanation: "'; DROP TABLE users; --"
"""

HOSTILE_GLOSSARY = _GLOSSARY.replace("Das Onlinezugangsgesetz.",
                                     f"\"Das <script>window.{PWN_FLAG}=1</script> Gesetz \\u200b.\"")


def hostile_course(root: Path) -> Path:
    """A content folder with one hostile lesson (id "boese"), its quiz and a hostile glossary term."""
    from content_builder import write_course

    return write_course(root, glossary=HOSTILE_GLOSSARY, lessons={"boese": hostile_lesson()},
                        quizzes={"boese": HOSTILE_QUIZ})
