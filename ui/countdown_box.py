"""The seminar countdown box for the home page ("Mein Lernweg"): one calm box per cohort with a date."""

from __future__ import annotations

import streamlit as st
from progress import Store

from lotse.countdown import learner_countdowns
from lotse.identity import User

from .context import catalog
from .escape import md_escape

# Words and icons carry the meaning; the box kind only repeats it. Overdue work is never "error".
_BOX = {"on_track": ("info", "🗓️"), "done": ("success", "✅"), "last_day": ("info", "🗓️"),
        "deadline_passed": ("info", "🕊️"), "seminar_today": ("success", "🎯"), "after_seminar": ("info", "📚")}


def render_countdown(db: Store, user: User) -> None:
    """Show the learner's seminar countdown(s); nothing when no cohort has a seminar date."""
    for countdown in learner_countdowns(db, user, catalog()):
        kind, icon = _BOX[countdown.tone]
        text = f"**{md_escape(countdown.headline)}**  \n{md_escape(countdown.message)}"
        getattr(st, kind)(text, icon=icon)
