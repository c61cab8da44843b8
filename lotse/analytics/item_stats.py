"""Item analysis for quizzes, following Moodle's quiz statistics report.

Sources:

* Moodle source (the formulas below follow it line by line):
  ``question/classes/statistics/questions/calculator.php``
  (``initial_steps_walker``, ``initial_question_walker``,
  ``secondary_steps_walker``, ``secondary_question_walker``) and
  ``mod/quiz/report/statistics/statistics_table.php`` (``col_sd``,
  ``is_dubious_question``).
* Moodle's reference figures, ``mod/quiz/report/statistics/tests/fixtures/``
  ``results00.csv`` / ``qstats00.csv``, reproduced in the tests.
* Moodle developer docs, "Quiz statistics calculations"
  (https://docs.moodle.org/dev/Quiz_statistics_calculations): general issues
  (incomplete attempts, each attempt treated as independent).

Notation, per question ``i`` over the ``n`` attempts that contain it:
``x`` is the mark for the question, ``X`` is the rest-of-test mark (the sum of
the marks for all *other* questions in the same attempt), and ``max_i`` is the
question's maximum mark.

* facility ``F = mean(x) / max_i``
* sd ``SD = sqrt(sum((x - mean(x))**2) / (n - 1)) / max_i`` (sample SD,
  ``n - 1`` as in Moodle, shown as a fraction of the maximum mark as Moodle's
  ``col_sd`` does)
* discrimination index ``DI = 100 * C(x, X) / sqrt(V(x) * V(X))``, the Pearson
  correlation of the question mark with the rest-of-test mark
* discriminative efficiency ``DE = 100 * C(x, X) / C_max(x, X)``, where
  ``C_max`` pairs the sorted ``x`` deviations with the sorted ``X`` deviations,
  i.e. the largest covariance these two sets of marks could have had.

Missing data (the Moodle behaviour, documented here because the caller decides
the shape of ``marks``):

* A question id *absent* from an attempt means the question was not part of
  that attempt (in Moodle: no question attempt for that slot in the usage, e.g.
  a random question or another variant). The attempt is excluded from that
  question's statistics (``n`` does not count it) and the question adds 0 to
  that attempt's total.
* A question present with the value ``None`` was shown but never graded
  (Moodle stores a null fraction, which its arithmetic treats as 0). It counts
  as an attempt with mark 0.

Deliberate deviations from Moodle, all for undefined cases only:

* ``n == 0``: every value is ``None`` (Moodle shows a facility of 0).
* ``max_i == 0``: facility and sd are ``None`` (as Moodle); DI/DE as usual.
* "zero variance" is decided exactly (all values equal), not by a floating
  point test, so rounding noise never turns an undefined DI into a number.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

QuestionId = Hashable
Attempt = Mapping[QuestionId, "float | None"]

# --- Thresholds for item_flags ----------------------------------------------
#
# Facility bands: Moodle's "Quiz report statistics" interpretation table
# (docs.moodle.org, also reproduced by the Open University's "Moodle Quiz (iCMA)
# reports" guide, section 4.2): 90-94 % "very easy", 95-100 % "extremely easy";
# 11-20 % "difficult", 6-10 % "very difficult", 5 % or less "extremely
# difficult or something wrong with the question".
FACILITY_TOO_EASY = 0.9
"""Facility strictly above this is flagged ``too_easy`` (Moodle: very easy)."""
FACILITY_TOO_HARD = 0.2
"""Facility strictly below this is flagged ``too_hard`` (Moodle: difficult)."""

# Discrimination index bands (percent), from Moodle's quiz statistics report
# documentation: 50 and above very good, 30-50 adequate, 20-29 weak,
# 0-19 very weak, negative: the question probably has an error (wrong key) or
# measures something different from the rest of the test.
DISCRIMINATION_VERY_GOOD = 50.0
DISCRIMINATION_ADEQUATE = 30.0
"""Below this (and at least ``DISCRIMINATION_VERY_WEAK``) is ``weak``."""
DISCRIMINATION_VERY_WEAK = 20.0
"""Below this (and at least 0) is ``very_weak``; below 0 is ``negative``."""

DISCRIMINATIVE_EFFICIENCY_DUBIOUS = 15.0
"""Moodle's ``statistics_table::is_dubious_question``: DE below 15 % marks the
question as "dubious" (highlighted) in the report."""

FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_NEGATIVE_DISCRIMINATION = "negative_discrimination"
FLAG_VERY_WEAK_DISCRIMINATION = "very_weak_discrimination"
FLAG_WEAK_DISCRIMINATION = "weak_discrimination"
FLAG_LOW_EFFICIENCY = "low_discriminative_efficiency"
FLAG_NEVER_CHOSEN = "never_chosen"


@dataclass(frozen=True)
class ItemStatistics:
    """Statistics of one question. Percent values are on a -100..100 scale."""

    n: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None

    def __getitem__(self, key: str) -> Any:
        if key not in _FIELD_NAMES:
            raise KeyError(key)
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_FIELD_NAMES = frozenset(f.name for f in fields(ItemStatistics))


def item_statistics(
    marks: Iterable[Attempt], max_marks: Mapping[QuestionId, float]
) -> dict[QuestionId, ItemStatistics]:
    """Per-question item statistics, keyed like (and ordered as) ``max_marks``.

    ``marks`` holds one mapping per attempt (question id -> mark obtained).
    See the module docstring for formulas and the handling of missing marks.
    Raises ``ValueError`` for unknown question ids, non-finite numbers or a
    negative maximum mark.
    """
    maxima, attempts = validated(marks, max_marks)
    return {q: _question_stats(q, maxima[q], attempts) for q in maxima}


def validated(marks: Iterable[Attempt], max_marks: Mapping[QuestionId, float]
              ) -> tuple[dict[QuestionId, float], list[dict[QuestionId, float]]]:
    """Checked maxima and attempts (None marks as 0), as every statistic here reads them."""
    maxima = {q: _finite(m, f"max mark of {q!r}") for q, m in max_marks.items()}
    if any(m < 0 for m in maxima.values()):
        raise ValueError("max marks must not be negative")
    return maxima, [_clean_attempt(a, maxima) for a in marks]


def _finite(value: Any, what: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} is not a finite number: {value!r}")
    return number


def _clean_attempt(
    attempt: Attempt, maxima: Mapping[QuestionId, float]
) -> dict[QuestionId, float]:
    unknown = [q for q in attempt if q not in maxima]
    if unknown:
        raise ValueError(f"marks for questions without a max mark: {unknown!r}")
    return {
        q: 0.0 if m is None else _finite(m, f"mark of {q!r}")
        for q, m in attempt.items()
    }


def _question_stats(
    question: QuestionId, max_mark: float, attempts: list[dict[QuestionId, float]]
) -> ItemStatistics:
    taken = [a for a in attempts if question in a]
    xs = [a[question] for a in taken]
    # Rest of test summed directly (not total - x) so that equal sets of
    # other marks give bit-identical rest values.
    rests = [math.fsum(m for q, m in a.items() if q != question) for a in taken]
    facility, sd = _facility_and_sd(xs, max_mark)
    di, de = _discrimination(xs, rests)
    return ItemStatistics(len(xs), facility, sd, di, de)


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _deviations(values: list[float]) -> list[float]:
    mean = _mean(values)
    return [v - mean for v in values]


def _is_constant(values: list[float]) -> bool:
    return min(values) == max(values)


def _unit_deviations(values: list[float]) -> list[float]:
    """Deviations divided by the largest one (a positive scale factor).

    DI and DE do not change when one series is scaled, and keeping the terms
    near 1 stops products of very small marks from underflowing to 0.
    """
    deviations = _deviations(values)
    scale = max(abs(d) for d in deviations)
    return [d / scale for d in deviations]


def _facility_and_sd(
    xs: list[float], max_mark: float
) -> tuple[float | None, float | None]:
    """Facility and SD as fractions of the max mark (Moodle ``col_sd``)."""
    if not xs or max_mark == 0:
        return None, None
    # Dividing each mark first keeps a facility of marks <= max within [0, 1].
    facility = _mean([x / max_mark for x in xs])
    if len(xs) < 2:
        return facility, None
    if _is_constant(xs):
        return facility, 0.0
    sum_sq = math.fsum(d * d for d in _deviations(xs))
    return facility, math.sqrt(sum_sq / (len(xs) - 1)) / max_mark


def _discrimination(
    xs: list[float], rests: list[float]
) -> tuple[float | None, float | None]:
    """Discrimination index and discriminative efficiency, in percent.

    Both are ratios of covariances, so Moodle's ``1 / (n - 1)`` factors cancel
    and the sums of products are used directly (on rescaled deviations, which
    leaves both ratios unchanged). Undefined (``None``) when ``n < 2`` or
    either series is constant, as in Moodle.
    """
    if len(xs) < 2 or _is_constant(xs) or _is_constant(rests):
        return None, None
    dx, dr = _unit_deviations(xs), _unit_deviations(rests)
    s_xr = math.fsum(a * b for a, b in zip(dx, dr))
    s_xx = math.fsum(a * a for a in dx)
    s_rr = math.fsum(b * b for b in dr)
    s_max = math.fsum(a * b for a, b in zip(sorted(dx), sorted(dr)))
    denominator = math.sqrt(s_xx) * math.sqrt(s_rr)
    di = _clamp(100.0 * s_xr / denominator, -100.0, 100.0) if denominator else None
    # s_xr <= s_max (rearrangement inequality); min() only absorbs rounding.
    de = min(100.0, 100.0 * s_xr / s_max) if s_max > 0 else None
    return di, de


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def item_flags(
    stats: Mapping[QuestionId, ItemStatistics | Mapping[str, Any]],
    *,
    too_easy: float = FACILITY_TOO_EASY,
    too_hard: float = FACILITY_TOO_HARD,
    very_weak: float = DISCRIMINATION_VERY_WEAK,
    weak: float = DISCRIMINATION_ADEQUATE,
    dubious_efficiency: float = DISCRIMINATIVE_EFFICIENCY_DUBIOUS,
) -> dict[QuestionId, list[str]]:
    """Flag codes per question (empty list: nothing to report).

    Codes: ``too_easy`` (facility > ``too_easy``), ``too_hard`` (facility <
    ``too_hard``), one discrimination band, the worst that applies:
    ``negative_discrimination`` (DI < 0), ``very_weak_discrimination``
    (DI < ``very_weak``), ``weak_discrimination`` (DI < ``weak``); and
    ``low_discriminative_efficiency`` (DE < ``dubious_efficiency``).
    Undefined (``None``) statistics raise no flag.
    """
    return {
        q: _flags_for(s, too_easy, too_hard, very_weak, weak, dubious_efficiency)
        for q, s in stats.items()
    }


def _flags_for(
    s: ItemStatistics | Mapping[str, Any],
    too_easy: float,
    too_hard: float,
    very_weak: float,
    weak: float,
    dubious_efficiency: float,
) -> list[str]:
    flags: list[str] = []
    facility, di, de = s["facility"], s["discrimination_index"], s["discriminative_efficiency"]
    if facility is not None and facility > too_easy:
        flags.append(FLAG_TOO_EASY)
    if facility is not None and facility < too_hard:
        flags.append(FLAG_TOO_HARD)
    if di is not None:
        if di < 0:
            flags.append(FLAG_NEGATIVE_DISCRIMINATION)
        elif di < very_weak:
            flags.append(FLAG_VERY_WEAK_DISCRIMINATION)
        elif di < weak:
            flags.append(FLAG_WEAK_DISCRIMINATION)
    if de is not None and de < dubious_efficiency:
        flags.append(FLAG_LOW_EFFICIENCY)
    return flags


def distractor_flags(option_counts: Mapping[Hashable, int]) -> dict[Hashable, list[str]]:
    """Flag the options of a choice question that no attempt picked.

    Returns every option with its flag list: ``["never_chosen"]`` when its count
    is 0, else ``[]``. An option nobody picks does no work as a distractor
    (or, for the key, means nobody answered correctly).
    """
    if any(count < 0 for count in option_counts.values()):
        raise ValueError("option counts must not be negative")
    return {
        option: [FLAG_NEVER_CHOSEN] if count == 0 else []
        for option, count in option_counts.items()
    }
