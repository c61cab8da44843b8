"""`python -m lotse prepare`: create and migrate the database, index the lessons, add demo data.

The only place that migrates: under the store's lock, so several processes started at once (or
an upgrade while another `prepare` runs) apply each migration exactly once. Web processes only
check that the schema is current and otherwise show a maintenance message.
"""

from __future__ import annotations

import argparse

from progress import StoreError, open_store

from ..config import contact_is_example, load_settings
from ..content import load_catalog
from ..retention import prune_sign_in_traces
from ..startup import prepare


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("prepare", help="create and migrate the database (and demo data if switched on)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        store = open_store(settings.database_url)
        applied = store.migrate()
    except (OSError, StoreError) as error:
        print(f"{settings.db_path}: cannot create or open the database: {error}")
        return 1
    try:
        prepare(store, settings, load_catalog(settings.content_dir))
        pruned = prune_sign_in_traces(store, settings)
    finally:
        store.close()
    migrated = f", {len(applied)} migration(s) applied" if applied else ", schema current"
    demo = " with demo data (LOTSE_DEMO=1)" if settings.demo else ""
    print(f"Database ready{demo}{migrated}: {settings.db_path}; {pruned.summary()}")
    if contact_is_example(settings):
        print(f"Warning: LOTSE_CONTACT is still the example address {settings.contact}; set the privacy and "
              "accessibility contact of your organisation.")
    return 0
