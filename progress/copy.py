"""Copying every table from one store to another (SQLite <-> PostgreSQL), verified.

The target is migrated first (the same named migrations on both engines give the same tables),
then each table is copied in the order its foreign keys need (parents first, rows in primary-key
order, ids kept). A table a trigger fills (attempt_objectives from answers) is emptied before its
own rows come, and copied again at the end if a trigger changed it after, so the target holds
exactly the source's rows. Afterwards
every table's row count and checksum are compared. A checksum is the sum of the SHA-256 of each
row's canonical text (floats by repr, NULL as null), so it does not depend on row order or collation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .db import is_postgres
from .privacy_sql import _columns, _foreign_keys, plain_tables
from .store import Store

BATCH = 2000
_MODULUS = 2 ** 256


class TargetNotEmpty(Exception):
    """The target already holds rows (copying needs --force, which deletes them first)."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


def _primary_key(db, table: str) -> list[str]:
    if is_postgres(db):
        return db.primary_key(table)
    rows = [r for r in db.query(f'PRAGMA table_info("{table}")') if r["pk"]]
    return [r["name"] for r in sorted(rows, key=lambda r: r["pk"])]


def _in_dependency_order(db, tables: list[str]) -> list[str]:
    """Parents before children (self-references aside: those rows come in id order)."""
    parents = {t: {fk["table"] for fk in _foreign_keys(db, t)} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = sorted(t for t in tables if t not in ordered and parents[t] <= set(ordered))
        if not ready:
            raise ValueError(f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}")
        ordered += ready
    return ordered


def _columns_of(db, table: str) -> list[str]:
    columns = _columns(db, table)
    return (["id"] if "id" in columns else []) + [c for c in columns if c != "id"]  # ids first (see postgres)


def _canonical(value: object) -> object:
    return repr(value) if isinstance(value, float) else value


def table_checksum(db, table: str, columns: list[str]) -> tuple[int, str]:
    """(rows, checksum) of a table over ``columns``."""
    quoted = ", ".join(f'"{c}"' for c in columns)
    total, count = 0, 0
    for row in db.conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall():
        text = json.dumps([_canonical(v) for v in row], ensure_ascii=False, default=str)
        total = (total + int.from_bytes(hashlib.sha256(text.encode()).digest(), "big")) % _MODULUS
        count += 1
    return count, f"{total:064x}"


def _copy_table(source_db, target_db, table: str, columns: list[str], key: list[str]) -> None:
    quoted = ", ".join(f'"{c}"' for c in columns)
    order = ", ".join(f'"{c}"' for c in key) or "1"
    rows = source_db.conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {order}').fetchall()
    insert = f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})'
    for start in range(0, len(rows), BATCH):
        target_db.conn.executemany(insert, [tuple(r) for r in rows[start:start + BATCH]])


def _row_count(db, table: str) -> int:
    return db.conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def copy_store(source: Store, target: Store, force: bool = False) -> list[TableCheck]:
    """Copy every table of ``source`` into ``target`` (migrated here) and verify it.

    Raises TargetNotEmpty if the target has rows and ``force`` is false; with ``force`` the
    target's rows are deleted first (in the same transaction as the copy).
    """
    target.migrate()
    with source.transaction(), source.connection() as source_db, target.transaction(), \
            target.connection() as target_db:
        tables = [t for t in _in_dependency_order(source_db, plain_tables(source_db))
                  if t in set(plain_tables(target_db))]
        filled = [t for t in tables if _row_count(target_db, t)]
        if filled and not force:
            raise TargetNotEmpty(f"{target.location} already holds rows in {', '.join(filled)}")
        for table in reversed(tables):
            target_db.execute(f'DELETE FROM "{table}"')
        columns = {t: [c for c in _columns_of(source_db, t) if c in set(_columns(target_db, t))] for t in tables}
        for table in tables:
            _replace_rows(source_db, target_db, table, columns[table])
        checks = _verify(source_db, target_db, tables, columns)
        for check in [c for c in checks if not c.ok]:  # changed by a trigger after it was copied
            _replace_rows(source_db, target_db, check.table, columns[check.table])
        return _verify(source_db, target_db, tables, columns)


def _replace_rows(source_db, target_db, table: str, columns: list[str]) -> None:
    """The source's rows in place of whatever the target's triggers have put there so far."""
    target_db.execute(f'DELETE FROM "{table}"')
    _copy_table(source_db, target_db, table, columns, _primary_key(source_db, table))


def _verify(source_db, target_db, tables: list[str], columns: dict[str, list[str]]) -> list[TableCheck]:
    checks = []
    for table in tables:
        source_rows, source_sum = table_checksum(source_db, table, columns[table])
        target_rows, target_sum = table_checksum(target_db, table, columns[table])
        checks.append(TableCheck(table, source_rows, target_rows, source_sum, target_sum))
    return checks
