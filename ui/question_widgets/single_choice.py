"""Single choice: one radio group; value = option index in the file's order."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.learning import shuffled

from .common import Callback, index, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    order = shuffled(len(q.options), seed, q.id)
    preset(key, index(draft, len(q.options)))
    st.radio(f"{label}: Ihre Antwort (eine Auswahl)", order, index=None, key=key, on_change=on_change,
             format_func=lambda i: q.options[i].text)


def read(q: Any, key: str) -> Any:
    return st.session_state.get(key)
