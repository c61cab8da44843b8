"""Statistics of a quiz as a whole ("test statistics"), following Moodle's quiz statistics report.

Source: Moodle ``mod/quiz/report/statistics/classes/calculator.php`` (``calculate``) and the
developer documentation "Quiz statistics calculations" (test statistics). With ``s`` attempts, their
totals ``T`` (the sum of the marks, Moodle's ``sumgrades``), ``p`` questions and ``V_i`` the sample
variance of the marks of question ``i``:

* mean and median of ``T`` (an even ``s`` takes the mean of the two middle totals);
* standard deviation ``sqrt(sum((T - mean)**2) / (s - 1))``;
* skewness ``k3 / k2**1.5`` and kurtosis ``k4 / k2**2`` from the moments ``m_r = sum((T - mean)**r) / s``
  with ``k2 = s m2 / (s-1)``, ``k3 = s**2 m3 / ((s-1)(s-2))`` and
  ``k4 = s**2 ((s+1) m4 - 3 (s-1) m2**2) / ((s-1)(s-2)(s-3))``;
* coefficient of internal consistency (Cronbach's alpha, in percent)
  ``CIC = 100 p / (p-1) * (1 - sum(V_i) / k2)``;
* error ratio ``ER = 100 sqrt(1 - CIC / 100)`` and standard error ``SE = ER * SD / 100`` (in marks).

A value Moodle leaves empty (too few attempts, ``k2 == 0``, fewer than two questions) is ``None``.
Missing marks are read as in ``item_stats``: a question absent from an attempt adds 0 to its total
and is left out of that question's variance; ``None`` counts as 0.
Moodle's own reference figures (results00 -> quiz_00) are reproduced in the tests.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .item_stats import Attempt, QuestionId, validated


@dataclass(frozen=True)
class QuizStatistics:
    attempts: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # percent
    error_ratio: float | None  # percent
    standard_error: float | None  # in marks, like sd


def quiz_statistics(marks: Iterable[Attempt], max_marks: Mapping[QuestionId, float]) -> QuizStatistics:
    """Moodle's test statistics for the attempts in ``marks`` (same input as ``item_statistics``)."""
    maxima, attempts = validated(marks, max_marks)
    totals = [math.fsum(attempt.values()) for attempt in attempts]
    s, max_total = len(totals), math.fsum(maxima.values())
    if s == 0:
        return QuizStatistics(0, max_total, None, None, None, None, None, None, None, None)
    mean = math.fsum(totals) / s
    median = statistics.median(totals)
    if s == 1:
        return QuizStatistics(1, max_total, mean, median, None, None, None, None, None, None)
    power = {r: math.fsum((t - mean) ** r for t in totals) for r in (2, 3, 4)}
    sd = math.sqrt(power[2] / (s - 1))
    skewness = kurtosis = cic = error_ratio = standard_error = None
    m2, m3, m4 = (power[r] / s for r in (2, 3, 4))
    k2 = s * m2 / (s - 1)
    if s > 2 and k2 != 0:
        skewness = (s * s * m3 / ((s - 1) * (s - 2))) / k2 ** 1.5
        if s > 3:
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = k4 / (k2 * k2)
        p = len(maxima)
        if p > 1:
            cic = 100 * p / (p - 1) * (1 - _sum_of_mark_variances(maxima, attempts) / k2)
            unexplained = 1 - cic / 100
            if unexplained > -1e-12:  # rounding may put a perfect 100 % a hair above
                error_ratio = 100 * math.sqrt(max(0.0, unexplained))
                standard_error = error_ratio * sd / 100
    return QuizStatistics(s, max_total, mean, median, sd, skewness, kurtosis, cic, error_ratio, standard_error)


def _sum_of_mark_variances(maxima: Mapping[QuestionId, float], attempts: list[dict[QuestionId, float]]) -> float:
    """Sum over the questions of the sample variance of their marks (Moodle's sumofmarkvariance)."""
    total = 0.0
    for question in maxima:
        values = [attempt[question] for attempt in attempts if question in attempt]
        if len(values) > 1:
            total += statistics.variance(values)
    return total
