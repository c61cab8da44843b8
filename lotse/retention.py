"""Retention (issue 18, Art. 5 (1) e DSGVO): `python -m lotse retention run`.

After LOTSE_RETENTION_MONTHS (default 12) from a cohort's end:
- its memberships end: the trainer no longer sees anything of its former members (their own
  progress stays with their accounts, for their self-study, until they delete the account or
  `users purge-inactive` removes it);
and for everyone:
- learning-log entries (table events: each opened lesson, reading heartbeat and answer with its
  time) older than the period are deleted; the progress summary (lesson_progress, attempts,
  answers) stays with the account;
- access-log entries older than the period are deleted.
Sign-in traces have shorter rules of their own (``prune_sign_in_traces``, also run by
``python -m lotse prepare``): failed sign-ins are kept one day, sessions are forgotten once expired,
idle past the idle limit or revoked more than a day ago, reset codes once used or expired; the
write-ahead log is checkpointed afterwards, so deleted rows leave it too.
Certificates and their verification records are kept until the account is deleted (a third party
must be able to check a certificate). A cohort's end is the latest of seminar date, preparation
deadline and end of the last work phase; a cohort without any of them never ends by itself and is
listed in the report. Running it again changes nothing (idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from progress import Store
from progress import access_log as access_sql
from progress import accounts_sql
from progress import retention_sql as sql
from progress import sessions as session_store

from . import sessions
from .access import require_role
from .analytics.course import parse_day
from .config import Settings
from .identity import User
from .privacy import months_before
from .visibility import Policy, current_policy


@dataclass(frozen=True)
class EndedCohort:
    name: str
    end: date
    memberships: int


@dataclass
class RetentionReport:
    cutoff: datetime
    dry_run: bool
    ended: list[EndedCohort] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)  # cohorts with members but no end date
    events: int = 0
    access_entries: int = 0

    def lines(self) -> list[str]:
        verb = "would" if self.dry_run else "did"
        out = [f"Retention: {self.cutoff.date().isoformat()} is the cutoff ({'dry run' if self.dry_run else 'run'})."]
        for c in self.ended:
            out.append(f"- cohort {c.name!r} (ended {c.end.isoformat()}): {verb} end {c.memberships} membership(s)")
        out.append(f"- learning log: {verb} delete {self.events} entr{'y' if self.events == 1 else 'ies'} "
                   "older than the cutoff")
        out.append(f"- access log: {verb} delete {self.access_entries} entr{'y' if self.access_entries == 1 else 'ies'}"
                   " older than the cutoff")
        for name in self.undated:
            out.append(f"- cohort {name!r} has no end date (seminar, deadline or phases): left as it is")
        out.append("- certificates: kept (verification records stay until the account is deleted)")
        if not (self.ended or self.events or self.access_entries):
            out.append("Nothing to do.")
        return out


def cohort_end(row: dict) -> date | None:
    days = [d for d in (parse_day(row["seminar_date"]), parse_day(row["pre_deadline"]), parse_day(row["phase_end"]))
            if d]
    return max(days) if days else None


def run_retention(db: Store, actor: User, *, policy: Policy | None = None, now: datetime | None = None,
                  dry_run: bool = False) -> RetentionReport:
    """Apply the retention rules (administrators and the command line only); one transaction."""
    require_role(actor, "admin")
    policy = policy or current_policy()
    cutoff = months_before(now or datetime.now(timezone.utc), policy.retention_months)
    stamp = cutoff.isoformat(timespec="microseconds")
    report = RetentionReport(cutoff, dry_run)
    with db.transaction():
        for row in sql.cohort_dates(db):
            end = cohort_end(row)
            if end is None:
                if row["members"]:
                    report.undated.append(row["name"])
            elif end < cutoff.date() and row["members"]:
                report.ended.append(EndedCohort(row["name"], end, row["members"]))
                if not dry_run:
                    sql.end_memberships(db, row["id"])
        report.events = sql.count_events_before(db, stamp)
        report.access_entries = sql.count_access_before(db, stamp)
        if not dry_run:
            sql.delete_events_before(db, stamp)
            access_sql.delete_before(db, stamp)
    return report


# --- sign-in traces ---------------------------------------------------------------------------------

KEEP_FAILURES = timedelta(days=1)


@dataclass(frozen=True)
class Pruned:
    failures: int
    sessions: int
    reset_codes: int

    def summary(self) -> str:
        return (f"{self.failures} failed sign-in(s), {self.sessions} session(s), "
                f"{self.reset_codes} reset code(s) removed")


def prune_sign_in_traces(db: Store, settings: Settings, now: datetime | None = None) -> Pruned:
    """Forget failed sign-ins, ended sessions and used reset codes that no longer serve a purpose."""
    moment = sessions.utc(now)
    failures = accounts_sql.prune_failures(db, sessions.iso(moment - KEEP_FAILURES))
    ended = session_store.prune_sessions(db, sessions.iso(moment), sessions.iso(moment - sessions.KEEP_REVOKED))
    idle = sql.prune_idle_sessions(db, sessions.iso(moment - sessions.idle_limit(settings)
                                                    - sessions.KEEP_REVOKED))
    codes = accounts_sql.prune_reset_codes(db, sessions.iso(moment))
    db.checkpoint()
    return Pruned(failures, ended + idle, codes)
