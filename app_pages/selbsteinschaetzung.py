"""Placeholder page: replaced by the feature that owns it (STUB)."""

import streamlit as st

st.title("selbsteinschaetzung")
st.info("Diese Seite wird gerade gebaut.")
