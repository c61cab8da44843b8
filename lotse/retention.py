"""The retention job: sign-in traces are kept only as long as they serve a purpose.

Run by ``python -m lotse prepare`` and by ``python -m lotse retention run`` (from cron, e.g. hourly):

* failed sign-ins: kept one day (throttling looks back ``accounts.WINDOW``),
* sessions: forgotten once expired, idle past the idle limit, or revoked more than a day ago,
* reset codes: forgotten once used or expired.

Afterwards the write-ahead log is checkpointed, so the deleted rows leave it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from progress import Store

from progress import accounts_sql, retention_sql
from progress import sessions as session_store

from . import sessions
from .config import Settings

KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Pruned:
    failures: int
    sessions: int
    reset_codes: int

    def summary(self) -> str:
        return (f"{self.failures} failed sign-in(s), {self.sessions} session(s), "
                f"{self.reset_codes} reset code(s) removed")


def run_retention(db: Store, settings: Settings, now: datetime | None = None) -> Pruned:
    moment = sessions.utc(now)
    failures = accounts_sql.prune_failures(db, sessions.iso(moment - KEEP_FAILURES))
    ended = session_store.prune_sessions(db, sessions.iso(moment), sessions.iso(moment - sessions.KEEP_REVOKED))
    idle = retention_sql.prune_idle_sessions(db, sessions.iso(moment - sessions.idle_limit(settings)
                                                              - sessions.KEEP_REVOKED))
    codes = accounts_sql.prune_reset_codes(db, sessions.iso(moment))
    db.checkpoint()
    return Pruned(failures, ended + idle, codes)
