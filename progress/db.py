"""Connections and migrations.

One connection per Streamlit script run or per thread: sqlite3 connections must not cross
threads, and opening one costs well under a millisecond.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000


def utc_now() -> str:
    """ISO 8601 UTC timestamp with microseconds; sorts as text."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def connect(path: Path | str) -> Database:
    """A sqlite-utils Database on its own connection with WAL, busy timeout and foreign keys."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    if str(path) != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    return db


def migrate(db: Database) -> list[str]:
    """Apply every pending named migration; returns the names applied now."""
    from .migrations import MIGRATION_SETS

    applied = []
    for migrations in MIGRATION_SETS:
        pending = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        applied += [f"{migrations.name}:{name}" for name in pending]
    return applied


def open_database(path: Path | str) -> Database:
    """Create the folder and file if needed, migrate, and return a connection."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    migrate(db)
    return db
