"""Between AppTest tests: forget what the app loaded for the previous one, except the content itself.

Reading and validating the real course takes seconds (every YAML file composed with line numbers),
and AppTest tests start from a fresh process state (``forget_loaded``). ``remember_catalogs``
keeps what ``ui.context`` loaded for the whole run, keyed by the folder, today's date and the bytes
of every file in its lessons/ and quizzes/: changed content (a test writing a lesson) is read again, unchanged content is
the same Catalog object the app process would share between all its sessions anyway.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import date
from pathlib import Path
from typing import Callable

import streamlit as st

KEEP = 8  # catalogs remembered (the real course, the fixture courses; a test's own course once)


def forget_loaded() -> None:
    """Streamlit's caches, the settings and the store the app opened (ui.context keeps them per process)."""
    from ui import context

    st.cache_resource.clear()
    st.cache_data.clear()
    context.reset()


def content_key(root: Path) -> tuple:
    """The folder, today's date (review dates are judged against it) and a digest of the path and
    bytes of every file in its lessons/ and quizzes/ (all that load_catalog reads)."""
    root = Path(root).resolve()
    digest = hashlib.sha256()
    files = [p for folder in ("lessons", "quizzes") for p in (root / folder).rglob("*") if p.is_file()]
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return str(root), date.today().isoformat(), digest.hexdigest()


def remembering(load: Callable) -> Callable:
    """``load`` (lotse.content.load_catalog) with a memory of the last KEEP folders' contents."""
    memory: OrderedDict = OrderedDict()

    def load_catalog(root, today=None):
        if today is not None:
            return load(root, today)
        key = content_key(root)
        if key in memory:
            memory.move_to_end(key)
            return memory[key]
        catalog = memory[key] = load(root)
        while len(memory) > KEEP:
            memory.popitem(last=False)
        return catalog

    load_catalog.memory = memory
    return load_catalog
