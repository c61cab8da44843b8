"""`python -m lotse db backup TARGET` / `db restore BACKUP`: online backup of the SQLite database."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="back up or restore the SQLite database")
    actions = parser.add_subparsers(dest="db_command", required=True)
    backup = actions.add_parser("backup", help="copy the live database (workers may keep running)")
    backup.add_argument("target", type=Path, help="new file, or a folder for lotse-<UTC time>.db")
    backup.set_defaults(func=run_backup)
    restore = actions.add_parser("restore", help="replace the database with a backup (stop the workers first)")
    restore.add_argument("backup", type=Path, help="a file written by `db backup`")
    restore.set_defaults(func=run_restore)


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
