"""Table cells as German readers expect them, still sortable as dates."""

from __future__ import annotations

from datetime import date

import streamlit as st


def day_of(timestamp: str | None) -> date | None:
    """The calendar day of a stored ISO timestamp (None stays empty)."""
    return date.fromisoformat(timestamp[:10]) if timestamp else None


def german_dates(*columns: str) -> dict:
    """column_config showing these date columns as TT.MM.JJJJ."""
    return {column: st.column_config.DateColumn(column, format="DD.MM.YYYY") for column in columns}
