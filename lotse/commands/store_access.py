"""How commands other than `prepare` open the store: never migrating, with a clear message when the
database is missing or older than the code."""

from __future__ import annotations

from progress import SchemaBehind, Store, Unavailable, open_store

from ..config import Settings


class StoreNotReady(Exception):
    """The database cannot be used yet; the message says what to do."""


def open_ready_store(settings: Settings) -> Store:
    """The store of LOTSE_DATABASE_URL, checked to be migrated (``python -m lotse prepare``)."""
    try:
        store = open_store(settings.database_url)
        store.check_schema()
    except SchemaBehind as behind:
        raise StoreNotReady(f"{behind}") from behind
    except Unavailable as error:
        raise StoreNotReady(f"cannot open the database: {error}") from error
    return store
