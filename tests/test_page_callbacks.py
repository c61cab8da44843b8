"""Button callbacks of the self-study pages while other sessions use the database.

Streamlit runs a page on one thread and the button callbacks of that page at the start of the next
run, on another thread. Pages used to keep the connection of the rendering run (``database = db()``)
and use it in their callbacks, although the pool had already handed it to another session's thread:
the callback's write then landed in that session's open transaction (or failed inside it). Here
every connection the store has idle is held by another "session" thread with an open transaction
while the learner clicks; the click must still be saved, once, and survive that session's rollback.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import pytest

from lotse import learning
from lotse.content import load_catalog
from progress import Store
from raw_sql import raw
from selfstudy_course import content_dir, right_answers, wrong_answers  # noqa: F401 (content_dir: fixture)
from ui import context

JOIN_TIMEOUT = 30


@contextmanager
def other_sessions_hold_idle_connections(store: Store) -> Iterator[int]:
    """One thread per idle connection of the app's store, each inside an open (read) transaction
    until the block ends; then they roll back and give the connections back."""
    ready, release = threading.Barrier(store.idle_count() + 1), threading.Event()
    errors: list[BaseException] = []

    def session() -> None:
        try:
            with store.connection() as db:
                db.execute("BEGIN")
                db.execute("SELECT COUNT(*) FROM users").fetchone()
                ready.wait(JOIN_TIMEOUT)
                release.wait(JOIN_TIMEOUT)
                db.execute("ROLLBACK")
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)

    threads = [threading.Thread(target=session) for _ in range(ready.parties - 1)]
    for thread in threads:
        thread.start()
    ready.wait(JOIN_TIMEOUT)
    try:
        yield len(threads)
    finally:
        release.set()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
    assert errors == []


@pytest.fixture
def learner(make_user):
    return make_user("learner", display_name="Lena Lernend")


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(db, table: str) -> int:
    return raw(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def click_while_others_hold_connections(at, key: str) -> int:
    with other_sessions_hold_idle_connections(context.store()) as held:
        ok(at.button(key=key).click().run())
    return held


def submit(db, user, catalog, lesson_id, responses):
    attempt_no = learning.quiz_state(db, user, lesson_id).attempt_no
    learning.submit_attempt(db, user, catalog.quiz(lesson_id), attempt_no, responses)


def test_journal_entry_saved_while_other_sessions_hold_connections(signed_in_app, learner, db, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/reflexion.py"))
    key = "reflexion-neu-l3-rolle-heute"
    at.text_area(key=key).input("Ich spreche mit dem Personalrat.")
    assert click_while_others_hold_connections(at, f"{key}-speichern") >= 1
    assert count(db, "reflections") == 1


def test_entry_check_evaluated_while_other_sessions_hold_connections(signed_in_app, learner, db, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/einstufung.py"))
    click_while_others_hold_connections(at, "einstufung-starten")
    for radio in [r for r in at.radio if r.key and r.key.startswith("einstufung-")]:
        at.radio(key=radio.key).set_value(0)
    ok(at.run())
    click_while_others_hold_connections(at, "einstufung-weiter")
    click_while_others_hold_connections(at, "einstufung-auswerten")
    assert count(db, "placement_results") == 1


def test_self_assessment_saved_while_other_sessions_hold_connections(signed_in_app, learner, db, content_dir):
    at = ok(signed_in_app(learner, page="app_pages/selbsteinschaetzung.py"))
    for radio in [r for r in at.radio if r.key and r.key.startswith("selbst-vorher-")]:
        at.radio(key=radio.key).set_value(3)
    with other_sessions_hold_idle_connections(context.store()):
        ok(next(b for b in at.button if b.label == "Einschätzung speichern").click().run())
    assert count(db, "self_assessments") >= 1


def test_review_rating_saved_while_other_sessions_hold_connections(signed_in_app, learner, db, content_dir):
    catalog = load_catalog(content_dir)
    submit(db, learner, catalog, "l4", wrong_answers(catalog, "l4"))
    at = ok(signed_in_app(learner, page="app_pages/wiederholen.py"))
    [answer] = [r for r in at.radio if r.key.endswith("-antwort")][:1]
    at.radio(key=answer.key).set_value(0)
    click_while_others_hold_connections(at, answer.key.replace("-antwort", "-pruefen"))
    rating = next(r for r in at.radio if r.key.endswith("-bewertung"))
    before = count(db, "review_logs")
    click_while_others_hold_connections(at, rating.key.replace("-bewertung", "-speichern"))
    assert count(db, "review_logs") == before + 1


def test_certificate_issued_while_other_sessions_hold_connections(signed_in_app, learner, db, content_dir):
    catalog = load_catalog(content_dir)
    for lesson_id in catalog.quizzes:
        submit(db, learner, catalog, lesson_id, right_answers(catalog, lesson_id))
    at = ok(signed_in_app(learner, page="app_pages/zertifikat.py"))
    click_while_others_hold_connections(at, "zertifikat-ausstellen")
    assert count(db, "certificates") == 1
