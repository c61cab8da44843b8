"""Demo data: a trainer, an admin and a cohort of simulated learners, so the cockpit has content.

``ensure_demo`` runs at app start when LOTSE_DEMO=1 and is idempotent; ``create_demo_cohort``
backs ``python -m lotse demo``. Demo learners other than the one in DEMO_ACCOUNTS have no
password and cannot sign in. All history is written through progress SQL with explicit times,
consistent with the event log (replay_progress equals the state tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from progress import Store

from progress import accounts_sql
from progress import cohorts as cohort_sql
from progress import learning as learning_sql
from progress import users as user_sql
from progress.history import insert_history

from .accounts import AccountError, create_account
from .cohorts import create_cohort
from .config import Settings
from .content import Catalog
from .demo_learners import SIMULATED_WEEKS, demo_name, simulate_cohort
from .identity import User

# (login, password, role, description) shown on the sign-in page in demo mode only.
DEMO_ACCOUNTS = [
    ("trainerin.demo", "Seminar-Lotse-2025", "trainer", "Trainerin der Demo-Kohorte: Cockpit, Fragenanalyse, Briefing"),
    ("admin.demo", "Verwaltung-Lotse-2025", "admin", "Administration: alle Kohorten und Benutzerverwaltung"),
    ("lernende.demo", "Lernweg-Lotse-2025", "learner", "Teilnehmerin der Demo-Kohorte, etwa zur Hälfte fertig"),
]
DEMO_COHORT = "Demo-Seminar Führung und Digitalisierung"
DEMO_LEARNERS = 18
DEMO_SEED = 2025
DEMO_PLACE = "Kommunales Bildungszentrum, Raum 2"
SEMINAR_IN_DAYS = 21


@dataclass(frozen=True)
class DemoCohort:
    cohort_id: int
    learner_ids: list[int]
    created: bool


def _account(db: Store, login: str, password: str, role: str, display_name: str) -> User:
    existing = user_sql.get_user_by_login(db, login)
    if existing is not None:
        return existing
    try:
        return create_account(db, login, display_name, password, role)
    except AccountError:  # another process created it a moment ago
        return user_sql.get_user_by_login(db, login)


DISPLAY_NAMES = {"trainerin.demo": "Dr. Karin Demo (Trainerin)", "admin.demo": "Demo-Administration",
                 "lernende.demo": "Lena Demo"}


def ensure_demo_accounts(db: Store) -> dict[str, User]:
    return {login: _account(db, login, password, role, DISPLAY_NAMES.get(login, login))
            for login, password, role, _ in DEMO_ACCOUNTS}


def ensure_demo(db: Store, settings: Settings, catalog: Catalog, *, now: datetime | None = None) -> DemoCohort:
    """Demo accounts and the demo cohort with its history; does nothing the second time."""
    accounts = ensure_demo_accounts(db)
    trainer, learner = accounts["trainerin.demo"], accounts["lernende.demo"]
    return create_demo_cohort(db, catalog, trainer, DEMO_LEARNERS, name=DEMO_COHORT, seed=DEMO_SEED,
                              now=now, include=learner, reuse=True)


def _existing(db: Store, trainer: User, name: str) -> dict | None:
    return next((c for c in cohort_sql.cohorts_of_trainer(db, trainer.id) if c["name"] == name), None)


def create_demo_cohort(db: Store, catalog: Catalog, trainer: User, learners: int, *, name: str,
                       seed: int = DEMO_SEED, now: datetime | None = None, include: User | None = None,
                       reuse: bool = False, mix: dict[str, float] | None = None) -> DemoCohort:
    """A cohort of ``learners`` simulated members (``include`` is one of them, halfway through).

    With ``reuse``, a cohort of that name the trainer already leads is returned unchanged.
    """
    now = now or datetime.now(timezone.utc)
    seminar = (now.date() + timedelta(days=SEMINAR_IN_DAYS))
    with db.transaction():  # the check and the creation under one lock: two starts create one
        existing = _existing(db, trainer, name) if reuse else None
        if existing is not None:
            return DemoCohort(existing["id"], [m["id"] for m in cohort_sql.members(db, existing["id"])], False)
        cohort_id = create_cohort(db, trainer, name, seminar_date=seminar, place=DEMO_PLACE,
                                  pre_deadline=seminar - timedelta(days=3))["id"]
        ids = [include.id] if include else []
        for index in range(learners - len(ids)):
            login = f"demo-{cohort_id}-{index + 1:04d}"
            ids.append(create_account(db, login, demo_name(index + cohort_id), None, "learner").id)
        for user_id in ids:
            cohort_sql.add_member(db, cohort_id, user_id)
        forced = {include.id: "halfway"} if include else None
        histories = simulate_cohort(catalog, ids, seed=seed, now=now, forced=forced, mix=mix)
        if include and learning_sql.lesson_states(db, include.id):  # has a real record: leave it alone
            histories = [h for h in histories if h.user_id != include.id]
        insert_history(db, histories)
        simulated = [user_id for user_id in ids if include is None or user_id != include.id]
        accounts_sql.backdate_activity(db, simulated, (now - timedelta(weeks=SIMULATED_WEEKS)).isoformat(timespec="microseconds"))
        # Every simulated event lies after the simulation's start: members joined the day before it.
        joined = (now - timedelta(weeks=SIMULATED_WEEKS, days=1)).isoformat(timespec="microseconds")
        cohort_sql.backdate_joining(db, cohort_id, ids, joined)
    return DemoCohort(cohort_id, ids, True)
