"""What people see when a page fails: a German message with a reference, never a traceback.

The traceback goes to the log (stderr of the Streamlit process) under the same reference, so the
admin can find it. ``.streamlit/config.toml`` sets ``client.showErrorDetails = "none"`` as well, for
errors that happen outside a page run.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

log = logging.getLogger("lotse.failure")
MESSAGE = ("Hier ist leider etwas schiefgegangen. Bitte laden Sie die Seite neu oder versuchen Sie es "
           "später noch einmal. Wenn der Fehler bleibt, nennen Sie der Administration bitte die "
           "Fehlernummer {reference}.")


def new_reference() -> str:
    return "L-" + secrets.token_hex(4).upper()


def report_failure(error: BaseException) -> str:
    """Log ``error`` with a fresh reference, show the German message; returns the reference."""
    reference = new_reference()
    log.error("page failed, reference %s", reference, exc_info=error)
    st.error(MESSAGE.format(reference=reference), icon=":material/error:")
    return reference
