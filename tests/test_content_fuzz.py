"""Arbitrary text as a lesson, quiz, glossary or course never crashes the loader."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from lotse.content import load_catalog
from lotse.content.catalog import parse_lesson, parse_quiz
from pathlib import Path

from content_builder import LESSON, QUIZ, write_course

yaml_ish = st.text(alphabet=st.sampled_from(list("abc:-[]{}'\"#&*!|>\n \t0123456789äß\\%@`,?")), max_size=300)
any_text = st.one_of(st.text(max_size=400), yaml_ish)


@given(any_text)
@settings(max_examples=300)
def test_any_text_as_quiz(text):
    entry, problems = parse_quiz(text, Path("quizzes/x.yaml"), "quizzes/x.yaml")
    assert entry is not None or problems
    assert all(p.line >= 1 for p in problems)


@given(any_text)
@settings(max_examples=300)
def test_any_text_as_lesson(text):
    lesson, problems = parse_lesson(text, Path("lessons/x.md"), "lessons/x.md")
    assert lesson is not None or problems
    assert all(p.line >= 1 for p in problems)


@given(st.text(max_size=200), st.integers(min_value=0, max_value=len(QUIZ)))
@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_mutated_files_in_a_course(tmp_path_factory, noise, position):
    root = tmp_path_factory.mktemp("course")
    quiz = QUIZ[:position] + noise + QUIZ[position:]
    lesson = LESSON[:position] + noise + LESSON[position:]
    catalog = load_catalog(write_course(root, lessons={"eins": lesson}, quizzes={"eins": quiz}))
    shown = {lesson.id for lesson in catalog.lessons}
    assert shown <= {"eins"}
    if not catalog.errors:
        assert shown == {"eins"}
