"""Ordering: one radio group per position (key suffix -p<n>); radios wrap on a phone, select boxes
would cut long texts (WCAG 1.4.10)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.learning import shuffled

from .common import Callback, index, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    order = shuffled(len(q.items), seed, q.id)
    placed = draft if isinstance(draft, list) else []
    st.markdown("**Bringen Sie die Schritte in die richtige Reihenfolge:** "
                "Wählen Sie für jede Position einen Eintrag.")
    for position in range(len(q.items)):
        preset(f"{key}-p{position}", index(placed[position] if position < len(placed) else None, len(q.items)))
        st.radio(f"Position {position + 1}", order, index=None, key=f"{key}-p{position}", on_change=on_change,
                 format_func=lambda i: q.items[i])
    chosen = [v for v in read(q, key) if v is not None]
    if len(chosen) != len(set(chosen)):
        st.caption("Hinweis: Sie haben einen Eintrag mehrfach gewählt. Jeder Eintrag gehört an genau eine Position.")


def read(q: Any, key: str) -> Any:
    return [st.session_state.get(f"{key}-p{p}") for p in range(len(q.items))]
