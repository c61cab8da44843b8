"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("verwaltung")
st.info("Diese Seite wird gerade gebaut.")
