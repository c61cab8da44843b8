"""Beamer-Ansicht of Seminar live: the join code and the results of the current question, refreshed
every two seconds; no names, and no distribution before three answers."""

import streamlit as st

from lotse import live
from lotse.identity import PermissionDenied
from ui.cockpit import denied
from ui.context import store
from ui.live_view import join_box, results_view
from ui.session import require

REFRESH_SECONDS = 2
user = require("trainer", "admin")
raw = st.query_params.get("sitzung", "")
session_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
if session_id is None:
    st.title("Beamer-Ansicht")
    st.info("Öffnen Sie die Beamer-Ansicht über „Seminar live“, dort steht der Link zur laufenden Sitzung.")
    st.stop()
try:
    session = live.managed_session(store(), user, session_id)
except PermissionDenied:
    denied()


@st.fragment(run_every=REFRESH_SECONDS)
def current() -> None:
    shown = live.projector(store(), user, session.id)
    if shown is None:
        st.subheader("Gleich geht es los …", anchor=False)
        return
    st.header(shown.question.prompt, anchor=False)
    results_view(shown, key=f"beamer-{shown.question.id}")


st.title("Seminar live")
if session.ended:
    st.info("Diese Live-Sitzung ist beendet. Die Ergebnisse finden Sie unter „Seminar live“.")
    st.stop()
join_box(session.join_code, qr_width=180)
st.divider()
current()
