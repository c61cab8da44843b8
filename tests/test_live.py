"""Seminar live in the core: sessions, questions, answering, results, the cohort's record."""

from __future__ import annotations

import json
import threading

import pytest

from lotse import live, privacy
from lotse.content import load_catalog
from lotse.identity import PermissionDenied
from lotse.live_export import record_csv, record_pdf, result_lines
from progress import cohorts as cohort_sql
from raw_sql import raw
from selfstudy_course import build

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def room(db, make_user):
    """A trainer's cohort with four members and a running session (anonymous joining off)."""
    trainer = make_user("trainer", display_name="Tina Trainerin")
    cohort = cohort_sql.insert_cohort(db, "Seminar Nord", trainer.id, "NORD1")
    members = [make_user("learner", display_name=f"Lernende {n}") for n in range(4)]
    for member in members:
        cohort_sql.add_member(db, cohort, member.id)
    session = live.start_session(db, trainer, cohort)
    return trainer, cohort, members, session


def ask(db, trainer, session, kind="single", prompt="Wer berät?", options="* Der Lotse\nDie Kapitänin"):
    question = live.add_question(db, trainer, session.id, kind, prompt, options)
    live.open_question(db, trainer, question)
    return question


def answer_as(db, session, user, question, value):
    live.answer(db, session, question, live.participant(db, session, user, "unused"), value)


def test_a_cohort_has_one_running_session_with_a_readable_code(db, room):
    trainer, cohort, _, session = room
    assert live.start_session(db, trainer, cohort) == session
    assert len(session.join_code) == live.CODE_LENGTH
    assert live.join(db, session.join_code.lower()[:3] + "-" + session.join_code[3:]) == session
    with pytest.raises(live.LiveError, match="keine Live-Sitzung"):
        live.join(db, "OOOOOO")
    live.end_session(db, trainer, session.id)
    with pytest.raises(live.LiveError):
        live.join(db, session.join_code)
    assert live.start_session(db, trainer, cohort).join_code != session.join_code


def test_only_the_cohorts_trainer_runs_it(db, room, make_user):
    _, cohort, members, session = room
    other = make_user("trainer")
    with pytest.raises(PermissionDenied):
        live.start_session(db, other, cohort)
    with pytest.raises(PermissionDenied):
        live.add_question(db, members[0], session.id, "word", "Ein Wort?")
    question = live.add_question(db, room[0], session.id, "word", "Ein Wort?")
    for action in (live.open_question, live.close_question, live.results):
        with pytest.raises(PermissionDenied):
            action(db, other, question)


def test_members_answer_once_and_may_change_until_it_closes(db, room):
    trainer, _, members, session = room
    question = ask(db, trainer, session)
    answer_as(db, session, members[0], question, 1)
    answer_as(db, session, members[0], question, 0)  # changed their mind
    assert live.my_answer(db, question, live.participant(db, session, members[0], "x")) == 0
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 1
    live.close_question(db, trainer, question)
    with pytest.raises(live.LiveError, match="schon geschlossen"):
        answer_as(db, session, members[1], question, 0)
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 1


def test_who_may_join_without_signing_in(db, room, make_user):
    trainer, cohort, members, session = room
    stranger = make_user("learner")
    with pytest.raises(live.LiveError, match="melden Sie sich"):
        live.participant(db, session, None, "abc")
    with pytest.raises(live.LiveError, match="anderen Kohorte"):
        live.participant(db, session, stranger, "abc")
    live.end_session(db, trainer, session.id)
    open_room = live.start_session(db, trainer, cohort, allow_anonymous=True)
    assert live.participant(db, open_room, None, "abc") == ("aabc", None)
    assert live.participant(db, open_room, stranger, "abc") == ("aabc", None)
    assert live.participant(db, open_room, members[0], "abc") == (f"u{members[0].id}", members[0].id)


def test_fewer_than_three_answers_show_no_distribution(db, room):
    trainer, _, members, session = room
    question = ask(db, trainer, session)
    for member in members[:2]:
        answer_as(db, session, member, question, 0)
    result = live.results(db, trainer, question)
    assert result.withheld and result.rows == [] and result.answers == 2
    assert "Weniger als 3" in result_lines(result)[0]
    answer_as(db, session, members[2], question, 1)
    assert live.results(db, trainer, question).rows == [("Der Lotse", 2), ("Die Kapitänin", 1)]


def test_the_solution_shows_only_after_closing_and_revealing(db, room):
    trainer, _, members, session = room
    question = ask(db, trainer, session)
    for member in members[:3]:
        answer_as(db, session, member, question, 0)
    with pytest.raises(live.LiveError, match="geschlossen"):
        live.reveal(db, trainer, question)
    assert live.results(db, trainer, question).correct_labels == []
    live.close_question(db, trainer, question)
    live.reveal(db, trainer, question)
    assert live.results(db, trainer, question).correct_labels == ["Der Lotse"]


def test_opening_a_question_closes_the_open_one(db, room):
    trainer, _, _, session = room
    first = ask(db, trainer, session)
    second = ask(db, trainer, session, kind="scale", prompt="Wie sicher fühlen Sie sich?", options="")
    states = {q.id: q.state for q in live.questions(db, trainer, session.id)}
    assert states == {first: "closed", second: "open"}
    assert live.open_question_of(db, session).id == second


def test_multiple_choice_words_and_scales_are_tallied(db, room):
    trainer, _, members, session = room
    multiple = ask(db, trainer, session, "multiple", "Was gehört dazu?", "* A\n* B\nC")
    for member, ticks in zip(members, ([0, 1], [0], [2, 0])):
        answer_as(db, session, member, multiple, ticks)
    assert live.results(db, trainer, multiple).rows == [("A", 3), ("B", 1), ("C", 1)]
    word = ask(db, trainer, session, "word", "Ein Wort zur Digitalisierung?", "")
    for member, text in zip(members, ("Mut", " mut ", "Geduld", "MUT")):
        answer_as(db, session, member, word, text)
    assert live.results(db, trainer, word).rows == [("Mut", 3), ("Geduld", 1)]
    scale = ask(db, trainer, session, "scale", "Wie sicher?", "")
    for member, value in zip(members, (0, 4, 4)):
        answer_as(db, session, member, scale, value)
    result = live.results(db, trainer, scale)
    assert result.rows[0] == ("1", 1) and result.rows[4] == ("5", 2) and result.mean == pytest.approx(11 / 3)


@pytest.mark.parametrize("kind, value, message", [
    ("single", 7, "wählen Sie eine Antwort"), ("single", True, "wählen Sie eine Antwort"),
    ("multiple", [], "mindestens eine"), ("word", "", "ein Wort"), ("word", "x" * 41, "zu lang"),
    ("word", "eins zwei drei vier", "höchstens drei Wörter"),
])
def test_bad_answers_get_a_german_message_and_store_nothing(db, room, kind, value, message):
    trainer, _, members, session = room
    question = ask(db, trainer, session, kind, "Frage?", "A\nB" if kind in ("single", "multiple") else "")
    with pytest.raises(live.LiveError, match=message):
        answer_as(db, session, members[0], question, value)
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 0


@pytest.mark.parametrize("kind, options, message", [
    ("single", "nur eine", "2 bis 8"), ("single", "* A\n* B", "höchstens eine"), ("multiple", "A\na", "gleich"),
    ("quiz", "", "Frageart"),
])
def test_bad_questions_get_a_german_message(db, room, kind, options, message):
    trainer, _, _, session = room
    with pytest.raises(live.LiveError, match=message):
        live.add_question(db, trainer, session.id, kind, "Frage?", options)


def test_course_questions_weakest_objectives_first_and_true_false_as_choice(db, room, tmp_path):
    trainer, _, _, session = room
    catalog = build(tmp_path / "content")
    questions = live.course_questions(catalog)
    assert questions, "the fixture course has choice questions"
    last = questions[-1]
    ranked = live.course_questions(catalog, [(last.lesson_id, last.objective)])
    assert ranked[0].objective == last.objective and ranked[0].lesson_id == last.lesson_id
    for item in questions:
        live.add_course_question(db, trainer, session.id, catalog, item.lesson_id, item.question_id)
    stored = live.questions(db, trainer, session.id)
    assert len(stored) == len(questions) and all(q.correct for q in stored)
    assert all(q.kind in ("single", "multiple") for q in stored)


def test_fifty_answers_at_once_are_counted_exactly_once(db, make_user, room):
    trainer, cohort, _, _ = room
    live.end_session(db, trainer, room[3].id)
    session = live.start_session(db, trainer, cohort, allow_anonymous=True)
    question = ask(db, trainer, session)
    barrier, errors = threading.Barrier(50), []

    def phone(n: int) -> None:
        try:
            barrier.wait(30)
            who = live.participant(db, session, None, f"handy{n}")
            live.answer(db, session, question, who, n % 2)
            live.answer(db, session, question, who, 0)  # everyone changes to the first option
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert live.results(db, trainer, question).rows == [("Der Lotse", 50), ("Die Kapitänin", 0)]


def test_the_cohort_record_and_its_exports_name_nobody(db, room):
    trainer, cohort, members, session = room
    question = ask(db, trainer, session)
    for member in members:
        answer_as(db, session, member, question, 0)
    live.close_question(db, trainer, question)
    record = live.cohort_record(db, trainer, cohort)
    assert [r.answers for r in record] == [4]
    text = record_csv(record).decode("utf-8")
    assert "Der Lotse: 4 (100 %)" in text and "Wer berät?" in text
    pdf = record_pdf("Seminar Nord", record)
    assert pdf.startswith(b"%PDF")
    for member in members:
        assert member.display_name not in text and member.login not in text


def test_answers_are_part_of_the_learners_data_export_and_deletion(db, room):
    trainer, _, members, session = room
    question = ask(db, trainer, session, "word", "Ein Wort?", "")
    answer_as(db, session, members[0], question, "Neugier")
    data = privacy.export_user_data(db, members[0], members[0].id)
    assert [json.loads(a["answer"]) for a in data["tables"]["live_answers"]] == ["Neugier"]
    privacy.delete_account(db, members[0], members[0].id, members[0].login)
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 0
