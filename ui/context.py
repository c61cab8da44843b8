"""Per-process resources: settings, content and the store (the database's front door).

The store is safe to keep and share: it hands out a connection per call, never one per thread or
run, so pages and their button callbacks may ask for it whenever they like.
"""

from __future__ import annotations

import hashlib
import threading
import time

from lotse.config import Settings, load_settings
from lotse.content import Catalog, load_catalog
from progress import Store, open_store


class _Process:
    """What this process loaded: settings, the content, the store and whether its schema is current.

    A plain module-level object rather than st.cache_resource: Streamlit looks up a cached call by
    hashing the function and its arguments, which on every rerun cost more than the lookup is worth
    (settings and the database are asked for several times per page). ``reset()`` forgets it.
    """

    def __init__(self) -> None:
        self.settings = load_settings()
        self.lock = threading.Lock()
        self.checked: tuple[float, str] | None = None  # (last look at the files, their fingerprint)
        self.catalog: tuple[str, Catalog] | None = None  # (fingerprint, content loaded with it)
        self.store = open_store(self.settings.database_url)
        self.database_ready = False


_process: _Process | None = None
_process_lock = threading.Lock()


def _state() -> _Process:
    global _process
    state = _process
    if state is None:
        with _process_lock:
            if _process is None:
                _process = _Process()
            state = _process
    return state


def reset() -> None:
    """Read settings and content again on next use (tests that change the environment)."""
    global _process
    with _process_lock:
        if _process is not None:
            _process.store.close()
        _process = None


def settings() -> Settings:
    return _state().settings


CONTENT_CHECK_SECONDS = 2.0


def _content_fingerprint(state: _Process) -> str:
    """Changes when any content file changes, so edited lessons show without a restart.

    Looking at every file costs milliseconds, so it happens at most every CONTENT_CHECK_SECONDS.
    """
    now = time.monotonic()
    checked = state.checked
    if checked and now - checked[0] < CONTENT_CHECK_SECONDS:
        return checked[1]
    root = state.settings.content_dir
    files = [p for folder in ("lessons", "quizzes") for p in (root / folder).rglob("*") if p.is_file()]
    stats = sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    digest = hashlib.sha256(repr(stats).encode()).hexdigest()
    state.checked = (now, digest)
    return digest


def catalog() -> Catalog:
    """The content, loaded again when a file changed (see _content_fingerprint)."""
    state = _state()
    fingerprint = _content_fingerprint(state)
    cached = state.catalog
    if cached is None or cached[0] != fingerprint:
        with state.lock:
            cached = state.catalog
            if cached is None or cached[0] != fingerprint:
                cached = state.catalog = (fingerprint, load_catalog(state.settings.content_dir))
    return cached[1]


def content_changed() -> None:
    """This process changed a content file (an import in the browser): look at the files on the next
    catalog() call instead of up to CONTENT_CHECK_SECONDS later."""
    _state().checked = None


def _prepare_database(state: _Process) -> None:
    """Once per process: the schema must be current (only ``python -m lotse prepare`` migrates;
    SchemaBehind tells the page to show the maintenance message), then the start-up data."""
    from lotse.startup import prepare

    content = catalog()
    with state.lock:
        if not state.database_ready:
            state.store.check_schema()
            prepare(state.store, state.settings, content)
            state.database_ready = True


def store() -> Store:
    """The process's store (raises progress.SchemaBehind while the database needs ``prepare``)."""
    state = _state()
    if not state.database_ready:
        _prepare_database(state)
    return state.store
