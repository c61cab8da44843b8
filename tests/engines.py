"""Which engine the running test uses, for helpers that make databases themselves (new_database).

The autouse fixture ``current_engine`` (conftest) fills this in for every test; modules marked
``both_engines`` run each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from progress import Store, open_store, prepared_store, sqlite_url

_current: dict = {"engine": "sqlite", "request": None}
_template_copies: set[str] = set()  # URLs fresh_url made from a migrated template in this test
_postgresql_databases: list[str] = []  # PostgreSQL databases fresh_url made in this test (dropped after it)


def engine() -> str:
    return _current["engine"]


def fresh_url(tmp_path: Path, name: str = "lotse.db", empty: bool = False) -> str:
    """A fresh database of the current engine, migrated unless ``empty``: a SQLite file in tmp_path
    (a copy of the session's migrated template, conftest's ``sqlite_template``; with ``empty`` no
    file yet) or a new PostgreSQL database (a copy of the cluster's template; ``empty``: no tables).

    A SQLite file that already exists is left as it is (the caller's prepared_store migrates it).
    """
    request = _current["request"]
    if engine() == "postgresql":
        url = request.getfixturevalue("pg_cluster").new_database(empty=empty)
        _postgresql_databases.append(url)
    else:
        path = tmp_path / name
        url = sqlite_url(path)
        if empty or path.exists() or request is None:
            return url
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    if not empty:
        _template_copies.add(url)
    return url


def opened(url: str) -> Store:
    """The store at a fresh_url: a copy of a migrated template is only opened (it is migrated
    already), anything else is migrated as ``prepared_store`` does."""
    return open_store(url) if url in _template_copies else prepared_store(url)


def forget_copies() -> None:
    _template_copies.clear()


def drop_databases(request: pytest.FixtureRequest) -> None:
    """Drop the PostgreSQL databases fresh_url made in the finished test: the cluster's memory
    folder then holds a handful of databases instead of one per test of the run."""
    while _postgresql_databases:
        request.getfixturevalue("pg_cluster").drop_database(_postgresql_databases.pop())


def sqlite_only(reason: str) -> None:
    """Skip the PostgreSQL run of a test about something only SQLite has (files, PRAGMAs)."""
    if engine() == "postgresql":
        pytest.skip(f"SQLite only: {reason}")
