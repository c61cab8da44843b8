"""A synthetic course of N lessons with M quiz questions each (cockpit tests and bench/analytics.py)."""

from __future__ import annotations

from pathlib import Path

MODULES = 6

_QUESTIONS = [
    """  - id: f{n}-einfach
    type: single_choice
    objective: ziel-a
    prompt: Welche Aussage zu Thema {n} trifft zu?
    options:
      - text: Die richtige Aussage {n}
        correct: true
        feedback: Richtig.
      - text: Ein verbreiteter Irrtum {n}
        feedback: Leider nicht.
      - text: Eine zweite falsche Aussage {n}
        feedback: Leider nicht.
      - text: Eine dritte falsche Aussage {n}
        feedback: Leider nicht.
    explanation: Erklärung.
""",
    """  - id: f{n}-mehrfach
    type: multiple_choice
    objective: ziel-a
    prompt: Welche Punkte gehören zu Thema {n}?
    options:
      - text: Punkt eins
        correct: true
        feedback: Ja.
      - text: Punkt zwei
        correct: true
        feedback: Ja.
      - text: Kein Punkt
        feedback: Nein.
      - text: Auch kein Punkt
        feedback: Nein.
    explanation: Erklärung.
""",
    """  - id: f{n}-wahr
    type: true_false
    objective: ziel-b
    prompt: Thema {n} betrifft alle Ämter.
    answer: true
    feedback_true: Richtig.
    feedback_false: Doch, alle.
    explanation: Erklärung.
""",
    """  - id: f{n}-ordnen
    type: ordering
    objective: ziel-b
    prompt: Bringen Sie die Schritte in die richtige Reihenfolge.
    items: [Planen, Umsetzen, Prüfen, Verbessern]
    explanation: Erklärung.
""",
    """  - id: f{n}-zuordnen
    type: matching
    objective: ziel-b
    prompt: Ordnen Sie zu.
    pairs:
      - left: Vertraulichkeit
        right: Nur Befugte lesen
      - left: Integrität
        right: Unverändert
      - left: Verfügbarkeit
        right: Erreichbar
    explanation: Erklärung.
""",
    """  - id: f{n}-zahl
    type: numeric
    objective: ziel-a
    prompt: Wie viele Tage beträgt die Frist?
    answers:
      - value: 30
    explanation: Erklärung.
""",
    """  - id: f{n}-begriff
    type: short_answer
    objective: ziel-b
    prompt: Wie heißt der Grundsatz?
    answers:
      - text: Datenminimierung
      - text: Datensparsamkeit
        weight: 50
    explanation: Erklärung.
""",
    """  - id: f{n}-fall
    type: single_choice
    objective: ziel-b
    prompt: Was tun Sie im Fall {n}?
    options:
      - text: Das Richtige tun
        correct: true
        feedback: Richtig.
      - text: Abwarten
        feedback: Nein.
      - text: Weiterleiten
        feedback: Nein.
    explanation: Erklärung.
""",
]


def lesson_id(index: int) -> str:
    return f"{index // 4 + 1}-{index % 4 + 1}-thema-{index + 1:02d}"


def write_synthetic_course(root: Path, lessons: int = 24, questions: int = 8) -> Path:
    (root / "lessons" / "glossary").mkdir(parents=True, exist_ok=True)
    (root / "quizzes").mkdir(exist_ok=True)
    modules = "".join(f"  - id: m{i}\n    order: {i}\n    title: Modul {i}\n" for i in range(1, MODULES + 1))
    (root / "lessons" / "course.yaml").write_text(f"id: synth\ntitle: Synthetischer Kurs\nmodules:\n{modules}",
                                                  encoding="utf-8")
    words = " ".join(["Verwaltung"] * 620)
    for index in range(lessons):
        lid = lesson_id(index)
        (root / "lessons" / f"{lid}.md").write_text(
            f"---\nid: {lid}\ntitle: Thema {index + 1:02d}\nmodule: m{min(MODULES, index // 4 + 1)}\n"
            f"order: {index % 4 + 1 + 4 * max(0, index // 4 - MODULES + 1)}\nduration_minutes: 12\nstand: 2026-12-07\nreview_by: 2099-12-31\nobjectives:\n"
            f"  - id: ziel-a\n    text: Sie können Thema {index + 1} erklären.\n"
            f"  - id: ziel-b\n    text: Sie können Thema {index + 1} anwenden.\n"
            f"sources:\n  - Quelle\n---\n\n## Einstieg\n\n{words}\n\n!!! merke \"Merke\"\n    Kasten.\n\n"
            "## Das Wichtigste in Kürze\n\n- Punkt\n", encoding="utf-8")
        body = "".join(_QUESTIONS[q % len(_QUESTIONS)].replace("{n}", f"{index + 1}-{q // len(_QUESTIONS)}")
                       .replace(f"id: f{index + 1}-{q // len(_QUESTIONS)}-", f"id: f{q}-")
                       for q in range(questions))
        (root / "quizzes" / f"{lid}.yaml").write_text(f"lesson: {lid}\npass_mark: 70\nquestions:\n{body}",
                                                      encoding="utf-8")
    return root


# --- a small cohort built through the live learning path (tests) --------------------------------

def right_answers() -> dict:
    """All-correct responses for a synthetic quiz (question ids f0..f7, see _QUESTIONS)."""
    return {"f0-einfach": 0, "f1-mehrfach": [0, 1], "f2-wahr": True, "f3-ordnen": [0, 1, 2, 3],
            "f4-zuordnen": ["Nur Befugte lesen", "Unverändert", "Erreichbar"], "f5-zahl": "30",
            "f6-begriff": "Datenminimierung", "f7-fall": 0}


def responses(**wrong) -> dict:
    """All right except the given ones, e.g. responses(f0_einfach=2) (underscores for dashes)."""
    answers = right_answers()
    answers.update({key.replace("_", "-"): value for key, value in wrong.items()})
    return answers
