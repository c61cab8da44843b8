"""The xAPI send ledger: which statements a learning record store has already accepted.

Statement ids are deterministic (uuid5 of what the statement records), so a statement built
again later has the same id and is skipped. A statement id is a hash and no personal data by
itself; after an account is deleted its statements cannot be built any more, so the ledger
needs no link to users and no ON DELETE rule.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

xapi = Migrations("lotse-xapi")


@xapi()
def sent_ledger(db: Database) -> None:
    db.executescript("""
    CREATE TABLE IF NOT EXISTS xapi_sent (
        statement_id TEXT PRIMARY KEY,
        sent_at TEXT NOT NULL
    );
    """)
