"""Shown at addresses the signed-in person's role does not include: nothing of the page runs."""

import streamlit as st

st.title("Kein Zugriff")
st.write("Diese Seite ist für Ihre Rolle nicht freigegeben. Falls Sie sie brauchen, wenden Sie sich bitte "
         "an die Administration Ihrer Einrichtung.")
st.page_link("app_pages/lernweg.py", label="Zu „Mein Lernweg“", icon=":material/explore:")
