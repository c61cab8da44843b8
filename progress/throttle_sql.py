"""SQL for sign-in throttling: what the failed attempts of a login and a client add up to."""

from __future__ import annotations

from sqlite_utils import Database

from .db import read_one
from .store import uses_connection


@uses_connection
def failure_counts(db: Database, login: str, client: str, since: str) -> dict:
    """Failures since ``since``: of the login from anywhere (``login_failures``, with the time of the
    latest, ``last_at``), of the login from this client (``pair_failures``) and of the client for
    any login (``client_failures``)."""
    return read_one(db, """
        SELECT (SELECT COUNT(*) FROM login_failures WHERE login = ? AND at > ?) AS login_failures,
               (SELECT MAX(at) FROM login_failures WHERE login = ? AND at > ?) AS last_at,
               (SELECT COUNT(*) FROM login_failures WHERE login = ? AND client = ? AND at > ?) AS pair_failures,
               (SELECT COUNT(*) FROM login_failures WHERE client = ? AND at > ?) AS client_failures
        """, [login, since, login, since, login, client, since, client, since]) or {}
