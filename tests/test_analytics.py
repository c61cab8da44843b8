"""Trainer cockpit core: figures on a constructed cohort, item analysis, exports, authorisation.

The cohort is built through the live learning path (lotse.learning), so the figures are checked
against what the quiz page really stores. Hand-computed values are derived in the comments.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime, timedelta, timezone

import pytest

from cockpit_builder import responses, right_answers, write_synthetic_course
from lotse import learning
from lotse.accounts import create_account
from lotse.analytics import item_statistics
from lotse.analytics.cohort import cohort_overview, trainer_cohorts
from lotse.analytics.course import course_lessons
from lotse.analytics.exports import attempts_csv, items_csv, matrix_csv, to_csv
from lotse.analytics.items import item_analysis
from lotse.analytics.learner import cohort_learners, learner_detail
from lotse.analytics.pseudonyms import participant_labels
from lotse.analytics.responses import describe_response, option_counts, typical_mistake
from lotse.briefing import seminar_briefing
from lotse.cohorts import create_cohort
from lotse.content import load_catalog
from lotse.identity import PermissionDenied, User
from progress import cohorts as cohort_sql
from progress import prepared_store
from progress import users as user_sql
from progress.history import LessonHistory, insert_history
from raw_sql import raw

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)  # a Monday; the seminar is 14 days later


@pytest.fixture()
def world(tmp_path):
    """Two trainers with a cohort each, an admin, and four learners in trainer A's cohort:

    anna  lesson 1: read, attempt 1 all right (100 %)            lesson 2: opened only
    ben   lesson 1: read, attempt 1 f0 wrong (option 1), f7 wrong (option 2) -> 6/8 = 75 %,
          attempt 2 all right (100 %)
    cara  lesson 1: read, attempt 1 f0 wrong (option 1), f2 wrong -> 6/8 = 75 %
    dora  nothing
    erik  (in trainer B's cohort) lesson 1: attempt 1 all right
    """
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=3))
    db = prepared_store(tmp_path / "lotse.db")
    a = create_account(db, "trainer.a", "Trainerin A", None, "trainer")
    b = create_account(db, "trainer.b", "Trainer B", None, "trainer")
    admin = create_account(db, "admin", "Admin", None, "admin")
    cohort = create_cohort(db, a, "Kohorte A", seminar_date=(NOW + timedelta(days=14)).date(), place="Rathaus")
    other = create_cohort(db, b, "Kohorte B")
    names = ["Anna Alt", "Ben Bauer", "Cara Cordes", "Dora Dietz"]
    people = {n.split()[0].lower(): create_account(db, n.split()[0].lower(), n, None, "learner") for n in names}
    for person in people.values():
        cohort_sql.add_member(db, cohort["id"], person.id)
    erik = create_account(db, "erik", "Erik Ernst", None, "learner")
    cohort_sql.add_member(db, other["id"], erik.id)
    lessons = course_lessons(catalog)
    first, second = lessons[0], lessons[1]

    def study(user: User, lesson, attempts: list[dict], read: bool = True) -> None:
        learning.open_lesson(db, user, lesson.id, f"view-{user.id}-{lesson.id}")
        learning.add_reading_time(db, user, lesson.id, 30, f"beat-{user.id}-{lesson.id}-1")
        learning.add_reading_time(db, user, lesson.id, 20 * user.id % 30 + 1, f"beat-{user.id}-{lesson.id}-2")
        if read:
            learning.mark_read(db, user, lesson.id)
        for number, answers in enumerate(attempts, start=1):
            learning.submit_attempt(db, user, lesson.quiz, number, answers)

    study(people["anna"], first, [right_answers()])
    learning.open_lesson(db, people["anna"], second.id, "view-anna-2")
    study(people["ben"], first, [responses(f0_einfach=1, f7_fall=2), right_answers()])
    study(people["cara"], first, [responses(f0_einfach=1, f2_wahr=False)])
    study(erik, first, [right_answers()])
    return {"db": db, "catalog": catalog, "a": a, "b": b, "admin": admin, "cohort": cohort["id"],
            "other": other["id"], "people": people, "erik": erik, "lessons": lessons}


def overview(world, actor=None, **options):
    options.setdefault("now", NOW)
    return cohort_overview(world["db"], actor or world["a"], world["cohort"], world["catalog"], **options)


# --- overview figures --------------------------------------------------------------------------

def test_key_figures(world):
    key = overview(world).key
    assert key.members == 4
    assert key.started == 3  # dora never opened a lesson
    assert key.lessons_passed == 3  # anna, ben (2nd attempt), cara (75 % >= 70 %)
    assert key.lessons_read == 3
    assert key.lessons_possible == 4 * 3
    assert key.average_best == pytest.approx((100 + 100 + 75) / 3)
    assert key.days_until_seminar == 14


def test_active_in_last_seven_days_counts_recent_events_only(world):
    # everything happened "now" (real time); seen from 30 days later nobody is active
    later = datetime.now(timezone.utc) + timedelta(days=30)
    assert overview(world, now=later).key.active_7_days == 0
    assert overview(world, now=datetime.now(timezone.utc)).key.active_7_days == 3


def test_funnel_per_lesson(world):
    funnel = overview(world).funnel
    assert [row["Geöffnet"] for row in funnel] == [3, 1, 0]
    assert [row["Gelesen"] for row in funnel] == [3, 0, 0]
    assert [row["Quiz bestanden"] for row in funnel] == [3, 0, 0]
    assert funnel[0]["Bestanden (%)"] == 75  # 3 of 4 members


def test_matrix_cells_are_text_and_symbols(world):
    view = overview(world)
    rows = {row["Teilnehmende"]: row for row in view.matrix}
    first, second, third = (lesson.code for lesson in view.lessons)
    assert rows["Anna Alt"][first] == "✓ 100 %"
    assert rows["Anna Alt"][second] == "◐ begonnen"
    assert rows["Cara Cordes"][first] == "✓ 75 %"
    assert rows["Dora Dietz"][first] == "○"
    assert rows["Anna Alt"]["Abgeschlossen"] == 1
    assert list(rows) == ["Anna Alt", "Ben Bauer", "Cara Cordes", "Dora Dietz"]  # stable: account order


def test_failed_and_read_cells():
    from lotse.analytics.matrix import cell_text

    assert cell_text({"passed": 0, "attempts": 2, "best_percent": 40.0, "read": 1}) == "✗ 40 %"
    assert cell_text({"passed": 0, "attempts": 0, "best_percent": None, "read": 1}) == "● gelesen"


def test_score_distribution_counts_best_scores(world):
    rows = [r for r in overview(world).distribution if r["Lektion"] == world["lessons"][0].label]
    counts = {r["Ergebnis"]: r["Teilnehmende"] for r in rows}
    assert len(rows) == 10
    assert counts["90–100 %"] == 2 and counts["70–79 %"] == 1
    assert sum(counts.values()) == 3


def test_time_on_task_median(world):
    # reading seconds per learner: 30 + (20 * id % 30 + 1); three learners -> median is the middle one
    people = world["people"]
    seconds = sorted(30 + 20 * p.id % 30 + 1 for p in (people["anna"], people["ben"], people["cara"]))
    row = overview(world).time_on_task[0]
    assert row["Teilnehmende mit Lesezeit"] == 3
    assert row["Median (Minuten)"] == round(seconds[1] / 60, 1)
    assert row["Mittelwert (Minuten)"] == round(sum(seconds) / 3 / 60, 1)


def test_objective_mastery_uses_best_attempts(world):
    # ziel-a = f0, f1, f5 (3 points); ziel-b = f2, f3, f4, f6, f7 (5 points).
    # best attempts: anna all right, ben attempt 2 all right, cara f0 and f2 wrong.
    # ziel-a: (3 + 3 + 2) / 9; reached (>= 80 %): anna, ben -> 2 of 3
    # ziel-b: (5 + 5 + 4) / 15; reached: anna, ben, cara (4/5 = 80 %) -> 3 of 3
    rows = overview(world).mastery[:2]
    assert rows[0]["Punkte erreicht (Anteil)"] == round(100 * 8 / 9, 1)
    assert rows[0]["Ziel erreicht (ab 80 %)"] == 2
    assert rows[1]["Punkte erreicht (Anteil)"] == round(100 * 14 / 15, 1)
    assert rows[1]["Ziel erreicht (ab 80 %)"] == 3


def test_activity_over_time_by_day(tmp_path):
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=2))
    db = prepared_store(tmp_path / "lotse.db")
    trainer = create_account(db, "trainer.t", "T", None, "trainer")
    cohort = create_cohort(db, trainer, "K")
    learner = create_account(db, "learner.l", "L", None, "learner")
    cohort_sql.add_member(db, cohort["id"], learner.id)
    lessons = course_lessons(catalog)
    insert_history(db, [LessonHistory(learner.id, lessons[0].id, ["2025-05-30T08:00:00+00:00"],
                                      [("2025-05-30T08:00:30+00:00", 30.0)], "2025-05-31T09:00:00+00:00"),
                        LessonHistory(learner.id, lessons[1].id, ["2025-05-31T10:00:00+00:00"])])
    view = cohort_overview(db, trainer, cohort["id"], catalog, now=NOW)
    days = {row["Tag"]: row for row in view.activity}
    assert len(view.activity) == 56 and view.activity[-1]["Tag"] == "2025-06-02"
    assert days["2025-05-30"]["Geöffnete Lektionen"] == 1 and days["2025-05-30"]["Gelesene Lektionen"] == 0
    assert days["2025-05-31"]["Geöffnete Lektionen"] == 1 and days["2025-05-31"]["Gelesene Lektionen"] == 1
    assert days["2025-05-31"]["Aktive Teilnehmende"] == 1
    assert days["2025-06-01"]["Aktive Teilnehmende"] == 0


def test_queries_do_not_grow_with_the_number_of_learners(tmp_path):
    """Aggregation in SQL: the overview runs the same number of statements for 3 and for 30 learners."""
    from lotse.demo import create_demo_cohort

    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=3))
    db = prepared_store(tmp_path / "lotse.db")
    trainer = create_account(db, "trainer.t", "T", None, "trainer")
    small = create_demo_cohort(db, catalog, trainer, 3, name="klein", seed=1, now=NOW).cohort_id
    large = create_demo_cohort(db, catalog, trainer, 30, name="groß", seed=2, now=NOW).cohort_id
    counts = []
    for cohort_id in (small, large):
        statements = []
        with db.connection() as connection:  # every call of this thread inside uses this connection
            connection.conn.set_trace_callback(statements.append)
            cohort_overview(db, trainer, cohort_id, catalog, now=NOW)
            item_analysis(db, trainer, cohort_id, catalog, course_lessons(catalog)[0].id, "all")
            seminar_briefing(db, trainer, cohort_id, catalog, now=NOW)
            connection.conn.set_trace_callback(None)
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- item analysis -----------------------------------------------------------------------------

def test_item_analysis_matches_the_pure_statistics(world):
    # First attempts: anna all right, ben f0+f7 wrong, cara f0+f2 wrong.
    analysis = item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], world["lessons"][0].id)
    quiz = world["lessons"][0].quiz
    ones = {q.id: 1.0 for q in quiz.questions}
    marks = [dict(ones), {**ones, "f0-einfach": 0.0, "f7-fall": 0.0}, {**ones, "f0-einfach": 0.0, "f2-wahr": 0.0}]
    expected = item_statistics(marks, {q.id: q.points for q in quiz.questions})
    assert analysis.attempts == 3 and analysis.learners == 3
    by_id = {q.question_id: q for q in analysis.questions}
    for question_id, stats in expected.items():
        row = by_id[question_id]
        assert row.n == stats.n == 3
        assert row.facility == pytest.approx(100 * stats.facility)
        if stats.discrimination_index is None:
            assert row.discrimination_index is None
        else:
            assert row.discrimination_index == pytest.approx(stats.discrimination_index)
    # f0: x = [1, 0, 0] facility 1/3, sd = sqrt(((2/3)^2 + 2 (1/3)^2) / 2) = sqrt(1/3)
    assert by_id["f0-einfach"].facility == pytest.approx(100 / 3)
    assert by_id["f0-einfach"].sd == pytest.approx(100 * math.sqrt(1 / 3))
    # f1 right for everyone: zero variance -> sd 0, DI undefined, flagged "too easy"
    assert by_id["f1-mehrfach"].sd == 0.0 and by_id["f1-mehrfach"].discrimination_index is None
    assert "sehr leicht" in by_id["f1-mehrfach"].flags


def test_option_counts_and_never_chosen_distractor(world):
    analysis = item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], world["lessons"][0].id)
    f0 = next(q for q in analysis.questions if q.question_id == "f0-einfach")
    assert [o.count for o in f0.options] == [1, 2, 0, 0]
    assert [o.correct for o in f0.options] == [True, False, False, False]
    assert f0.options[2].flag == "nie gewählt: lenkt nicht ab" and f0.options[1].flag == ""
    assert f0.options[1].share == pytest.approx(200 / 3)


@pytest.mark.parametrize("which, facility_f0, attempts", [
    ("first", 100 / 3, 3),  # anna 1, ben 0 (attempt 1), cara 0
    ("last", 200 / 3, 3),  # ben's attempt 2 is right
    ("best", 200 / 3, 3),
    ("all", 50.0, 4),  # anna 1, ben 0 and 1, cara 0
])
def test_attempt_choice(world, which, facility_f0, attempts):
    analysis = item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], world["lessons"][0].id, which)
    assert analysis.attempts == attempts
    assert analysis.questions[0].facility == pytest.approx(facility_f0)


def test_single_attempt_gives_no_spread(world):
    # trainer B's cohort has one attempt: sd and discrimination are undefined, never a crash
    analysis = item_analysis(world["db"], world["b"], world["other"], world["catalog"], world["lessons"][0].id)
    assert analysis.attempts == 1 and not analysis.reliable
    assert all(q.sd is None and q.discrimination_index is None for q in analysis.questions)
    assert all(q.facility == 100.0 for q in analysis.questions)


def test_unknown_lesson_or_choice(world):
    assert item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], "gibt-es-nicht") is None
    with pytest.raises(ValueError):
        item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], world["lessons"][0].id, "median")


# --- responses in words ------------------------------------------------------------------------

def test_describe_response_for_each_type(world):
    quiz = world["lessons"][0].quiz
    q = {question.id: question for question in quiz.questions}
    assert describe_response(q["f0-einfach"], 1) == "„Ein verbreiteter Irrtum 1-0“"
    assert describe_response(q["f1-mehrfach"], [0, 2]) == "„Punkt eins“, „Kein Punkt“"
    assert describe_response(q["f2-wahr"], False) == "Falsch"
    assert describe_response(q["f3-ordnen"], [1, 0, 2, 3]) == "Umsetzen → Planen → Prüfen → Verbessern"
    matching = describe_response(q["f4-zuordnen"], ["Unverändert", None, "Erreichbar"])
    assert matching == "Vertraulichkeit → Unverändert; Integrität → ?; Verfügbarkeit → Erreichbar"
    assert describe_response(q["f5-zahl"], "31") == "31"
    assert describe_response(q["f0-einfach"], None) == "(keine Antwort)"
    assert describe_response(q["f0-einfach"], {"tampered": 1}) == "(nicht lesbar)"
    assert describe_response(q["f0-einfach"], 99) == "(nicht lesbar)"


def test_typical_mistakes(world):
    q = {question.id: question for question in world["lessons"][0].quiz.questions}
    assert typical_mistake(q["f0-einfach"], [(1, 3), (2, 1)]).text == "„Ein verbreiteter Irrtum 1-0“"
    mc = typical_mistake(q["f1-mehrfach"], [([0, 1, 3], 2), ([0], 1)])
    assert mc.text == "„Auch kein Punkt“ angekreuzt (falsch)" and mc.times == 2
    match = typical_mistake(q["f4-zuordnen"], [(["Unverändert", "Nur Befugte lesen", "Erreichbar"], 2)])
    assert match.text == "„Vertraulichkeit“ → „Unverändert“ zugeordnet"
    short = typical_mistake(q["f6-begriff"], [("Datensparsamkeit ", 1), ("datensparsamkeit", 2), ("x", 1)])
    assert short.text == "datensparsamkeit" and short.times == 3
    assert typical_mistake(q["f0-einfach"], []) is None


def test_option_counts_ignore_garbage(world):
    q = {question.id: question for question in world["lessons"][0].quiz.questions}
    counts = option_counts(q["f1-mehrfach"], [[0, 1], [0, 0, 9, "x"], None, "kaputt"])
    assert [c.count for c in counts] == [2, 1, 0, 0]
    assert option_counts(q["f3-ordnen"], [[0, 1, 2, 3]]) is None


# --- presentation mode and exports ---------------------------------------------------------------

def test_pseudonyms_are_stable_and_hide_names(world):
    view = overview(world, pseudonymous=True)
    assert [row["Teilnehmende"] for row in view.matrix] == [f"Person {i}" for i in range(1, 5)]
    text = matrix_csv(view).decode("utf-8-sig") + attempts_csv(world["db"], world["a"], world["cohort"],
                                                               world["catalog"], pseudonymous=True).decode("utf-8-sig")
    for name in ("Anna", "Ben", "Cara", "Dora"):
        assert name not in text
    learners = cohort_learners(world["db"], world["a"], world["cohort"], pseudonymous=True)
    assert learners[world["people"]["ben"].id] == "Person 2"


def test_equal_display_names_stay_apart():
    labels = participant_labels([{"id": 2, "display_name": "Jan"}, {"id": 1, "display_name": "Jan"}], False)
    assert labels == {1: "Jan (1)", 2: "Jan (2)"}


def test_csv_is_german_excel_friendly_and_defuses_formulas():
    data = to_csv([{"Name": "=HYPERLINK(\"x\")", "Wert": 12.5, "Ok": True, "Neg": -3.0}])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Name", "Wert", "Ok", "Neg"], ["'=HYPERLINK(\"x\")", "12,5", "ja", "-3"]]


def test_attempts_and_item_exports(world):
    rows = list(csv.DictReader(io.StringIO(attempts_csv(world["db"], world["a"], world["cohort"],
                                                        world["catalog"]).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 4  # anna 1, ben 2, cara 1; erik is in another cohort
    assert {r["Teilnehmende"] for r in rows} == {"Anna Alt", "Ben Bauer", "Cara Cordes"}
    analysis = item_analysis(world["db"], world["a"], world["cohort"], world["catalog"], world["lessons"][0].id)
    items = list(csv.DictReader(io.StringIO(items_csv(analysis).decode("utf-8-sig")), delimiter=";"))
    assert len(items) == 8 and items[0]["Leichtigkeit (%)"] == "33,3"


# --- learner drill-down ------------------------------------------------------------------------

def test_learner_detail_shows_attempts_and_answers(world):
    ben = world["people"]["ben"]
    detail = learner_detail(world["db"], world["a"], world["cohort"], ben.id, world["catalog"])
    assert detail.label == "Ben Bauer"
    assert detail.lessons[0]["Stand"] == "✓ 100 %" and detail.lessons[0]["Versuche"] == 2
    first = detail.attempts[0]
    assert first.attempt_no == 1 and first.percent == 75.0 and first.passed
    wrong = [a for a in first.answers if a["Ergebnis"] == "✗ falsch"]
    assert [a["Antwort"] for a in wrong] == ["„Ein verbreiteter Irrtum 1-0“", "„Weiterleiten“"]


# --- authorisation: a trainer never sees another trainer's cohort --------------------------------

def _cockpit_calls(world, cohort_id, learner_id):
    db, catalog, lesson = world["db"], world["catalog"], world["lessons"][0].id
    return {
        "overview": lambda actor: cohort_overview(db, actor, cohort_id, catalog),
        "item_analysis": lambda actor: item_analysis(db, actor, cohort_id, catalog, lesson),
        "learners": lambda actor: cohort_learners(db, actor, cohort_id),
        "learner_detail": lambda actor: learner_detail(db, actor, cohort_id, learner_id, catalog),
        "attempts_csv": lambda actor: attempts_csv(db, actor, cohort_id, catalog),
        "briefing": lambda actor: seminar_briefing(db, actor, cohort_id, catalog),
    }


@pytest.mark.parametrize("call", ["overview", "item_analysis", "learners", "learner_detail", "attempts_csv", "briefing"])
def test_other_trainer_and_learners_are_refused(world, call):
    action = _cockpit_calls(world, world["cohort"], world["people"]["anna"].id)[call]
    for intruder in (world["b"], world["people"]["anna"], world["erik"]):
        with pytest.raises(PermissionDenied):
            action(intruder)
    disabled = User(world["a"].id, "trainer.a", "Trainerin A", "trainer", disabled=True)
    with pytest.raises(PermissionDenied):
        action(disabled)
    action(world["a"])  # the cohort's own trainer
    action(world["admin"])  # administration sees all cohorts


@pytest.mark.parametrize("call", ["overview", "item_analysis", "learners", "learner_detail", "attempts_csv", "briefing"])
def test_unknown_cohort_is_refused(world, call):
    with pytest.raises(PermissionDenied):
        _cockpit_calls(world, 9999, world["people"]["anna"].id)[call](world["a"])


def test_drill_down_only_for_members_of_that_cohort(world):
    db, catalog = world["db"], world["catalog"]
    # erik is in trainer B's cohort: not through trainer A's cohort, not through B's cohort by A
    with pytest.raises(PermissionDenied):
        learner_detail(db, world["a"], world["cohort"], world["erik"].id, catalog)
    with pytest.raises(PermissionDenied):
        learner_detail(db, world["a"], world["other"], world["erik"].id, catalog)
    # admin: only together with a cohort the learner belongs to
    with pytest.raises(PermissionDenied):
        learner_detail(db, world["admin"], world["cohort"], world["erik"].id, catalog)
    assert learner_detail(db, world["b"], world["other"], world["erik"].id, catalog).label == "Erik Ernst"


def test_trainer_lists_only_own_cohorts(world):
    assert [c.name for c in trainer_cohorts(world["db"], world["a"])] == ["Kohorte A"]
    assert {c.name for c in trainer_cohorts(world["db"], world["admin"])} == {"Kohorte A", "Kohorte B"}
    with pytest.raises(PermissionDenied):
        trainer_cohorts(world["db"], world["people"]["anna"])


def test_no_private_data_in_the_overview(world):
    user_sql.set_password_hash(world["db"], world["people"]["anna"].id, "$argon2id$secret-hash")
    view = overview(world)
    dump = repr(view)
    assert "argon2" not in dump and "anna" not in dump.replace("Anna", "")  # no hash, no login
    assert "invite" not in repr(view.cohort).lower()


def test_attempt_objectives_follow_the_answers_and_vanish_with_the_account(world):
    """The trigger-kept sums equal a GROUP BY over answers; deleting a learner removes them."""
    db = world["db"]
    query_sums = ("SELECT attempt_id, objective, ROUND(SUM(mark), 6) AS mark, SUM(max_mark) AS max_mark FROM answers"
                  " GROUP BY attempt_id, objective ORDER BY attempt_id, objective")
    kept = ("SELECT attempt_id, objective, ROUND(mark, 6) AS mark, max_mark FROM attempt_objectives"
            " ORDER BY attempt_id, objective")
    assert list(raw(db).query(kept)) == list(raw(db).query(query_sums)) and list(raw(db).query(kept))
    user_sql.delete_user(db, world["people"]["ben"].id)
    assert list(raw(db).query(kept)) == list(raw(db).query(query_sums))
    assert next(raw(db).query("SELECT COUNT(*) AS n FROM attempt_objectives o JOIN attempts a ON a.id = o.attempt_id"
                         " WHERE a.user_id = ?", [world["people"]["ben"].id]))["n"] == 0


# These tests check the figures themselves; the visibility policy has its own tests (test_visibility.py).
pytestmark = pytest.mark.usefixtures("open_policy")
