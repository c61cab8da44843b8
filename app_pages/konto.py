"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("konto")
st.info("Diese Seite wird gerade gebaut.")
