"""Demo data: idempotent, realistic (paces, typical wrong answers, past timestamps), consistent."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from cockpit_builder import write_synthetic_course
from lotse.accounts import authenticate
from lotse.cli import main
from lotse.config import load_settings
from lotse.content import load_catalog
from lotse.demo import DEMO_ACCOUNTS, DEMO_COHORT, DEMO_LEARNERS, ensure_demo
from lotse.demo_learners import demo_name, difficulty
from lotse.learning import replay_progress
from lotse.passwords import password_problem
from progress import cohorts as cohort_sql
from progress import learning as store
from progress import prepared_store
from raw_sql import raw

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture()
def demo(tmp_path, fast_passwords):
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=6))
    db = prepared_store(tmp_path / "lotse.db")
    result = ensure_demo(db, load_settings({"LOTSE_DATA_DIR": str(tmp_path)}), catalog, now=NOW)
    return db, catalog, result


def test_demo_accounts_have_valid_passwords_and_can_sign_in(demo):
    db, _, _ = demo
    for login, password, role, description in DEMO_ACCOUNTS:
        assert password_problem(password, login) is None
        assert authenticate(db, login, password, "test").role == role
        assert description


def test_ensure_demo_is_idempotent(demo, tmp_path):
    db, catalog, first = demo
    counts = [next(raw(db).query(f"SELECT COUNT(*) AS n FROM {table}"))["n"]
              for table in ("users", "cohorts", "memberships", "attempts", "events")]
    again = ensure_demo(db, load_settings({}), catalog, now=NOW + timedelta(days=1))
    assert not again.created and again.cohort_id == first.cohort_id
    assert [next(raw(db).query(f"SELECT COUNT(*) AS n FROM {table}"))["n"]
            for table in ("users", "cohorts", "memberships", "attempts", "events")] == counts


def test_demo_cohort_shape(demo):
    db, catalog, result = demo
    cohort = cohort_sql.get_cohort(db, result.cohort_id)
    assert cohort["name"] == DEMO_COHORT
    assert cohort["seminar_date"] == (NOW.date() + timedelta(days=21)).isoformat()
    assert len(result.learner_ids) == DEMO_LEARNERS == len(cohort_sql.members(db, result.cohort_id))
    passed = Counter()
    for user_id in result.learner_ids:
        passed[user_id] = sum(row["passed"] for row in store.lesson_states(db, user_id).values())
    never = [u for u in result.learner_ids if not store.lesson_states(db, u)]
    finished = [u for u, n in passed.items() if store.lesson_states(db, u) and len(store.lesson_states(db, u)) == 6]
    halfway = [u for u in result.learner_ids if 0 < len(store.lesson_states(db, u)) < 6]
    assert len(never) >= 2 and len(finished) >= 3 and len(halfway) >= 4
    assert sum(passed.values()) > 0


def test_history_is_consistent_with_the_event_log(demo):
    db, _, result = demo
    for user_id in result.learner_ids:
        state = [dict(row) for row in store.progress_rows(db, user_id)]
        replayed = replay_progress(store.events_of(db, user_id))
        assert [r["lesson_id"] for r in replayed] == [r["lesson_id"] for r in state]
        for rebuilt, stored in zip(replayed, state):
            assert rebuilt["read"] == stored["read"]
            assert rebuilt["attempts"] == stored["attempts"]
            assert rebuilt["passed"] == stored["passed"]
            assert rebuilt["best_percent"] == stored["best_percent"]
            assert rebuilt["reading_seconds"] == pytest.approx(stored["reading_seconds"])


def test_timestamps_are_in_the_past_and_spread_over_weeks(demo):
    db, _, _ = demo
    row = next(raw(db).query("SELECT MIN(created_at) AS first, MAX(created_at) AS last FROM events"))
    first, last = datetime.fromisoformat(row["first"]), datetime.fromisoformat(row["last"])
    assert last < NOW and last - first > timedelta(days=14)
    ids = [r["created_at"] for r in raw(db).query("SELECT created_at FROM events ORDER BY id")]
    assert ids == sorted(ids)  # event ids follow time, as in the live log


def test_members_joined_and_had_accounts_before_their_first_activity(demo):
    """Issue 17 item 9: the cohort list showed demo members joining after their last activity."""
    db, _, result = demo
    rows = list(raw(db).query(
        "SELECT m.user_id, m.joined_at, u.created_at, (SELECT MIN(e.created_at) FROM events e WHERE e.user_id = m.user_id)"
        " AS first_event FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.cohort_id = ?", [result.cohort_id]))
    assert len(rows) == DEMO_LEARNERS
    active = [r for r in rows if r["first_event"]]
    assert active
    for row in active:
        first = datetime.fromisoformat(row["first_event"])
        assert datetime.fromisoformat(row["joined_at"]) < first, row
        assert datetime.fromisoformat(row["created_at"]) < first, row
    assert all(datetime.fromisoformat(r["joined_at"]) < NOW for r in rows)


def test_wrong_answers_concentrate_on_a_typical_distractor(demo):
    """Across single-choice questions, the most chosen wrong option draws far more than its share."""
    db, catalog, _ = demo
    rows = raw(db).query("SELECT a.lesson_id, n.question_id, n.response FROM answers n JOIN attempts a ON a.id = n.attempt_id"
                    " WHERE n.mark < n.max_mark")
    wrong: dict[tuple, Counter] = {}
    for row in rows:
        question = catalog.quiz(row["lesson_id"]).question(row["question_id"])
        if question.type == "single_choice" and len(question.options) == 4:
            wrong.setdefault((row["lesson_id"], question.id), Counter())[json.loads(row["response"])] += 1
    top = sum(counter.most_common(1)[0][1] for counter in wrong.values())
    total = sum(sum(counter.values()) for counter in wrong.values())
    assert total >= 10 and top / total > 0.5  # three wrong options: a uniform choice would give 1/3


def test_hard_questions_are_missed_more_often(demo):
    db, _, _ = demo
    rows = list(raw(db).query("SELECT a.lesson_id, n.question_id, n.mark / n.max_mark AS f FROM answers n"
                         " JOIN attempts a ON a.id = n.attempt_id WHERE a.attempt_no = 1"))
    hard = [r["f"] for r in rows if difficulty(r["lesson_id"], r["question_id"]) > 1.2]
    easy = [r["f"] for r in rows if difficulty(r["lesson_id"], r["question_id"]) < 0.3]
    assert hard and easy and sum(hard) / len(hard) < sum(easy) / len(easy)


def test_demo_names_are_distinct():
    assert len({demo_name(i) for i in range(800)}) == 800


def test_cli_demo_command(tmp_path, monkeypatch, capsys):
    content = write_synthetic_course(tmp_path / "content", lessons=3)
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LOTSE_DB_PATH", str(tmp_path / "cli.db"))
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(content))
    assert main(["demo", "--learners", "7"]) == 1  # only `prepare` creates and migrates the database
    assert "python -m lotse prepare" in capsys.readouterr().out
    assert main(["prepare"]) == 0
    assert main(["demo", "--learners", "7", "--cohort", "Probe", "--seed", "3"]) == 0
    assert "with 7 learners" in capsys.readouterr().out
    db = prepared_store(tmp_path / "cli.db")
    cohort = next(c for c in cohort_sql.all_cohorts(db) if c["name"] == "Probe")
    assert cohort["members"] == 7
    assert main(["demo", "--learners", "7", "--cohort", "Probe"]) == 1  # same name: nothing changes
    assert main(["demo", "--learners", "0"]) == 2
    assert next(raw(db).query("SELECT COUNT(*) AS n FROM cohorts"))["n"] == 1


def test_cli_prepare_creates_the_database_with_demo_data_once(tmp_path, monkeypatch, capsys, fast_passwords):
    content = write_synthetic_course(tmp_path / "content", lessons=3)
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(content))
    monkeypatch.setenv("LOTSE_DEMO", "1")
    monkeypatch.delenv("LOTSE_DB_PATH", raising=False)
    assert main(["prepare"]) == 0
    assert str(tmp_path / "data" / "lotse.db") in capsys.readouterr().out
    db = prepared_store(tmp_path / "data" / "lotse.db")
    users = next(raw(db).query("SELECT COUNT(*) AS n FROM users"))["n"]
    assert users >= len(DEMO_ACCOUNTS) and next(raw(db).query("SELECT COUNT(*) AS n FROM lesson_texts"))["n"] == 3
    assert main(["prepare"]) == 0  # a second start changes nothing
    assert next(raw(db).query("SELECT COUNT(*) AS n FROM users"))["n"] == users


def test_cli_prepare_names_a_data_folder_it_cannot_use(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LOTSE_DB_PATH", str(blocker / "lotse.db"))
    monkeypatch.setenv("LOTSE_DEMO", "0")
    assert main(["prepare"]) == 1
    assert "cannot create or open the database" in capsys.readouterr().out


def test_demo_on_the_real_course(tmp_path):
    """Whatever valid lessons the project has right now, the demo data builds on them."""
    catalog = load_catalog(load_settings({}).content_dir)
    assert catalog.lessons, "the real course has valid lessons"
    db = prepared_store(tmp_path / "lotse.db")
    result = ensure_demo(db, load_settings({}), catalog, now=NOW)
    assert result.created and next(raw(db).query("SELECT COUNT(*) AS n FROM attempts"))["n"] > 0


def test_bulk_history_keeps_the_objective_sums(demo):
    db, _, _ = demo
    sums = list(raw(db).query("SELECT attempt_id, objective, ROUND(SUM(mark), 6) AS mark, SUM(max_mark) AS max_mark"
                         " FROM answers GROUP BY attempt_id, objective ORDER BY 1, 2"))
    kept = list(raw(db).query("SELECT attempt_id, objective, ROUND(mark, 6) AS mark, max_mark FROM attempt_objectives"
                         " ORDER BY 1, 2"))
    assert kept == sums and len(kept) > 10
