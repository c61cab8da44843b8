"""The access log: every time a trainer (or an admin in the cockpit) opens a person's detail or
exports personal data, one entry per person: who, whom, what, when.

Learners read the entries about themselves ("Was sieht meine Trainerin?", Art. 15 DSGVO); the
entries are part of the data export and are deleted with the account (the table references
users) and by ``lotse retention run`` after the retention period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from progress import Store
from progress import access_log as sql

from .access import require_self
from .identity import User

DETAIL = "detail"
ATTEMPTS_CSV = "attempts_csv"
MATRIX_CSV = "matrix_csv"
BRIEFING = "briefing"
XAPI = "xapi"
WHAT_LABELS = {
    DETAIL: "hat Ihre Detailansicht geöffnet (Teilnehmende)",
    ATTEMPTS_CSV: "hat die Quizversuche der Kohorte als CSV heruntergeladen",
    MATRIX_CSV: "hat die Übersicht Teilnehmende × Lektionen als CSV heruntergeladen",
    BRIEFING: "hat das Seminar-Briefing heruntergeladen",
    XAPI: "hat Lerndaten im Format xAPI zusammengestellt",
}
SAME_LOOK_MINUTES = 10  # a rerun of the same page within this time is not logged again


def record(db: Store, actor: User, learner_ids: Iterable[int], cohort_id: int | None, what: str) -> int:
    """Log that ``actor`` saw or exported the data of ``learner_ids`` (the actor's own id is left out)."""
    if what not in WHAT_LABELS:
        raise ValueError(f"unknown access kind {what!r}")
    since = (datetime.now(timezone.utc) - timedelta(minutes=SAME_LOOK_MINUTES)).isoformat(timespec="microseconds")
    trainer = actor.id if actor.id > 0 else None  # the command line acts without an account
    return sql.record(db, trainer, [i for i in learner_ids if i != actor.id], cohort_id, what, since)


@dataclass(frozen=True)
class Entry:
    at: datetime
    who: str
    cohort: str
    what: str


def own_entries(db: Store, actor: User) -> list[Entry]:
    """The entries about the signed-in person, newest first."""
    require_self(actor, actor.id)
    return [Entry(datetime.fromisoformat(r["at"]), r["trainer_name"] or "der Betrieb (Kommandozeile) oder ein inzwischen gelöschtes Konto",
                  r["cohort_name"] or "–", WHAT_LABELS.get(r["what"], r["what"]))
            for r in sql.entries_about(db, actor.id)]
