"""Tests for lotse.analytics.item_stats (Moodle-style item analysis)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lotse.analytics import ItemStatistics, distractor_flags, item_flags, item_statistics
from lotse.analytics import item_stats as mod

# ---------------------------------------------------------------------------
# Hand-computed small matrix: 4 attempts, 3 questions, max mark 1 each.
#
#            a  b  c | total
#   A1       1  1  0 |  2
#   A2       1  0  1 |  2
#   A3       0  1  0 |  1
#   A4       0  0  0 |  0
#
# Sxy = sum of products of deviations; the 1/(n-1) factors cancel in DI and DE.
#
# Question a: x = [1,1,0,0], rest X = b+c = [1,1,1,0]
#   mean x = 0.5, mean X = 0.75
#   dx = [.5,.5,-.5,-.5], dX = [.25,.25,.25,-.75]
#   Sxx = 4*.25 = 1, SXX = 3*.0625 + .5625 = .75, SxX = .125+.125-.125+.375 = .5
#   facility = .5, sd = sqrt(1/3) = 0.57735...
#   DI = 100 * .5 / sqrt(1 * .75) = 57.735...
#   sorted dx = [-.5,-.5,.5,.5], sorted dX = [-.75,.25,.25,.25]
#   Smax = .375 - .125 + .125 + .125 = .5  ->  DE = 100 * .5/.5 = 100
# Question b: x = [1,0,1,0], rest X = a+c = [1,2,0,0]
#   mean x = .5, mean X = .75, dx = [.5,-.5,.5,-.5], dX = [.25,1.25,-.75,-.75]
#   Sxx = 1, SXX = .0625+1.5625+.5625+.5625 = 2.75
#   SxX = .125 - .625 - .375 + .375 = -.5
#   DI = 100 * -.5 / sqrt(2.75) = -30.151...
#   sorted dX = [-.75,-.75,.25,1.25]; Smax = .375+.375+.125+.625 = 1.5
#   DE = 100 * -.5 / 1.5 = -33.333...
# Question c: x = [0,1,0,0], rest X = a+b = [2,1,1,0]
#   mean x = .25, mean X = 1, dx = [-.25,.75,-.25,-.25], dX = [1,0,0,-1]
#   Sxx = .75, SXX = 2, SxX = -.25 + 0 + 0 + .25 = 0  ->  DI = 0
#   sorted dx = [-.25,-.25,-.25,.75], sorted dX = [-1,0,0,1]
#   Smax = .25 + 0 + 0 + .75 = 1  ->  DE = 0
#   facility = .25, sd = sqrt(.75/3) = .5
# ---------------------------------------------------------------------------
SMALL = [
    {"a": 1, "b": 1, "c": 0},
    {"a": 1, "b": 0, "c": 1},
    {"a": 0, "b": 1, "c": 0},
    {"a": 0, "b": 0, "c": 0},
]
SMALL_MAX = {"a": 1, "b": 1, "c": 1}


def test_hand_computed_small_matrix():
    stats = item_statistics(SMALL, SMALL_MAX)
    assert list(stats) == ["a", "b", "c"]
    a, b, c = stats["a"], stats["b"], stats["c"]
    assert a.n == b.n == c.n == 4
    assert a.facility == pytest.approx(0.5)
    assert a.sd == pytest.approx(math.sqrt(1 / 3))
    assert a.discrimination_index == pytest.approx(100 * 0.5 / math.sqrt(0.75))
    assert a.discriminative_efficiency == pytest.approx(100.0)
    assert b.facility == pytest.approx(0.5)
    assert b.discrimination_index == pytest.approx(100 * -0.5 / math.sqrt(2.75))
    assert b.discriminative_efficiency == pytest.approx(-100 / 3)
    assert c.facility == pytest.approx(0.25)
    assert c.sd == pytest.approx(0.5)
    assert c.discrimination_index == pytest.approx(0.0, abs=1e-12)
    assert c.discriminative_efficiency == pytest.approx(0.0, abs=1e-12)


def test_item_statistics_access_styles():
    s = item_statistics(SMALL, SMALL_MAX)["c"]
    assert isinstance(s, ItemStatistics)
    assert s["facility"] == s.facility == s.as_dict()["facility"]
    assert set(s.as_dict()) == {
        "n", "facility", "sd", "discrimination_index", "discriminative_efficiency"
    }
    with pytest.raises(KeyError):
        s["nope"]
    with pytest.raises(AttributeError):  # frozen
        s.facility = 1.0  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Moodle's own reference figures.
# Marks: moodle/moodle mod/quiz/report/statistics/tests/fixtures/results00.csv
# (25 attempts x 7 slots, every max mark 1). Expected values:
# .../fixtures/qstats00.csv, "calculated independently in a spreadsheet"
# (stats_from_steps_walkthrough_test.php), compared there with relative
# tolerance 1e-6 (facility, sd) and 1e-5 (DI, DE).
# ---------------------------------------------------------------------------
MOODLE_RESULTS00 = [
    (1, 1, 1, 1, 1, 0, 1), (1, 1, 1, 1, 0.5, 1, 0), (1, 1, 1, 1, 0.5, 0, 1),
    (0, 0, 1, 1, 1, 0, 0), (1, 0, 1, 0, 0, 1, 0.5), (1, 1, 1, 1, 0.5, 0, 0.5),
    (0, 1, 1, 1, 0.5, 1, 0.5), (1, 1, 1, 0, 0.5, 1, 0.5), (1, 0, 1, 1, 1, 1, 1),
    (0, 1, 1, 0, 0.5, 1, 0.5), (0.8, 0, 1, 1, 0.5, 1, 0.5), (1, 1, 1, 0, 0.5, 1, 1),
    (1, 0, 1, 1, 0.5, 1, 0.5), (1, 0, 1, 1, 1, 0, 0.5), (0, 0, 1, 1, 0, 1, 1),
    (1, 0, 1, 0, 0.5, 1, 1), (0.8, 0, 1, 1, 0.5, 0, 1), (1, 0, 1, 1, 0, 1, 0.5),
    (1, 0, 1, 1, 0.5, 0, 0.5), (0, 1, 1, 0, 0.5, 1, 0), (1, 1, 0.3333333, 1, 0.5, 0, 0.5),
    (1, 1, 1, 0, 0.5, 0, 0.5), (1, 1, 1, 1, 0, 1, 0.5), (0, 0, 1, 0, 0.5, 1, 1),
    (0, 0, 1, 1, 1, 1, 1),
]
# slot: (facility, sd, discriminationindex, discriminativeefficiency)
MOODLE_QSTATS00 = {
    1: (0.704, 0.4513682901, -7.0650767526, -9.4550536967),
    2: (0.48, 0.5099019514, -28.8982125772, -36.7834118938),
    3: (0.973333332, 0.13333334, -9.1230674268, -21.6545012165),
    4: (0.68, 0.4760952286, -22.6306444113, -31.4411395613),
    5: (0.52, 0.3055050463, -17.6997047674, -21.1794802584),
    6: (0.64, 0.4898979486, -45.3785178421, -56.9365974439),
    7: (0.62, 0.331662479, -5.6543166602, -6.5043742058),
}


def _moodle_attempts() -> list[dict[int, float]]:
    return [{slot: m for slot, m in enumerate(row, start=1)} for row in MOODLE_RESULTS00]


@pytest.mark.parametrize("slot", sorted(MOODLE_QSTATS00))
def test_moodle_reference_fixture(slot):
    stats = item_statistics(_moodle_attempts(), {s: 1 for s in range(1, 8)})[slot]
    facility, sd, di, de = MOODLE_QSTATS00[slot]
    assert stats.n == 25
    assert stats.facility == pytest.approx(facility, rel=1e-6)
    assert stats.sd == pytest.approx(sd, rel=1e-6)
    assert stats.discrimination_index == pytest.approx(di, rel=1e-5)
    assert stats.discriminative_efficiency == pytest.approx(de, rel=1e-5)


# Same Moodle test: slot 2 broken down by variant; the variant statistics are
# the slot statistics over only the attempts that got that variant (variants
# from fixtures/steps00.csv, expected values from the walkthrough test). Here
# slot 2 is dropped from every other attempt, which exercises our "question
# absent from an attempt" handling against Moodle's figures.
@pytest.mark.parametrize(
    "attempt_numbers, expected",
    [
        ({1, 2, 6, 9, 14, 24}, (6, 0.5, 0.5477225575, -10.5999788, -14.28571429)),
        ({12, 13, 19, 21, 25}, (5, 0.4, 0.547722558, -57.77466679, -71.05263241)),
    ],
    ids=["variant1", "variant8"],
)
def test_moodle_reference_variants_as_missing_question(attempt_numbers, expected):
    attempts = _moodle_attempts()
    for number, attempt in enumerate(attempts, start=1):
        if number not in attempt_numbers:
            del attempt[2]
    s = item_statistics(attempts, {s: 1 for s in range(1, 8)})[2]
    n, facility, sd, di, de = expected
    assert s.n == n
    assert s.facility == pytest.approx(facility, rel=1e-6)
    assert s.sd == pytest.approx(sd, rel=1e-6)
    assert s.discrimination_index == pytest.approx(di, rel=1e-5)
    assert s.discriminative_efficiency == pytest.approx(de, rel=1e-5)


# ---------------------------------------------------------------------------
# Undefined cases
# ---------------------------------------------------------------------------
def test_zero_variance_question():
    # q always 1 -> variance 0: sd is 0, DI and DE undefined.
    stats = item_statistics([{"q": 1, "r": 0}, {"q": 1, "r": 1}, {"q": 1, "r": 1}],
                            {"q": 1, "r": 1})
    q = stats["q"]
    assert (q.n, q.facility, q.sd) == (3, 1.0, 0.0)
    assert q.discrimination_index is None and q.discriminative_efficiency is None
    # r varies but its rest of test (q = 1 everywhere) is constant -> undefined.
    r = stats["r"]
    assert r.sd == pytest.approx(math.sqrt((4 / 9 + 1 / 9 + 1 / 9) / 2))
    assert r.discrimination_index is None and r.discriminative_efficiency is None


def test_zero_variance_with_inexact_decimals_is_exactly_zero():
    # 0.1 is not exact in binary; a naive variance would be ~1e-34, not 0.
    stats = item_statistics([{"q": 0.1, "r": 0.0}, {"q": 0.1, "r": 1.0}] * 3,
                            {"q": 0.1, "r": 1})["q"]
    assert stats.sd == 0.0
    assert stats.facility == pytest.approx(1.0) and stats.facility <= 1.0
    assert stats.discrimination_index is None


def test_single_attempt():
    s = item_statistics([{"q": 2, "r": 1}], {"q": 4, "r": 1})["q"]
    assert s == ItemStatistics(n=1, facility=0.5, sd=None,
                               discrimination_index=None, discriminative_efficiency=None)


def test_no_attempts_and_unattempted_question():
    assert item_statistics([], {"q": 1})["q"] == ItemStatistics(0, None, None, None, None)
    s = item_statistics([{"q": 1}, {"q": 0}], {"q": 1, "never": 2})["never"]
    assert s == ItemStatistics(0, None, None, None, None)


def test_zero_max_mark_gives_no_facility():
    s = item_statistics([{"q": 0, "r": 1}, {"q": 0, "r": 0}], {"q": 0, "r": 1})["q"]
    assert (s.n, s.facility, s.sd, s.discrimination_index) == (2, None, None, None)


def test_no_nan_anywhere():
    stats = item_statistics([{"q": 0, "r": 0}, {"q": 0, "r": 0}], {"q": 1, "r": 1})
    for s in stats.values():
        for value in s.as_dict().values():
            assert value is None or not math.isnan(value)


# ---------------------------------------------------------------------------
# Missing questions and None marks
# ---------------------------------------------------------------------------
def test_question_missing_in_some_attempts():
    # b absent from A3. A3 is excluded from b's statistics; for a and c it
    # still counts, with b contributing 0 to its total.
    #        a  b  c
    #   A1   1  1  0
    #   A2   0  0  1
    #   A3   1  -  1
    #   A4   0  1  0
    attempts = [{"a": 1, "b": 1, "c": 0}, {"a": 0, "b": 0, "c": 1},
                {"a": 1, "c": 1}, {"a": 0, "b": 1, "c": 0}]
    stats = item_statistics(attempts, {"a": 1, "b": 1, "c": 1})
    # b over A1, A2, A4: x = [1,0,1], rest = a+c = [1,1,0]
    #   mean x = 2/3, mean X = 2/3; dx = [1/3,-2/3,1/3], dX = [1/3,1/3,-2/3]
    #   Sxx = SXX = 1/9+4/9+1/9 = 2/3; SxX = 1/9 - 2/9 - 2/9 = -1/3
    #   DI = 100 * (-1/3) / (2/3) = -50
    #   sorted dx = [-2/3,1/3,1/3], sorted dX = [-2/3,1/3,1/3]; Smax = 2/3
    #   DE = 100 * (-1/3) / (2/3) = -50; sd = sqrt((2/3)/2) = sqrt(1/3)
    b = stats["b"]
    assert b.n == 3
    assert b.facility == pytest.approx(2 / 3)
    assert b.sd == pytest.approx(math.sqrt(1 / 3))
    assert b.discrimination_index == pytest.approx(-50.0)
    assert b.discriminative_efficiency == pytest.approx(-50.0)
    # a over all 4: x = [1,0,1,0], rest = b+c with b missing as 0 = [1,1,1,1]
    # -> rest constant -> DI undefined.
    assert stats["a"].n == 4
    assert stats["a"].discrimination_index is None


def test_none_mark_counts_as_zero_like_moodle_null_fraction():
    with_none = item_statistics([{"q": None, "r": 1}, {"q": 1, "r": 0}, {"q": 1, "r": 1}],
                                {"q": 1, "r": 1})
    with_zero = item_statistics([{"q": 0, "r": 1}, {"q": 1, "r": 0}, {"q": 1, "r": 1}],
                                {"q": 1, "r": 1})
    assert with_none == with_zero
    assert with_none["q"].n == 3


@pytest.mark.parametrize(
    "marks, max_marks",
    [
        ([{"x": 1}], {"q": 1}),  # question without a max mark
        ([{"q": float("nan")}], {"q": 1}),
        ([{"q": float("inf")}], {"q": 1}),
        ([{"q": 1}], {"q": -1}),
        ([{"q": 1}], {"q": float("nan")}),
    ],
)
def test_invalid_input_raises(marks, max_marks):
    with pytest.raises(ValueError):
        item_statistics(marks, max_marks)


# ---------------------------------------------------------------------------
# Fractional max marks
# ---------------------------------------------------------------------------
def test_fractional_max_marks():
    # q max 0.5, r max 2.5
    #        q     r    | rest for q = r, rest for r = q
    #   A1   0.5   2.5
    #   A2   0.25  1.25
    #   A3   0     0
    # q fractions [1, .5, 0] -> facility .5, sd of fractions = sqrt((.25+0+.25)/2) = .5
    # r fractions [1, .5, 0] -> same. x and rest are proportional -> DI = DE = 100.
    stats = item_statistics(
        [{"q": 0.5, "r": 2.5}, {"q": 0.25, "r": 1.25}, {"q": 0, "r": 0}],
        {"q": 0.5, "r": 2.5},
    )
    for s in stats.values():
        assert s.facility == pytest.approx(0.5)
        assert s.sd == pytest.approx(0.5)
        assert s.discrimination_index == pytest.approx(100.0)
        assert s.discriminative_efficiency == pytest.approx(100.0)


def test_fractional_partial_marks_match_numpy():
    attempts = [{"q": 0.75, "r": 0.2, "s": 1.5}, {"q": 0.25, "r": 0.4, "s": 0.0},
                {"q": 0.5, "r": 0.0, "s": 1.0}, {"q": 0.0, "r": 0.6, "s": 0.5}]
    max_marks = {"q": 0.75, "r": 0.6, "s": 1.5}
    stats = item_statistics(attempts, max_marks)
    matrix = np.array([[a[q] for q in max_marks] for a in attempts])
    for j, q in enumerate(max_marks):
        x = matrix[:, j]
        rest = matrix.sum(axis=1) - x
        assert stats[q].facility == pytest.approx(x.mean() / max_marks[q])
        assert stats[q].sd == pytest.approx(x.std(ddof=1) / max_marks[q])
        assert stats[q].discrimination_index == pytest.approx(
            100 * np.corrcoef(x, rest)[0, 1])


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------
# Fractions of the max mark. Arbitrary floats too, but not so tiny that
# scaling a mark by 0.5 loses its value (subnormals are not real marks).
FRACTIONS = st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.8, 1.0]) | st.floats(1e-9, 1)


@st.composite
def quizzes(draw, allow_missing=True):
    n_questions = draw(st.integers(1, 4))
    questions = [f"q{i}" for i in range(n_questions)]
    max_marks = {q: draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 10.0, 0.1]))
                 for q in questions}
    attempts = []
    for _ in range(draw(st.integers(0, 12))):
        attempt = {}
        for q in questions:
            if allow_missing and draw(st.integers(0, 5)) == 0:
                continue
            attempt[q] = draw(FRACTIONS) * max_marks[q]
        attempts.append(attempt)
    return attempts, max_marks


def _close(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(quizzes())
def test_property_ranges(quiz):
    attempts, max_marks = quiz
    for q, s in item_statistics(attempts, max_marks).items():
        assert s.n == sum(q in a for a in attempts)
        for value in s.as_dict().values():
            assert value is None or math.isfinite(value)
        if s.facility is not None:
            assert 0.0 <= s.facility <= 1.0
        if s.sd is not None:
            assert s.sd >= 0.0
        if s.discrimination_index is not None:
            assert -100.0 <= s.discrimination_index <= 100.0
        if s.discriminative_efficiency is not None:
            assert s.discriminative_efficiency <= 100.0


@settings(max_examples=200, deadline=None)
@given(quizzes(), st.randoms(use_true_random=False))
def test_property_invariant_under_attempt_order(quiz, rnd: random.Random):
    attempts, max_marks = quiz
    shuffled = list(attempts)
    rnd.shuffle(shuffled)
    assert item_statistics(shuffled, max_marks) == item_statistics(attempts, max_marks)


@settings(max_examples=200, deadline=None)
@given(quizzes(), st.sampled_from([0.5, 2.0, 3.0, 7.5, 100.0]), st.data())
def test_property_scaling_one_question(quiz, factor, data):
    # Scaling one question's marks and max mark by the same factor leaves that
    # question's statistics unchanged (its rest of test is untouched and DI/DE
    # are scale-free), and leaves the facility and sd of the others unchanged.
    attempts, max_marks = quiz
    q = data.draw(st.sampled_from(sorted(max_marks)))
    scaled = [{k: v * factor if k == q else v for k, v in a.items()} for a in attempts]
    scaled_max = {k: m * factor if k == q else m for k, m in max_marks.items()}
    before = item_statistics(attempts, max_marks)
    after = item_statistics(scaled, scaled_max)
    for field in ("n", "facility", "sd", "discrimination_index", "discriminative_efficiency"):
        assert _close(before[q][field], after[q][field]), field
    for other in max_marks:
        assert _close(before[other].facility, after[other].facility)
        assert _close(before[other].sd, after[other].sd)


@settings(max_examples=200, deadline=None)
@given(quizzes(), st.sampled_from([0.5, 2.0, 3.0, 7.5]))
def test_property_scaling_whole_quiz(quiz, factor):
    attempts, max_marks = quiz
    scaled = [{k: v * factor for k, v in a.items()} for a in attempts]
    before = item_statistics(attempts, max_marks)
    after = item_statistics(scaled, {k: m * factor for k, m in max_marks.items()})
    for q in max_marks:
        for field, value in before[q].as_dict().items():
            assert _close(value, after[q][field]), (q, field)


@settings(max_examples=200, deadline=None)
@given(quizzes(allow_missing=False))
def test_property_matches_numpy_pearson(quiz):
    attempts, max_marks = quiz
    assume(len(attempts) >= 2)
    stats = item_statistics(attempts, max_marks)
    matrix = np.array([[a[q] for q in max_marks] for a in attempts])
    for j, q in enumerate(max_marks):
        x, rest = matrix[:, j], matrix.sum(axis=1) - matrix[:, j]
        di = stats[q].discrimination_index
        if di is None:
            continue
        assume(x.std() > 1e-9 and rest.std() > 1e-9)  # well-conditioned only
        assert di == pytest.approx(100 * np.corrcoef(x, rest)[0, 1], abs=1e-6)


# ---------------------------------------------------------------------------
# Flags
# ---------------------------------------------------------------------------
def _stat(facility=0.5, di=40.0, de=60.0, n=10):
    return ItemStatistics(n, facility, 0.3, di, de)


def test_item_flags_bands_and_thresholds():
    flags = item_flags({
        "ok": _stat(),
        "easy": _stat(facility=0.95),
        "edge_easy": _stat(facility=mod.FACILITY_TOO_EASY),  # not strictly above
        "hard": _stat(facility=0.1),
        "edge_hard": _stat(facility=mod.FACILITY_TOO_HARD),  # not strictly below
        "negative": _stat(di=-5.0, de=-8.0),
        "zero": _stat(di=0.0, de=20.0),
        "very_weak": _stat(di=19.9, de=20.0),
        "weak": _stat(di=20.0, de=20.0),
        "weak_top": _stat(di=29.9, de=20.0),
        "adequate": _stat(di=30.0, de=20.0),
        "dubious": _stat(di=35.0, de=14.9),
    })
    assert flags["ok"] == []
    assert flags["easy"] == ["too_easy"]
    assert flags["edge_easy"] == []
    assert flags["hard"] == ["too_hard"]
    assert flags["edge_hard"] == []
    assert flags["negative"] == ["negative_discrimination", "low_discriminative_efficiency"]
    assert flags["zero"] == ["very_weak_discrimination"]
    assert flags["very_weak"] == ["very_weak_discrimination"]
    assert flags["weak"] == ["weak_discrimination"]
    assert flags["weak_top"] == ["weak_discrimination"]
    assert flags["adequate"] == []
    assert flags["dubious"] == ["low_discriminative_efficiency"]


def test_item_flags_ignore_undefined_and_accept_plain_dicts():
    undefined = ItemStatistics(1, None, None, None, None)
    plain = {"n": 3, "facility": 1.0, "sd": 0.0,
             "discrimination_index": None, "discriminative_efficiency": None}
    assert item_flags({"u": undefined, "p": plain}) == {"u": [], "p": ["too_easy"]}


def test_item_flags_custom_thresholds():
    flags = item_flags({"q": _stat(facility=0.85, di=40.0)}, too_easy=0.8, weak=50.0)
    assert flags["q"] == ["too_easy", "weak_discrimination"]


def test_item_flags_on_real_statistics():
    flags = item_flags(item_statistics(SMALL, SMALL_MAX))
    assert flags["a"] == []  # DI 57.7, DE 100
    assert flags["b"] == ["negative_discrimination", "low_discriminative_efficiency"]
    assert flags["c"] == ["very_weak_discrimination", "low_discriminative_efficiency"]


def test_distractor_flags():
    assert distractor_flags({"A": 12, "B": 0, "C": 3, "D": 0}) == {
        "A": [], "B": ["never_chosen"], "C": [], "D": ["never_chosen"]
    }
    assert distractor_flags({}) == {}
    with pytest.raises(ValueError):
        distractor_flags({"A": -1})
