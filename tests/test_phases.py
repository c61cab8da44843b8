"""Course phases of a cohort: validation, the default proposal, where a cohort stands, which step is
due when, and who may set and read a cohort's timeline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lotse import phases
from lotse.identity import PermissionDenied
from progress import cohorts as cohort_sql
from raw_sql import raw

KICKOFF = date(2025, 3, 3)  # a Monday


def plan(*seminars: tuple[str, str]) -> list[tuple[str, str]]:
    return list(seminars)


GOOD = plan(("2025-03-10", "2025-03-23"), ("2025-03-24", "2025-04-06"), ("2025-04-07", "2025-04-20"),
            ("2025-04-21", "2025-05-04"))


def test_proposal_is_a_seminar_day_every_two_weeks_with_two_weeks_of_work():
    timeline = phases.propose_timeline(KICKOFF)
    assert timeline.kickoff == KICKOFF
    assert [(p.seminar_day.isoformat(), p.work_end.isoformat()) for p in timeline.phases] == GOOD
    assert {p.seminar_day.weekday() for p in timeline.phases} == {KICKOFF.weekday()}
    assert [p.step for p in timeline.phases] == ["ist", "anforderungen", "priorisierung", "massnahmen"]
    assert all(p.work_start == p.seminar_day + timedelta(days=1) for p in timeline.phases)


def test_a_valid_timeline_accepts_iso_text_and_dates():
    from_text = phases.validate_timeline("2025-03-03", GOOD)
    from_dates = phases.validate_timeline(KICKOFF, [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in GOOD])
    assert from_text == from_dates and from_text.end == date(2025, 5, 4)


@pytest.mark.parametrize("kickoff, dates, message", [
    (None, GOOD, "Bitte geben Sie den Tag der Kickoff-Veranstaltung an."),
    ("03.03.2025", GOOD, "bitte ein Datum im Format TT.MM.JJJJ"),
    (KICKOFF, GOOD[:3], "Der Lehrgang hat 4 Phasen"),
    (KICKOFF, [("2025-03-03", "2025-03-20")] + GOOD[1:], "Der Seminartag der Phase 1 muss nach der Kickoff-Veranstaltung liegen."),
    (KICKOFF, [("2025-03-10", "2025-03-10")] + GOOD[1:], "Die Arbeitsphase 1 muss nach ihrem Seminartag enden."),
    (KICKOFF, GOOD[:1] + [("2025-03-20", "2025-04-06")] + GOOD[2:], "Der Seminartag der Phase 2 muss nach dem Ende der Arbeitsphase 1 liegen."),
    (KICKOFF, GOOD[:3] + [("2026-04-21", "2026-05-04")], "höchstens ein Jahr"),
    (KICKOFF, GOOD[:2] + [(None, "2025-04-20")] + GOOD[3:], "Bitte geben Sie den Seminartag der Phase 3 an."),
])
def test_invalid_timelines_are_refused_in_german(kickoff, dates, message):
    with pytest.raises(phases.PhaseError, match=message):
        phases.validate_timeline(kickoff, dates)


@pytest.mark.parametrize("day, kind, phase, text", [
    ("2025-03-01", "vor_kickoff", None, "Der Lehrgang beginnt am 03.03.2025"),
    ("2025-03-03", "kickoff", None, "Heute ist die Kickoff-Veranstaltung."),
    ("2025-03-05", "vorbereitung", 1, "Als Nächstes: Seminartag der Phase 1 (Vorhandene Strukturen analysieren) am 10.03.2025."),
    ("2025-03-24", "seminar", 2, "Heute ist der Seminartag der Phase 2 (Anforderungen erfassen)."),
    ("2025-04-20", "arbeitsphase", 3, "Arbeitsphase der Phase 3 (Handlungsbedarfe priorisieren) bis 20.04.2025."),
    ("2025-05-05", "abgeschlossen", None, "seit dem 04.05.2025 abgeschlossen"),
])
def test_position_on_a_day(day, kind, phase, text):
    where = phases.position(phases.propose_timeline(KICKOFF), date.fromisoformat(day))
    assert (where.kind, where.phase) == (kind, phase)
    assert text in where.text


def test_schedule_says_which_step_is_due_in_which_phase():
    timeline = phases.propose_timeline(KICKOFF)
    progress = {"ist": "vollständig", "anforderungen": "begonnen", "priorisierung": "leer", "massnahmen": "leer"}
    due = phases.schedule(timeline, date(2025, 4, 8), progress)
    assert [(d.step, d.phase, d.due.isoformat(), d.state) for d in due] == [
        ("ist", 1, "2025-03-23", "erledigt"),
        ("anforderungen", 2, "2025-04-06", "überfällig"),
        ("priorisierung", 3, "2025-04-20", "aktuell"),
        ("massnahmen", 4, "2025-05-04", "später"),
    ]
    assert due[1].text == "Anforderungen: Phase 2, war fällig am 06.04.2025"
    assert due[3].text == "Maßnahmen: Phase 4, ab 21.04.2025, fällig am 04.05.2025"


# --- stored timelines and who may touch them ------------------------------------------------------

@pytest.fixture
def cohort(db, make_user):
    trainer = make_user("trainer")
    cohort_id = cohort_sql.insert_cohort(db, "Kohorte", trainer.id, "ACDEFGHJ")
    member = make_user("learner")
    cohort_sql.add_member(db, cohort_id, member.id)
    return {"id": cohort_id, "trainer": trainer, "member": member}


def test_the_trainer_sets_and_members_read_the_timeline(db, cohort, make_user):
    stored = phases.set_timeline(db, cohort["trainer"], cohort["id"], KICKOFF, GOOD)
    assert phases.cohort_timeline(db, cohort["member"], cohort["id"]) == stored
    assert phases.my_timelines(db, cohort["member"]) == [({"id": cohort["id"], "name": "Kohorte"}, stored)]
    assert phases.cohort_timeline(db, make_user("admin"), cohort["id"]) == stored
    changed = phases.set_timeline(db, cohort["trainer"], cohort["id"], KICKOFF + timedelta(days=1),
                                  [(date.fromisoformat(a) + timedelta(days=1), date.fromisoformat(b) + timedelta(days=1))
                                   for a, b in GOOD])
    assert phases.cohort_timeline(db, cohort["member"], cohort["id"]) == changed != stored
    phases.clear_timeline(db, cohort["trainer"], cohort["id"])
    assert phases.cohort_timeline(db, cohort["member"], cohort["id"]) is None
    assert phases.my_timelines(db, cohort["member"]) == []


def test_only_the_cohorts_trainer_or_an_admin_sets_it(db, cohort, make_user):
    for outsider in (cohort["member"], make_user("trainer")):
        with pytest.raises(PermissionDenied):
            phases.set_timeline(db, outsider, cohort["id"], KICKOFF, GOOD)
        with pytest.raises(PermissionDenied):
            phases.clear_timeline(db, outsider, cohort["id"])
    phases.set_timeline(db, make_user("admin"), cohort["id"], KICKOFF, GOOD)


def test_outsiders_cannot_read_it(db, cohort, make_user):
    phases.set_timeline(db, cohort["trainer"], cohort["id"], KICKOFF, GOOD)
    for outsider in (make_user("learner"), make_user("trainer")):
        with pytest.raises(PermissionDenied):
            phases.cohort_timeline(db, outsider, cohort["id"])
    with pytest.raises(PermissionDenied):
        phases.cohort_timeline(db, cohort["member"], 9999)


def test_an_invalid_timeline_stores_nothing(db, cohort):
    with pytest.raises(phases.PhaseError):
        phases.set_timeline(db, cohort["trainer"], cohort["id"], KICKOFF, GOOD[:2])
    assert phases.cohort_timeline(db, cohort["trainer"], cohort["id"]) is None


def test_deleting_the_cohort_deletes_its_timeline(db, cohort):
    phases.set_timeline(db, cohort["trainer"], cohort["id"], KICKOFF, GOOD)
    cohort_sql.delete_cohort(db, cohort["id"])
    assert raw(db).execute("SELECT COUNT(*) FROM cohort_phases").fetchone()[0] == 0
    assert raw(db).execute("SELECT COUNT(*) FROM cohort_timelines").fetchone()[0] == 0
