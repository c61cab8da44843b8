"""Issue 20, item 9: interop edges: skipped questions in xAPI, course context, a warning for the
local default base, plain text that looked like Markdown, old <image> tags, GIFT points."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from lotse.config import load_settings
from lotse.content.render import render_markdown
from lotse.interop import parse_gift, parse_moodle_xml
from lotse.interop.gift_writer import export_gift
from lotse.interop.text_formats import escape_markdown, to_markdown
from lotse.interop.xapi import AnswerRecord, QuizAttempt, XapiConfig, build_statements
from lotse.interop.xapi_rules import validate_statement
from lotse.xapi_export import base_iri_warning
from content_builder import QUIZ
from lotse.content.models import Quiz
import yaml

T0 = datetime(2025, 5, 5, 8, 0, tzinfo=timezone.utc)
CONFIG = XapiConfig(base_iri="https://lotse.example.de/xapi", secret="s", course_id="fuehrung-digital",
                    course_name="Führung und Digitalisierung")


def attempt(*answers: AnswerRecord) -> QuizAttempt:
    return QuizAttempt("a1", "u1", "eins", T0, answers=answers, passed=False)


@pytest.mark.parametrize("response", [None, "", "   ", [], {}])
def test_unanswered_questions_are_left_out_of_the_statements(response):
    statements = build_statements(attempts=[attempt(AnswerRecord("frage", response, 0, 1))], config=CONFIG)
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == ["failed"]
    assert all(validate_statement(s) == [] for s in statements)


def test_answered_questions_stay_and_every_statement_names_the_course():
    statements = build_statements(
        events=[{"kind": "lesson_opened", "user_id": "u1", "lesson_id": "eins", "created_at": T0}],
        attempts=[attempt(AnswerRecord("frage", "Antwort", 1, 1))], config=CONFIG)
    assert len(statements) == 3
    course_iri = "https://lotse.example.de/xapi/courses/fuehrung-digital"
    for statement in statements:
        grouping = statement["context"]["contextActivities"]["grouping"]
        assert course_iri in [a["id"] for a in grouping]
        assert validate_statement(statement) == []


def test_the_local_default_base_is_warned_about():
    assert "localhost" in base_iri_warning(load_settings({}))
    assert base_iri_warning(load_settings({"LOTSE_BASE_URL": "https://lotse.kreis-musterstadt.de"})) is None


@pytest.mark.parametrize("plain, shown", [("# Hinweis", "# Hinweis"), ("+ plus", "+ plus"), ("- minus", "- minus"),
                                           ("15. Mai ist Stichtag", "15. Mai ist Stichtag"), ("> Zitat", "&gt; Zitat")])
def test_plain_text_that_looks_like_markdown_keeps_its_characters(plain, shown):
    html = render_markdown(to_markdown(plain, "plain")).html
    assert html == f"<p>{shown}</p>"


def test_plain_gift_text_with_a_leading_hash_keeps_it():
    result = parse_gift("::F1:: # ist das Rautezeichen {TRUE}\n")
    assert render_markdown(result.drafts[0].data["prompt"]).html.startswith("<p># ist")


def test_old_style_moodle_image_tags_are_reported():
    xml = ("<?xml version='1.0'?><quiz><question type='truefalse'><name><text>Bild</text></name>"
           "<questiontext format='html'><text>Was zeigt das Bild?</text></questiontext>"
           "<image>images/karte.png</image><answer fraction='100'><text>true</text></answer>"
           "<answer fraction='0'><text>false</text></answer></question></quiz>").encode()
    [draft] = parse_moodle_xml(xml).drafts
    assert any("karte.png" in note for note in draft.notes)


def test_gift_export_says_when_points_are_dropped():
    data = yaml.safe_load(QUIZ)
    data["questions"][0]["points"] = 3
    result = export_gift(Quiz.model_validate(data))
    assert any("3 Punkte" in warning for warning in result.warnings)


def test_escaping_inside_a_line_leaves_the_text_alone():
    assert escape_markdown("14.08.2017", line_start=False) == "14.08.2017"
