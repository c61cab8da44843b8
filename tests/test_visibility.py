"""The visibility policy (issue 18): every trainer-facing view and export, under every level.

A cohort of six learners learns through the live path. One of them, Zora, carries canaries: a
typed answer nobody else gives, a reading time of 86.7 minutes and activity on 19.11.2024. Each
view the core offers trainers (cockpit, matrix CSV, participants list and detail, attempts CSV,
item analysis and its CSV, briefing as content, Markdown and PDF text, xAPI, member list) is
rendered to text, and a canary may appear only where the policy (and Zora's own choice) allows.
The statements a learner and the privacy notice read are checked against the same observations.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import replace

import pytest
from pypdf import PdfReader

from cockpit_builder import responses, right_answers, write_synthetic_course
from lotse import learning
from lotse.accounts import create_account
from lotse.analytics.attention import attention_items
from lotse.analytics.briefing_content import LearnerState
from lotse.analytics.cohort import cohort_overview
from lotse.analytics.course import course_lessons
from lotse.analytics.exports import attempts_csv, items_csv, matrix_export
from lotse.analytics.items import ATTEMPT_LABELS, item_analysis
from lotse.analytics.learner import cohort_learners, learner_detail
from lotse.briefing import briefing_download, briefing_markdown, seminar_briefing
from lotse.cohorts import create_cohort, members
from lotse.config import load_settings
from lotse.content import load_catalog
from lotse.identity import PermissionDenied
from lotse.visibility import (Choice, Level, Policy, grant_of, save_own_choice, statements,
                              withdraw_own_choice)
from lotse.xapi_export import cohort_statements
from progress import cohorts as cohort_sql
from progress import prepared_store
from raw_sql import raw

NAME, LOGIN = "Zora Zander", "zora.z"
ANSWER = "Zebrastreifenprinzip"
READING = ("86.7", "86,7")  # 5202 seconds
DAY = ("2024-11-19", "19.11.2024")
OTHERS = ["Anna Alt", "Ben Bauer", "Cara Cordes", "Dora Dietz", "Emil Eck"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("visibility")
    catalog = load_catalog(write_synthetic_course(root / "content", lessons=2))
    db = prepared_store(root / "lotse.db")
    trainer = create_account(db, "trainerin", "Trainerin Tilda", None, "trainer")
    cohort = create_cohort(db, trainer, "Kohorte Sichtbarkeit")
    people = [create_account(db, f"person{i}", name, None, "learner") for i, name in enumerate(OTHERS)]
    zora = create_account(db, LOGIN, NAME, None, "learner")
    lesson = course_lessons(catalog)[0]
    for index, person in enumerate(people + [zora]):
        cohort_sql.add_member(db, cohort["id"], person.id)
        learning.open_lesson(db, person, lesson.id, f"view-{person.id}")
        learning.add_reading_time(db, person, lesson.id, 40 + index, f"beat-{person.id}")
        learning.mark_read(db, person, lesson.id)
        answers = responses(f6_begriff=ANSWER) if person is zora else (
            responses(f0_einfach=1) if index % 2 else right_answers())
        learning.submit_attempt(db, person, lesson.quiz, 1, answers)
    sql = raw(db)
    sql.execute("UPDATE lesson_progress SET reading_seconds = 5202, last_activity_at = ? WHERE user_id = ?",
                ["2024-11-19T10:15:00+00:00", zora.id])
    for table, column in (("attempts", "submitted_at"), ("attempts", "started_at"), ("events", "created_at")):
        sql.execute(f"UPDATE {table} SET {column} = ? WHERE user_id = ?", ["2024-11-19T10:15:00+00:00", zora.id])
    sql.execute("UPDATE users SET last_active_at = ? WHERE id = ?", ["2024-11-19T10:15:00+00:00", zora.id])
    yield {"db": db, "catalog": catalog, "trainer": trainer, "cohort": cohort["id"], "zora": zora,
           "people": people, "lesson": lesson}
    db.close()


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


SETTING = {Level.GROUP: "gruppe", Level.PROGRESS: "lernstand", Level.ANSWERS: "antworten"}


def use_policy(monkeypatch, policy: Policy) -> None:
    """The same policy for the functions that read it from the environment (lotse.learning)."""
    monkeypatch.setenv("LOTSE_TRAINER_VIEW", SETTING[policy.level])
    monkeypatch.setenv("LOTSE_TRAINER_READING_TIME", "person" if policy.reading_time else "gruppe")
    monkeypatch.setenv("LOTSE_TRAINER_ACTIVITY", "person" if policy.activity else "gruppe")
    monkeypatch.setenv("LOTSE_MIN_GROUP_SIZE", str(policy.min_group))


def raw_reads(w: dict) -> dict[str, str]:
    """The learner-record functions of lotse.learning, called by the trainer about Zora."""
    db, actor, zora, catalog = w["db"], w["trainer"], w["zora"], w["catalog"]
    attempt_id = raw(db).execute("SELECT id FROM attempts WHERE user_id = ?", [zora.id]).fetchone()[0]
    calls = {"lesson_statuses": lambda: learning.lesson_statuses(db, actor, zora.id),
             "learner_report": lambda: learning.learner_report(db, actor, zora.id, catalog),
             "attempt_history": lambda: learning.attempt_history(db, actor, zora.id, w["lesson"].id),
             "attempt_answers": lambda: learning.attempt_answers(db, actor, zora.id, attempt_id),
             "attempt_review": lambda: learning.attempt_review(db, actor, zora.id, w["lesson"].quiz, attempt_id)}
    out = {}
    for name, call in calls.items():
        try:
            out[name] = repr(call()) + NAME  # whatever it returns is about Zora
        except PermissionDenied as refusal:
            out[name] = str(refusal)
    return out


def trainer_views(w: dict, policy: Policy) -> dict[str, str]:
    """Everything the core hands a trainer about the cohort, as text (one entry per view/export)."""
    db, actor, cohort, catalog = w["db"], w["trainer"], w["cohort"], w["catalog"]
    out = {"cockpit": repr(cohort_overview(db, actor, cohort, catalog, policy=policy)),
           "matrix.csv": matrix_export(db, actor, cohort, catalog, policy=policy).decode("utf-8"),
           "teilnehmende": repr(cohort_learners(db, actor, cohort, policy=policy)),
           "versuche.csv": attempts_csv(db, actor, cohort, catalog, policy=policy).decode("utf-8")}
    for person in w["people"] + [w["zora"]]:
        try:
            out[f"detail-{person.login}"] = repr(learner_detail(db, actor, cohort, person.id, catalog, policy=policy))
        except PermissionDenied as refusal:
            out[f"detail-{person.login}"] = str(refusal)
    for which in ATTEMPT_LABELS:
        analysis = item_analysis(db, actor, cohort, catalog, w["lesson"].id, which, policy=policy)
        out[f"fragen-{which}"] = repr(analysis)
        out[f"fragen-{which}.csv"] = items_csv(analysis).decode("utf-8")
    briefing = seminar_briefing(db, actor, cohort, catalog, policy=policy)
    out["briefing"] = repr(briefing)
    out["briefing.md"] = briefing_markdown(briefing)
    out["diese-woche"] = repr(attention_items(briefing))
    out["briefing.pdf"] = pdf_text(briefing_download(db, actor, briefing, "pdf"))
    out["xapi"] = json.dumps(cohort_statements(db, actor, cohort, catalog, load_settings({}), pseudonymous=False,
                                               policy=policy), ensure_ascii=False)
    out["mitglieder"] = repr(members(db, actor, cohort, policy=policy))
    return out | raw_reads(w)


def seen(views: dict[str, str], canaries: tuple[str, ...], skip: tuple[str, ...] = ()) -> list[str]:
    """The views in which any canary appears (case-insensitive)."""
    return [name for name, text in views.items() if name not in skip
            and any(c.lower() in text.lower() for c in canaries)]


def observed(views: dict[str, str]) -> dict[str, bool]:
    """What left the core about Zora, per topic of lotse.visibility.statements."""
    return {"progress": bool(seen(views, (NAME, LOGIN), skip=("mitglieder",))),
            "answers": bool(seen(views, (ANSWER,))),
            "reading_time": bool(seen(views, READING)),
            "activity": bool(seen(views, DAY))}


POLICIES = [Policy(level, reading, activity)
            for level, reading, activity in itertools.product(Level, (False, True), (False, True))]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: f"{p.level.name}-reading{int(p.reading_time)}"
                                                         f"-activity{int(p.activity)}")
def test_nothing_beyond_the_level_leaves_the_core(world, policy, monkeypatch):
    use_policy(monkeypatch, policy)
    views = trainer_views(world, policy)
    grant = grant_of(policy)
    expected = {"progress": grant.progress, "answers": grant.answers, "reading_time": grant.reading_time,
                "activity": grant.activity}
    assert observed(views) == expected, {topic: seen(views, canaries) for topic, canaries in
                                         (("answers", (ANSWER,)), ("reading", READING), ("activity", DAY))}
    # the statements a learner reads say exactly that
    said = {s.topic: s.visible for s in statements(grant, policy)}
    assert {topic: said[topic] for topic in expected} == observed(views)
    if not grant.progress:  # nobody is named anywhere but in the member list
        assert not seen(views, tuple(OTHERS), skip=("mitglieder",))


def test_the_default_is_progress_without_reading_time_answers_or_activity():
    grant = grant_of(Policy())
    assert (grant.progress, grant.answers, grant.reading_time, grant.activity) == (True, False, False, False)
    from lotse.visibility import policy_from
    assert policy_from(load_settings({})) == Policy()
    assert policy_from(load_settings({"LOTSE_TRAINER_VIEW": "alles"})).level == Level.GROUP  # fails closed


def test_a_learner_shares_more_and_withdraws_it(world, monkeypatch):
    policy = Policy(Level.GROUP)
    use_policy(monkeypatch, policy)
    zora = world["zora"]
    save_own_choice(world["db"], zora, Choice(Level.ANSWERS, reading_time=True, activity=True))
    try:
        views = trainer_views(world, policy)
        assert observed(views) == {"progress": True, "answers": True, "reading_time": True, "activity": True}
        assert not seen(views, tuple(OTHERS), skip=("mitglieder",))  # the others stay hidden
    finally:
        withdraw_own_choice(world["db"], zora)
    assert observed(trainer_views(world, policy)) == {"progress": False, "answers": False, "reading_time": False,
                                                      "activity": False}


def test_a_choice_is_always_the_actors_own(world, monkeypatch):
    use_policy(monkeypatch, Policy(Level.GROUP))
    """There is no way to pass someone else's id: a trainer's "choice" touches only their own row."""
    save_own_choice(world["db"], world["trainer"], Choice(Level.ANSWERS, True, True))
    try:
        assert observed(trainer_views(world, Policy(Level.GROUP)))["answers"] is False
    finally:
        withdraw_own_choice(world["db"], world["trainer"])


# --- small groups -------------------------------------------------------------------------------

def test_group_figures_from_fewer_people_than_the_minimum_are_withheld(world):
    db, actor, cohort, catalog = world["db"], world["trainer"], world["cohort"], world["catalog"]
    small = Policy(Level.GROUP, min_group=7)  # the cohort has 6 members
    view = cohort_overview(db, actor, cohort, catalog, policy=small)
    assert "weniger als 7 Personen" in view.withheld
    assert (view.funnel, view.distribution, view.activity, view.time_on_task, view.mastery, view.matrix) == \
        ([], [], [], [], [], [])
    assert view.key.members == 6 and view.key.average_best is None and view.key.active_7_days is None
    analysis = item_analysis(db, actor, cohort, catalog, world["lesson"].id, policy=small)
    assert analysis.withheld and analysis.questions == [] and analysis.quiz is None
    briefing = seminar_briefing(db, actor, cohort, catalog, policy=small)
    assert briefing.counts is None and not (briefing.weakest or briefing.missed or briefing.focus)
    text = briefing_markdown(briefing)
    assert "weniger als 7 Personen" in text and "Bereit (" not in text
    assert "weniger als 7 Personen" in pdf_text(briefing_download(db, actor, briefing, "pdf")).replace("\n", " ")


def test_group_figures_from_enough_people_are_shown(world):
    db, actor, cohort, catalog = world["db"], world["trainer"], world["cohort"], world["catalog"]
    enough = Policy(Level.GROUP, min_group=6)
    view = cohort_overview(db, actor, cohort, catalog, policy=enough)
    assert view.withheld is None and view.funnel and view.mastery
    # five were active today (Zora's steps are dated 2024): too few for a day's figure with 6 ...
    assert all(r["Aktive Teilnehmende"] == 0 for r in view.activity)
    five = cohort_overview(db, actor, cohort, catalog, policy=Policy(Level.GROUP, min_group=5))
    assert max(r["Aktive Teilnehmende"] for r in five.activity) == 5  # ... enough with 5
    lesson = world["lesson"].label
    assert [r for r in view.distribution if r["Lektion"] == lesson]  # six took the first quiz
    assert not [r for r in view.distribution if r["Lektion"] != lesson]  # nobody took the second
    median = next(r for r in view.time_on_task if r["Lektion"] == lesson)["Median (Minuten)"]
    assert median is not None
    assert item_analysis(db, actor, cohort, catalog, world["lesson"].id, policy=enough).questions
    briefing = seminar_briefing(db, actor, cohort, catalog, policy=enough)
    assert sum(briefing.counts) == 6 and briefing.counts[2] == 0  # everyone started
    assert not (briefing.ready or briefing.on_the_way)  # counted, never named, under "nur Gruppenwerte"
    assert "Personen ohne Namen" in briefing_markdown(briefing)


def test_this_weeks_items_name_people_only_within_the_policy(world):
    db, actor, cohort, catalog = world["db"], world["trainer"], world["cohort"], world["catalog"]
    for level in Level:
        briefing = seminar_briefing(db, actor, cohort, catalog, policy=Policy(level, min_group=3))
        items = attention_items(briefing)
        assert 1 <= len(items) <= 5 and all(item.action for item in items)
        briefed = {s.label for s in briefing.ready + briefing.on_the_way + briefing.not_started}
        assert {n for n in OTHERS + [NAME] if n in repr(items)} <= briefed  # never more than the briefing names
    # someone who has not started: named where the policy shows progress, else only counted
    zora = world["zora"]
    named = replace(briefing, not_started=[LearnerState(NAME, 0, False, zora.id)], counts=(0, 5, 1))
    assert "Zora Zander." in attention_items(named)[0].detail
    counted = replace(briefing, not_started=[], counts=(0, 5, 1))
    first = attention_items(counted)[0]
    assert first.title == "1 Person hat noch nicht begonnen" and first.detail.startswith("1 Person (ohne Namen)")
