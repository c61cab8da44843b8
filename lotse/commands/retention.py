"""`python -m lotse retention run [--dry-run]`: apply the retention rules (lotse.retention): personal
learning data after the retention period, and stale sign-in traces.

Prints what it did (or would do). Run it from cron, e.g. daily; a second run changes nothing.
"""

from __future__ import annotations

import argparse

from ..config import load_settings
from ..retention import prune_sign_in_traces, run_retention
from .store_access import StoreNotReady, open_ready_store
from .users import CLI_ACTOR


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("retention", help="delete personal learning data after the retention period")
    commands = parser.add_subparsers(dest="retention_command", required=True)
    run = commands.add_parser("run", help="end memberships of long-ended cohorts, delete old log entries and stale sign-in traces")
    run.add_argument("--dry-run", action="store_true", help="only report what would happen")
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        db = open_ready_store(settings)
    except StoreNotReady as problem:
        raise SystemExit(f"{problem}") from problem
    try:
        report = run_retention(db, CLI_ACTOR, dry_run=args.dry_run)
        pruned = None if args.dry_run else prune_sign_in_traces(db, settings)
    finally:
        db.close()
    print("\n".join(report.lines()))
    print(f"- sign-in traces: {pruned.summary()}" if pruned else "- sign-in traces: not pruned in a dry run")
    return 0
