"""Lotse's database: the store (its one front door), the schema, migrations and every SQL statement.

Nothing outside this package imports sqlite3 or sqlite_utils (a test checks it); the core receives a
``Store`` and passes it to the functions here.
"""

from pathlib import Path
from urllib.parse import urlsplit

from .db import utc_now
from .errors import Busy, Conflict, NotFound, SchemaBehind, StoreError, Unavailable
from .store import SqliteStore, Store, redact, sqlite_path, sqlite_url


def open_store(url: str | Path) -> Store:
    """The store for ``LOTSE_DATABASE_URL``: ``sqlite:///…`` (or a plain file path) or
    ``postgresql://user@host:port/database``. Here, above both engines, so that the base store
    (progress/store.py) never imports the PostgreSQL store built on it."""
    url = str(url)
    if "://" not in url:
        return SqliteStore(url)
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        from .postgres import PostgresStore  # psycopg is loaded only when PostgreSQL is configured

        return PostgresStore(url)
    path = sqlite_path(url)
    if path is None:
        raise Unavailable(f"{scheme}: Lotse stores data in SQLite (sqlite:///…) or PostgreSQL (postgresql://…)")
    return SqliteStore(path)


def prepared_store(location: str) -> Store:
    """Open the store at ``location`` (URL or SQLite file) and migrate it (for `lotse prepare`,
    the command line and tests; web processes only check the schema)."""
    store = open_store(str(location))
    store.migrate()
    return store


__all__ = ["Busy", "Conflict", "NotFound", "SchemaBehind", "Store", "StoreError", "Unavailable", "open_store",
           "prepared_store", "redact", "sqlite_url", "utc_now"]
