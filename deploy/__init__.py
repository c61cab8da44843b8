"""Running Lotse as several Streamlit processes behind Debian's nginx (see docs/operations.md)."""
