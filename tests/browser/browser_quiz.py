"""Quiz questions that several browser tests put into their small courses.

Each is one YAML item for a quiz's `questions:` list. The texts the tests click and type stand
here once; the keyword arguments add what only one test needs (a section link, more options).
"""

from __future__ import annotations


def who_question(*, section: str | None = None, more_options: str = "") -> str:
    """Single choice `wer`; right is „Die Führungskraft im Fachbereich“.

    `section` links the question to a lesson section; `more_options` (YAML option items) follow
    the two options every variant has.
    """
    section_line = f"    section: {section}\n" if section else ""
    return ("  - id: wer\n    type: single_choice\n    objective: ziel\n" + section_line + """\
    prompt: Wer verantwortet die Gestaltung der Arbeitsabläufe?
    options:
      - text: Die Führungskraft im Fachbereich
        correct: true
        feedback: Richtig.
      - text: Allein die IT-Abteilung
        feedback: Die IT liefert Werkzeuge.
""" + more_options + "    explanation: Wer die Aufgabe verantwortet, verantwortet auch den Ablauf.\n")


def areas_question(*, more_right_options: str = "") -> str:
    """Multiple choice `bereiche`; right is „Organisation der Arbeit“ plus `more_right_options`
    (YAML option items, placed before the wrong option „Urlaubsplanung der IT-Abteilung“)."""
    return """\
  - id: bereiche
    type: multiple_choice
    objective: ziel
    prompt: Wofür sind Führungskräfte verantwortlich?
    options:
      - text: Organisation der Arbeit
        correct: true
        feedback: Ja.
""" + more_right_options + """\
      - text: Urlaubsplanung der IT-Abteilung
        feedback: Nein.
    explanation: Organisations- und Ressourcenverantwortung.
"""


ABBREVIATION_QUESTION = """\
  - id: kuerzel
    type: short_answer
    objective: ziel
    prompt: Wie lautet die Abkürzung des Onlinezugangsgesetzes?
    answers:
      - text: OZG
    explanation: OZG.
"""
"""Short answer `kuerzel`; right is „OZG“."""
