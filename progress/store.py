"""The store: the one front door of Lotse's database.

The core receives a ``Store`` and hands it to the functions of ``progress``; it never holds a
connection. A connection is taken from the store's pool when a call (or a ``transaction()``) begins
and given back when it ends, so no connection outlives the script run or callback that asked for it,
and none is ever used by two threads at once. A Store itself is safe to keep anywhere (a page's
module, a button callback) and to share between threads.

Calls nest: while a thread is inside a call or a transaction of a store, further calls of that
thread on the same store use the same connection, so ``with store.transaction():`` groups them.
Driver errors do not leave the store: a broken uniqueness rule becomes ``Conflict``, a lock
wait beyond the busy timeout ``Busy``, anything else ``StoreError``.

Migrations run only in ``migrate()`` (``python -m lotse prepare``), under a lock that serialises
processes; web processes call ``check_schema()`` and refuse to serve an old or missing database.
"""

from __future__ import annotations

import fcntl
import functools
import queue
import sqlite3
import threading
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Callable, Iterator, ParamSpec, TypeVar
from urllib.parse import unquote, urlsplit

from sqlite_utils import Database

from .db import connect, write_transaction
from .errors import Busy, Conflict, SchemaBehind, StoreError, Unavailable

P = ParamSpec("P")
R = TypeVar("R")
NO_DATABASE = "(no database)"


def sqlite_url(path: Path | str) -> str:
    """The URL of a SQLite file (absolute paths get four slashes, as SQLAlchemy writes them)."""
    return "sqlite:///" + str(Path(path).expanduser().absolute())


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL, or None for another scheme."""
    parts = urlsplit(url)
    if parts.scheme != "sqlite":
        return None
    path = unquote(parts.path)
    if parts.netloc or not path.startswith("/") or len(path) < 2:
        raise Unavailable(f"{url}: a SQLite URL reads sqlite:///path/to/file.db")
    return Path(path[1:])  # sqlite:///data/x.db is relative, sqlite:////srv/x.db absolute


def redact(url: str) -> str:
    """A database URL for messages: a SQLite file as its path, a server URL without its password."""
    path = sqlite_path(url) if url.startswith("sqlite:") else None
    if path is not None:
        return str(path)
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


class _Local(threading.local):
    db: Database | None = None


class Store:
    """The front door (see the module docstring): ``SqliteStore`` here, ``PostgresStore`` in
    ``progress.postgres``. Both offer connection(), transaction(), idle_count(), close(),
    pending_migrations(), check_schema() and migrate()."""

    url: str
    dialect: str

    @property
    def location(self) -> str:
        """Where the data lives, for messages: the SQLite file, or the URL without its password."""
        return redact(self.url)

    def connection(self) -> AbstractContextManager:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager:
        raise NotImplementedError

    def idle_count(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def pending_migrations(self) -> list[str]:
        raise NotImplementedError

    def checkpoint(self) -> bool:
        raise NotImplementedError

    def check_schema(self) -> None:
        raise NotImplementedError

    def migrate(self) -> list[str]:
        raise NotImplementedError


class SqliteStore(Store):
    """A SQLite database file behind a pool of connections (see the module docstring)."""

    dialect = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.url = sqlite_url(self.path)
        self._local = _Local()
        self._idle: queue.SimpleQueue[Database] = queue.SimpleQueue()
        self._closed = False

    def __repr__(self) -> str:
        return f"SqliteStore({self.url!r})"

    # --- connections ---------------------------------------------------------------------------

    def _take(self) -> Database:
        try:
            db = self._idle.get_nowait()
        except queue.Empty:
            try:
                db = connect(self.path)
            except sqlite3.Error as error:
                raise Unavailable(f"{self.path}: {error}") from error
        if db.conn.in_transaction:  # never hand out another call's half-done work
            db.conn.rollback()
        return db

    def _give_back(self, db: Database) -> None:
        if db.conn.in_transaction:
            db.conn.rollback()
        if self._closed:
            db.conn.close()
        else:
            self._idle.put(db)

    @contextmanager
    def connection(self) -> Iterator[Database]:
        """This thread's connection for the duration of the block (for ``progress`` only).

        Re-entrant: a nested block of the same thread gets the same connection.
        """
        local = self._local
        outer = local.db
        db = outer if outer is not None else self._take()
        local.db = db
        try:
            yield db
        except sqlite3.IntegrityError as error:
            raise Conflict(str(error)) from error
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise Busy(str(error)) from error
            raise StoreError(str(error)) from error
        except sqlite3.Error as error:
            raise StoreError(str(error)) from error
        finally:
            if outer is None:
                local.db = None
                self._give_back(db)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit: every call of this thread on this store inside the block is committed
        together or not at all. Starts with the write lock (BEGIN IMMEDIATE), so a read-then-write
        never deadlocks; inside an open transaction it joins it."""
        with self.connection() as db, write_transaction(db):
            yield

    def checkpoint(self) -> bool:
        """Copy the write-ahead log into the database file and empty it (after deleting personal
        data, so no old page with it stays in the log). False when readers kept it from finishing
        (it is retried by the next checkpoint; SQLite also checkpoints on its own)."""
        with self.connection() as db:
            busy, _, _ = db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def idle_count(self) -> int:
        """Connections waiting in the pool (for tests and diagnostics)."""
        return self._idle.qsize()

    def close(self) -> None:
        """Close the pooled connections; connections in use close when they are given back."""
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().conn.close()
            except queue.Empty:
                return

    # --- schema --------------------------------------------------------------------------------

    def pending_migrations(self) -> list[str]:
        """Names of the migrations this database still needs (``[NO_DATABASE]`` if it is missing)."""
        from .migrations import pending_names

        if not self.path.exists():
            return [NO_DATABASE]
        with self.connection() as db:
            return pending_names(db)

    def check_schema(self) -> None:
        """Raise SchemaBehind unless the database exists and is fully migrated."""
        pending = self.pending_migrations()
        if pending:
            raise SchemaBehind(pending, str(self.path))

    def migrate(self) -> list[str]:
        """Create the database if needed and apply pending migrations, one process at a time.

        Only ``python -m lotse prepare`` (and tests) call this. Idempotent: a second run, or a
        process that waited for the lock while another migrated, applies nothing.
        """
        from .migrations import apply_pending

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock_file = open(self.path.with_name(self.path.name + ".migrate-lock"), "a+")
        except OSError as error:
            raise Unavailable(f"{self.path}: {error}") from error
        with lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
            with self.connection() as db:
                db.execute("PRAGMA journal_mode = WAL")  # belongs to the file: holds for every connection
                return apply_pending(db)


def uses_connection(function: Callable[P, R]) -> Callable[P, R]:
    """For the functions of ``progress``: called with a Store, the function runs on a connection
    taken for the call; called with a connection (from another function of ``progress`` inside the
    same unit of work), it runs on that one."""

    @functools.wraps(function)
    def run(db, *args, **kwargs):
        if not isinstance(db, Store):
            return function(db, *args, **kwargs)
        with db.connection() as connection:
            return function(connection, *args, **kwargs)

    return run  # type: ignore[return-value]
