"""Entry check: seeded drawing, grading, learning-path groups on constructed answer patterns, retakes."""

from __future__ import annotations

import random

import pytest

from lotse import learning, placement
from lotse.identity import PermissionDenied, User
from progress import open_store
from progress.users import insert_user

# fixtures: catalog (fresh_catalog), db_path, learner
from selfstudy_course import db_path, fresh_catalog, learner, right_answers
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL


def answer(catalog, items: list[list[str]], right: dict[str, bool | list[bool]]) -> dict:
    """Responses for the drawn items: right[lesson] True/False for all its questions, or one flag per question."""
    responses, seen = {}, {}
    for lesson_id, question_id in items:
        flag = right.get(lesson_id)
        if flag is None:
            continue
        if isinstance(flag, list):
            flag = flag[seen.setdefault(lesson_id, 0)]
            seen[lesson_id] += 1
        options = catalog.quiz(lesson_id).question(question_id).options
        responses[placement.item_key(lesson_id, question_id)] = next(
            i for i, o in enumerate(options) if o.correct == flag)
    return responses


def run_check(db, learner, catalog, right) -> placement.Run:
    run, items = placement.start_run(db, learner, catalog)
    return placement.finish_run(db, learner, catalog, run.id, answer(catalog, items, right))


# --- drawing ---------------------------------------------------------------------------------------


def test_same_seed_same_questions_and_course_order(catalog):
    first = placement.draw_questions(catalog, 1234)
    assert first == placement.draw_questions(catalog, 1234)
    lessons = [lesson_id for lesson_id, _ in first]
    assert lessons == sorted(lessons, key=["l1", "l2", "l3", "l4"].index)


def test_different_runs_draw_differently(catalog):
    draws = {tuple(map(tuple, placement.draw_questions(catalog, placement.placement_seed(7, n)))) for n in range(1, 11)}
    assert len(draws) > 1


@pytest.mark.parametrize("seed", range(40))
def test_two_questions_per_lesson_from_different_objectives(catalog, seed):
    drawn = placement.draw_questions(catalog, seed)
    per_lesson: dict[str, list[str]] = {}
    for lesson_id, question_id in drawn:
        per_lesson.setdefault(lesson_id, []).append(question_id)
    assert {k: len(v) for k, v in per_lesson.items()} == {"l1": 2, "l2": 2, "l3": 2, "l4": 1}
    for lesson_id, ids in per_lesson.items():
        assert len(set(ids)) == len(ids)
        objectives = {catalog.quiz(lesson_id).question(q).objective for q in ids}
        if lesson_id in ("l1", "l3"):  # quizzes with two objectives: one question from each
            assert len(objectives) == 2


def test_pick_questions_prefers_rare_objective_even_when_outnumbered(catalog):
    questions = list(catalog.quiz("l1").questions)  # three on ziel-a, one on ziel-b
    hits = sum(any(q.objective == "ziel-b" for q in placement.pick_questions(questions, random.Random(s), 2))
               for s in range(100))
    assert hits == 100


# --- thresholds and learning path --------------------------------------------------------------------


@pytest.mark.parametrize("score, expected", [
    (None, placement.WORK), (0.0, placement.FOCUS), (49.9, placement.FOCUS), (50.0, placement.WORK),
    (79.9, placement.WORK), (80.0, placement.SKIM), (100.0, placement.SKIM),
])
def test_category_thresholds(score, expected):
    assert placement.category(score) == expected


def test_learning_path_from_answer_pattern(db, learner, catalog):
    # l1 all right, l2 one of two right, l3 all wrong, l4 right
    run = run_check(db, learner, catalog, {"l1": True, "l2": [True, False], "l3": False, "l4": True})
    path = placement.learning_path(catalog, run.result)
    assert [e.lesson_id for e in path.first] == ["l3"]
    assert [e.lesson_id for e in path.work] == ["l2"]
    assert [e.lesson_id for e in path.skim] == ["l1", "l4"]
    assert path.done == []
    assert {e.lesson_id: e.score for e in path.skim + path.work + path.first} == {
        "l1": 100.0, "l4": 100.0, "l2": 50.0, "l3": 0.0}


def test_unanswered_questions_count_as_not_known(db, learner, catalog):
    run = run_check(db, learner, catalog, {})
    path = placement.learning_path(catalog, run.result)
    assert [e.lesson_id for e in path.first] == ["l1", "l2", "l3", "l4"]


def test_passed_lessons_are_listed_as_done(db, learner, catalog):
    quiz = catalog.quiz("l2")
    learning.submit_attempt(db, learner, quiz, 1, right_answers(catalog, "l2"))
    run_check(db, learner, catalog, {"l1": False, "l2": False, "l3": True, "l4": True})
    view = placement.overview(db, learner, catalog)
    assert [e.lesson_id for e in view.path.done] == ["l2"]
    assert [e.lesson_id for e in view.path.first] == ["l1"]


def test_lesson_without_quiz_goes_to_work_without_score(db, learner, catalog):
    catalog.quizzes.pop("l4")
    run = run_check(db, learner, catalog, {"l1": True, "l2": True, "l3": True})
    path = placement.learning_path(catalog, run.result)
    entry = next(e for e in path.work if e.lesson_id == "l4")
    assert entry.score is None


def test_module_results_and_levels(db, learner, catalog):
    run = run_check(db, learner, catalog, {"l1": True, "l2": True, "l3": False, "l4": False})
    results = {m.module_id: m for m in placement.module_results(catalog, run.result)}
    assert results["m1"].score == 100.0 and results["m1"].level == "sicher"
    assert results["m2"].score == 0.0 and results["m2"].level == "vieles ist neu für Sie"
    assert results["m1"].change is None


# --- retake and storage ------------------------------------------------------------------------------


def test_retake_shows_change_against_previous(db, learner, catalog):
    run_check(db, learner, catalog, {"l1": False, "l2": False, "l3": [True, False], "l4": False})
    run_check(db, learner, catalog, {"l1": True, "l2": True, "l3": True, "l4": False})
    view = placement.overview(db, learner, catalog)
    assert view.runs == 2 and view.latest.run_no == 2 and view.previous.run_no == 1
    changes = {m.module_id: m.change for m in view.modules}
    assert changes["m1"] == 100.0
    assert changes["m2"] == pytest.approx(100 * 2 / 3 - 100 * 1 / 3, abs=0.1)
    assert placement.change_text(changes["m1"]) == "+100 Prozentpunkte"
    moved = {title: (before, now) for title, before, now in view.changed_lessons}
    assert moved["Lektion L1 – Übersicht"] == ("Zuerst bearbeiten", "Überfliegen genügt")
    assert "Lektion L4 – Übersicht" not in moved


def test_answers_survive_a_new_connection_and_finish_is_idempotent(db_path, db, learner, catalog):
    run, items = placement.start_run(db, learner, catalog)
    responses = answer(catalog, items, {"l1": True})
    assert placement.save_answers(db, learner, run.id, responses)
    again = open_store(db_path)
    resumed, resumed_items = placement.open_run(again, learner)
    assert resumed.id == run.id and resumed_items == items and resumed.responses == responses
    done = placement.finish_run(again, learner, catalog, run.id)
    assert placement.finish_run(again, learner, catalog, run.id, answer(catalog, items, {"l2": True})).result == done.result
    assert not placement.save_answers(again, learner, run.id, {})
    assert placement.open_run(again, learner) is None


def test_start_twice_gives_the_same_run(db, learner, catalog):
    first, _ = placement.start_run(db, learner, catalog)
    second, _ = placement.start_run(db, learner, catalog)
    assert first.id == second.id


def test_foreign_keys_and_overlong_text_are_dropped(db, learner, catalog):
    run, items = placement.start_run(db, learner, catalog)
    key = placement.item_key(*items[0])
    placement.save_answers(db, learner, run.id, {key: "x" * 5000, "l9/nope": 1})
    resumed, _ = placement.open_run(db, learner)
    assert set(resumed.responses) == {key} and len(resumed.responses[key]) == learning.MAX_TEXT_ANSWER


def test_another_learner_cannot_touch_my_run(db, learner, catalog):
    other = insert_user(db, "otto", "Otto", "learner")
    run, items = placement.start_run(db, learner, catalog)
    assert not placement.save_answers(db, other, run.id, {placement.item_key(*items[0]): 0})
    assert placement.finish_run(db, other, catalog, run.id) is None
    assert not placement.discard_run(db, other, run.id)
    assert placement.open_run(db, other) is None


def test_disabled_account_is_refused(db, learner, catalog):
    disabled = User(learner.id, learner.login, learner.display_name, "learner", disabled=True)
    with pytest.raises(PermissionDenied):
        placement.start_run(db, disabled, catalog)


def test_discard_keeps_finished_results(db, learner, catalog):
    run_check(db, learner, catalog, {"l1": True})
    run, _ = placement.start_run(db, learner, catalog)
    assert run.run_no == 2
    assert placement.discard_run(db, learner, run.id)
    assert placement.open_run(db, learner) is None
    assert len(placement.finished_runs(db, learner)) == 1


def test_deleting_the_account_removes_entry_checks(db, learner, catalog):
    from progress.users import delete_user

    run_check(db, learner, catalog, {"l1": True})
    placement.start_run(db, learner, catalog)
    delete_user(db, learner.id)
    assert raw(db).execute("SELECT COUNT(*) FROM placement_results").fetchone()[0] == 0
