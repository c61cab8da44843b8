"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("reflexion")
st.info("Diese Seite wird gerade gebaut.")
