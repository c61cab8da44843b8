"""Grading: one pure function per question type (lotse.grading), edge cases and properties."""

from __future__ import annotations

import math
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotse.content.models import (ChoiceOption, Matching, MultipleChoice, Numeric, NumericAnswer, Ordering,
                                  Pair, Quiz, ShortAnswer, SingleChoice, TextAnswer, TrueFalse)
from lotse.grading import grade_attempt, grade_question, parse_number

BASE = {"prompt": "Frage?", "objective": "ziel", "explanation": "Weil."}


def option(text: str, correct: bool = False, weight: float | None = None) -> ChoiceOption:
    return ChoiceOption(text=text, feedback=f"Rückmeldung {text}", correct=correct, weight=weight)


SINGLE = SingleChoice(id="s", type="single_choice", options=[option("A", True), option("B"), option("C")], **BASE)
SINGLE_PARTIAL = SingleChoice(id="sp", type="single_choice", options=[option("A", True), option("B", weight=50),
                                                                     option("C")], **BASE)
MULTI = MultipleChoice(id="m", type="multiple_choice",
                       options=[option("A", True), option("B", True), option("C", True), option("D"), option("E")],
                       **BASE)
TF = TrueFalse(id="t", type="true_false", answer=False, feedback_true="Leider nein.", feedback_false="Richtig.", **BASE)
ORDER = Ordering(id="o", type="ordering", items=["Planen", "Umsetzen", "Prüfen", "Verbessern"], **BASE)
MATCH = Matching(id="p", type="matching", pairs=[Pair(left="E-Akte", right="digital"),
                                                 Pair(left="Papier", right="analog"), Pair(left="Fax", right="analog")],
                 distractors=["gar nicht"], **BASE)
SHORT = ShortAnswer(id="k", type="short_answer",
                    answers=[TextAnswer(text="Datenschutz-Grundverordnung", feedback="Genau."),
                             TextAnswer(text="DSGVO", weight=50)], **BASE)
SHORT_CASE = ShortAnswer(id="kc", type="short_answer", answers=[TextAnswer(text="ISMS")], case_sensitive=True, **BASE)
NUMBER = Numeric(id="n", type="numeric", answers=[NumericAnswer(value=72.5, tolerance=0.5, feedback="Gut."),
                                                  NumericAnswer(value=70, weight=50)], unit="%", **BASE)
NUMBER_EXACT = Numeric(id="ne", type="numeric", answers=[NumericAnswer(value=0.3)], **BASE)
ALL = [SINGLE, SINGLE_PARTIAL, MULTI, TF, ORDER, MATCH, SHORT, SHORT_CASE, NUMBER, NUMBER_EXACT]


def fraction(question, response) -> float:
    return grade_question(question, response).fraction


# --- single choice -------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected", [
    (0, 1.0), (1, 0.0), (2, 0.0),
    (None, 0.0), (-1, 0.0), (3, 0.0), (True, 0.0), ("0", 0.0), (0.0, 0.0), ([0], 0.0),
])
def test_single_choice(response, expected):
    assert fraction(SINGLE, response) == expected


def test_single_choice_partial_weight_and_feedback():
    grade = grade_question(SINGLE_PARTIAL, 1)
    assert grade.fraction == 0.5 and grade.partly and not grade.correct
    assert grade.feedback == ["Rückmeldung B"]


def test_single_choice_nothing_selected_has_no_feedback():
    assert grade_question(SINGLE, None).feedback == []


# --- multiple choice (Moodle rule: +100/k per correct, -100/k per wrong, clamped) -------------


@pytest.mark.parametrize("response, expected", [
    ([], 0.0), (None, 0.0), (3, 0.0), (True, 0.0),   # nothing selected / not a list
    ([0, 1, 2], 1.0),                          # exactly the correct ones
    ([0, 1], 2 / 3),                           # partial credit
    ([0], 1 / 3),
    ([0, 3], 0.0),                             # a wrong tick costs 100/min(k, w) = 50 here: clamped at 0
    ([3, 4], 0.0),                             # only wrong: clamped at 0, never negative
    ([0, 1, 2, 3], 1 / 2),                     # 3 right (+100) and 1 wrong (-50)
    ([0, 0, 0], 1 / 3),                        # a repeated index counts once
    ([0, 1, 2, 99, -1, "x", None], 1.0),       # junk indexes are ignored
])
def test_multiple_choice(response, expected):
    assert math.isclose(fraction(MULTI, response), expected, abs_tol=1e-6)


def test_multiple_choice_everything_selected_earns_nothing():
    question = MultipleChoice(id="e", type="multiple_choice",
                              options=[option("A", True), option("B", True), option("C"), option("D"), option("E")],
                              **BASE)
    assert fraction(question, [0, 1, 2, 3, 4]) == 0.0


def test_multiple_choice_everything_selected_earns_nothing_with_few_wrong_options():
    """With fewer wrong than correct options a wrong tick costs -100/w, so 'select all' still earns 0."""
    assert fraction(MULTI, [0, 1, 2, 3, 4]) == 0.0


def test_multiple_choice_one_right_and_one_wrong_tick_cancel_out():
    question = MultipleChoice(id="c", type="multiple_choice",
                              options=[option("A", True), option("B", True), option("C"), option("D"), option("E")],
                              **BASE)
    assert fraction(question, [0, 2]) == 0.0
    assert math.isclose(fraction(question, [0]), 0.5)


def test_multiple_choice_feedback_of_each_chosen_option():
    assert grade_question(MULTI, [3, 0]).feedback == ["Rückmeldung A", "Rückmeldung D"]


def test_multiple_choice_custom_weights():
    question = MultipleChoice(id="w", type="multiple_choice", options=[
        option("A", True, 70), option("B", True, 30), option("C", weight=-50)], **BASE)
    assert math.isclose(fraction(question, [0]), 0.7)
    assert math.isclose(fraction(question, [0, 2]), 0.2)
    assert fraction(question, [1, 2]) == 0.0


# --- true/false -----------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected, feedback", [
    (False, 1.0, ["Richtig."]), (True, 0.0, ["Leider nein."]),
    (None, 0.0, []), ("false", 0.0, []), (0, 0.0, []),
])
def test_true_false(response, expected, feedback):
    grade = grade_question(TF, response)
    assert grade.fraction == expected and grade.feedback == feedback


# --- ordering --------------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected", [
    ([0, 1, 2, 3], 1.0),
    ([3, 2, 1, 0], 0.0),
    ([0, 1, 3, 2], 0.5),
    ([0, None, None, None], 0.25),
    ([None, None, None, None], 0.0),
    ([], 0.0), (None, 0.0),
    ([0, 0, 0, 0], 0.25),                      # the same item everywhere: only position 1 is right
    ([0, 1, 2, 3, 4, 5], 1.0),                 # extra positions are ignored
])
def test_ordering(response, expected):
    assert fraction(ORDER, response) == expected


# --- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected", [
    (["digital", "analog", "analog"], 1.0),
    (["analog", "analog", "analog"], 2 / 3),
    (["gar nicht", "digital", None], 0.0),
    ([None, None, None], 0.0), (None, 0.0), ([], 0.0),
    (["digital"], 1 / 3),
])
def test_matching(response, expected):
    assert math.isclose(fraction(MATCH, response), expected)


# --- short answer ----------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected", [
    ("Datenschutz-Grundverordnung", 1.0),
    ("  datenschutz-grundverordnung  ", 1.0),        # case and outer spaces
    ("DATENSCHUTZ-GRUNDVERORDNUNG", 1.0),
    ("dsgvo", 0.5),                                   # a weighted alternative
    ("Datenschutz -Grundverordnung", 0.0),
    ("", 0.0), ("   ", 0.0), (None, 0.0), (42, 0.0),
])
def test_short_answer(response, expected):
    assert fraction(SHORT, response) == expected


def test_short_answer_umlauts_in_any_unicode_form_and_inner_spaces():
    question = ShortAnswer(id="u", type="short_answer", answers=[TextAnswer(text="Bürger Büro")], **BASE)
    decomposed = unicodedata.normalize("NFD", "Bürger   Büro")
    assert decomposed != "Bürger   Büro"
    assert fraction(question, decomposed) == 1.0
    assert fraction(question, "\tbürger\u00a0büro ") == 1.0       # tab and no-break space
    assert fraction(question, "Burger Buro") == 0.0              # umlauts still matter


def test_short_answer_case_sensitive():
    assert fraction(SHORT_CASE, "ISMS") == 1.0
    assert fraction(SHORT_CASE, "isms") == 0.0


def test_short_answer_feedback():
    assert grade_question(SHORT, "datenschutz-grundverordnung").feedback == ["Genau."]


# --- numeric ---------------------------------------------------------------------------------


@pytest.mark.parametrize("response, expected", [
    ("72,5", 1.0), ("72.5", 1.0), (72.5, 1.0), (" 72,5 ", 1.0),
    ("72", 1.0), ("73", 1.0),                     # tolerance boundary, inclusive
    ("72,0", 1.0), ("73,0", 1.0),
    ("71,99", 0.0), ("73,01", 0.0),               # just outside
    ("70", 0.5), ("70,0", 0.5),                   # second answer, weighted
    ("", 0.0), ("abc", 0.0), (None, 0.0), (True, 0.0), ("72,5 %", 0.0),
    ("nan", 0.0), ("inf", 0.0), (float("nan"), 0.0), ("1e400", 0.0),
])
def test_numeric(response, expected):
    assert fraction(NUMBER, response) == expected


def test_numeric_decimal_boundary_survives_binary_rounding():
    assert fraction(NUMBER_EXACT, 0.1 + 0.2) == 1.0
    assert fraction(NUMBER_EXACT, "0,3") == 1.0
    assert fraction(NUMBER_EXACT, "0,30001") == 0.0


@pytest.mark.parametrize("text, value", [
    ("72", 72.0), ("72,5", 72.5), ("-3", -3.0), ("\u22123", -3.0), (",5", 0.5), ("1e3", 1000.0),
    ("1 000", 1000.0), ("1.101", 1.101), ("", None), ("1,2,3", None), ("12a", None),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


# --- attempt -----------------------------------------------------------------------------------


def test_attempt_without_answers_scores_zero_and_pass_mark_is_inclusive():
    quiz = Quiz(lesson="eins", pass_mark=50, questions=[SINGLE, TF])
    empty = grade_attempt(quiz, {})
    assert (empty.score, empty.max_score, empty.percent, empty.passed) == (0, 2, 0.0, False)
    half = grade_attempt(quiz, {"s": 0, "t": True})
    assert half.percent == 50.0 and half.passed
    assert not grade_attempt(quiz.model_copy(update={"pass_mark": 50.01}), {"s": 0}).passed


def test_attempt_points_weight_questions():
    heavy = SINGLE.model_copy(update={"points": 3})
    result = grade_attempt(Quiz(lesson="eins", pass_mark=70, questions=[heavy, TF]), {"s": 0})
    assert (result.score, result.max_score, result.percent, result.passed) == (3, 4, 75.0, True)


# --- properties ----------------------------------------------------------------------------------

ANY_RESPONSE = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=8), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(question=st.sampled_from(ALL), response=ANY_RESPONSE)
def test_score_is_within_bounds_and_deterministic(question, response):
    first = grade_question(question, response)
    assert 0.0 <= first.fraction <= 1.0
    assert 0.0 <= first.mark <= first.max_mark == question.points
    assert grade_question(question, response) == first


@settings(max_examples=200, deadline=None)
@given(chosen=st.lists(st.integers(0, 4), max_size=6), data=st.data())
def test_multiple_choice_order_of_selection_is_irrelevant(chosen, data):
    permuted = data.draw(st.permutations(chosen))
    assert grade_question(MULTI, permuted) == grade_question(MULTI, chosen)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_option_order_in_the_file_is_irrelevant(data):
    """Reordering the options (and the learner's indexes with them) never changes the grade:
    what counts is which options were chosen, not where they stood."""
    for question in (SINGLE_PARTIAL, MULTI):
        order = data.draw(st.permutations(range(len(question.options))))
        moved = question.model_copy(update={"options": [question.options[i] for i in order]})
        new_index = {old: new for new, old in enumerate(order)}
        if question.type == "single_choice":
            pick = data.draw(st.integers(0, len(order) - 1))
            assert math.isclose(fraction(question, pick), fraction(moved, new_index[pick]))
        else:
            picks = data.draw(st.lists(st.integers(0, len(order) - 1), unique=True))
            assert math.isclose(fraction(question, picks), fraction(moved, [new_index[i] for i in picks]))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_matching_choice_order_is_irrelevant(data):
    """Distractor order and the order the choices are offered in do not change the grade."""
    response = data.draw(st.lists(st.sampled_from(MATCH.choices + [None]), min_size=3, max_size=3))
    shuffled = MATCH.model_copy(update={"distractors": data.draw(st.permutations(MATCH.distractors))})
    assert grade_question(MATCH, response) == grade_question(shuffled, response)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), comma=st.booleans())
def test_numeric_accepts_comma_and_point_alike(value, comma):
    text = repr(value)
    if "e" in text or "inf" in text:
        return
    typed = text.replace(".", ",") if comma else text
    assert fraction(NUMBER, typed) == fraction(NUMBER, value)
