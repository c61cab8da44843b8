"""Opening a SQLite connection, and small helpers every SQL module uses.

Connections are handed out and taken back by the store (progress.store); nothing else opens one.
"""

from __future__ import annotations

from contextlib import contextmanager

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

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


def is_postgres(db: object) -> bool:
    """True for a connection of the PostgreSQL backend (progress.postgres.Database)."""
    return getattr(db, "dialect", "sqlite") == "postgresql"


def inserted_id(cursor) -> int:
    """The id an ``INSERT ... RETURNING id`` gave its row (read to the end, so SQLite finishes the
    statement; both engines write ids this way, PostgreSQL has no lastrowid)."""
    return cursor.fetchall()[0][0]


def _greatest(*values):
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _least(*values):
    present = [v for v in values if v is not None]
    return min(present) if present else None


def connect(path: Path | str) -> Database:
    """A sqlite-utils Database on its own connection with WAL, busy timeout and foreign keys."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                           check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    # Deleted rows are overwritten with zeros (in the WAL too), so personal data that was deleted
    # cannot be read back from free pages; see Store.checkpoint for the WAL itself.
    conn.execute("PRAGMA secure_delete = ON")
    # PostgreSQL's GREATEST/LEAST (NULLs ignored), so the SQL of progress reads the same on both.
    conn.create_function("greatest", -1, _greatest, deterministic=True)
    conn.create_function("least", -1, _least, deterministic=True)
    return Database(conn)


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock first, so read-then-write never deadlocks (PostgreSQL's
    adapter turns it into BEGIN plus an advisory write lock). Inside an open transaction it joins it."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
