"""The progress store: migrations, events exactly once, state = replay of the log, nothing lost."""

from __future__ import annotations

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learner_support import LESSON_ONE, LESSON_TWO, PERFECT, fixture_catalog, new_database, new_user
from lotse import learning
from lotse.identity import PermissionDenied
from lotse.learning import Status
from progress import StoreError, open_store, prepared_store
from progress import learning as store
from engines import fresh_url, sqlite_only
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

QUIZ_ONE = fixture_catalog().quiz(LESSON_ONE)
QUIZ_TWO = fixture_catalog().quiz(LESSON_TWO)
TABLES = {"users", "events", "lesson_progress", "attempts", "answers", "drafts", "lesson_texts"}


def kinds(db, user_id: int) -> list[str]:
    return [e["kind"] for e in store.events_of(db, user_id)]


# --- migrations -----------------------------------------------------------------------------------


def test_migrations_create_the_schema_from_empty_and_set_the_pragmas(tmp_path):
    db = prepared_store(fresh_url(tmp_path, empty=True))  # migrated here, not copied from a template
    assert TABLES <= set(raw(db).table_names())
    sqlite_only("PRAGMAs")
    assert raw(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw(db).execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert raw(db).execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_a_test_database_copied_from_the_template_is_fully_migrated(tmp_path):
    db, _ = new_database(tmp_path)  # what the `db` fixture and new_database hand out
    assert db.pending_migrations() == []
    assert TABLES <= set(raw(db).table_names())
    sqlite_only("PRAGMAs")
    assert raw(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_reapplied_change_nothing_and_keep_data(tmp_path):
    path = fresh_url(tmp_path, empty=True)
    db = prepared_store(path)
    user = new_user(db)
    learning.mark_read(db, user, LESSON_ONE)
    applied = raw(db).applied_migrations()
    assert db.migrate() == []
    again = prepared_store(path)
    assert again.migrate() == []
    assert raw(again).applied_migrations() == applied
    assert store.lesson_states(again, user.id)[LESSON_ONE]["read_at"]


def test_deleting_a_user_deletes_their_learning_record(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    learning.open_lesson(db, user, LESSON_ONE, "v1")
    learning.submit_attempt(db, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    learning.save_draft(db, user, LESSON_ONE, 2, {"ozg-ziel": 1})
    raw(db).execute("DELETE FROM users WHERE id = ?", [user.id])
    for table in ("events", "lesson_progress", "attempts", "answers", "drafts"):
        assert raw(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


# --- exactly once -----------------------------------------------------------------------------------


def test_opening_is_logged_once_per_view(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    assert learning.open_lesson(db, user, LESSON_ONE, "view-1")
    assert not learning.open_lesson(db, user, LESSON_ONE, "view-1")  # a rerun of the same view
    assert learning.open_lesson(db, user, LESSON_ONE, "view-2")      # a new view
    assert kinds(db, user.id) == ["lesson_opened", "lesson_opened"]


def test_reading_time_once_per_beat_and_capped(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    assert learning.add_reading_time(db, user, LESSON_ONE, 25, "v:1")
    assert not learning.add_reading_time(db, user, LESSON_ONE, 25, "v:1")
    assert learning.add_reading_time(db, user, LESSON_ONE, 8 * 3600, "v:2")  # a tab open overnight
    assert learning.add_reading_time(db, user, LESSON_ONE, -50, "v:3")
    assert store.lesson_states(db, user.id)[LESSON_ONE]["reading_seconds"] == 25 + learning.HEARTBEAT_SECONDS


@pytest.mark.parametrize("elapsed, counted, minutes, expected", [
    (30, 0, 10, 30), (45, 0, 10, 30), (5, 0, 10, 5), (-3, 0, 10, 0),
    (30, 1190, 10, 10),            # the view's budget is 2 x 10 minutes = 1200 s
    (30, 1200, 10, 0), (30, 5000, 10, 0),
])
def test_heartbeat_seconds_respect_beat_and_view_budget(elapsed, counted, minutes, expected):
    assert learning.heartbeat_seconds(elapsed, counted, minutes) == expected


def test_mark_read_once(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    assert learning.mark_read(db, user, LESSON_ONE)
    assert not learning.mark_read(db, user, LESSON_ONE)
    assert kinds(db, user.id) == ["lesson_read"]


def test_submit_is_recorded_once_however_often_it_is_clicked(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    first = learning.submit_attempt(db, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    again = learning.submit_attempt(db, user, QUIZ_ONE, 1, {"ozg-ziel": 2})  # a second click, other answers
    assert first[0] == again[0] and first[2] and not again[2]
    assert again[1].percent == first[1].percent == 100.0   # the stored result, not the second payload
    assert len(store.attempts_of(db, user.id, LESSON_ONE)) == 1
    assert kinds(db, user.id).count("attempt_graded") == 1
    assert kinds(db, user.id).count("answer_submitted") == len(QUIZ_ONE.questions)


def test_events_carry_utc_timestamps(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    learning.open_lesson(db, user, LESSON_ONE, "v")
    assert store.events_of(db, user.id)[0]["created_at"].endswith("+00:00")


# --- attempts, drafts, status ---------------------------------------------------------------------


def test_best_attempt_counts_and_retry_reshuffles(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    assert learning.quiz_state(db, user, LESSON_ONE).answering is False       # not started yet
    assert learning.start_new_attempt(db, user, LESSON_ONE) == 1
    state = learning.quiz_state(db, user, LESSON_ONE)
    assert (state.attempt_no, state.answering, state.last_attempt) == (1, True, None)
    learning.submit_attempt(db, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    after = learning.quiz_state(db, user, LESSON_ONE)
    assert (after.attempt_no, after.answering, after.last_attempt["attempt_no"]) == (2, False, 1)
    assert learning.start_new_attempt(db, user, LESSON_ONE) == 2
    assert learning.start_new_attempt(db, user, LESSON_ONE) == 2   # double click
    retry = learning.quiz_state(db, user, LESSON_ONE)
    assert retry.answering and retry.seed != state.seed
    learning.submit_attempt(db, user, QUIZ_ONE, 2, {})               # a worse attempt
    row = store.lesson_states(db, user.id)[LESSON_ONE]
    assert learning.status_of(row) is Status.PASSED and row["best_percent"] == 100.0
    assert row["best_attempt_id"] == store.attempts_of(db, user.id, LESSON_ONE)[0]["id"]


def test_failed_then_passed(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    learning.submit_attempt(db, user, QUIZ_TWO, 1, {"quote": "1"})
    assert learning.status_of(store.lesson_states(db, user.id)[LESSON_TWO]) is Status.FAILED
    learning.submit_attempt(db, user, QUIZ_TWO, 2, PERFECT[LESSON_TWO])
    assert learning.status_of(store.lesson_states(db, user.id)[LESSON_TWO]) is Status.PASSED


def test_draft_survives_and_is_cleared_by_the_submit(tmp_path):
    db, path = new_database(tmp_path)
    user = new_user(db)
    assert learning.save_draft(db, user, LESSON_TWO, 1, {"begriff": "E-Ak"})
    reloaded = open_store(path)  # a reload: new session, new connection
    assert learning.quiz_state(reloaded, user, LESSON_TWO).draft == {"begriff": "E-Ak"}
    learning.submit_attempt(reloaded, user, QUIZ_TWO, 1, {"begriff": "E-Akte"})
    assert learning.quiz_state(db, user, LESSON_TWO).draft == {}


def test_stale_tab_cannot_overwrite_the_next_attempts_draft(tmp_path):
    db, path = new_database(tmp_path)
    user = new_user(db)
    tab_a, tab_b = open_store(path), open_store(path)
    learning.submit_attempt(tab_a, user, QUIZ_ONE, 1, {})
    learning.start_new_attempt(tab_a, user, LESSON_ONE)
    assert learning.save_draft(tab_a, user, LESSON_ONE, 2, {"ozg-ziel": 0})
    assert not learning.save_draft(tab_b, user, LESSON_ONE, 1, {"ozg-ziel": 2})  # tab B still shows attempt 1
    assert learning.quiz_state(tab_a, user, LESSON_ONE).draft == {"ozg-ziel": 0}


def test_overlong_and_unknown_answers_are_bounded(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    attempt_id, _, _ = learning.submit_attempt(db, user, QUIZ_TWO, 1, {"begriff": "x" * 100_000, "extra": 1})
    answers = {a["question_id"]: a["response"] for a in store.answers_of(db, attempt_id)}
    assert set(answers) == {q.id for q in QUIZ_TWO.questions}
    assert len(answers["begriff"]) == learning.MAX_TEXT_ANSWER
    assert learning.save_draft(db, user, LESSON_TWO, 2, {"begriff": "y" * 100_000, "liste": ["z" * 9999] * 999})
    draft = learning.quiz_state(db, user, LESSON_TWO).draft
    assert len(draft["begriff"]) == learning.MAX_TEXT_ANSWER
    assert len(draft["liste"]) == 100 and len(draft["liste"][0]) == learning.MAX_TEXT_ANSWER


def test_writes_need_an_active_account(tmp_path):
    db, _ = new_database(tmp_path)
    user = new_user(db)
    disabled = user.__class__(user.id, user.login, user.display_name, user.role, disabled=True)
    for write in (lambda: learning.open_lesson(db, disabled, LESSON_ONE, "v"),
                  lambda: learning.mark_read(db, disabled, LESSON_ONE),
                  lambda: learning.save_draft(db, disabled, LESSON_ONE, 1, {}),
                  lambda: learning.start_new_attempt(db, disabled, LESSON_ONE),
                  lambda: learning.submit_attempt(db, disabled, QUIZ_ONE, 1, {})):
        with pytest.raises(PermissionDenied):
            write()
    assert kinds(db, user.id) == [] and store.load_draft(db, user.id, LESSON_ONE) is None


def test_a_learner_cannot_review_someone_elses_attempt(tmp_path):
    db, _ = new_database(tmp_path)
    anna, bert = new_user(db, "anna"), new_user(db, "bert")
    attempt_id, _, _ = learning.submit_attempt(db, anna, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    with pytest.raises(PermissionDenied):
        learning.attempt_review(db, bert, anna.id, QUIZ_ONE, attempt_id)
    assert learning.attempt_review(db, bert, bert.id, QUIZ_ONE, attempt_id) is None
    assert learning.attempt_review(db, anna, anna.id, QUIZ_ONE, attempt_id).result.percent == 100.0


# --- derived state equals the replay of the log --------------------------------------------------------

ACTION = st.one_of(
    st.tuples(st.just("open"), st.sampled_from([LESSON_ONE, LESSON_TWO]), st.integers(0, 3)),
    st.tuples(st.just("read"), st.sampled_from([LESSON_ONE, LESSON_TWO]), st.just(0)),
    st.tuples(st.just("beat"), st.sampled_from([LESSON_ONE, LESSON_TWO]), st.integers(0, 5)),
    st.tuples(st.just("submit"), st.sampled_from([LESSON_ONE, LESSON_TWO]), st.integers(0, 2)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(ACTION, max_size=25))
def test_state_tables_equal_a_replay_of_the_event_log(tmp_path_factory, actions):
    db, _ = new_database(tmp_path_factory.mktemp("replay"))
    user = new_user(db)
    quizzes = {LESSON_ONE: QUIZ_ONE, LESSON_TWO: QUIZ_TWO}
    for kind, lesson_id, n in actions:
        if kind == "open":
            learning.open_lesson(db, user, lesson_id, f"view-{n}")
        elif kind == "read":
            learning.mark_read(db, user, lesson_id)
        elif kind == "beat":
            learning.add_reading_time(db, user, lesson_id, 7.5 * n, f"beat-{n}")
        else:
            state = learning.quiz_state(db, user, lesson_id)
            answers = [PERFECT[lesson_id], {}, {"ozg-ziel": 0, "quote": "72"}][n]
            learning.submit_attempt(db, user, quizzes[lesson_id], state.attempt_no, answers)
    replayed = learning.replay_progress(store.events_of(db, user.id))
    assert store.progress_rows(db, user.id) == replayed


# --- nothing lost ---------------------------------------------------------------------------------------


def test_progress_survives_a_server_restart(tmp_path):
    db, path = new_database(tmp_path)
    user = new_user(db)
    learning.mark_read(db, user, LESSON_ONE)
    learning.submit_attempt(db, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    learning.save_draft(db, user, LESSON_TWO, 1, {"quote": "72,"})
    db.close()                                        # the process ends
    restarted = open_store(path)                      # a new process opens the same file
    states = store.lesson_states(restarted, user.id)
    assert learning.status_of(states[LESSON_ONE]) is Status.PASSED
    assert learning.quiz_state(restarted, user, LESSON_TWO).draft == {"quote": "72,"}


def test_two_tabs_see_each_others_writes(tmp_path):
    db, path = new_database(tmp_path)
    user = new_user(db)
    tab_a, tab_b = open_store(path), open_store(path)
    learning.mark_read(tab_a, user, LESSON_ONE)
    assert not learning.mark_read(tab_b, user, LESSON_ONE)
    learning.save_draft(tab_a, user, LESSON_ONE, 1, {"ozg-ziel": 0})
    assert learning.quiz_state(tab_b, user, LESSON_ONE).draft == {"ozg-ziel": 0}
    a = learning.submit_attempt(tab_a, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
    b = learning.submit_attempt(tab_b, user, QUIZ_ONE, 1, {})
    assert a[0] == b[0] and a[2] and not b[2]
    assert len(store.attempts_of(tab_b, user.id, LESSON_ONE)) == 1


THREADS = 20
ROUNDS = 15


def test_twenty_threads_writing_at_once_lose_nothing(tmp_path):
    """Real threads, each with its own connection (as each Streamlit rerun has): no 'database is
    locked', and every write is present afterwards."""
    db, path = new_database(tmp_path)
    users = [new_user(db, f"user{n}") for n in range(THREADS)]
    shared = users[0]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        try:
            conn = open_store(path)
            user = users[n]
            start.wait()
            for r in range(ROUNDS):
                learning.open_lesson(conn, user, LESSON_ONE, f"t{n}-view{r}")
                learning.add_reading_time(conn, user, LESSON_ONE, 1.0, f"t{n}-beat{r}")
                learning.save_draft(conn, user, LESSON_TWO, 1, {"begriff": f"runde {r}"})
                learning.open_lesson(conn, shared, LESSON_TWO, f"shared-{n}-{r}")   # everybody writes one row too
            learning.mark_read(conn, user, LESSON_ONE)
            learning.submit_attempt(conn, user, QUIZ_ONE, 1, PERFECT[LESSON_ONE])
            learning.submit_attempt(conn, shared, QUIZ_TWO, 1, PERFECT[LESSON_TWO])   # same attempt, 20 times
            conn.close()
        except BaseException as error:  # collected and asserted below, including OperationalError
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors, [repr(e) for e in errors]
    for user in users:
        events = store.events_of(db, user.id)
        mine = [e for e in events if e["lesson_id"] == LESSON_ONE]
        assert sum(e["kind"] == "lesson_opened" for e in mine) == ROUNDS
        assert sum(e["kind"] == "reading_time" for e in mine) == ROUNDS
        row = store.lesson_states(db, user.id)[LESSON_ONE]
        assert row["reading_seconds"] == ROUNDS and row["read_at"] and row["passed"] == 1
        if user is not shared:  # the shared learner's attempt 1 was submitted, which ends its draft
            assert learning.quiz_state(db, user, LESSON_TWO).draft == {"begriff": f"runde {ROUNDS - 1}"}
    shared_two = [e for e in store.events_of(db, shared.id) if e["lesson_id"] == LESSON_TWO]
    assert sum(e["kind"] == "lesson_opened" for e in shared_two) == THREADS * ROUNDS
    assert sum(e["kind"] == "attempt_graded" for e in shared_two) == 1
    assert len(store.attempts_of(db, shared.id, LESSON_TWO)) == 1


def test_no_database_is_locked_under_contention_on_one_row(tmp_path):
    """The tightest spot: 20 threads adding reading time to the same progress row."""
    db, path = new_database(tmp_path)
    user = new_user(db)
    failures: list[str] = []
    start = threading.Barrier(THREADS)

    def work(n: int) -> None:
        conn = open_store(path)
        start.wait()
        for r in range(ROUNDS):
            try:
                learning.add_reading_time(conn, user, LESSON_ONE, 1.0, f"{n}:{r}")
            except StoreError as error:
                failures.append(str(error))
        conn.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert store.lesson_states(db, user.id)[LESSON_ONE]["reading_seconds"] == THREADS * ROUNDS


# --- connection pool (one connection per thread, reused after the thread ends) ---------------------


def _in_thread(action):
    """Run ``action`` on a new thread (as Streamlit runs each rerun) and return its result."""
    result = {}
    thread = threading.Thread(target=lambda: result.update(value=action()))
    thread.start()
    thread.join()
    return result["value"]
