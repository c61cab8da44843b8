"""`python -m lotse db copy --from URL --to URL [--force]`: move all data between database engines.

    python -m lotse db copy --from sqlite:///data/lotse.db --to postgresql://lotse@db.example/lotse
    python -m lotse db copy --from postgresql://lotse@db.example/lotse --to sqlite:////srv/lotse-kopie.db

The source must be migrated (``python -m lotse prepare``); the target is migrated here. Every table
is copied in one transaction on the target and verified (row count and checksum per table). A
target that already holds rows is refused unless --force is given (its rows are then replaced).
Stop the web processes while copying: the copy reads the source under its write lock.
Exit codes: 0 copied and verified, 1 refused or not verified, 2 wrong arguments.
"""

from __future__ import annotations

import argparse

from progress import StoreError, open_store, redact
from progress.copy import TargetNotEmpty, copy_store


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="Datenbank: alle Daten zwischen SQLite und PostgreSQL kopieren")
    commands = parser.add_subparsers(dest="db_command", required=True)
    copy = commands.add_parser("copy", help="alle Tabellen kopieren und prüfen (Zeilenzahl, Prüfsumme)")
    copy.add_argument("--from", dest="source", required=True, help="Quelle: sqlite:///… oder postgresql://…")
    copy.add_argument("--to", dest="target", required=True, help="Ziel: sqlite:///… oder postgresql://…")
    copy.add_argument("--force", action="store_true", help="ein Ziel mit Daten überschreiben")
    copy.set_defaults(func=run_copy)


def run_copy(args: argparse.Namespace) -> int:
    if args.source == args.target:
        print("--from and --to name the same database")
        return 2
    source, target = open_store(args.source), open_store(args.target)
    try:
        source.check_schema()
        checks = copy_store(source, target, force=args.force)
    except TargetNotEmpty as error:
        print(f"Refused: {error}. Use --force to replace its data.")
        return 1
    except StoreError as error:
        print(f"Copy failed: {error}")
        return 1
    finally:
        source.close()
        target.close()
    for check in checks:
        verdict = "ok" if check.ok else f"MISMATCH (target {check.target_rows} rows, {check.target_checksum[:12]})"
        print(f"{check.table:28} {check.source_rows:>9} rows  {check.source_checksum[:12]}  {verdict}")
    failed = [c.table for c in checks if not c.ok]
    if failed:
        print(f"Not verified: {', '.join(failed)}")
        return 1
    print(f"Copied {len(checks)} tables from {redact(args.source)} to {redact(args.target)}; counts and checksums match.")
    return 0
