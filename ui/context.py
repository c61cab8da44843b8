"""Per-process resources (settings, content) and the per-thread database connection."""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

from lotse.config import Settings, load_settings
from lotse.content import Catalog, load_catalog
from progress import connect, open_database

_local = threading.local()


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


def _content_fingerprint(root: Path) -> tuple:
    """Changes when any content file changes, so edited lessons show without a restart."""
    files = [p for folder in ("lessons", "quizzes") for p in (root / folder).rglob("*") if p.is_file()]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files))


@st.cache_resource(show_spinner=False, max_entries=2)
def _catalog(root: str, fingerprint: tuple) -> Catalog:
    return load_catalog(Path(root))


def catalog() -> Catalog:
    root = settings().content_dir
    return _catalog(str(root), _content_fingerprint(root))


@st.cache_resource(show_spinner=False)
def _prepared_database(path: str) -> bool:
    """Create and migrate the database once per process (and per path)."""
    from lotse.startup import prepare

    db = open_database(path)
    prepare(db, settings(), catalog())
    db.conn.close()
    return True


def db() -> Database:
    """The connection of the current thread (each Streamlit rerun runs on its own thread)."""
    path = str(settings().db_path)
    _prepared_database(path)
    conn: Database | None = getattr(_local, "db", None)
    if conn is None or getattr(_local, "path", None) != path:
        conn = connect(path)
        _local.db, _local.path = conn, path
    return conn
