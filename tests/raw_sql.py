"""Test-only SQL straight on a store's database: set-up and assertions the core has no call for.

    raw(db).execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    list(raw(db).query("SELECT * FROM events"))

Each statement runs on a connection the store hands out for it (as every call in ``progress``
does); results are read before the connection goes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Sequence

from progress import Store


@dataclass
class Result:
    rows: list[tuple]
    lastrowid: int | None
    rowcount: int
    _next: int = field(default=0)

    def fetchone(self) -> tuple | None:
        if self._next >= len(self.rows):
            return None
        self._next += 1
        return self.rows[self._next - 1]

    def fetchall(self) -> list[tuple]:
        rest, self._next = self.rows[self._next:], len(self.rows)
        return rest


class RawSQL:
    def __init__(self, store: Store) -> None:
        self.store = store

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Result:
        with self.store.connection() as db:
            cursor = db.execute(sql, params)
            rows = cursor.fetchall() if cursor.description else []
            return Result([tuple(r) for r in rows], cursor.lastrowid, cursor.rowcount)

    def query(self, sql: str, params: Sequence[Any] = ()) -> Iterator[dict]:
        with self.store.connection() as db:
            return iter(list(db.query(sql, params)))

    def executescript(self, sql: str) -> None:
        """SQLite's DDL; on PostgreSQL its types translated as the migrations' are (pg_schema)."""
        with self.store.connection() as db:
            if self.store.dialect == "postgresql":
                from progress.pg_schema import translate_ddl

                sql = translate_ddl(sql)
            db.executescript(sql)

    def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, declared type) of each column (SQLite's declared types; on PostgreSQL its own)."""
        with self.store.connection() as db:
            if self.store.dialect == "postgresql":
                return [(r["column_name"], r["data_type"].upper()) for r in db.query(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position", [table])]
            return [(c.name, c.type) for c in db.table(table).columns]

    def applied_migrations(self) -> int:
        """How many migration steps the database has recorded (each engine keeps its own table)."""
        table = "_lotse_migrations" if self.store.dialect == "postgresql" else "_sqlite_migrations"
        return self.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def table_names(self) -> list[str]:
        with self.store.connection() as db:
            return db.table_names()


def raw(store: Store) -> RawSQL:
    return RawSQL(store)
