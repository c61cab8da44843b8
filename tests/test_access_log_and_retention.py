"""Access log (who looked at or exported whose data) and the retention run, on real data."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from cockpit_builder import right_answers, write_synthetic_course
from lotse import access_log, learning
from lotse.analytics.course import course_lessons
from lotse.analytics.exports import attempts_csv, matrix_export
from lotse.analytics.learner import learner_detail
from lotse.briefing import briefing_download, seminar_briefing
from lotse.cli import main as cli
from lotse.cohorts import create_cohort
from lotse.content import load_catalog
from lotse.identity import PermissionDenied
from lotse.privacy import delete_account, export_user_data, remaining_personal_data
from lotse.retention import run_retention
from lotse.visibility import Level, Policy
from progress import cohorts as cohort_sql
from raw_sql import raw

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
OLD = "2025-06-01T08:00:00+00:00"  # older than 12 months before NOW
RECENT = "2026-11-30T08:00:00+00:00"


@pytest.fixture
def course(tmp_path):
    return load_catalog(write_synthetic_course(tmp_path / "content", lessons=1))


@pytest.fixture
def cohort(db, make_user, course):
    trainer = make_user("trainer", display_name="Trainerin Tilda")
    row = create_cohort(db, trainer, "Kohorte Frühjahr", seminar_date="2025-03-10")
    people = [make_user("learner", display_name=f"Person {i}") for i in range(3)]
    lesson = course_lessons(course)[0]
    for person in people:
        cohort_sql.add_member(db, row["id"], person.id)
        learning.open_lesson(db, person, lesson.id, f"view-{person.id}")
        learning.submit_attempt(db, person, lesson.quiz, 1, right_answers())
    return {"trainer": trainer, "id": row["id"], "people": people}


def entries(db, user):
    return [(e.who, e.what) for e in access_log.own_entries(db, user)]


# --- access log -----------------------------------------------------------------------------------

def test_detail_and_every_export_are_logged_per_person(db, cohort, course):
    trainer, anna, ben, cara = cohort["trainer"], *cohort["people"]
    open_policy = Policy(Level.ANSWERS, True, True, min_group=1)
    learner_detail(db, trainer, cohort["id"], anna.id, course, policy=open_policy)
    attempts_csv(db, trainer, cohort["id"], course, policy=open_policy)
    matrix_export(db, trainer, cohort["id"], course, policy=open_policy)
    briefing_download(db, trainer, seminar_briefing(db, trainer, cohort["id"], course, policy=open_policy), "md")
    detail, everyone = access_log.WHAT_LABELS[access_log.DETAIL], [
        access_log.WHAT_LABELS[k] for k in (access_log.ATTEMPTS_CSV, access_log.MATRIX_CSV, access_log.BRIEFING)]
    assert sorted(e[1] for e in entries(db, anna)) == sorted([detail, *everyone])
    assert sorted(e[1] for e in entries(db, ben)) == sorted(everyone)  # not Anna's detail
    assert {e[0] for e in entries(db, cara)} == {"Trainerin Tilda"}
    assert entries(db, trainer) == []  # the log a person reads is only about themselves
    with pytest.raises(ValueError):
        access_log.record(db, trainer, [ben.id], None, "unbekannt")


def test_nobody_hidden_by_the_policy_is_logged_as_seen(db, cohort, course):
    trainer, anna = cohort["trainer"], cohort["people"][0]
    attempts_csv(db, trainer, cohort["id"], course, policy=Policy(Level.GROUP, min_group=1))
    assert entries(db, anna) == []


def test_log_is_exported_and_follows_deletions(db, cohort, course):
    trainer, anna = cohort["trainer"], cohort["people"][0]
    learner_detail(db, trainer, cohort["id"], anna.id, course)
    exported = export_user_data(db, anna, anna.id)["tables"]["access_log"]
    assert [row["what"] for row in exported] == [access_log.DETAIL]
    assert export_user_data(db, trainer, trainer.id)["tables"]["access_log"][0]["learner_id"] == anna.id
    delete_account(db, trainer, trainer.id, trainer.login)  # the entry stays for Anna, without the trainer
    assert entries(db, anna) == [("der Betrieb (Kommandozeile) oder ein inzwischen gelöschtes Konto",
                                  access_log.WHAT_LABELS[access_log.DETAIL])]
    delete_account(db, anna, anna.id, anna.login)
    assert remaining_personal_data(db, anna.id, anna.login) == {}
    assert raw(db).execute("SELECT COUNT(*) FROM access_log").fetchone()[0] == 0


# --- retention ------------------------------------------------------------------------------------

@pytest.fixture
def aged(db, cohort, make_user, course):
    """Kohorte Frühjahr ended 2025-03-10; a running cohort; one without dates; old and new log entries."""
    admin = make_user("admin")
    running = create_cohort(db, cohort["trainer"], "Kohorte Winter", seminar_date="2027-02-01")
    undated = create_cohort(db, cohort["trainer"], "Kohorte ohne Termin")
    newcomer = make_user("learner")
    cohort_sql.add_member(db, running["id"], newcomer.id)
    cohort_sql.add_member(db, undated["id"], newcomer.id)
    learner_detail(db, cohort["trainer"], cohort["id"], cohort["people"][0].id, course)
    sql = raw(db)
    sql.execute("UPDATE events SET created_at = ? WHERE user_id = ?", [OLD, cohort["people"][0].id])
    sql.execute("UPDATE events SET created_at = ? WHERE user_id <> ?", [RECENT, cohort["people"][0].id])
    sql.execute("UPDATE access_log SET at = ?", [OLD])
    sql.execute("INSERT INTO certificates (user_id, course_id, code, holder_name, course_title, modules,"
                " lesson_count, total_minutes, issued_at) VALUES (?, 'kurs', 'ABCD-1234', 'Person 0', 'Kurs', '[]',"
                " 1, 12, ?)", [cohort["people"][0].id, OLD])
    return {"admin": admin, "running": running["id"], "newcomer": newcomer}


def count(db, sql, *params):
    return raw(db).execute(sql, list(params)).fetchone()[0]


def test_retention_run_ends_old_cohorts_and_deletes_old_logs(db, cohort, aged, course):
    anna = cohort["people"][0]
    events_before = count(db, "SELECT COUNT(*) FROM events")
    old_events = count(db, "SELECT COUNT(*) FROM events WHERE user_id = ?", anna.id)
    dry = run_retention(db, aged["admin"], now=NOW, dry_run=True)
    assert count(db, "SELECT COUNT(*) FROM events") == events_before  # a dry run changes nothing
    report = run_retention(db, aged["admin"], now=NOW)
    assert dry.lines()[1:] == [line.replace(" did ", " would ") for line in report.lines()[1:]]
    assert [(c.name, c.end, c.memberships) for c in report.ended] == [("Kohorte Frühjahr", date(2025, 3, 10), 3)]
    assert report.undated == ["Kohorte ohne Termin"]
    assert (report.events, report.access_entries) == (old_events, 1)
    assert count(db, "SELECT COUNT(*) FROM memberships WHERE cohort_id = ?", cohort["id"]) == 0
    assert count(db, "SELECT COUNT(*) FROM memberships WHERE cohort_id = ?", aged["running"]) == 1
    assert count(db, "SELECT COUNT(*) FROM events") == events_before - old_events
    assert count(db, "SELECT COUNT(*) FROM access_log") == 0
    assert count(db, "SELECT COUNT(*) FROM certificates") == 1  # verification records are kept
    assert count(db, "SELECT COUNT(*) FROM lesson_progress WHERE user_id = ?", anna.id) == 1  # her own progress
    with pytest.raises(PermissionDenied):  # the trainer no longer sees her
        learner_detail(db, cohort["trainer"], cohort["id"], anna.id, course)
    again = run_retention(db, aged["admin"], now=NOW)  # idempotent
    assert (again.ended, again.events, again.access_entries) == ([], 0, 0)
    assert "Nothing to do." in again.lines()


def test_only_admins_run_retention(db, cohort):
    with pytest.raises(PermissionDenied):
        run_retention(db, cohort["trainer"], now=NOW)


def test_cli_prints_what_it_did(db, cohort, aged, app_env, capsys):
    assert cli(["retention", "run", "--dry-run"]) == 0
    assert "would end 3 membership(s)" in capsys.readouterr().out
    assert cli(["retention", "run"]) == 0
    out = capsys.readouterr().out
    assert "'Kohorte Frühjahr' (ended 2025-03-10): did end 3 membership(s)" in out and "certificates: kept" in out
    assert cli(["retention", "run"]) == 0
    assert "Nothing to do." in capsys.readouterr().out
