"""True/false: one horizontal radio group "Stimmt" / "Stimmt nicht"."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.question_types.true_false import WORDS

from .common import Callback, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    preset(key, draft if isinstance(draft, bool) else None)
    st.radio(f"{label}: Ihre Antwort", [True, False], index=None, key=key, on_change=on_change, horizontal=True,
             format_func=WORDS.get)


def read(q: Any, key: str) -> Any:
    return st.session_state.get(key)
