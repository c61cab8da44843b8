"""The store: connections per call, transactions, error translation, and migrations under a lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from progress import Conflict, SchemaBehind, Store, open_store, prepared_store, sqlite_url
from progress.migrations import MIGRATION_SETS
from progress.store import NO_DATABASE, sqlite_path
from engines import engine, fresh_url, sqlite_only
from prepare_runner import Run, prepare_in_processes
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30


@pytest.fixture
def scratch(tmp_path) -> Store:
    store = prepared_store(fresh_url(tmp_path))
    raw(store).execute("CREATE TABLE scratch (x INTEGER PRIMARY KEY)")
    yield store
    store.close()


def in_thread(action):
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(value=action()))
    thread.start()
    thread.join(TIMEOUT)
    return result["value"]


def test_a_connection_is_held_only_for_the_call_and_then_given_back(scratch):
    assert scratch.idle_count() == 1  # prepared_store migrated on one connection, then gave it back
    with scratch.connection():
        assert scratch.idle_count() == 0
    assert scratch.idle_count() == 1
    assert in_thread(lambda: scratch.idle_count()) == 1


def test_two_threads_inside_calls_at_once_never_share_a_connection(scratch):
    holding, release = threading.Event(), threading.Event()
    held: dict = {}

    def hold() -> None:
        with scratch.connection() as db:
            held["conn"] = id(db.conn)
            holding.set()
            release.wait(TIMEOUT)

    keeper = threading.Thread(target=hold)
    keeper.start()
    holding.wait(TIMEOUT)

    def other() -> int:
        with scratch.connection() as db:
            return id(db.conn)

    assert in_thread(other) != held["conn"]
    release.set()
    keeper.join(TIMEOUT)
    assert scratch.idle_count() == 2


def test_nested_calls_of_one_thread_share_the_connection(scratch):
    with scratch.connection() as outer, scratch.connection() as inner:
        assert inner is outer
    assert scratch.idle_count() == 1


def test_a_transaction_commits_all_or_nothing(scratch):
    with scratch.transaction():
        raw(scratch).execute("INSERT INTO scratch VALUES (1)")
        raw(scratch).execute("INSERT INTO scratch VALUES (2)")
    with pytest.raises(RuntimeError):
        with scratch.transaction():
            raw(scratch).execute("INSERT INTO scratch VALUES (3)")
            raise RuntimeError("half-way")
    assert [r[0] for r in raw(scratch).execute("SELECT x FROM scratch ORDER BY x").fetchall()] == [1, 2]


def test_a_nested_transaction_joins_the_outer_one(scratch):
    with pytest.raises(RuntimeError):
        with scratch.transaction():
            with scratch.transaction():
                raw(scratch).execute("INSERT INTO scratch VALUES (1)")
            raise RuntimeError("the outer unit fails after the inner one ended")
    assert raw(scratch).execute("SELECT COUNT(*) FROM scratch").fetchone()[0] == 0


def test_what_a_call_left_uncommitted_is_rolled_back_and_the_lock_released(scratch):
    with scratch.connection() as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO scratch VALUES (1)")
    with scratch.connection() as db:
        assert not db.conn.in_transaction
    other = open_store(scratch.url)
    with other.transaction():  # the write lock is free again
        assert raw(other).execute("SELECT COUNT(*) FROM scratch").fetchone()[0] == 0
    other.close()


def test_a_broken_uniqueness_rule_is_a_conflict_not_a_driver_error(scratch):
    raw(scratch).execute("INSERT INTO scratch VALUES (1)")
    with pytest.raises(Conflict):
        raw(scratch).execute("INSERT INTO scratch VALUES (1)")
    with pytest.raises(Conflict), scratch.transaction():  # inside a transaction too
        raw(scratch).execute("INSERT INTO scratch VALUES (1)")


def test_a_closed_store_closes_connections_as_they_come_back(scratch):
    with scratch.connection() as db:
        scratch.close()
    assert scratch.idle_count() == 0
    with pytest.raises(Exception):
        db.execute("SELECT 1")


@pytest.mark.parametrize("url, expected", [
    ("sqlite:///data/lotse.db", Path("data/lotse.db")),
    ("sqlite:////srv/lotse/lotse.db", Path("/srv/lotse/lotse.db")),
    ("postgresql://lotse@db/lotse", None),
])
def test_sqlite_urls(url, expected):
    sqlite_only("SQLite URLs")
    assert sqlite_path(url) == expected


def test_a_store_from_a_url_and_from_a_path_open_the_same_file(tmp_path):
    sqlite_only("files")
    path = tmp_path / "eins.db"
    assert open_store(sqlite_url(path)).path == open_store(path).path == path


# --- schema and migrations -----------------------------------------------------------------------------


def one_migration_behind(path: Path) -> None:
    """A database as the previous release left it: every migration but the last one applied."""
    store = open_store(path)
    with store.connection() as db:
        db.execute("PRAGMA journal_mode = WAL")
        for migrations in MIGRATION_SETS[:-1]:
            migrations.apply(db)
        last = MIGRATION_SETS[-1]
        last.apply(db, stop_before=last._migrations[-1].name)
    store.close()


def test_check_schema_tells_a_missing_and_an_old_database_apart(tmp_path):
    sqlite_only("the previous release's file (PostgreSQL: test_prepare_on_postgresql_...)")
    missing = open_store(tmp_path / "fehlt.db")
    with pytest.raises(SchemaBehind) as raised:
        missing.check_schema()
    assert raised.value.pending == [NO_DATABASE] and not (tmp_path / "fehlt.db").exists()
    one_migration_behind(tmp_path / "alt.db")
    old = open_store(tmp_path / "alt.db")
    with pytest.raises(SchemaBehind) as raised:
        old.check_schema()
    assert raised.value.pending == [f"{MIGRATION_SETS[-1].name}:{MIGRATION_SETS[-1]._migrations[-1].name}"]
    assert old.migrate() == raised.value.pending
    old.check_schema()
    assert old.migrate() == []


def prepare_env(path: Path, url: str | None = None) -> dict[str, str]:
    return {"LOTSE_DATABASE_URL": url or sqlite_url(path), "LOTSE_DEMO": "0",
            "LOTSE_DATA_DIR": str(path.parent / "data"),
            # the small fixture course: each process indexes the lessons, the locks are the subject
            "LOTSE_CONTENT_DIR": str(ROOT / "tests" / "fixtures" / "course")}


def prepare_at_once(path: Path, processes: int, url: str | None = None,
                    commands: bool = False) -> list[subprocess.CompletedProcess | Run]:
    """`processes` prepares at once: processes forked from a warm fork server (prepare_runner), or
    with ``commands`` real `python -m lotse prepare` commands (each some 0.8 s of imports)."""
    env = prepare_env(path, url)
    if not commands:
        return prepare_in_processes(env, processes, path.parent / f"{path.stem}-runs")
    command = [sys.executable, "-m", "lotse", "prepare"]
    with ThreadPoolExecutor(processes) as pool:
        runs = [pool.submit(subprocess.run, command, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                            text=True, timeout=120) for _ in range(processes)]
        return [run.result() for run in runs]


def test_four_prepares_at_once_never_fail_on_a_fresh_or_an_old_database(tmp_path):
    """10 rounds x 4 processes: 5 rounds on a fresh file, 5 on a file one migration behind. The
    first round runs the real command four times; the others fork from a warm process."""
    sqlite_only("the file lock")
    failures = []
    for round_no in range(10):
        path = tmp_path / f"runde-{round_no}.db"
        if round_no % 2:
            one_migration_behind(path)
        runs = prepare_at_once(path, 4, commands=round_no == 0)
        failures += [r.stdout + r.stderr for r in runs if r.returncode != 0]
        store = open_store(path)
        store.check_schema()
        applied = raw(store).execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
        assert applied == sum(len(m._migrations) for m in MIGRATION_SETS)
        store.close()
    assert failures == []


def test_the_web_app_shows_a_german_maintenance_page_on_an_old_database(tmp_path, monkeypatch):
    sqlite_only("an old file")
    from app_state import forget_loaded

    one_migration_behind(tmp_path / "lotse.db")
    monkeypatch.setenv("LOTSE_DATABASE_URL", sqlite_url(tmp_path / "lotse.db"))
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    forget_loaded()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
        assert not at.exception
        assert [t.value for t in at.title] == ["Wartungsarbeiten"]
        assert "einigen Minuten" in at.info[0].value
        assert open_store(tmp_path / "lotse.db").pending_migrations()  # the web process migrated nothing
    finally:
        forget_loaded()


def test_prepare_on_postgresql_migrates_once_under_the_advisory_lock_while_others_wait(tmp_path):
    """2 rounds x 4 `lotse prepare` processes on an empty PostgreSQL database each; the web check
    refuses the empty database before and accepts it after."""
    if engine() != "postgresql":
        pytest.skip("PostgreSQL's advisory lock (SQLite: the test with four prepares above)")
    steps = sum(len(m._migrations) for m in MIGRATION_SETS)
    for _ in range(2):
        url = fresh_url(tmp_path, empty=True)
        with pytest.raises(SchemaBehind):
            open_store(url).check_schema()
        runs = prepare_at_once(tmp_path / "lotse.db", 4, url)
        assert [r.stdout + r.stderr for r in runs if r.returncode != 0] == []
        assert sum("migration(s) applied" in r.stdout for r in runs) == 1
        store = open_store(url)
        store.check_schema()
        assert raw(store).applied_migrations() == steps
        assert "***" not in url and "lotse@127.0.0.1" in runs[0].stdout  # the URL, never a password
        store.close()
