"""Streamlit glue shared by the pages: settings, catalog, database, signed-in user."""
