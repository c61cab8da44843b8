"""The maintenance page: shown instead of Lotse while the database is missing or older than the code.

Only ``python -m lotse prepare`` migrates (under a lock). A web process started before it, or
during an upgrade, tells people in plain German to come back shortly, and the log says what to run.
"""

from __future__ import annotations

import logging

import streamlit as st

from progress import SchemaBehind, Unavailable

from .context import store

log = logging.getLogger("lotse")
MESSAGE = ("Lotse wird gerade gewartet oder aktualisiert. Bitte versuchen Sie es in einigen Minuten noch "
           "einmal. Ihre bisherigen Lernstände sind gespeichert.")


def require_database() -> None:
    """Stop the run with the maintenance message unless the store is ready."""
    try:
        store()
    except (SchemaBehind, Unavailable) as problem:
        log.error("Lotse cannot serve: %s", problem)
        st.title("Wartungsarbeiten")
        st.info(MESSAGE, icon=":material/construction:")
        st.stop()
