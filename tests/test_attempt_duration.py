"""When a quiz attempt starts (issue 20): the start time is kept from "Quiz starten" / "Neuer Versuch"
through a reload to the submit, the xAPI statement of the attempt carries ``result.duration``
(absent for attempts from before), and the start time is personal data: exported and deleted."""

from __future__ import annotations

import pytest

from learner_support import LESSON_ONE, LESSON_TWO, PERFECT, fixture_catalog, new_database, new_user
from lotse import learning, privacy
from lotse.config import load_settings
from lotse.interop import validate_statement
from lotse.interop.xapi import iso_duration
from lotse.xapi_export import learner_statements
from progress import open_store, prepared_store
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

QUIZ_ONE = fixture_catalog().quiz(LESSON_ONE)
STEP = ("lotse-core", "attempt_start_times")


def started_at(db, table: str, user_id: int) -> list:
    return [row[0] for row in raw(db).execute(f"SELECT started_at FROM {table} WHERE user_id = ? ORDER BY lesson_id",
                                              [user_id]).rows]


def quiz_statement(statements: list[dict], lesson_id: str) -> dict:
    return next(s for s in statements if s["object"]["id"].endswith(f"/quizzes/{lesson_id}"))


@pytest.fixture
def settings(tmp_path):
    return load_settings({"LOTSE_DATA_DIR": str(tmp_path / "data"), "LOTSE_BASE_URL": "https://lotse.example.de"})


def test_the_start_survives_a_reload_and_a_second_click_and_reaches_the_attempt(tmp_path):
    db, url = new_database(tmp_path)
    anna = new_user(db)
    learning.start_new_attempt(db, anna, LESSON_ONE)
    [started] = started_at(db, "drafts", anna.id)
    assert started is not None
    raw(db).execute("UPDATE drafts SET started_at = ? WHERE user_id = ?", ["2026-03-02T09:00:00+00:00", anna.id])
    reloaded = open_store(url)  # a reload: a new session, a new connection
    assert learning.start_new_attempt(reloaded, anna, LESSON_ONE) == 1  # clicked again: the clock keeps running
    assert learning.save_draft(reloaded, anna, LESSON_ONE, 1, {"ozg-ziel": 0})
    assert started_at(db, "drafts", anna.id) == ["2026-03-02T09:00:00+00:00"]
    learning.submit_attempt(reloaded, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    assert started_at(db, "attempts", anna.id) == ["2026-03-02T09:00:00+00:00"]
    learning.start_new_attempt(db, anna, LESSON_ONE)  # the next attempt starts its own clock
    [second] = started_at(db, "drafts", anna.id)
    assert second is not None and second > "2026-03-02T09:00:00+00:00"


def test_an_attempt_submitted_without_a_start_has_no_start_time(tmp_path):
    db, _ = new_database(tmp_path)
    anna = new_user(db)
    learning.submit_attempt(db, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])  # no "Quiz starten" (e.g. an old tab)
    assert started_at(db, "attempts", anna.id) == [None]


def test_the_xapi_statement_of_the_attempt_carries_its_duration(tmp_path, settings):
    db, _ = new_database(tmp_path)
    anna = new_user(db)
    learning.start_new_attempt(db, anna, LESSON_ONE)
    learning.submit_attempt(db, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    learning.submit_attempt(db, anna, fixture_catalog().quiz(LESSON_TWO), 1, {"begriff": "eAkte"})  # legacy: no start
    raw(db).execute("UPDATE attempts SET started_at = ?, submitted_at = ? WHERE user_id = ? AND lesson_id = ?",
                    ["2026-03-02T09:00:00+00:00", "2026-03-02T09:04:12.400000+00:00", anna.id, LESSON_ONE])
    statements = learner_statements(db, anna, anna.id, fixture_catalog(), settings)
    timed = quiz_statement(statements, LESSON_ONE)
    assert timed["result"]["duration"] == "PT4M12S"
    assert "duration" not in quiz_statement(statements, LESSON_TWO)["result"]
    assert all("duration" not in s.get("result", {}) for s in statements if s is not timed)  # not per question
    assert [problem for s in statements for problem in validate_statement(s)] == []


@pytest.mark.parametrize("end, expected", [
    ("2026-03-02T09:00:00+00:00", "PT0S"), ("2026-03-02T09:00:59.6+00:00", "PT1M0S"),
    ("2026-03-02T10:00:05+00:00", "PT1H0M5S"), ("2026-03-04T09:30:00+00:00", "PT48H30M0S"),
    ("2026-03-02T08:59:00+00:00", None)])  # a clock that went backwards gives no duration
def test_durations_are_iso_8601_and_pass_the_validator(end, expected):
    duration = iso_duration("2026-03-02T09:00:00+00:00", end)
    assert duration == expected
    if duration is not None:
        assert validate_statement(_with_duration(duration)) == []
    assert validate_statement(_with_duration("4 Minuten")) == ["result.duration: must be an ISO 8601 duration"]


def _with_duration(duration: str) -> dict:
    return {"actor": {"objectType": "Agent", "account": {"homePage": "https://x.example", "name": "a"}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
            "object": {"objectType": "Activity", "id": "https://x.example/quizzes/q"},
            "result": {"duration": duration}}


def test_the_start_time_is_exported_to_the_learner_and_deleted_with_the_account(tmp_path):
    db, _ = new_database(tmp_path)
    anna = new_user(db)
    learning.start_new_attempt(db, anna, LESSON_ONE)
    learning.submit_attempt(db, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    learning.start_new_attempt(db, anna, LESSON_ONE)  # an open attempt: its draft has a start time too
    tables = privacy.export_user_data(db, anna, anna.id)["tables"]
    assert tables["attempts"][0]["started_at"] and tables["drafts"][0]["started_at"]
    privacy.delete_account(db, anna, anna.id, anna.login)
    assert raw(db).execute("SELECT COUNT(*) FROM attempts WHERE started_at IS NOT NULL").fetchone()[0] == 0
    assert raw(db).execute("SELECT COUNT(*) FROM drafts WHERE started_at IS NOT NULL").fetchone()[0] == 0


def test_the_migration_adds_empty_start_times_to_existing_attempts_and_drafts(tmp_path, settings):
    """A database as the previous release left it (the step not applied, the columns missing), with
    an attempt and an open draft: after `lotse prepare` both have no start time, the attempt's
    statement no duration; the open draft's attempt, submitted now, has none either."""
    db, url = new_database(tmp_path)
    anna = new_user(db)
    learning.submit_attempt(db, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    learning.save_draft(db, anna, LESSON_TWO, 1, {"begriff": "eAk"})
    sql = raw(db)
    for table in ("drafts", "attempts"):
        sql.execute(f"ALTER TABLE {table} DROP COLUMN started_at")
    record = "_lotse_migrations" if url.startswith("postgresql") else "_sqlite_migrations"
    sql.execute(f"DELETE FROM {record} WHERE migration_set = ? AND name = ?", list(STEP))
    db.close()
    old = open_store(url)
    assert old.migrate() == [":".join(STEP)]
    assert started_at(old, "attempts", anna.id) == [None] and started_at(old, "drafts", anna.id) == [None]
    learning.submit_attempt(old, anna, fixture_catalog().quiz(LESSON_TWO), 1, {"begriff": "eAkte"})
    assert started_at(old, "attempts", anna.id) == [None, None]
    statements = learner_statements(old, anna, anna.id, fixture_catalog(), settings)
    assert all("duration" not in s.get("result", {}) for s in statements)
    assert prepared_store(url).migrate() == []


def test_the_quiz_buttons_on_the_lesson_page_start_the_clock(signed_in_app, db, make_user, small_course):
    """Through the page: „Quiz starten“ stamps the draft, „Antworten abgeben“ carries the start to the
    attempt, „Neuer Versuch“ starts the next one."""
    learner = make_user("learner")
    at = signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": LESSON_ONE})
    at.button(key=f"quiz-{LESSON_ONE}-start").click().run()
    [started] = started_at(db, "drafts", learner.id)
    assert started is not None
    at.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    for button in at.button:  # open questions: confirm the submit
        if button.key == f"quiz-{LESSON_ONE}-confirm-submit-a1":
            button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert started_at(db, "attempts", learner.id) == [started]
    at.button(key=f"quiz-{LESSON_ONE}-retry-a1").click().run()
    assert started_at(db, "drafts", learner.id)[0] is not None
