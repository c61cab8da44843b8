"""The PostgreSQL backend: a connection that speaks the same SQL as the SQLite one, and its store.

The functions of ``progress`` are written once, in the SQL both engines understand (``?``
placeholders, INSERT ... ON CONFLICT, RETURNING, CTEs, window functions). What differs lives here
(statements and results) and in ``pg_schema`` (types, triggers, full-text search, migrations):

- ``?`` placeholders become psycopg's ``%s`` (and a literal ``%`` becomes ``%%``);
- ``BEGIN IMMEDIATE`` (SQLite's write lock taken up front) becomes ``BEGIN`` plus a transaction-level
  advisory lock, so read-then-write units stay serialised exactly as on SQLite;
- ``x.rowid`` of the insert-only ``answers`` table becomes ``x.ctid`` (insertion order);
- an insert with explicit ids (history import, ``db copy``) moves the id sequence past them;
- booleans are sent as 0/1 (the schema stores flags as integers on both engines), numerics come
  back as floats, rows as dicts or tuples exactly as sqlite3 hands them out.
"""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row, tuple_row
from psycopg.types.numeric import FloatLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from .db import write_transaction
from .errors import Busy, Conflict, SchemaBehind, StoreError, Unavailable
from .store import Store
from .store import redact as redacted

LOCK_TIMEOUT = "10s"  # the busy timeout of the SQLite connections
WRITE_LOCK_KEY = 0x4C6F747365  # "Lotse": the advisory lock BEGIN IMMEDIATE takes
MIGRATE_LOCK_KEY = WRITE_LOCK_KEY + 1
POOL_SIZE = 8

_EXPLICIT_ID_INSERT = re.compile(r"^\s*INSERT INTO (\w+) \(id,", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite-flavoured SQL of ``progress`` as psycopg expects it (see the module docstring)."""
    if sql.strip().upper() == "BEGIN IMMEDIATE":
        return f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
    out: list[str] = []
    quote = ""
    for char in sql:
        if quote:
            out.append("%%" if char == "%" else char)
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
            out.append(char)
        elif char == "?":
            out.append("%s")
        elif char == "%":
            out.append("%%")
        else:
            out.append(char)
    return re.sub(r"\b(\w+)\.rowid\b", r"\1.ctid", "".join(out))


def _params(params: Sequence[Any] | None) -> list[Any]:
    return [int(p) if isinstance(p, bool) else p for p in (params or ())]


class Cursor:
    """What ``progress`` reads of a sqlite3 cursor: rows, description, rowcount, lastrowid."""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        self._cursor = cursor
        self.rowcount = cursor.rowcount
        self.description = cursor.description
        self.lastrowid = None  # ids come from RETURNING id on both engines

    def fetchone(self) -> Any:
        return self._cursor.fetchone() if self.description else None

    def fetchall(self) -> list:
        return self._cursor.fetchall() if self.description else []

    def __iter__(self) -> Iterator:
        return iter(self.fetchall())


class Connection:
    """The ``db.conn`` of a PostgreSQL Database: tuple rows, like sqlite3's connection."""

    def __init__(self, raw: psycopg.Connection) -> None:
        self.raw = raw

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        cursor = self.raw.cursor(row_factory=tuple_row)
        cursor.execute(translate(sql), _params(params))
        _after_explicit_ids(self.raw, sql)
        return Cursor(cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.raw.cursor() as cursor:
            cursor.executemany(translate(sql), [_params(row) for row in rows])
        _after_explicit_ids(self.raw, sql)

    def cursor(self) -> "_NamedRows":
        return _NamedRows(self.raw)  # analytics' big reads (sqlite3.Row there): dicts here

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()


class _NamedRows:
    """A cursor whose rows are read by column name (the row_factory a caller sets is ignored)."""

    row_factory: Any = None

    def __init__(self, raw: psycopg.Connection) -> None:
        self._cursor = raw.cursor(row_factory=dict_row)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor:
        return self._cursor.execute(translate(sql), _params(params))


def _after_explicit_ids(raw: psycopg.Connection, sql: str) -> None:
    """After rows with explicit ids, new rows must get ids past them (SQLite does this by itself)."""
    match = _EXPLICIT_ID_INSERT.match(sql)
    if match:
        table = match.group(1)
        raw.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" GREATEST((SELECT MAX(id) FROM {table}), 1))")


class Database:
    """The part of sqlite-utils' Database that ``progress`` uses, on a psycopg connection."""

    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection) -> None:
        self.conn = Connection(raw)

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> Iterator[dict]:
        with self.conn.raw.cursor(row_factory=dict_row) as cursor:
            cursor.execute(translate(sql), _params(params))
            rows = cursor.fetchall() if cursor.description else []
        return iter(rows)

    def executescript(self, script: str) -> None:
        """DDL of the migrations, already translated by ``pg_schema`` (no parameters)."""
        self.conn.raw.execute(script.encode())

    # --- the catalog (what sqlite_master and PRAGMA tell on SQLite) ------------------------------

    def table_names(self) -> list[str]:
        """Lotse's tables (bookkeeping tables start with an underscore)."""
        return [r["table_name"] for r in self.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            " AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' ORDER BY table_name")]

    def columns(self, table: str) -> list[str]:
        """Stored columns in table order (generated ones, like the search vector, left out)."""
        return [r["column_name"] for r in self.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position", [table])]

    def foreign_keys(self, table: str) -> list[dict]:
        """Like SQLite's PRAGMA foreign_key_list: from, table, to, on_delete (one-column keys)."""
        return list(self.query(
            "SELECT a.attname AS \"from\", c.confrelid::regclass::text AS \"table\", b.attname AS \"to\","
            " CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT'"
            " WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS on_delete"
            " FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
            " JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]"
            " WHERE c.contype = 'f' AND c.conrelid = ?::regclass", [table]))

    def primary_key(self, table: str) -> list[str]:
        return [r["attname"] for r in self.query(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary"
            " ORDER BY a.attnum", [table])]


def _configure(raw: psycopg.Connection) -> None:
    raw.adapters.register_loader("numeric", FloatLoader)
    raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")


class _Local:
    def __init__(self) -> None:
        import threading

        self.state = threading.local()

    @property
    def db(self) -> Database | None:
        return getattr(self.state, "db", None)

    @db.setter
    def db(self, value: Database | None) -> None:
        self.state.db = value


# Open stores, held until closed: a pool has worker threads, and a pool collected as garbage in one of
# its own threads cannot stop them (psycopg_pool warns "cannot join current thread").
_stores: "set[PostgresStore]" = set()


def close_all() -> int:
    """Close every PostgreSQL store of this process (tests end with it: a forgotten store's pool
    would keep its connections and threads); returns how many were open."""
    opened = list(_stores)
    for store in opened:
        store.close()
    return len(opened)


class PostgresStore(Store):
    """A PostgreSQL database behind psycopg's connection pool; the same contract as ``Store``."""

    dialect = "postgresql"

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        self.url = url
        self._local = _Local()
        self._pool_size = pool_size
        self._pool = self._new_pool()
        self._opened = False

    def _new_pool(self) -> ConnectionPool:
        return ConnectionPool(self.url, min_size=1, max_size=self._pool_size, open=False, timeout=15,
                              kwargs={"autocommit": True}, configure=_configure, name="lotse")

    def __repr__(self) -> str:
        return f"PostgresStore({redacted(self.url)!r})"

    def _open(self) -> None:
        if not self._opened:
            try:
                self._pool.open(wait=True, timeout=15)  # the first connection, or a clear error
            except (PoolTimeout, psycopg.OperationalError) as error:
                self._pool.close()
                self._pool = self._new_pool()
                raise Unavailable(f"{redacted(self.url)}: {error}") from error
            self._opened = True
            _stores.add(self)

    @contextmanager
    def connection(self) -> Iterator[Database]:
        """This thread's connection for the duration of the block (re-entrant, as Store's)."""
        outer = self._local.db
        if outer is not None:
            with _translated_errors():
                yield outer
            return
        self._open()
        pool = self._pool  # close() may replace it while this connection is out
        try:
            raw = pool.getconn()
        except (PoolTimeout, psycopg.OperationalError) as error:
            raise Unavailable(f"{redacted(self.url)}: {error}") from error
        db = Database(raw)
        self._local.db = db
        try:
            with _translated_errors():
                yield db
        finally:
            self._local.db = None
            if db.conn.in_transaction and not raw.closed:
                raw.rollback()
            pool.putconn(raw)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit, serialised with every other write unit (as BEGIN IMMEDIATE on SQLite)."""
        with self.connection() as db, write_transaction(db):
            yield

    def idle_count(self) -> int:
        return self._pool.get_stats()["pool_available"] if self._opened else 0

    def close(self) -> None:
        if self._opened:
            self._pool.close()
            self._pool = self._new_pool()  # a closed pool cannot open again; a later call gets a new one
            self._opened = False
            _stores.discard(self)

    def checkpoint(self) -> bool:
        """SQLite's WAL checkpoint after deletions has no counterpart to call here: PostgreSQL
        keeps deleted rows in its pages until (auto)vacuum reclaims them. Always True."""
        return True

    # --- schema --------------------------------------------------------------------------------

    def pending_migrations(self) -> list[str]:
        from .pg_schema import pending_names

        with self.connection() as db:
            return pending_names(db)

    def check_schema(self) -> None:
        pending = self.pending_migrations()
        if pending:
            raise SchemaBehind(pending, redacted(self.url))

    def migrate(self) -> list[str]:
        """Apply pending migrations under a session advisory lock (one process at a time)."""
        from .pg_schema import apply_pending

        with self.connection() as db:
            db.execute("SELECT pg_advisory_lock(?)", [MIGRATE_LOCK_KEY])
            try:
                return apply_pending(db)
            finally:
                db.execute("SELECT pg_advisory_unlock(?)", [MIGRATE_LOCK_KEY])


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except pg_errors.IntegrityError as error:
        raise Conflict(str(error)) from error
    except (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected, pg_errors.SerializationFailure) as error:
        raise Busy(str(error)) from error
    except psycopg.OperationalError as error:
        raise Unavailable(str(error)) from error
    except psycopg.Error as error:
        raise StoreError(str(error)) from error
