"""Shared fixtures: a migrated temp-file database, users of each role, and AppTest with a signed-in user.

    def test_x(db, make_user):            # core tests
        alice = make_user("learner")
    def test_page(signed_in_app, make_user):   # page tests (AppTest of app.py, same database)
        at = signed_in_app(make_user("trainer"), page="app_pages/kohorten.py")
        assert not at.exception
"""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lotse import sessions
from lotse.config import load_settings
from lotse.identity import User
from progress import prepared_store
from progress.users import insert_user

from app_state import forget_loaded, remembering
import engines
from pg_cluster import Cluster, NoServer, verdict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).parent))  # test helper modules (content_builder, ...) import by name
# Argon2 is deliberately slow; users made by make_user share one precomputed hash of this password.
PASSWORD = "Lotse-Test-Passwort-1"


@pytest.fixture(scope="session")
def password() -> str:
    """The password of every user made by make_user."""
    return PASSWORD


@pytest.fixture(scope="session")
def password_hash() -> str:
    """Cheap Argon2id parameters: fast to verify (a real sign-in upgrades it, see needs_rehash)."""
    from argon2 import PasswordHasher

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@pytest.fixture
def fast_passwords(monkeypatch):
    """Opt-in: cheap Argon2 parameters for tests that hash many passwords (throttling loops)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("lotse.passwords._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(scope="session", autouse=True)
def remembered_content():
    """The app (ui.context) reads each course once per run, not once per AppTest test (see app_state)."""
    import ui.context

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ui.context, "load_catalog", remembering(ui.context.load_catalog))
        yield


@pytest.fixture(scope="session", autouse=True)
def components_scanned_once():
    """AppTest scans every installed distribution's metadata for Streamlit components on each
    first run (some 85 ms of a 110 ms page test); the installed packages do not change during a
    test run, so the scan runs once. The server scans once at startup anyway."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        yield


ENGINES = ["sqlite", "postgresql"]


def pytest_configure(config):
    config.addinivalue_line("markers", "both_engines: run the module's tests on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc):
    """Tests marked ``both_engines`` run once per engine (the ``engine`` fixture says which)."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL server for the whole run (skipped without one, except in CI)."""
    try:
        cluster = Cluster.start()
    except NoServer as error:
        action, message = verdict(error, os.environ)
        if action == "fail":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        cluster.prepare_template()
        yield cluster
    finally:
        cluster.stop()  # also when the template could not be prepared


@pytest.fixture
def engine(request) -> str:
    """Which database engine the test's store uses: "sqlite" unless the module runs on both."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite database for the whole run: engines.fresh_url (the `db` fixture,
    learner_support.new_database) copies this file instead of migrating each test's database
    (about a millisecond instead of some 60). Migration tests migrate from empty themselves."""
    path = tmp_path_factory.mktemp("template") / "lotse.db"
    prepared_store(path).close()
    leftovers = {p.name for p in path.parent.iterdir()} - {path.name, path.name + ".migrate-lock"}
    assert not leftovers, f"the template is more than its file (a WAL not checkpointed?): {leftovers}"
    path.chmod(0o444)  # no test writes to the template itself; copies are writable
    return path


@pytest.fixture(autouse=True)
def current_engine(engine, request):
    """Tells helpers that make their own databases (learner_support.new_database) the engine."""
    engines._current.update(engine=engine, request=request)
    yield engine
    engines._current.update(engine="sqlite", request=None)
    engines.forget_copies()
    if engine == "postgresql":
        from progress.postgres import close_all

        close_all()
        engines.drop_databases(request)


@pytest.fixture
def database_url(current_engine, tmp_path) -> str:
    """The URL of a fresh, migrated database of the test's engine."""
    return engines.fresh_url(tmp_path)


@pytest.fixture
def db(database_url):
    """The store of a migrated database: a SQLite temp file, or a fresh PostgreSQL database
    (AppTest opens the same one through LOTSE_DATABASE_URL)."""
    database = engines.opened(database_url)
    yield database
    database.close()


@pytest.fixture
def make_user(db, password_hash):
    """make_user(role, login=None, display_name=None) -> User; the password is the `password` fixture."""
    counter = itertools.count(1)

    def make(role: str = "learner", login: str | None = None, display_name: str | None = None) -> User:
        n = next(counter)
        login = login or f"{role}{n}"
        return insert_user(db, login, display_name or f"{role.title()} {n}", role, password_hash)

    return make


@pytest.fixture
def app_env(db, tmp_path, monkeypatch):
    """Environment for AppTest: the app uses the `db` fixture's database; Streamlit caches are cleared."""
    monkeypatch.setenv("LOTSE_DB_PATH", str(tmp_path / "lotse.db"))
    monkeypatch.setenv("LOTSE_DATABASE_URL", db.url)
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOTSE_DEMO", "0")
    forget_loaded()
    yield load_settings()
    forget_loaded()


@pytest.fixture
def signed_in_app(db, app_env):
    """signed_in_app(user, page=None, query_params=None) -> AppTest of app.py, already run once.

    The user is signed in through a real session token (as after a reload with the cookie), so
    the page guard and the core see exactly what a browser would.
    """

    def make(user: User, page: str | None = None, query_params: dict | None = None, timeout: float = 30) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
        at.session_state["lotse-session-token"] = sessions.issue(db, user, app_env)
        for key, value in (query_params or {}).items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page)
            for key, value in (query_params or {}).items():
                at.query_params[key] = value
            at.run()
        return at

    return make


@pytest.fixture
def small_course(monkeypatch) -> Path:
    """Opt-in for page tests whose subject is not the content: the app reads the small fixture
    course (tests/fixtures/course: two lessons, every question type) instead of the real one,
    which makes every first run of a page cheaper (no 24 lessons to index, render and list)."""
    course = Path(__file__).parent / "fixtures" / "course"
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(course))
    return course


OPEN_POLICY = {"LOTSE_TRAINER_VIEW": "antworten", "LOTSE_TRAINER_READING_TIME": "person",
               "LOTSE_TRAINER_ACTIVITY": "person", "LOTSE_MIN_GROUP_SIZE": "1"}


@pytest.fixture
def open_policy(monkeypatch):
    """The most open visibility policy (every per-person view, groups of any size): for tests of
    the analytics themselves on small cohorts. tests/test_visibility.py tests the policy."""
    for name, value in OPEN_POLICY.items():
        monkeypatch.setenv(name, value)
