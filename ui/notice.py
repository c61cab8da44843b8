"""Messages a callback leaves for the page run that follows it (shown once, then gone)."""

from __future__ import annotations

from typing import Literal

import streamlit as st

Kind = Literal["success", "info", "warning", "error"]


def show_notice(key: str) -> None:
    """Show and forget the (kind, text) notice stored under ``key``, if there is one."""
    notice: tuple[Kind, str] | None = st.session_state.pop(key, None)
    if notice:
        getattr(st, notice[0])(notice[1])
