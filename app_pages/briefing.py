"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("briefing")
st.info("Diese Seite wird gerade gebaut.")
