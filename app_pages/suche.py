"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("suche")
st.info("Diese Seite wird gerade gebaut.")
