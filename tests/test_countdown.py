"""Seminar countdown: days left, open lessons, pace, kind wording when overdue (pure functions)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from lotse import countdown, learning
from progress import cohorts as cohort_sql
from progress import prepared_store
from progress.users import insert_user

from selfstudy_course import build, right_answers

TODAY = date(2025, 3, 1)
SIX = [(f"l{i}", 20) for i in range(6)]


def make(seminar, pre=None, lessons=SIX, today=TODAY):
    return countdown.countdown_for({"name": "Kohorte Nord", "seminar_date": seminar, "pre_deadline": pre},
                                   today, lessons)


def test_the_example_from_the_issue():
    result = make("2025-03-13")
    assert result.days_left == 12 and result.pace == "noch 6 Lektionen in 12 Tagen"
    assert result.tone == "on_track"
    assert result.headline == "Ihr Seminar „Kohorte Nord“ beginnt in 12 Tagen (Donnerstag, 13. März 2025)."
    assert result.message == ("Noch 6 Lektionen in 12 Tagen bis zum Seminar (zusammen etwa 2 Stunden) – "
                              "etwa eine Lektion alle 2 Tage.")


def test_pre_deadline_is_the_target_when_set():
    result = make("2025-03-13", pre="2025-03-04")
    assert result.deadline == date(2025, 3, 4) and result.days_left == 3 and result.uses_pre_deadline
    assert "bis zur Vorbereitungsfrist am 4. März 2025" in result.message
    assert "etwa 2 Lektionen pro Tag" in result.message


def test_passed_pre_deadline_is_worded_kindly_and_counts_to_the_seminar():
    result = make("2025-03-05", pre="2025-02-25")
    assert result.tone == "deadline_passed" and result.days_left < 0
    assert result.message.startswith("Die empfohlene Vorbereitungsfrist ist am 25. Februar 2025 abgelaufen. "
                                     "Kein Grund zur Sorge:")
    assert "Noch 6 Lektionen in 4 Tagen bis zum Seminar" in result.message
    for harsh in ("überfällig", "verpasst", "Achtung", "!"):
        assert harsh not in result.message


@pytest.mark.parametrize("seminar, tone, phrase", [
    ("2025-03-02", "last_day", "Heute ist der letzte Tag vor dem Seminar"),
    ("2025-03-01", "seminar_today", "Heute ist Ihr Seminartag"),
    ("2025-02-20", "after_seminar", "war am 20. Februar 2025"),
])
def test_last_day_seminar_day_and_after(seminar, tone, phrase):
    result = make(seminar)
    assert result.tone == tone and phrase in result.headline + " " + result.message


def test_all_done_is_praised():
    result = make("2025-03-13", lessons=[])
    assert result.tone == "done" and "alle Lektionen abgeschlossen" in result.message and result.pace == ""


def test_tomorrow_and_singulars():
    result = make("2025-03-02", pre="2025-03-02", lessons=[("a", 10)])
    assert "beginnt morgen" in result.headline
    result = make("2025-03-03", lessons=[("a", 10)])
    assert result.pace == "noch 1 Lektion in 2 Tagen"
    assert "(zusammen 10 Minuten)" in result.message


@pytest.mark.parametrize("lessons, days, expected", [
    (6, 12, "etwa eine Lektion alle 2 Tage"), (12, 6, "etwa 2 Lektionen pro Tag"), (5, 5, "etwa eine Lektion pro Tag"),
    (7, 3, "etwa 3 Lektionen pro Tag"), (3, 10, "etwa eine Lektion alle 3 Tage"), (0, 5, ""), (4, 0, ""),
    (12, 18, "etwa 5 Lektionen pro Woche"), (6, 7, "etwa 6 Lektionen pro Woche"), (4, 8, "etwa eine Lektion alle 2 Tage"),
])
def test_pace(lessons, days, expected):
    assert countdown.pace_text(lessons, days) == expected


@pytest.mark.parametrize("minutes, expected", [(45, "45 Minuten"), (60, "etwa 1 Stunde"), (150, "etwa 2,5 Stunden"),
                                               (1, "1 Minute")])
def test_hours(minutes, expected):
    assert countdown.hours_text(minutes) == expected


def test_no_date_old_seminar_and_bad_dates_give_no_countdown():
    assert make(None) is None
    assert make("2025-01-01") is None  # more than PAST_DAYS_SHOWN days ago
    assert make("kein Datum") is None
    assert make("2025-03-13", pre="2025-04-01").deadline == date(2025, 3, 13)  # a deadline after the seminar is ignored


def test_upcoming_seminars_first():
    cohorts = [{"name": "alt", "seminar_date": "2025-02-25"}, {"name": "spät", "seminar_date": "2025-05-01"},
               {"name": "bald", "seminar_date": "2025-03-10"}, {"name": "ohne", "seminar_date": None}]
    assert [c.cohort_name for c in countdown.countdowns(cohorts, TODAY, SIX)] == ["bald", "spät", "alt"]


def test_local_today_uses_german_time():
    late_utc = datetime(2025, 3, 1, 23, 30, tzinfo=timezone.utc)  # 00:30 in Berlin
    assert countdown.local_today(late_utc) == date(2025, 3, 2)


def test_learner_countdown_counts_open_lessons(tmp_path):
    catalog = build(tmp_path / "content")
    db = prepared_store(tmp_path / "lotse.db")
    learner = insert_user(db, "lena", "Lena", "learner")
    trainer = insert_user(db, "tina", "Tina", "trainer")
    assert countdown.learner_countdowns(db, learner, catalog, TODAY) == []
    cohort = cohort_sql.insert_cohort(db, "Seminar Süd", trainer.id, "CODE1", seminar_date="2025-03-11")
    cohort_sql.add_member(db, cohort, learner.id)
    learning.submit_attempt(db, learner, catalog.quiz("l2"), 1, right_answers(catalog, "l2"))
    [result] = countdown.learner_countdowns(db, learner, catalog, TODAY)
    assert result.open_lessons == ("l1", "l3", "l4") and result.open_minutes == 60
    assert result.pace == "noch 3 Lektionen in 10 Tagen"


def test_one_day_left_reads_naturally():
    with_pre = make("2025-03-05", pre="2025-03-02")
    assert with_pre.tone == "on_track" and with_pre.message.startswith(
        "Noch 6 Lektionen bis zur Vorbereitungsfrist morgen (zusammen etwa 2 Stunden)")
    late = make("2025-03-02", pre="2025-02-27")
    assert late.tone == "deadline_passed" and "6 Lektionen sind noch offen" in late.message
    assert "bis morgen bis" not in with_pre.message + late.message
