"""Many learners submitting at the same moment against one database file: nothing lost, nothing doubled.

Each thread is a browser-less session: its own store on the file (as a separate process would have),
its own learner, the real core call (lotse.learning.submit_attempt). A barrier releases all threads at once so their
write transactions really collide on the SQLite lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from content_builder import QUIZ as DEFAULT_QUIZ, write_course
from lotse import learning
from lotse.accounts import create_account
from lotse.content import load_catalog
from progress import open_store, prepared_store
from progress import learning as store
from engines import fresh_url
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

THREADS = 50
JOIN_TIMEOUT = 120  # seconds; a hang is a failure, not a stuck CI job

# content_builder's one-question quiz (single choice `frage`) plus a true/false and a short answer
QUIZ = DEFAULT_QUIZ + """\
  - id: frage-b
    type: true_false
    objective: ziel
    prompt: Stimmt das?
    answer: true
    feedback_true: Ja.
    feedback_false: Nein.
    explanation: Darum.
  - id: frage-c
    type: short_answer
    objective: ziel
    prompt: Wie heißt das Gesetz?
    answers:
      - text: OZG
    explanation: Das Onlinezugangsgesetz.
"""
RIGHT = {"frage": 0, "frage-b": True, "frage-c": "OZG"}
WRONG = {"frage": 1, "frage-b": False, "frage-c": "DSGVO"}


@pytest.fixture
def setting(tmp_path: Path):
    catalog = load_catalog(write_course(tmp_path / "content", quizzes={"eins": QUIZ}))
    assert not catalog.problems
    db_path = fresh_url(tmp_path)  # a SQLite file or a PostgreSQL database (the URL)
    db = prepared_store(db_path)
    learners = [create_account(db, f"lernende-{n:02d}", f"Lernende {n}", None) for n in range(THREADS)]
    db.close()
    return db_path, catalog.quiz("eins"), learners


def run_at_once(work, items) -> list[BaseException]:
    """Run ``work(item)`` in one thread per item, released together; returns the exceptions raised."""
    barrier = threading.Barrier(len(items))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def thread_main(item) -> None:
        try:
            barrier.wait(timeout=JOIN_TIMEOUT)
            work(item)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=thread_main, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread hung (lock wait beyond the timeout?)"
    return errors


def test_fifty_learners_submit_at_once_without_loss_or_doubles(setting):
    db_path, quiz, learners = setting
    questions = len(quiz.questions)
    outcomes: dict[int, list[tuple[int, bool, bool]]] = {}

    def learner_session(user) -> None:
        db = open_store(db_path)  # this session's own connection, as each Streamlit run has
        try:
            results = []
            for attempt_no, responses in ((1, WRONG), (2, RIGHT)):
                attempt_id, result, created = learning.submit_attempt(db, user, quiz, attempt_no, responses)
                results.append((attempt_id, result.passed, created))
            outcomes[user.id] = results
        finally:
            db.close()

    errors = run_at_once(learner_session, learners)
    assert errors == [], f"{len(errors)} sessions failed, first: {errors[0]!r}"

    db = open_store(db_path)
    assert all([(created, passed) for _, passed, created in outcomes[u.id]] == [(True, False), (True, True)]
               for u in learners)
    assert raw(db).execute("SELECT COUNT(*) FROM attempts").fetchone()[0] == THREADS * 2
    assert raw(db).execute("SELECT COUNT(DISTINCT submit_key) FROM attempts").fetchone()[0] == THREADS * 2
    assert raw(db).execute("SELECT COUNT(*) FROM answers").fetchone()[0] == THREADS * 2 * questions
    kinds = Counter(row["kind"] for row in raw(db).query("SELECT kind FROM events"))
    assert kinds == {"attempt_graded": THREADS * 2, "answer_submitted": THREADS * 2 * questions}
    progress_rows = list(raw(db).query("SELECT user_id, attempts, passed, best_percent FROM lesson_progress"))
    assert sorted(r["user_id"] for r in progress_rows) == sorted(u.id for u in learners)
    assert all(r["attempts"] == 2 and r["passed"] == 1 and r["best_percent"] == 100 for r in progress_rows)
    for user in learners:  # the state tables agree with the event log, learner by learner
        assert learning.replay_progress(store.events_of(db, user.id)) == store.progress_rows(db, user.id)


def test_the_same_attempt_submitted_twice_at_once_is_stored_once(setting):
    """Two tabs (or a double click) submit the same attempt at the same moment: one attempt is stored."""
    db_path, quiz, learners = setting
    created_flags: Counter = Counter()
    lock = threading.Lock()
    sessions = [user for user in learners[: THREADS // 2] for _ in range(2)]  # 25 learners x 2 sessions

    def submit_once(user) -> None:
        db = open_store(db_path)
        try:
            _, result, created = learning.submit_attempt(db, user, quiz, 1, RIGHT)
            assert result.passed
            with lock:
                created_flags[(user.id, created)] += 1
        finally:
            db.close()

    errors = run_at_once(submit_once, sessions)
    assert errors == [], f"{len(errors)} sessions failed, first: {errors[0]!r}"
    for user in learners[: THREADS // 2]:
        assert created_flags[(user.id, True)] == 1 and created_flags[(user.id, False)] == 1

    db = open_store(db_path)
    per_learner = list(raw(db).query("SELECT user_id, COUNT(*) AS n FROM attempts GROUP BY user_id"))
    assert len(per_learner) == THREADS // 2 and all(row["n"] == 1 for row in per_learner)
    graded = raw(db).execute("SELECT COUNT(*) FROM events WHERE kind = 'attempt_graded'").fetchone()[0]
    assert graded == THREADS // 2
    assert raw(db).execute("SELECT COUNT(*) FROM answers").fetchone()[0] == THREADS // 2 * len(quiz.questions)
    assert all(row["attempts"] == 1 for row in raw(db).query("SELECT attempts FROM lesson_progress"))


def test_reading_and_opening_at_once_counts_each_view_once(setting):
    """Concurrent lesson openings and heartbeats (each with its own dedupe key) all count, once each."""
    db_path, _, learners = setting

    def reading_session(user) -> None:
        db = open_store(db_path)
        try:
            for view in range(3):
                learning.open_lesson(db, user, "eins", f"view-{user.id}-{view}")
                learning.add_reading_time(db, user, "eins", 20, f"view-{user.id}-{view}:1")
                learning.add_reading_time(db, user, "eins", 20, f"view-{user.id}-{view}:1")  # a repeated beat
            learning.mark_read(db, user, "eins")
        finally:
            db.close()

    errors = run_at_once(reading_session, learners)
    assert errors == [], f"{len(errors)} sessions failed, first: {errors[0]!r}"
    db = open_store(db_path)
    kinds = Counter(row["kind"] for row in raw(db).query("SELECT kind FROM events"))
    assert kinds == {"lesson_opened": THREADS * 3, "reading_time": THREADS * 3, "lesson_read": THREADS}
    rows = list(raw(db).query("SELECT reading_seconds, read_at FROM lesson_progress"))
    assert len(rows) == THREADS and all(r["reading_seconds"] == 60 and r["read_at"] for r in rows)
