"""Test statistics of a whole quiz (lotse.analytics.quiz_stats) against Moodle's published figures."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lotse.analytics import quiz_statistics
from test_item_statistics import MOODLE_RESULTS00

# moodle/moodle mod/quiz/report/statistics/tests/stats_from_steps_walkthrough_test.php,
# check_quiz_stats_for_quiz_00 (the attempts of fixtures/results00.csv), compared there with a
# relative tolerance of 1.5e-5.
MOODLE_QUIZ00 = {"median": 4.5, "mean": 4.617333332, "attempts": 25, "sd": 0.8117265554,
                 "skewness": -0.092502502, "kurtosis": -0.7073968557, "cic": -87.2230935542,
                 "error_ratio": 136.8294900795, "standard_error": 1.1106813066}
SLOTS = {slot: 1 for slot in range(1, 8)}


def moodle_attempts() -> list[dict[int, float]]:
    return [{slot: mark for slot, mark in enumerate(row, start=1)} for row in MOODLE_RESULTS00]


@pytest.mark.parametrize("name", sorted(MOODLE_QUIZ00))
def test_moodle_reference_figures(name):
    stats = quiz_statistics(moodle_attempts(), SLOTS)
    assert getattr(stats, name) == pytest.approx(MOODLE_QUIZ00[name], rel=1.5e-5)
    assert stats.max_total == 7


def test_hand_computed_consistent_quiz():
    """Three questions that agree perfectly: alpha is 100 %, no measurement error."""
    marks = [{"a": 1, "b": 1, "c": 1}, {"a": 0, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 1}, {"a": 0, "b": 0, "c": 0}]
    stats = quiz_statistics(marks, {"a": 1, "b": 1, "c": 1})
    assert (stats.mean, stats.median) == (1.5, 1.5)
    assert stats.sd == pytest.approx(math.sqrt(3))  # totals 3, 0, 3, 0: squares 9 / (4 - 1)
    assert stats.skewness == pytest.approx(0)
    # totals var k2 = 3; item variances 1/3 each: CIC = 100 * 3/2 * (1 - 1/3) = 100
    assert stats.cic == pytest.approx(100)
    assert stats.error_ratio == pytest.approx(0, abs=1e-6) and stats.standard_error == pytest.approx(0, abs=1e-6)


def test_too_few_attempts_or_questions_leave_values_empty():
    empty = quiz_statistics([], {"a": 1})
    assert empty.attempts == 0 and empty.mean is None and empty.cic is None
    one = quiz_statistics([{"a": 1, "b": 0}], {"a": 1, "b": 1})
    assert (one.mean, one.median, one.sd, one.cic) == (1, 1, None, None)
    two = quiz_statistics([{"a": 1, "b": 0}, {"a": 0, "b": 0}], {"a": 1, "b": 1})
    assert two.sd == pytest.approx(math.sqrt(0.5)) and two.skewness is None and two.cic is None
    single_question = quiz_statistics([{"a": m} for m in (0, 1, 1, 0, 1)], {"a": 1})
    assert single_question.kurtosis is not None and single_question.cic is None


def test_everyone_with_the_same_total_has_no_shape_or_consistency():
    stats = quiz_statistics([{"a": 1, "b": 0}, {"a": 0, "b": 1}, {"a": 1, "b": 0}], {"a": 1, "b": 1})
    assert stats.sd == 0 and stats.skewness is None and stats.kurtosis is None and stats.cic is None


def test_absent_questions_add_nothing_and_none_counts_as_zero():
    stats = quiz_statistics([{"a": 1}, {"a": None, "b": 1}, {"b": 0}], {"a": 1, "b": 1})
    assert stats.mean == pytest.approx(2 / 3) and stats.median == 1


attempts = st.integers(min_value=0, max_value=30).flatmap(lambda n: st.lists(
    st.fixed_dictionaries({q: st.sampled_from([0, 0.25, 0.5, 1]) for q in "abcd"}), min_size=n, max_size=n))


@settings(max_examples=150, deadline=None)
@given(attempts)
def test_properties(marks):
    maxima = {q: 1 for q in "abcd"}
    stats = quiz_statistics(marks, maxima)
    assert stats.attempts == len(marks)
    if marks:
        assert 0 <= stats.mean <= 4 and 0 <= stats.median <= 4
    if stats.cic is not None:
        assert stats.cic <= 100 * 4 / 3 + 1e-9
    if stats.standard_error is not None:
        assert stats.standard_error >= 0 and stats.error_ratio >= 0
    shuffled = list(marks)
    random.Random(7).shuffle(shuffled)
    again = quiz_statistics(shuffled, maxima)
    for field in ("mean", "median", "sd", "cic"):
        a, b = getattr(stats, field), getattr(again, field)
        assert (a is None and b is None) or a == pytest.approx(b, rel=1e-9, abs=1e-9)
