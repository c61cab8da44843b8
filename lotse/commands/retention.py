"""`python -m lotse retention run [--dry-run]`: apply the retention rules (lotse.retention).

Prints what it did (or would do). Run it from cron, e.g. monthly; a second run changes nothing.
"""

from __future__ import annotations

import argparse

from ..config import load_settings
from ..retention import run_retention
from .store_access import StoreNotReady, open_ready_store
from .users import CLI_ACTOR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("retention", help="delete personal learning data after the retention period")
    commands = parser.add_subparsers(dest="retention_command", required=True)
    run = commands.add_parser("run", help="end memberships of long-ended cohorts, delete old log entries")
    run.add_argument("--dry-run", action="store_true", help="only report what would happen")
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        db = open_ready_store(load_settings())
    except StoreNotReady as problem:
        raise SystemExit(f"{problem}") from problem
    try:
        report = run_retention(db, CLI_ACTOR, dry_run=args.dry_run)
    finally:
        db.close()
    print("\n".join(report.lines()))
    return 0
