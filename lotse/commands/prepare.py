"""`python -m lotse prepare`: create and migrate the database, index the lessons, add demo data.

The app does the same on its first page view; the start script runs it first, so a fresh machine
has its database (and any problem with the data folder) before the browser opens.
"""

from __future__ import annotations

import argparse
import sqlite3

from ..config import load_settings
from ..content import load_catalog
from ..startup import prepare


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("prepare", help="create and migrate the database (and demo data if switched on)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from progress import open_database

    settings = load_settings()
    try:
        db = open_database(settings.db_path)
    except (OSError, sqlite3.Error) as error:
        print(f"{settings.db_path}: cannot create or open the database: {error}")
        return 1
    try:
        prepare(db, settings, load_catalog(settings.content_dir))
    finally:
        db.conn.close()
    demo = " with demo data (LOTSE_DEMO=1)" if settings.demo else ""
    print(f"Database ready{demo}: {settings.db_path}")
    return 0
