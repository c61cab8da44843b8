"""`python -m lotse demo --learners N [--cohort NAME] [--seed S]`: a realistic demo cohort.

Creates the demo accounts (see lotse.demo.DEMO_ACCOUNTS) if needed and a new cohort of N
simulated learners led by the demo trainer, so the trainer cockpit has something to show.
"""

from __future__ import annotations

import argparse

from progress import redact

from ..config import load_settings
from ..content import load_catalog
from ..demo import DEMO_ACCOUNTS, DEMO_SEED, create_demo_cohort, ensure_demo_accounts
from .store_access import StoreNotReady, open_ready_store

MAX_LEARNERS = 5000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="create a demo cohort with simulated learners")
    parser.add_argument("--learners", type=int, default=18, help="number of learners (default 18)")
    parser.add_argument("--cohort", help="name of the new cohort (default: Demo-Kohorte mit N Teilnehmenden)")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (same seed, same cohort)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.learners <= MAX_LEARNERS:
        print(f"--learners must be between 1 and {MAX_LEARNERS}")
        return 2
    settings = load_settings()
    catalog = load_catalog(settings.content_dir)
    if not catalog.lessons:
        print(f"{settings.content_dir}: no valid lessons; the demo cohort needs content (see python -m lotse validate)")
        return 2
    name = " ".join((args.cohort or f"Demo-Kohorte mit {args.learners} Teilnehmenden").split())
    try:
        db = open_ready_store(settings)
    except StoreNotReady as problem:
        print(problem)
        return 1
    try:
        trainer = ensure_demo_accounts(db)["trainerin.demo"]
        demo = create_demo_cohort(db, catalog, trainer, args.learners, name=name, seed=args.seed, reuse=True)
    finally:
        db.close()
    if not demo.created:
        print(f"The demo trainer already leads a cohort named {name!r}; nothing changed. Choose another --cohort.")
        return 1
    login, password = DEMO_ACCOUNTS[0][0], DEMO_ACCOUNTS[0][1]
    print(f"Created cohort {name!r} (id {demo.cohort_id}) with {len(demo.learner_ids)} learners in {redact(settings.database_url)}.")
    print(f"Sign in as {login} / {password} and open the Kohorten-Cockpit.")
    return 0
