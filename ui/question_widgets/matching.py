"""Matching: one radio group per left-hand item (key suffix -m<i>); value = chosen right-hand text."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.learning import shuffled

from .common import Callback, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    choices = q.choices
    order = [choices[i] for i in shuffled(len(choices), seed, f"{q.id}:right")]
    chosen = draft if isinstance(draft, list) else []
    st.markdown("**Ordnen Sie zu:** Wählen Sie zu jedem Eintrag das passende Gegenstück.")
    for pair in shuffled(len(q.pairs), seed, f"{q.id}:left"):
        value = chosen[pair] if pair < len(chosen) and chosen[pair] in choices else None
        preset(f"{key}-m{pair}", value)
        st.radio(q.pairs[pair].left, order, index=None, key=f"{key}-m{pair}", on_change=on_change)


def read(q: Any, key: str) -> Any:
    return [st.session_state.get(f"{key}-m{i}") for i in range(len(q.pairs))]
