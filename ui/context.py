"""Per-process resources (settings, content) and the per-thread database connection."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import streamlit as st
from sqlite_utils import Database

from lotse.config import Settings, load_settings
from lotse.content import Catalog, load_catalog
from progress import ConnectionPool, open_database

_connections = ConnectionPool()


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings()


CONTENT_CHECK_SECONDS = 2.0
_fingerprint_lock = threading.Lock()


@st.cache_resource(show_spinner=False)
def _fingerprints() -> dict[str, tuple[float, str]]:
    """Last check per content folder (a cache resource, so clearing caches forgets it too)."""
    return {}


def _content_fingerprint(root: Path) -> str:
    """Changes when any content file changes, so edited lessons show without a restart.

    Looking at every file costs milliseconds, so it happens at most every CONTENT_CHECK_SECONDS.
    """
    key = str(root)
    now = time.monotonic()
    with _fingerprint_lock:
        checked = _fingerprints().get(key)
        if checked and now - checked[0] < CONTENT_CHECK_SECONDS:
            return checked[1]
    files = [p for folder in ("lessons", "quizzes") for p in (root / folder).rglob("*") if p.is_file()]
    stats = sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    digest = hashlib.sha256(repr(stats).encode()).hexdigest()
    with _fingerprint_lock:
        _fingerprints()[key] = (now, digest)
    return digest


@st.cache_resource(show_spinner=False, max_entries=2)
def _catalog(root: str, fingerprint: str) -> Catalog:
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
    """The connection of the current thread (each Streamlit rerun runs on its own thread; the
    connection returns to the pool when the thread ends)."""
    path = str(settings().db_path)
    _prepared_database(path)
    return _connections.get(path)
