"""Online backup and restore of the SQLite database with SQLite's backup API.

``backup`` copies a live database while workers keep writing: the copy is one consistent snapshot
(a single read transaction; in WAL mode readers do not block writers, so the app never waits), is
written to a temporary file beside the target, switched to rollback-journal mode so it is one
self-contained file, checked with ``PRAGMA integrity_check``, flushed to disk and only then renamed
to the target. ``restore`` writes a checked backup back into the database file through the same
API (SQLite's own locking and journal, so left-over -wal/-shm files cannot mix with it); the
workers must be stopped first.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

BUSY_TIMEOUT_S = 10.0


class BackupError(Exception):
    """The backup or restore could not be made or did not pass the integrity check."""


def default_name(now: datetime | None = None) -> str:
    """File name for a backup in a folder: lotse-20261207T031500Z.db (sorts by time)."""
    return f"lotse-{(now or datetime.now(timezone.utc)).strftime('%Y%m%dT%H%M%SZ')}.db"


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of the file at ``path``: [] when it is sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        rows = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        return [str(error)]
    finally:
        conn.close()
    return [] if rows == ["ok"] else rows


def backup(source: Path, target: Path) -> Path:
    """Copy the database ``source`` to ``target`` (a new file, or an existing folder for a dated file).

    Returns the path written. Refuses to overwrite an existing file.
    """
    if not source.is_file():
        raise BackupError(f"{source}: no database file")
    if target.is_dir():
        target = target / default_name()
    if target.exists():
        raise BackupError(f"{target}: exists already; choose a new name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _copy(source, partial)
    problems = integrity_problems(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed the integrity check: {'; '.join(problems[:5])}")
    _fsync(partial)
    os.replace(partial, target)
    _fsync(target.parent)
    return target


def restore(backup_file: Path, database: Path) -> None:
    """Replace the content of ``database`` with ``backup_file`` (checked first). Workers must be stopped."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file}: no such backup")
    problems = integrity_problems(backup_file)
    if problems:
        raise BackupError(f"{backup_file}: not a sound database: {'; '.join(problems[:5])}")
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    target = sqlite3.connect(database, timeout=BUSY_TIMEOUT_S)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")  # as open_database leaves it for the app
    finally:
        source.close()
        target.close()


def _copy(source: Path, destination: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    dst = sqlite3.connect(destination)
    try:
        # pages=-1: the whole database in one step, i.e. in one read transaction: one consistent
        # snapshot. (Stepwise copies restart whenever another connection writes, which under a
        # steady stream of answers may never finish.)
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    finally:
        src.close()
        dst.close()


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
