"""Which engine the running test uses, for helpers that make databases themselves (new_database).

The autouse fixture ``current_engine`` (conftest) fills this in for every test; modules marked
``both_engines`` run each test on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from progress import sqlite_url

_current: dict = {"engine": "sqlite", "request": None}


def engine() -> str:
    return _current["engine"]


def fresh_url(tmp_path: Path, name: str = "lotse.db", empty: bool = False) -> str:
    """A fresh database of the current engine: a SQLite file in tmp_path, or a new PostgreSQL
    database (migrated unless ``empty``; a SQLite file is always created empty)."""
    if engine() == "postgresql":
        return _current["request"].getfixturevalue("pg_cluster").new_database(empty=empty)
    return sqlite_url(tmp_path / name)


def sqlite_only(reason: str) -> None:
    """Skip the PostgreSQL run of a test about something only SQLite has (files, PRAGMAs)."""
    if engine() == "postgresql":
        pytest.skip(f"SQLite only: {reason}")
