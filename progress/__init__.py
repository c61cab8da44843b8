"""The progress store: SQLite schema, migrations and every SQL statement of Lotse."""

from .db import ConnectionPool, connect, migrate, open_database, utc_now

__all__ = ["ConnectionPool", "connect", "migrate", "open_database", "utc_now"]
