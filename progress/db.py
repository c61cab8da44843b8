"""Connections and migrations.

One connection per Streamlit script run or per thread: a connection is never used by two threads
at once. Opening one costs about half a millisecond, a noticeable part of a page's rerun, so
``ConnectionPool`` hands a thread a connection that an ended thread gave back.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import weakref
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from sqlite_utils import Database

BUSY_TIMEOUT_MS = 10_000


def utc_now() -> str:
    """ISO 8601 UTC timestamp with microseconds; sorts as text."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def read_one(db: Database, sql: str, params: Sequence = ()) -> dict | None:
    """The first row of a read query as a dict.

    Straight on the connection: sqlite-utils' ``query`` wraps every statement in a savepoint (three
    statements instead of one), which the reads made on every page view do not need.
    """
    cursor = db.conn.execute(sql, params)
    row = cursor.fetchone()
    return None if row is None else dict(zip([column[0] for column in cursor.description], row))


def read_all(db: Database, sql: str, params: Sequence = ()) -> list[dict]:
    """All rows of a read query as dicts (see read_one)."""
    cursor = db.conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def connect(path: Path | str) -> Database:
    """A sqlite-utils Database on its own connection with WAL, busy timeout and foreign keys."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    return Database(conn)


class _Lease:
    """A pooled connection held by one thread; when the thread ends, its thread-local storage is
    dropped, this object with it, and the connection goes back to the pool."""

    def __init__(self, db: Database, idle: queue.SimpleQueue) -> None:
        self.db = db
        weakref.finalize(self, idle.put, db)


class ConnectionPool:
    """Connections to one or more database files, each used by one thread at a time.

    ``get()`` returns the calling thread's connection, taking an idle one (given back by a thread
    that has ended) before opening a new one. A connection left inside a transaction (an exception
    between BEGIN and COMMIT) is rolled back before it is handed out again, so no thread inherits
    another thread's half-done writes.
    """

    def __init__(self) -> None:
        self._local = threading.local()
        self._idle: dict[str, queue.SimpleQueue] = {}
        self._lock = threading.Lock()

    def _queue(self, path: str) -> queue.SimpleQueue:
        with self._lock:
            return self._idle.setdefault(path, queue.SimpleQueue())

    def get(self, path: Path | str) -> Database:
        path = str(path)
        leases: dict[str, _Lease] = self._local.__dict__.setdefault("leases", {})
        if path in leases:
            return leases[path].db
        idle = self._queue(path)
        try:
            db = idle.get_nowait()
        except queue.Empty:
            db = connect(path)
        if db.conn.in_transaction:
            db.conn.rollback()
        leases[path] = _Lease(db, idle)
        return db

    def idle_count(self, path: Path | str) -> int:
        """Connections waiting for a thread (for tests and diagnostics)."""
        return self._queue(str(path)).qsize()


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
    on_disk = str(path) != ":memory:"
    if on_disk:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = connect(path)
    if on_disk:  # WAL belongs to the file: set once here, it holds for every later connection
        db.execute("PRAGMA journal_mode = WAL")
    migrate(db)
    return db
