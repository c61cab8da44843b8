"""Issue 17, point 7: the quiz asks before submitting open questions, says which ticks were right,
shows the correct answer as the quiz's review option allows, and explains partial credit."""

from __future__ import annotations

import pytest

from learner_support import LESSON_ONE, fixture_catalog
from lotse import quiz_review
from progress import learning as store
from test_pages_learner import LESSON_PAGE, ok, qkey, start_quiz, texts

BEREICHE = f"{qkey(LESSON_ONE, 'bereiche')}"


@pytest.fixture(autouse=True)
def course(small_course, app_env):
    """The app reads the small fixture course."""


@pytest.fixture
def learner(make_user):
    return make_user("learner")


def quiz_open(signed_in_app, user):
    at = ok(signed_in_app(user, page=LESSON_PAGE, query_params={"id": LESSON_ONE}))
    return start_quiz(at, LESSON_ONE)


def page_text(at) -> str:
    return "\n".join(texts(at.markdown) + texts(at.caption) + texts(at.warning) + texts(at.subheader))


def test_submitting_with_open_questions_asks_first(signed_in_app, learner, db):
    at = quiz_open(signed_in_app, learner)
    at.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(0).run()
    at.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    ok(at)
    assert store.attempts_of(db, learner.id, LESSON_ONE) == []
    warning = " ".join(texts(at.warning))
    assert "3 Fragen sind noch nicht beantwortet (Frage 2, Frage 3, Frage 4)" in warning, warning

    at.button(key=f"quiz-{LESSON_ONE}-confirm-back-a1").click().run()   # "Weiter beantworten"
    assert not any("noch nicht beantwortet" in w for w in texts(at.warning))
    assert at.radio(key=qkey(LESSON_ONE, "ozg-ziel")).value == 0       # nothing lost

    at.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    at.button(key=f"quiz-{LESSON_ONE}-confirm-submit-a1").click().run()  # "Trotzdem abgeben"
    ok(at)
    assert len(store.attempts_of(db, learner.id, LESSON_ONE)) == 1


def test_a_fully_answered_quiz_is_submitted_at_once(signed_in_app, learner, db):
    at = quiz_open(signed_in_app, learner)
    at.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(0).run()
    at.checkbox(key=f"{BEREICHE}-o0").check().run()
    at.radio(key=qkey(LESSON_ONE, "it-allein")).set_value(False).run()
    for position in range(3):
        at.radio(key=f"{qkey(LESSON_ONE, 'reihenfolge')}-p{position}").set_value(position).run()
    at.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    ok(at)
    assert len(store.attempts_of(db, learner.id, LESSON_ONE)) == 1


def submit_mostly_right(at, attempt: int, wrong_tick: bool) -> None:
    """Questions 1, 3, 4 right; question 2 with one right tick (A) and, if wrong_tick, a wrong one (C)."""
    at.radio(key=qkey(LESSON_ONE, "ozg-ziel", attempt)).set_value(0).run()
    at.checkbox(key=f"{qkey(LESSON_ONE, 'bereiche', attempt)}-o0").check().run()
    if wrong_tick:
        at.checkbox(key=f"{qkey(LESSON_ONE, 'bereiche', attempt)}-o2").check().run()
    at.radio(key=qkey(LESSON_ONE, "it-allein", attempt)).set_value(False).run()
    for position in range(3):
        at.radio(key=f"{qkey(LESSON_ONE, 'reihenfolge', attempt)}-p{position}").set_value(position).run()
    at.button(key=f"quiz-{LESSON_ONE}-submit-a{attempt}").click().run()
    ok(at)


def test_one_right_and_one_wrong_tick_says_which_part_was_right(signed_in_app, learner):
    at = quiz_open(signed_in_app, learner)
    assert any("ein richtiges und ein falsches Kreuz heben sich auf" in c for c in texts(at.caption))
    submit_mostly_right(at, 1, wrong_tick=True)
    assert "Frage 2: ✗ falsch" in texts(at.subheader)
    text = page_text(at)
    assert "<strong>✓ Richtig gewählt:</strong> „Aussage A stimmt“ – A ist richtig.</li>" in text, text
    assert "<strong>✗ Falsch gewählt:</strong> „Aussage C stimmt“ – C ist falsch.</li>" in text
    assert "ein richtiges und ein falsches Kreuz heben sich auf" in text  # the rule, under the verdict


def test_correct_answers_show_after_passing_not_before(signed_in_app, learner):
    at = quiz_open(signed_in_app, learner)
    at.radio(key=qkey(LESSON_ONE, "ozg-ziel")).set_value(1).run()
    at.checkbox(key=f"{BEREICHE}-o2").check().run()
    at.radio(key=qkey(LESSON_ONE, "it-allein")).set_value(True).run()
    for position, item in enumerate([2, 1, 0]):
        at.radio(key=f"{qkey(LESSON_ONE, 'reihenfolge')}-p{position}").set_value(item).run()
    at.button(key=f"quiz-{LESSON_ONE}-submit-a1").click().run()
    ok(at)
    assert "Richtige Antwort:" not in page_text(at)
    assert any("sobald Sie das Quiz bestanden haben" in c for c in texts(at.caption))

    at.button(key=f"quiz-{LESSON_ONE}-retry-a1").click().run()
    submit_mostly_right(at, 2, wrong_tick=False)  # 3,5 of 4 points: passed, question 2 half right
    assert any("Bestanden" in s for s in texts(at.success))
    text = page_text(at)
    assert "<strong>Richtige Antwort:</strong> Aussage A stimmt; Aussage B stimmt</p>" in text, text
    assert text.count("Richtige Antwort:") == 1  # only where the answer was not fully right


def test_review_option_after_each_attempt_and_never():
    quiz = fixture_catalog().quiz(LESSON_ONE)
    every = quiz.model_copy(update={"show_correct": "after_each_attempt"})
    never = quiz.model_copy(update={"show_correct": "never"})
    assert quiz_review.shows_correct(every, passed_ever=False)
    assert not quiz_review.shows_correct(quiz, passed_ever=False) and quiz_review.shows_correct(quiz, True)
    assert not quiz_review.shows_correct(never, passed_ever=True)


def test_correct_answer_in_words_for_every_type():
    catalog = fixture_catalog()
    words = {q.id: quiz_review.correct_answer(q) for lesson in ("eins-grundlagen", "zwei-vertiefung")
             for q in catalog.quiz(lesson).questions}
    assert words["it-allein"] == "Stimmt nicht"
    assert words["reihenfolge"] == "1. Planen; 2. Umsetzen; 3. Prüfen"
    assert words["zuordnung"].count("→") == 2
    assert "72,5" in words["quote"]
