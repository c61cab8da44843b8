"""Page-wide settings every page needs: the document language and small style fixes."""

from __future__ import annotations

import streamlit as st

# Streamlit hard-codes <html lang="en">; German content needs lang="de" (WCAG 3.1.1).
_LANG_SCRIPT = "<script>document.documentElement.lang = 'de';</script>"


def apply_page_chrome() -> None:
    st.html(_LANG_SCRIPT, unsafe_allow_javascript=True)
