"""`python -m lotse retention run`: forget stale failed sign-ins, ended sessions and used codes."""

from __future__ import annotations

import argparse

from ..config import load_settings
from ..retention import run_retention
from .store_access import StoreNotReady, open_ready_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("retention", help="delete stale sign-in traces (run from cron, e.g. hourly)")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("run", help="delete failed sign-ins older than a day, ended sessions, used reset codes")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        store = open_ready_store(settings)
    except StoreNotReady as error:
        print(f"{settings.db_path}: {error}")
        return 1
    try:
        print(run_retention(store, settings).summary())
    finally:
        store.close()
    return 0
