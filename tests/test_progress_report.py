"""Where a learner stands (lotse.progress_report): completion, next lesson, weak objectives,
recommendations and the timeline, on the fixture course (lesson two requires lesson one)."""

from __future__ import annotations

import pytest

from learner_support import LESSON_ONE, LESSON_TWO, fixture_catalog
from lotse.learning import Status
from lotse.progress_report import (attempt_rows, lesson_entries, local_day, next_open_lesson, overview,
                                   recommended_lessons, timeline, weakest_objectives)

CATALOG = fixture_catalog()


def row(lesson_id: str, *, read: bool = False, attempts: int = 0, passed: bool = False, best: float | None = None,
        at: str = "2025-03-01T10:00:00+00:00") -> dict:
    return {"lesson_id": lesson_id, "read_at": at if read else None, "attempts": attempts, "passed": int(passed),
            "best_percent": best, "reading_seconds": 120.0, "last_activity_at": at}


def test_nothing_done_yet():
    summary = overview(CATALOG, {})
    assert [(m.module_id, m.completed, m.total) for m in summary.modules] == [("m1", 0, 1), ("m2", 0, 1)]
    assert (summary.completed, summary.total, summary.share) == (0, 2, 0.0)
    assert summary.next_lesson.lesson_id == LESSON_ONE
    assert [e.status for e in summary.lessons] == [Status.NOT_STARTED, Status.NOT_STARTED]
    assert summary.modules[0].minutes_left == 10


def test_completion_counts_passed_quizzes_only():
    states = {LESSON_ONE: row(LESSON_ONE, read=True, attempts=1, passed=True, best=80),
              LESSON_TWO: row(LESSON_TWO, read=True)}
    summary = overview(CATALOG, states)
    assert (summary.completed, summary.share) == (1, 0.5)
    assert [e.status for e in summary.lessons] == [Status.PASSED, Status.READ]
    assert summary.lessons[0].icon == "✓" and summary.lessons[0].best_percent == 80
    assert summary.read == 2 and summary.reading_minutes == 4
    assert summary.next_lesson.lesson_id == LESSON_TWO


def test_weiterlernen_returns_to_the_lesson_worked_on_last():
    states = {LESSON_ONE: row(LESSON_ONE, at="2025-03-01T10:00:00+00:00"),
              LESSON_TWO: row(LESSON_TWO, at="2025-03-02T10:00:00+00:00")}
    assert next_open_lesson(CATALOG, lesson_entries(CATALOG, states)).lesson_id == LESSON_TWO


def test_all_done_means_no_next_lesson():
    states = {lid: row(lid, attempts=1, passed=True, best=100) for lid in (LESSON_ONE, LESSON_TWO)}
    assert overview(CATALOG, states).next_lesson is None
    assert recommended_lessons(CATALOG, lesson_entries(CATALOG, states), []) == []


def test_recommendations_respect_prerequisites_and_course_order():
    fresh = recommended_lessons(CATALOG, lesson_entries(CATALOG, {}), [])
    assert [r.lesson_id for r in fresh] == [LESSON_ONE]            # lesson two needs lesson one passed
    passed_one = {LESSON_ONE: row(LESSON_ONE, attempts=1, passed=True, best=100)}
    assert [r.lesson_id for r in recommended_lessons(CATALOG, lesson_entries(CATALOG, passed_one), [])] == [LESSON_TWO]


def test_failed_quiz_and_weak_objectives_come_first():
    states = {LESSON_ONE: row(LESSON_ONE, attempts=1, passed=True, best=75),
              LESSON_TWO: row(LESSON_TWO, attempts=1, best=10)}
    objective_rows = [
        {"lesson_id": LESSON_ONE, "objective": "begriffe", "mark": 2, "max_mark": 2, "answers": 2},
        {"lesson_id": LESSON_ONE, "objective": "ablauf", "mark": 0.5, "max_mark": 2, "answers": 2},
        {"lesson_id": LESSON_TWO, "objective": "zahlen", "mark": 0, "max_mark": 1, "answers": 1},
        {"lesson_id": "weg", "objective": "x", "mark": 0, "max_mark": 1, "answers": 1},    # lesson gone
        {"lesson_id": LESSON_ONE, "objective": "weg", "mark": 0, "max_mark": 1, "answers": 1},  # objective gone
    ]
    weak = weakest_objectives(CATALOG, objective_rows)
    assert [(w.objective_id, w.percent) for w in weak] == [("zahlen", 0.0), ("ablauf", 25.0)]
    recommended = recommended_lessons(CATALOG, lesson_entries(CATALOG, states), weak)
    assert [(r.lesson_id, r.reason.split(":")[0]) for r in recommended] == [
        (LESSON_TWO, "Quiz noch nicht bestanden"), (LESSON_ONE, "Lernziel noch unsicher")]


def test_timeline_is_cumulative_per_local_day():
    events = [
        {"kind": "lesson_read", "lesson_id": LESSON_ONE, "payload": {}, "created_at": "2025-03-01T22:30:00+00:00"},
        {"kind": "attempt_graded", "lesson_id": LESSON_ONE, "payload": {"passed": False},
         "created_at": "2025-03-01T22:40:00+00:00"},
        {"kind": "attempt_graded", "lesson_id": LESSON_ONE, "payload": {"passed": True},
         "created_at": "2025-03-02T09:00:00+00:00"},
        {"kind": "attempt_graded", "lesson_id": LESSON_ONE, "payload": {"passed": True},
         "created_at": "2025-03-02T09:10:00+00:00"},                       # passing twice counts once
        {"kind": "lesson_read", "lesson_id": LESSON_TWO, "payload": {}, "created_at": "2025-03-05T08:00:00+00:00"},
    ]
    points = [(p.day, p.read, p.passed) for p in timeline(events)]
    # 22:30 UTC on 1 March is 23:30 in Berlin, still the 1st.
    assert points == [("2025-03-01", 1, 0), ("2025-03-02", 1, 1), ("2025-03-05", 2, 1)]


@pytest.mark.parametrize("stamp, day", [("2025-03-01T23:30:00+00:00", "2025-03-02"),     # CET, +1
                                        ("2025-07-01T22:30:00+00:00", "2025-07-02"),     # CEST, +2
                                        ("2025-07-01T21:59:00+00:00", "2025-07-01")])
def test_days_are_german_local_days(stamp, day):
    assert local_day(stamp) == day


def test_attempt_rows_mark_the_best_attempt():
    attempts = [{"id": 7, "attempt_no": 1, "submitted_at": "2025-03-01T09:00:00+00:00", "score": 1.5,
                 "max_score": 4, "percent": 37.5, "passed": 0},
                {"id": 9, "attempt_no": 2, "submitted_at": "2025-03-01T09:30:00+00:00", "score": 4,
                 "max_score": 4, "percent": 100, "passed": 1}]
    rows = attempt_rows(attempts, best_attempt_id=9)
    assert rows[0] == {"Versuch": 1, "Abgegeben": "01.03.2025, 10:00", "Punkte": "1,5 von 4", "Ergebnis": "38 %",
                       "Bestanden": "nein", "Zählt (bester Versuch)": ""}
    assert rows[1]["Zählt (bester Versuch)"] == "ja"
