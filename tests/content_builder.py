"""Builds a small valid content folder in a temp dir; tests then break one thing at a time."""

from __future__ import annotations

from pathlib import Path

COURSE = """\
id: testkurs
title: Testkurs
modules:
  - id: m1
    order: 1
    title: Modul eins
"""

GLOSSARY = """\
terms:
  - id: ozg
    term: OZG
    aliases: [Onlinezugangsgesetz]
    definition: Das Onlinezugangsgesetz.
    source: BGBl. I S. 3122
"""

WORDS = " ".join(["Verwaltung"] * 620)

LESSON = f"""\
---
id: eins
title: Lektion eins
module: m1
order: 1
duration_minutes: 10
stand: 2026-12-07
review_by: 2099-12-31
objectives:
  - id: ziel
    text: Sie können etwas.
glossary: [ozg]
sources:
  - Quelle A
---

## Einstieg

Das OZG ist wichtig. {WORDS}

!!! merke "Merke"
    Ein Kasten.

## Das Wichtigste in Kürze

- Punkt
"""

QUIZ = """\
lesson: eins
pass_mark: 70
questions:
  - id: frage
    type: single_choice
    objective: ziel
    section: einstieg
    prompt: Was gilt?
    options:
      - text: A
        correct: true
        feedback: Richtig.
      - text: B
        feedback: Falsch.
    explanation: Weil.
"""


def write_course(root: Path, *, course: str = COURSE, glossary: str = GLOSSARY,
                 lessons: dict[str, str] | None = None, quizzes: dict[str, str] | None = None) -> Path:
    """Write a content folder; lessons/quizzes map file stem -> text (None: the default single lesson)."""
    (root / "lessons" / "glossary").mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(exist_ok=True)
    (root / "lessons" / "course.yaml").write_text(course, encoding="utf-8")
    (root / "lessons" / "glossary" / "begriffe.yaml").write_text(glossary, encoding="utf-8")
    for stem, text in (lessons if lessons is not None else {"eins": LESSON}).items():
        (root / "lessons" / f"{stem}.md").write_text(text, encoding="utf-8")
    for stem, text in (quizzes if quizzes is not None else {"eins": QUIZ}).items():
        (root / "quizzes" / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return root


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing needle (so tests state lines by content)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
