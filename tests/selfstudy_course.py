"""A small course for the self-study tests: two modules, quizzes with several objectives, a lesson
with a one-question quiz, reflection prompts and self-assessment statements (with umlauts).

The fixtures at the end serve test modules that import them by name, e.g.
`from selfstudy_course import fresh_catalog, learner` gives those tests `catalog` and `learner`
(the `db` fixture comes from conftest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from lotse.content import Catalog, load_catalog
from lotse.identity import User
from progress.users import insert_user

from content_builder import GLOSSARY, WORDS, write_course

COURSE = """\
id: kurs
title: Führung und Digitalisierung – Übungskurs
modules:
  - id: m1
    order: 1
    title: Grundlagen der Öffentlichen Verwaltung
  - id: m2
    order: 2
    title: Rolle und Verantwortung
"""

EXTRA = """\
reflection_prompts:
  - id: rolle-heute
    topic: Rolle
    prompt: Welche Rolle haben Sie heute?
  - id: naechster-schritt
    topic: Nächste Schritte
    prompt: Was ist Ihr nächster Schritt?
self_assessment:
  - id: it
    competence: IT- und Medienkompetenz
    statement: Ich kann die IT-Bausteine erklären.
  - id: sicherheit
    competence: IT- und Medienkompetenz
    statement: Ich weiß, was bei einem Sicherheitsvorfall zu tun ist.
  - id: fuehrung
    competence: Führungskompetenz
    statement: Digitalisierung gehört zu meiner Führungsverantwortung.
"""


def lesson(lesson_id: str, module: str, order: int, objectives: list[str], extra: str = "", minutes: int = 30) -> str:
    goals = "".join(f"  - id: {o}\n    text: Sie können {o}.\n" for o in objectives)
    return (f"---\nid: {lesson_id}\ntitle: Lektion {lesson_id.upper()} – Übersicht\nmodule: {module}\norder: {order}\n"
            f"duration_minutes: {minutes}\nstand: 2026-12-07\nreview_by: 2099-12-31\nobjectives:\n{goals}glossary: [ozg]\nsources:\n  - Quelle A\n{extra}---\n\n"
            f"## Einstieg\n\nDas OZG ist wichtig. {WORDS}\n\n## Das Wichtigste in Kürze\n\n- Punkt\n")


def question(question_id: str, objective: str) -> str:
    return (f"  - id: {question_id}\n    type: single_choice\n    objective: {objective}\n"
            f"    prompt: Was gilt für {question_id}?\n    options:\n"
            f"      - text: Richtig {question_id}\n        correct: true\n        feedback: Richtig.\n"
            f"      - text: Falsch {question_id}\n        feedback: Falsch.\n    explanation: Weil.\n")


def quiz(lesson_id: str, questions: list[tuple[str, str]]) -> str:
    return f"lesson: {lesson_id}\npass_mark: 50\nquestions:\n" + "".join(question(q, o) for q, o in questions)


LESSONS = {
    "l1": lesson("l1", "m1", 1, ["ziel-a", "ziel-b"]),
    "l2": lesson("l2", "m1", 2, ["ziel-c"]),
    "l3": lesson("l3", "m2", 1, ["ziel-d", "ziel-e"], extra=EXTRA, minutes=15),
    "l4": lesson("l4", "m2", 2, ["ziel-f"], minutes=15),
}
QUIZZES = {
    "l1": quiz("l1", [("a1", "ziel-a"), ("a2", "ziel-a"), ("a3", "ziel-a"), ("b1", "ziel-b")]),
    "l2": quiz("l2", [("c1", "ziel-c"), ("c2", "ziel-c"), ("c3", "ziel-c")]),
    "l3": quiz("l3", [("d1", "ziel-d"), ("e1", "ziel-e"), ("e2", "ziel-e")]),
    "l4": quiz("l4", [("f1", "ziel-f")]),
}


def build(root: Path) -> Catalog:
    write_course(root, course=COURSE, glossary=GLOSSARY, lessons=LESSONS, quizzes=QUIZZES)
    catalog = load_catalog(root)
    assert not catalog.errors, catalog.errors
    return catalog


def right_answers(catalog: Catalog, lesson_id: str) -> dict:
    """Responses with every question of the lesson's quiz right (single choice: the correct index)."""
    quiz_ = catalog.quiz(lesson_id)
    return {q.id: next(i for i, o in enumerate(q.options) if o.correct) for q in quiz_.questions}


def wrong_answers(catalog: Catalog, lesson_id: str) -> dict:
    quiz_ = catalog.quiz(lesson_id)
    return {q.id: next(i for i, o in enumerate(q.options) if not o.correct) for q in quiz_.questions}


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def content_dir(tmp_path, monkeypatch, app_env):
    """The course built here as the app's content (for AppTest pages); its folder."""
    root = tmp_path / "content"
    build(root)
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(root))
    return root


@pytest.fixture(name="catalog")
def fresh_catalog(tmp_path: Path) -> Catalog:
    """`catalog`: the course written afresh for each test, so a test may change it."""
    return build(tmp_path / "content")


@pytest.fixture(name="catalog", scope="module")
def shared_catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """`catalog`: one course for all tests of a module, which must only read it."""
    return build(tmp_path_factory.mktemp("content"))


@pytest.fixture
def db_path(db) -> str:
    """The URL of conftest's `db` database, for a second store as another process would open."""
    return db.url


@pytest.fixture
def learner(db: Database) -> User:
    """Lena, a learner in the `db` database."""
    return insert_user(db, "lena", "Lena Lernend", "learner")
