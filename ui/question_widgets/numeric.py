"""Numeric: one text input for the number, with a hint when the text is not a number."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.grading import parse_number

from ..escape import md_escape
from .common import Callback, preset
from .short_answer import read  # noqa: F401  (the same: the text as typed)


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    preset(key, draft[:40] if isinstance(draft, str) else None)
    unit = f" in {md_escape(q.unit)}" if q.unit else ""
    st.text_input(f"{label}: Ihre Antwort (Zahl{unit})", key=key, on_change=on_change, max_chars=40,
                  help="Nur die Zahl eingeben, ohne Tausenderpunkte: zum Beispiel 72 oder 72,5.")
    typed = st.session_state.get(key) or ""
    if typed.strip() and parse_number(typed) is None:
        st.caption(f"„{md_escape(typed)}“ ist keine Zahl. Bitte nur Ziffern eingeben, "
                   "mit Dezimalkomma oder -punkt (zum Beispiel 72,5).")
    else:
        st.caption("Dezimalkomma oder -punkt sind beide erlaubt, zum Beispiel 72,5.")
