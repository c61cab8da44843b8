"""Every registered question type, one at a time, through the whole life of a question:
validate -> render -> answer -> grade -> store -> export -> import.

Parametrised over the registry's names, so a new type is covered by adding it to the registry.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import yaml
from pydantic import TypeAdapter
from streamlit.testing.v1 import AppTest

from lotse import learning
from lotse.content import load_catalog
from lotse.content.models import Question, Quiz
from lotse.grading import grade_question
from lotse.interop.gift import parse_gift
from lotse.interop.gift_writer import export_gift
from lotse.interop.moodle_xml import parse_moodle_xml
from lotse.interop.moodle_xml_writer import export_moodle_xml
from lotse.interop.quiz_yaml import build_quiz, canonical, dump_quiz
from lotse.interop.xapi import AnswerRecord, QuizAttempt, XapiConfig, build_statements
from lotse.interop.xapi_rules import validate_statement
from lotse.question_types import REGISTRY, UnknownQuestionType, get, names
from ui import quiz_widgets
from ui.question_widgets import RENDERERS

from content_builder import QUIZ, line_of, write_course

TYPES = names()
CONFIG = XapiConfig(base_iri="https://lotse.example.de/xapi", secret="s", course_id="fuehrung-digital")
ADAPTER: TypeAdapter = TypeAdapter(Question)


def example(name: str) -> Question:
    return ADAPTER.validate_python(get(name).example())


def quiz_of(question: Question) -> Quiz:
    return Quiz(lesson="eins", pass_mark=50, questions=[question])


def test_all_eight_types_are_registered():
    assert len(TYPES) == 8  # a type dropped from the registry fails here
    assert set(TYPES) == {"single_choice", "multiple_choice", "true_false", "ordering", "matching",
                          "short_answer", "numeric", "cloze"}


def test_every_registered_type_has_a_renderer():
    assert set(RENDERERS) == set(TYPES)


@pytest.mark.parametrize("name", TYPES)
def test_the_example_passes_the_content_validator(tmp_path, name):
    """The type's example, written into a quiz file, loads without a problem."""
    question = dict(get(name).example(), section="einstieg")
    text = QUIZ.split("questions:")[0] + yaml.safe_dump({"questions": [question]}, allow_unicode=True)
    catalog = load_catalog(write_course(tmp_path, quizzes={"eins": text}))
    assert catalog.problems == []
    assert catalog.quiz("eins").questions[0].type == name


def _render_script(type_name: str, data: dict, draft: object) -> None:
    import streamlit as st
    from pydantic import TypeAdapter

    from lotse.content.models import Question
    from ui import quiz_widgets

    question = TypeAdapter(Question).validate_python(data)
    key = quiz_widgets.question_key("eins", question.id, 1)
    quiz_widgets.render_input(question, key, 7, draft, lambda: None, label="Frage 1")
    st.session_state["read-back"] = quiz_widgets.response_of(question, key)


@pytest.mark.parametrize("name", TYPES)
def test_render_restores_a_draft_and_reads_it_back(name):
    """The renderer contract: a saved draft is shown again and read back in the grading shape."""
    kind = get(name)
    question = example(name)
    right = kind.right_response(question)
    at = AppTest.from_function(_render_script, args=(name, kind.example(), right), default_timeout=30).run()
    assert not at.exception
    read = at.session_state["read-back"]
    assert grade_question(question, read).correct
    assert quiz_widgets.answered(question, read)


@pytest.mark.parametrize("name", TYPES)
def test_right_and_wrong_answers_grade_full_and_zero(name):
    kind = get(name)
    question = example(name)
    right, wrong = kind.right_response(question), kind.wrong_response(question)
    assert grade_question(question, right).correct
    assert grade_question(question, wrong).fraction == 0
    assert grade_question(question, None).fraction == 0
    assert not quiz_widgets.answered(question, None)
    assert quiz_widgets.response_text(question, None) in ("keine Antwort", "keine Auswahl")
    assert quiz_widgets.response_text(question, right) != "keine Antwort"
    assert kind.correct_answer(question) and kind.solution_lines(question)


@pytest.mark.parametrize("name", TYPES)
def test_an_attempt_is_stored_and_reviewed(db, make_user, name):
    learner = make_user("learner")
    question = example(name)
    quiz = quiz_of(question)
    right = get(name).right_response(question)
    attempt_id, result, created = learning.submit_attempt(db, learner, quiz, 1, {question.id: right})
    assert created and result.passed
    review = learning.attempt_review(db, learner, learner.id, quiz, attempt_id)
    assert review.result.grades[0].correct
    assert grade_question(question, review.responses[question.id]).correct


@pytest.mark.parametrize("name", TYPES)
def test_xapi_statements_are_valid(name):
    kind = get(name)
    question = example(name)
    response = kind.right_response(question)
    answer = AnswerRecord(question.id, response, question.points, question.points)
    attempt = QuizAttempt("a1", "u1", "eins", datetime(2026, 12, 7, 8, tzinfo=timezone.utc), answers=(answer,))
    statements = build_statements(attempts=[attempt], config=CONFIG, quizzes={"eins": quiz_of(question)})
    assert statements and all(validate_statement(s) == [] for s in statements)
    answered = next(s for s in statements if s["verb"]["id"].endswith("/answered"))
    definition = answered["object"]["definition"]
    assert definition["interactionType"] == kind.xapi_interaction(question, "de-DE")["interactionType"]
    assert answered["result"]["response"] == kind.xapi_response(question, response)


@pytest.mark.parametrize("name", TYPES)
def test_quiz_yaml_round_trip(name):
    quiz = quiz_of(example(name))
    back = Quiz.model_validate(yaml.safe_load(dump_quiz(quiz)))
    assert canonical(back) == canonical(quiz)


@pytest.mark.parametrize("name", TYPES)
def test_moodle_xml_round_trip(name):
    quiz = quiz_of(example(name))
    exported = export_moodle_xml(quiz)
    assert not exported.skipped
    back, skipped, _ = build_quiz(parse_moodle_xml(exported.text.encode()), quiz.lesson, None)
    assert not skipped
    assert canonical(back) == canonical(quiz)


@pytest.mark.parametrize("name", TYPES)
def test_gift_round_trip_or_a_german_reason(name):
    quiz = quiz_of(example(name))
    exported = export_gift(quiz)
    if get(name).gift_write is None:
        assert [s.name for s in exported.skipped] == [quiz.questions[0].id]
        assert "GIFT nicht darstellbar" in exported.skipped[0].reason
        return
    assert not exported.skipped
    back, skipped, _ = build_quiz(parse_gift(exported.text), quiz.lesson, None)
    assert not skipped
    assert canonical(back) == canonical(quiz)


# --- unknown types: an error, never a silent skip --------------------------------------


def test_unknown_type_raises_with_a_german_message():
    with pytest.raises(UnknownQuestionType, match="Unbekannter Fragetyp „essay“"):
        get("essay")
    with pytest.raises(UnknownQuestionType):
        quiz_widgets.render_input(type("Fake", (), {"type": "essay", "id": "x"})(), "k", 1, None, lambda: None)


def test_unknown_type_is_reported_by_the_validator_with_file_and_line(tmp_path):
    text = QUIZ.replace("type: single_choice", "type: kprim")
    catalog = load_catalog(write_course(tmp_path, quizzes={"eins": text}))
    [problem] = [p for p in catalog.problems if p.field == "questions[0].type"]
    assert problem.path.endswith("eins.yaml") and problem.line == line_of(text, "type: kprim")
    assert "Unbekannter Fragetyp „kprim“" in problem.message and "cloze" in problem.message


def test_the_registry_cannot_be_changed_at_run_time():
    with pytest.raises(TypeError):
        REGISTRY["essay"] = REGISTRY["cloze"]  # type: ignore[index]


def test_a_type_without_renderer_module_fails_loudly():
    from ui import question_widgets

    with pytest.raises(ImportError, match="has no renderer ui/question_widgets/kprim.py"):
        question_widgets._load("kprim")
