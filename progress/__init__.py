"""Lotse's database: the store (its one front door), the schema, migrations and every SQL statement.

Nothing outside this package imports sqlite3 or sqlite_utils (a test checks it); the core receives a
``Store`` and passes it to the functions here.
"""

from .db import utc_now
from .errors import Busy, Conflict, NotFound, SchemaBehind, StoreError, Unavailable
from .store import Store, open_store, redact, sqlite_url


def prepared_store(location: str) -> Store:
    """Open the store at ``location`` (URL or SQLite file) and migrate it (for `lotse prepare`,
    the command line and tests; web processes only check the schema)."""
    store = open_store(str(location))
    store.migrate()
    return store


__all__ = ["Busy", "Conflict", "NotFound", "SchemaBehind", "Store", "StoreError", "Unavailable", "open_store",
           "prepared_store", "redact", "sqlite_url", "utc_now"]
