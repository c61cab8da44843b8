"""SQL for the data export and account deletion, found by looking at the schema itself.

Features add tables (reflections, projects, review cards ...). Instead of a list that someone must
remember to extend, the schema is read: a table holds personal data when one of its columns
references users(id) or is named ``user_id``; a table without such a column whose rows are owned
(ON DELETE CASCADE) by such a table belongs to the same person too (answers -> attempts,
project_versions -> projects).
Table and column names come from sqlite_master / PRAGMA (on PostgreSQL from its catalog, see
progress.postgres.Database), never from user input.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from .db import is_postgres
from .store import uses_connection


@dataclass(frozen=True)
class OwnerColumn:
    table: str
    column: str
    has_foreign_key: bool
    on_delete: str  # "CASCADE", "SET NULL", ... ("" without a foreign key)


@dataclass(frozen=True)
class ChildLink:
    table: str  # the child table, e.g. answers
    column: str  # its column referencing the parent, e.g. attempt_id
    parent: OwnerColumn  # e.g. attempts.user_id
    parent_key: str  # the referenced parent column, e.g. id


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@uses_connection
def plain_tables(db: Database) -> list[str]:
    """Ordinary tables: no virtual (FTS) tables, no FTS shadow tables, no bookkeeping."""
    if is_postgres(db):
        return db.table_names()
    rows = list(db.query("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    virtual = [r["name"] for r in rows if (r["sql"] or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return sorted(r["name"] for r in rows
                  if not r["name"].startswith(("sqlite_", "_sqlite_"))
                  and r["name"] not in virtual
                  and not any(r["name"].startswith(v + "_") for v in virtual))


def _foreign_keys(db: Database, table: str) -> list[dict]:
    if is_postgres(db):
        return db.foreign_keys(table)
    return list(db.query(f"PRAGMA foreign_key_list({_q(table)})"))


def _columns(db: Database, table: str) -> list[str]:
    if is_postgres(db):
        return db.columns(table)
    return [r["name"] for r in db.query(f"PRAGMA table_info({_q(table)})")]


@uses_connection
def owner_columns(db: Database) -> list[OwnerColumn]:
    """Every (table, column) that names a user: foreign keys to users, and columns called user_id."""
    found: list[OwnerColumn] = []
    for table in plain_tables(db):
        if table == "users":
            continue
        referencing = {fk["from"]: fk["on_delete"].upper() for fk in _foreign_keys(db, table) if fk["table"] == "users"}
        for column in referencing:
            found.append(OwnerColumn(table, column, True, referencing[column]))
        if "user_id" in _columns(db, table) and "user_id" not in referencing:
            found.append(OwnerColumn(table, "user_id", False, ""))
    return found


@uses_connection
def child_links(db: Database, owners: list[OwnerColumn]) -> list[ChildLink]:
    """Rows that cascade away with a person's rows (one level): answers of their attempts, versions of
    their projects, comments others wrote on their projects, shares of their reflections."""
    owned = {o.table: o for o in owners if o.on_delete == "CASCADE" or not o.has_foreign_key}
    links = []
    for table in plain_tables(db):
        if table == "users":
            continue
        for fk in _foreign_keys(db, table):
            parent = owned.get(fk["table"])
            if parent is not None and fk["table"] != table and fk["on_delete"].upper() == "CASCADE":
                links.append(ChildLink(table, fk["from"], parent, fk["to"] or "rowid"))
    return links


@uses_connection
def rows_of(db: Database, owner: OwnerColumn, user_id: int) -> list[dict]:
    return list(db.query(f"SELECT * FROM {_q(owner.table)} WHERE {_q(owner.column)} = ?", [user_id]))


@uses_connection
def child_rows_of(db: Database, link: ChildLink, user_id: int) -> list[dict]:
    sql = (f"SELECT c.* FROM {_q(link.table)} c JOIN {_q(link.parent.table)} p"
           f" ON c.{_q(link.column)} = p.{_q(link.parent_key)} WHERE p.{_q(link.parent.column)} = ?")
    return list(db.query(sql, [user_id]))


@uses_connection
def count_rows_of(db: Database, owner: OwnerColumn, user_id: int) -> int:
    sql = f"SELECT COUNT(*) AS n FROM {_q(owner.table)} WHERE {_q(owner.column)} = ?"
    return next(db.query(sql, [user_id]))["n"]


@uses_connection
def delete_rows_of(db: Database, owner: OwnerColumn, user_id: int) -> int:
    """For user columns without a cascading foreign key (a later feature's oversight)."""
    return db.execute(f"DELETE FROM {_q(owner.table)} WHERE {_q(owner.column)} = ?", [user_id]).rowcount


@uses_connection
def user_exists(db: Database, user_id: int) -> bool:
    return next(db.query("SELECT 1 FROM users WHERE id = ?", [user_id]), None) is not None


@uses_connection
def delete_failures_of_login(db: Database, login: str) -> int:
    return db.execute("DELETE FROM login_failures WHERE login = ?", [login]).rowcount


@uses_connection
def count_failures_of_login(db: Database, login: str) -> int:
    return next(db.query("SELECT COUNT(*) AS n FROM login_failures WHERE login = ?", [login]))["n"]


@uses_connection
def delete_user(db: Database, user_id: int) -> None:
    """The account row itself; its owned rows go with it (ON DELETE CASCADE / SET NULL)."""
    db.execute("DELETE FROM users WHERE id = ?", [user_id])
