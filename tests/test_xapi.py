"""xAPI statements builder and validator (lotse.interop.xapi)."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotse.interop.quiz_yaml import load_quiz
from lotse.interop import validate_statement
from lotse.interop.xapi import (ADL_VERBS, AnswerRecord, LessonEvent, QuizAttempt, XapiConfig,
                                build_statements, format_response, iso_timestamp, pseudonym)

ROOT = Path(__file__).resolve().parents[1]
QUIZ = load_quiz(Path(__file__).parent / "fixtures" / "interop" / "roundtrip_quiz.yaml")
LESSON = QUIZ.lesson
CONFIG = XapiConfig(base_iri="https://lotse.example.de/xapi", secret="geheim")
WHEN = datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)

# one answer per question of the fixture quiz: (response, mark)
RESPONSES = {
    "delegieren": (0, 1), "mehrfach-standard": ([0, 2], 1.34), "mehrfach-gewichtet": ([0], 0.75),
    "ozg-wahr": (True, 1), "ozg-falsch": (True, 0), "prozess-reihenfolge": ([0, 2, 1], 0.33),
    "gesetze-zuordnen": ({"OZG": "Onlinezugangsgesetz", "EGovG": "Baugesetzbuch"}, 0.33),
    "dsgvo-langform": ("Datenschutz-Grundverordnung", 1), "ozg-jahr": ("2018", 0.5),
    "anteil": ("0,3333", 0.5)}


def attempt(**changes) -> QuizAttempt:
    answers = tuple(AnswerRecord(q.id, RESPONSES[q.id][0], RESPONSES[q.id][1], q.points)
                    for q in QUIZ.questions)
    return QuizAttempt(**({"attempt_id": "a-1", "user_id": "u-7", "lesson_id": LESSON,
                           "created_at": WHEN, "answers": answers} | changes))


def events() -> list[LessonEvent]:
    return [LessonEvent("lesson_opened", "u-7", LESSON, WHEN - timedelta(minutes=20)),
            LessonEvent("lesson_read", "u-7", LESSON, WHEN - timedelta(minutes=5))]


@pytest.fixture
def statements() -> list[dict]:
    return build_statements(events(), [attempt()], config=CONFIG,
                            titles={LESSON: "Digitalisierung ist Führungsaufgabe"},
                            quizzes={LESSON: QUIZ})


def by_verb(statements: list[dict], verb: str) -> list[dict]:
    return [s for s in statements if s["verb"]["id"] == ADL_VERBS + verb]


def test_every_produced_statement_is_valid(statements):
    assert len(statements) == 2 + len(QUIZ.questions) + 1
    for statement in statements:
        assert validate_statement(statement) == [], statement
    json.dumps(statements)  # a plain JSON array


def test_verbs_timestamps_and_order(statements):
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in statements]
    assert verbs[:2] == ["experienced", "completed"]
    assert verbs[-1] == "passed" and set(verbs[2:-1]) == {"answered"}
    assert statements[0]["timestamp"] == "2024-05-01T08:10:00.000Z"
    assert statements[0]["object"]["definition"]["name"]["de-DE"] == \
        "Digitalisierung ist Führungsaufgabe"
    assert statements[1]["result"] == {"completion": True}


def test_ids_are_deterministic_and_distinct(statements):
    again = build_statements(events(), [attempt()], config=CONFIG, quizzes={LESSON: QUIZ})
    assert [s["id"] for s in again] == [s["id"] for s in statements]
    assert len({s["id"] for s in statements}) == len(statements)
    other = build_statements(events(), [attempt(attempt_id="a-2")], config=CONFIG,
                             quizzes={LESSON: QUIZ})
    assert {s["id"] for s in other[2:]}.isdisjoint({s["id"] for s in statements})


def test_actor_is_pseudonymous_account(statements):
    actor = statements[0]["actor"]
    assert actor["account"]["homePage"] == CONFIG.base_iri
    assert actor["account"]["name"] == pseudonym(CONFIG, "u-7") != "u-7"
    assert len(actor["account"]["name"]) == 64
    assert "u-7" not in json.dumps(statements)
    other_secret = XapiConfig(base_iri=CONFIG.base_iri, secret="anders")
    assert pseudonym(other_secret, "u-7") != pseudonym(CONFIG, "u-7")
    plain = XapiConfig(base_iri=CONFIG.base_iri, pseudonymize=False)
    assert pseudonym(plain, "u-7") == "u-7"
    with pytest.raises(ValueError, match="secret"):
        XapiConfig(base_iri=CONFIG.base_iri)
    with pytest.raises(ValueError, match="IRI"):
        XapiConfig(base_iri="lotse/xapi", secret="x")


def test_interaction_types_and_correct_responses(statements):
    answered = {s["object"]["id"].rsplit("/", 1)[1]: s for s in by_verb(statements, "answered")}

    def show(qid: str) -> tuple:
        definition = answered[qid]["object"]["definition"]
        return (definition["interactionType"], definition["correctResponsesPattern"],
                answered[qid]["result"]["response"])

    assert show("delegieren") == ("choice", ["option-1"], "option-1")
    assert show("mehrfach-standard") == ("choice", ["option-1[,]option-2[,]option-3"],
                                         "option-1[,]option-3")
    assert show("ozg-falsch") == ("true-false", ["false"], "true")
    assert show("prozess-reihenfolge") == ("sequencing", ["item-1[,]item-2[,]item-3"],
                                           "item-1[,]item-3[,]item-2")
    assert show("gesetze-zuordnen") == (
        "matching", ["left-1[.]right-1[,]left-2[.]right-2[,]left-3[.]right-3"],
        "left-1[.]right-1[,]left-2[.]right-4")
    assert show("dsgvo-langform") == ("fill-in", ["{case_matters=true}Datenschutz-Grundverordnung",
                                                  "{case_matters=true}[DSGVO]"],
                                      "Datenschutz-Grundverordnung")
    assert show("ozg-jahr") == ("numeric", ["2017"], "2018")
    assert show("anteil") == ("numeric", ["0.3328[:]0.3338"], "0.3333")
    matching = answered["gesetze-zuordnen"]["object"]["definition"]
    assert [t["description"]["de-DE"] for t in matching["target"]][-1] == "Baugesetzbuch"
    assert answered["delegieren"]["context"]["contextActivities"]["parent"][0]["id"] == \
        f"{CONFIG.base_iri}/quizzes/{LESSON}"


def test_answer_results_and_quiz_score(statements):
    answered = by_verb(statements, "answered")
    first = answered[0]["result"]
    assert first["success"] is True and first["score"] == {"scaled": 1, "raw": 1, "min": 0, "max": 1}
    partial = answered[1]["result"]  # 1.34 of 2 points
    assert partial["success"] is False and partial["score"]["scaled"] == pytest.approx(0.67)
    quiz = by_verb(statements, "passed")[0]
    total = sum(mark for _, mark in RESPONSES.values())
    assert quiz["result"]["score"]["raw"] == pytest.approx(total)
    assert quiz["result"]["score"]["max"] == QUIZ.max_points
    assert quiz["result"]["success"] is True and quiz["result"]["completion"] is True
    assert quiz["context"]["registration"] == answered[0]["context"]["registration"]


def test_failed_attempt_and_explicit_outcome():
    zero = attempt(answers=tuple(AnswerRecord(q.id, None, 0, q.points) for q in QUIZ.questions))
    result = build_statements([], [zero], config=CONFIG, quizzes={LESSON: QUIZ})
    assert result[-1]["verb"]["id"] == ADL_VERBS + "failed"
    assert result[-1]["result"]["success"] is False
    forced = build_statements([], [attempt(passed=False, answers=())], config=CONFIG)
    assert forced[-1]["verb"]["id"] == ADL_VERBS + "failed"
    assert "score" not in forced[-1]["result"]
    assert all(validate_statement(s) == [] for s in result + forced)
    with pytest.raises(ValueError, match="passed"):
        build_statements([], [attempt(answers=())], config=CONFIG)


def test_plain_dicts_are_accepted_and_unknown_questions_tolerated():
    result = build_statements(
        [{"kind": "lesson_read", "user_id": 5, "lesson_id": "x", "created_at": "2024-05-01T10:00:00"}],
        [{"attempt_id": 9, "user_id": 5, "lesson_id": "x", "created_at": "2024-05-01T11:00:00+02:00",
          "passed": True, "answers": [{"question_id": "gone", "response": "a", "mark": 1,
                                       "max_mark": 1}]}], config=CONFIG)
    assert [s["timestamp"] for s in result] == ["2024-05-01T09:00:00.000Z"] * 2 + \
        ["2024-05-01T10:00:00.000Z"]
    assert all(validate_statement(s) == [] for s in result)
    with pytest.raises(ValueError, match="kind"):
        build_statements([{"kind": "x", "user_id": 1, "lesson_id": "x", "created_at": WHEN}],
                         config=CONFIG)


def test_iso_timestamps_and_responses():
    assert iso_timestamp(datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02T03:04:05.000Z"
    assert iso_timestamp("2024-01-02T03:04:05+01:00") == "2024-01-02T02:04:05.000Z"
    assert format_response(QUIZ.question("delegieren"), "Nichts, die IT-Abteilung ist zuständig.") \
        == "option-2"
    assert format_response(QUIZ.question("prozess-reihenfolge"), ["Antrag prüfen"]) == "item-2"
    assert format_response(None, 3.5) == "3.5"


def test_responses_in_the_shape_the_quiz_page_stores():
    """lotse.grading's shapes: matching = chosen right text per pair, None where a position is empty."""
    matching = QUIZ.question("gesetze-zuordnen")
    chosen = [matching.pairs[0].right, None, matching.choices[-1]]
    last = len(matching.choices)
    assert format_response(matching, chosen) == f"left-1[.]right-1[,]left-3[.]right-{last}"
    assert format_response(QUIZ.question("prozess-reihenfolge"), [0, None, 1]) == "item-1[,][,]item-2"


def test_events_with_a_key_get_their_own_ids():
    same_moment = [LessonEvent("lesson_opened", "u-7", LESSON, WHEN, key=str(k)) for k in (1, 2)]
    first, second = build_statements(same_moment, config=CONFIG)
    assert first["id"] != second["id"]
    assert build_statements([LessonEvent("lesson_opened", "u-7", LESSON, WHEN)], config=CONFIG)[0]["id"] \
        not in (first["id"], second["id"])


# --- validator -------------------------------------------------------------------------


def test_validator_rejects_each_broken_rule(statements):
    good = by_verb(statements, "answered")[1]
    broken = {
        "missing actor": ({"actor": None}, "actor"),
        "verb not an IRI": ({"verb": {"id": "answered"}}, "verb.id"),
        "activity id not an IRI": ({"object": {"id": "frage 1"}}, "object.id"),
        "id not a UUID": ({"id": "1234"}, "id: must be a UUID"),
        "timestamp": ({"timestamp": "01.05.2024"}, "timestamp"),
        "timestamp without zone": ({"timestamp": "2024-05-01T08:30:00"}, "timestamp"),
        "scaled": ({"result": {"score": {"scaled": 1.5}}}, "scaled"),
        "raw above max": ({"result": {"score": {"raw": 3, "min": 0, "max": 2}}}, "raw"),
        "min not below max": ({"result": {"score": {"min": 2, "max": 2}}}, "min must be less"),
        "success not bool": ({"result": {"success": "yes"}}, "result.success"),
        "unknown property": ({"extra": 1}, "extra: unknown"),
        "two identifiers": ({"actor": {"mbox": "mailto:a@b.de", "account": {
            "homePage": "https://x.de", "name": "n"}}}, "exactly one"),
        "registration": ({"context": {"registration": "r"}}, "registration"),
        "bad language map": ({"verb": {"id": ADL_VERBS + "answered", "display": {"de DE": "x"}}},
                             "language map"),
    }
    for label, (change, message) in broken.items():
        statement = copy.deepcopy(good) | change
        if change.get("actor", 0) is None:
            del statement["actor"]
        errors = validate_statement(statement)
        assert any(message in e for e in errors), (label, errors)


def test_validator_checks_interaction_components(statements):
    statement = copy.deepcopy(by_verb(statements, "answered")[0])
    definition = statement["object"]["definition"]
    definition["interactionType"] = "numeric"
    assert any("choices: not allowed" in e for e in validate_statement(statement))
    definition["interactionType"] = "choice"
    definition["choices"][1]["id"] = definition["choices"][0]["id"]
    assert any("distinct" in e for e in validate_statement(statement))
    definition["interactionType"] = "dance"
    assert any("interactionType" in e for e in validate_statement(statement))
    assert validate_statement([]) == ["statement must be a JSON object"]


_RESPONSES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 12) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([q.id for q in QUIZ.questions] + ["unbekannt"]),
                          _RESPONSES, st.floats(0, 1)), max_size=6))
def test_any_stored_response_gives_valid_statements(answers):
    records = tuple(AnswerRecord(qid, response, mark, 1) for qid, response, mark in answers)
    result = build_statements([], [attempt(answers=records)], config=CONFIG, quizzes={LESSON: QUIZ})
    for statement in result:
        assert validate_statement(statement) == [], statement
