"""Fragen & Lerndaten austauschen: question files with Moodle (GIFT, Moodle XML), xAPI learning records.

Trainers and admins preview an import against the lesson's quiz and take it into the course (a new,
validated version; every earlier one is kept and can be restored). The parts live in ui/exchange.py;
the core checks every role again.
"""

import streamlit as st

from ui.exchange import export_panel, import_panel, xapi_panel
from ui.session import require

user = require("trainer", "admin")
st.title("Fragen & Lerndaten austauschen")
st.markdown("Hier tauschen Sie Fragen mit Moodle oder ILIAS aus und geben Lerndaten Ihrer Kohorten im "
            "Standardformat xAPI weiter.")

importing, exporting, records = st.tabs(["Fragen importieren", "Fragen exportieren", "Lerndaten (xAPI)"])
with importing:
    import_panel(user)
with exporting:
    export_panel()
with records:
    xapi_panel(user)
