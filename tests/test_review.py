"""Spaced review: cards from quiz answers, FSRS scheduling stored and reloaded, only-mistakes mode."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating, ReviewLog, Scheduler, State

from lotse import learning, review
from progress import open_store
from progress.users import insert_user

# fixtures: catalog (fresh_catalog), db_path, learner
from selfstudy_course import db_path, fresh_catalog, learner, right_answers, wrong_answers
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

NO_FUZZ = Scheduler(learning_steps=review.SCHEDULER.learning_steps,
                    relearning_steps=review.SCHEDULER.relearning_steps, enable_fuzzing=False)


def submit(db, user, catalog, lesson_id, responses):
    attempt_no = learning.quiz_state(db, user, lesson_id).attempt_no
    return learning.submit_attempt(db, user, catalog.quiz(lesson_id), attempt_no, responses)


def cards_by_question(db, user, catalog, mode="due", now=None):
    now = now or datetime.now(timezone.utc) + timedelta(days=400)
    return {c.question.id: c for c in review.session_cards(db, user, catalog, mode, now)}


@pytest.mark.parametrize("fraction, rating", [(1.0, Rating.Good), (0.5, Rating.Hard), (0.0, Rating.Again)])
def test_rating_suggested_from_correctness(fraction, rating):
    assert review.rating_for(fraction) == rating


@pytest.mark.parametrize("bad", [None, "", "gut", 0, 5, "9"])
def test_unknown_rating_is_refused_in_german(bad):
    with pytest.raises(ValueError, match="Bitte wählen Sie"):
        review.parse_rating(bad)


def test_every_answered_question_becomes_one_card(db, learner, catalog):
    submit(db, learner, catalog, "l1", right_answers(catalog, "l1"))
    submit(db, learner, catalog, "l4", {})  # unanswered counts as answered wrongly: still a card
    assert review.sync_cards(db, learner, NO_FUZZ) == 5
    assert review.sync_cards(db, learner, NO_FUZZ) == 0  # nothing new: cheap and idempotent
    assert set(cards_by_question(db, learner, catalog)) == {"a1", "a2", "a3", "b1", "f1"}
    assert review.review_status(db, learner).total == 5


def test_quiz_answer_is_the_first_review(db, learner, catalog):
    submit(db, learner, catalog, "l1", {**right_answers(catalog, "l1"), "b1": wrong_answers(catalog, "l1")["b1"]})
    review.sync_cards(db, learner, NO_FUZZ)
    cards = cards_by_question(db, learner, catalog)
    right, wrong = cards["a1"].card, cards["b1"].card
    assert right.state == State.Review and right.due - right.last_review >= timedelta(days=1)
    assert wrong.state == State.Learning and wrong.due - wrong.last_review == timedelta(minutes=10)
    logs = review.review_logs(db, learner)
    assert len(logs) == 4 and all(isinstance(log, ReviewLog) for log in logs)
    assert sorted(int(log.rating) for log in logs) == [1, 3, 3, 3]


def test_schedule_survives_a_restart(db_path, db, learner, catalog):
    submit(db, learner, catalog, "l2", right_answers(catalog, "l2"))
    review.sync_cards(db, learner, NO_FUZZ)
    card = cards_by_question(db, learner, catalog)["c1"]
    when = card.card.due + timedelta(hours=1)
    outcome = review.record_review(db, learner, catalog, card.id, card.version, card.question.options.index(
        next(o for o in card.question.options if o.correct)), Rating.Good, now=when, scheduler=NO_FUZZ)
    assert outcome.stored and outcome.grade.correct and outcome.due > when + timedelta(days=2)
    before = review.load_card(db, learner, card.id).to_dict()
    db.close()

    restarted = open_store(db_path)  # a new process would open the same file like this
    assert review.load_card(restarted, learner, card.id).to_dict() == before
    due = datetime.fromisoformat(before["due"])
    assert "c1" not in cards_by_question(restarted, learner, catalog, now=due - timedelta(days=1))
    assert "c1" in cards_by_question(restarted, learner, catalog, now=due + timedelta(days=1))
    ratings = [int(log.rating) for log in review.review_logs(restarted, learner) if log.card_id == card.id]
    assert ratings == [3, 3]  # the quiz answer, then the review


def test_due_today_means_before_local_midnight(db, learner, catalog):
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    card = cards_by_question(db, learner, catalog)["f1"]
    due = card.due
    day_before = due - timedelta(days=1)
    assert review.session_cards(db, learner, catalog, "due", day_before) == []
    assert [c.id for c in review.session_cards(db, learner, catalog, "due", due)] == [card.id]
    assert review.review_status(db, learner, due).due_today == 1


def test_double_submit_of_a_review_is_stored_once(db, learner, catalog):
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    card = cards_by_question(db, learner, catalog)["f1"]
    first = review.record_review(db, learner, catalog, card.id, card.version, 0, Rating.Good, scheduler=NO_FUZZ)
    second = review.record_review(db, learner, catalog, card.id, card.version, 0, Rating.Again, scheduler=NO_FUZZ)
    assert first.stored and not second.stored
    assert [int(log.rating) for log in review.review_logs(db, learner)] == [1, 3]


def test_only_mistakes_mode(db, learner, catalog):
    submit(db, learner, catalog, "l2", {**right_answers(catalog, "l2"), "c2": wrong_answers(catalog, "l2")["c2"]})
    submit(db, learner, catalog, "l3", wrong_answers(catalog, "l3"))
    review.sync_cards(db, learner, NO_FUZZ)
    now = datetime.now(timezone.utc)
    mistakes = {c.question.id for c in review.session_cards(db, learner, catalog, "mistakes", now)}
    assert mistakes == {"c2", "d1", "e1", "e2"}
    assert review.review_status(db, learner).mistakes == 4

    card = cards_by_question(db, learner, catalog, "mistakes")["d1"]
    right = next(i for i, o in enumerate(card.question.options) if o.correct)
    outcome = review.record_review(db, learner, catalog, card.id, card.version, right, Rating.Good, scheduler=NO_FUZZ)
    assert outcome.grade.correct
    assert "d1" not in {c.question.id for c in review.session_cards(db, learner, catalog, "mistakes", now)}

    card = cards_by_question(db, learner, catalog, "mistakes")["e1"]
    review.record_review(db, learner, catalog, card.id, card.version, 1 - right, Rating.Easy, scheduler=NO_FUZZ)
    assert "e1" in {c.question.id for c in review.session_cards(db, learner, catalog, "mistakes", now)}


def test_a_later_quiz_attempt_updates_the_card(db, learner, catalog):
    submit(db, learner, catalog, "l3", wrong_answers(catalog, "l3"))
    review.sync_cards(db, learner, NO_FUZZ)
    learning.start_new_attempt(db, learner, "l3")
    submit(db, learner, catalog, "l3", right_answers(catalog, "l3"))
    assert review.sync_cards(db, learner, NO_FUZZ) == 0
    assert review.review_status(db, learner).mistakes == 0
    card = cards_by_question(db, learner, catalog)["d1"]
    assert [int(log.rating) for log in review.review_logs(db, learner) if log.card_id == card.id] == [1, 3]


def test_another_learner_cannot_see_or_rate_my_cards(db, learner, catalog):
    other = insert_user(db, "otto", "Otto", "learner")
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    review.sync_cards(db, other, NO_FUZZ)
    card = cards_by_question(db, learner, catalog)["f1"]
    assert cards_by_question(db, other, catalog) == {}
    assert review.load_card(db, other, card.id) is None
    with pytest.raises(LookupError):
        review.record_review(db, other, catalog, card.id, card.version, 0, Rating.Good)


def test_cards_of_removed_questions_are_skipped(db, learner, catalog):
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    catalog.quizzes.pop("l4")
    assert cards_by_question(db, learner, catalog) == {}


def test_review_time_never_runs_backwards(db, learner, catalog):
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    card = cards_by_question(db, learner, catalog)["f1"]
    earlier = card.card.last_review - timedelta(days=3)
    outcome = review.record_review(db, learner, catalog, card.id, card.version, 0, Rating.Good, now=earlier,
                                   scheduler=NO_FUZZ)
    assert outcome.stored and review.load_card(db, learner, card.id).last_review >= card.card.last_review


def test_solution_lines_name_the_right_answer(catalog):
    question = catalog.quiz("l1").question("a1")
    assert review.solution_lines(question) == ["Richtig a1"]


def test_deleting_the_account_removes_cards_logs_and_watermark(db, learner, catalog):
    from progress.users import delete_user

    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    review.sync_cards(db, learner, NO_FUZZ)
    delete_user(db, learner.id)
    for table in ("review_cards", "review_logs", "review_sync"):
        assert raw(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
