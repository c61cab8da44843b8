"""Short answer: one text input (saved on Enter or when it loses focus)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from .common import MAX_TEXT_CHARS, Callback, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    preset(key, draft[:MAX_TEXT_CHARS] if isinstance(draft, str) else None)
    st.text_input(f"{label}: Ihre Antwort (Text)", key=key, on_change=on_change, max_chars=MAX_TEXT_CHARS,
                  help="Groß- und Kleinschreibung und zusätzliche Leerzeichen spielen keine Rolle.")


def read(q: Any, key: str) -> Any:
    value = st.session_state.get(key)
    return value if isinstance(value, str) else None
