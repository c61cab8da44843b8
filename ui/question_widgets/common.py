"""What the renderers share: restoring a draft once, index checks, the text limit."""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

MAX_TEXT_CHARS = 200
Callback = Callable[[], None]


def preset(key: str, value: Any) -> None:
    """Restore a draft value once; afterwards the widget owns its state."""
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


def index(value: Any, count: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count else None
