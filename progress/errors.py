"""Lotse's own storage errors: the core catches these, never a driver's exception."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class Conflict(StoreError):
    """A write broke a uniqueness or integrity rule (a parallel insert of the same key, say)."""


class NotFound(StoreError):
    """A row the caller named does not exist."""


class Busy(StoreError):
    """The database stayed locked by other writers longer than the busy timeout."""


class SchemaBehind(StoreError):
    """The database is missing or older than this code: run ``python -m lotse prepare``."""

    def __init__(self, pending: list[str], location: str) -> None:
        self.pending = pending
        self.location = location
        what = "missing" if pending == ["(no database)"] else f"{len(pending)} migration(s) pending"
        super().__init__(f"{location}: database {what}; run `python -m lotse prepare`")


class Unavailable(StoreError):
    """The database cannot be opened or reached (a wrong path, a full disk, a server down)."""
