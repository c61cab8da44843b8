"""Downloads of personal data, produced only when clicked and only for a session that still holds.

Streamlit calls a callable ``data=`` of ``st.download_button`` when the button is clicked, on a
thread of its own without session state, possibly long after the page was drawn. ``guarded``
captures the session token and the user at render time; at click time the session is checked
again (lotse.sessions.still_valid), so a button left open on a page delivers nothing once the
user has signed out elsewhere, was disabled or their session ended. The file is then built by the
core for the user the session belongs to, so the core's access checks run again too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from lotse import sessions
from lotse.identity import PermissionDenied, User
from progress import Store

from .context import settings, store
from .session import TOKEN_KEY

Content = bytes | str
log = logging.getLogger("lotse.downloads")
REFUSED = ("Dieser Download ist nicht mehr möglich: Ihre Anmeldung ist beendet. Bitte melden Sie sich neu an "
           "und laden Sie die Seite neu.")


class DownloadRefused(PermissionDenied):
    """The session behind a download button is no longer valid; no file is produced."""


def guarded(user: User, build: Callable[[Store, User], Content]) -> Callable[[], Content]:
    """The ``data=`` for a download button: ``build(store, user)`` runs at click time, after the
    session captured now has been validated again (else DownloadRefused, and Streamlit shows that
    the file could not be produced)."""
    database, config = store(), settings()
    token = st.session_state.get(TOKEN_KEY)
    user_id = user.id

    def produce() -> Content:
        actor = sessions.still_valid(database, token, user_id, config)
        if actor is None:
            log.warning("download refused: the session of user %s is no longer valid", user_id)
            raise DownloadRefused(REFUSED)
        return build(database, actor)

    return produce
