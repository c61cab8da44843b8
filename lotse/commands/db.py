"""`python -m lotse db backup|restore|copy`: the database's safety copies, and moving between engines.

    python -m lotse db backup TARGET          online backup of the SQLite database
    python -m lotse db restore BACKUP         replace the SQLite database with a backup
    python -m lotse db copy --from sqlite:///data/lotse.db --to postgresql://lotse@db.example/lotse
    python -m lotse db copy --from postgresql://lotse@db.example/lotse --to sqlite:////srv/lotse-kopie.db

copy: the source must be migrated (``python -m lotse prepare``); the target is migrated here. Every
table is copied in one transaction on the target and verified (row count and checksum per table). A
target that already holds rows is refused unless --force is given (its rows are then replaced).
Stop the web processes while copying: the copy reads the source under its write lock.
Exit codes: 0 done (copy: copied and verified), 1 failed, refused or not verified, 2 wrong arguments.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from progress import StoreError, open_store, redact
from progress.copy import TargetNotEmpty, copy_store

from ..config import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="back up or restore the SQLite database, copy between SQLite and PostgreSQL")
    actions = parser.add_subparsers(dest="db_command", required=True)
    backup = actions.add_parser("backup", help="copy the live database (workers may keep running)")
    backup.add_argument("target", type=Path, help="new file, or a folder for lotse-<UTC time>.db")
    backup.set_defaults(func=run_backup)
    restore = actions.add_parser("restore", help="replace the database with a backup (stop the workers first)")
    restore.add_argument("backup", type=Path, help="a file written by `db backup`")
    restore.set_defaults(func=run_restore)
    copy = actions.add_parser("copy", help="copy every table between SQLite and PostgreSQL and verify it")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///… or postgresql://…")
    copy.add_argument("--to", dest="target", required=True, help="sqlite:///… or postgresql://…")
    copy.add_argument("--force", action="store_true", help="replace the data of a target that holds rows")
    copy.set_defaults(func=run_copy)


def run_backup(args: argparse.Namespace) -> int:
    from progress.backup import BackupError, backup

    settings = load_settings()
    try:
        written = backup(settings.db_path, args.target)
    except (BackupError, OSError) as error:
        print(f"Backup failed: {error}")
        return 1
    print(f"Backup written (integrity check ok): {written}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from progress.backup import BackupError, restore

    settings = load_settings()
    try:
        restore(args.backup, settings.db_path)
    except (BackupError, OSError) as error:
        print(f"Restore failed: {error}")
        return 1
    print(f"Restored {args.backup} into {settings.db_path}; run `python -m lotse prepare` before starting.")
    return 0


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
