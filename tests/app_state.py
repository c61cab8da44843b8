"""Between AppTest tests: forget what the app loaded for the previous one."""

from __future__ import annotations

import streamlit as st


def forget_loaded() -> None:
    """Streamlit's caches, the settings and the content the app read (ui.context keeps them per process)."""
    from ui import context

    st.cache_resource.clear()
    st.cache_data.clear()
    context.reset()
