"""Multiple choice: one checkbox per option (key suffix -o<i>); value = sorted chosen indexes."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.learning import shuffled
from lotse.question_types.multiple_choice import RULE

from .common import Callback, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    chosen = set(draft) if isinstance(draft, list) else set()
    st.markdown(f"**{label}: Ihre Antwort** (mehrere Antworten können richtig sein)")
    st.caption(RULE)
    for i in shuffled(len(q.options), seed, q.id):
        preset(f"{key}-o{i}", True if i in chosen else None)
        st.checkbox(q.options[i].text, key=f"{key}-o{i}", on_change=on_change)


def read(q: Any, key: str) -> Any:
    return sorted(i for i in range(len(q.options)) if st.session_state.get(f"{key}-o{i}"))
