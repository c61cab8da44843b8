"""Seminar-Briefing: who is ready, weak objectives, missed questions, focus topics; Markdown and PDF."""

import streamlit as st

from lotse.briefing import briefing_download, briefing_filename, briefing_markdown, seminar_briefing
from lotse.live import cohort_record
from ui.cockpit import cohort_view
from ui.context import store
from ui.downloads import guarded
from ui.live_view import record_section
from ui.session import require

user = require("trainer", "admin")
st.title("Seminar-Briefing")
cohort, content = cohort_view(user, "briefing", seminar_briefing)

markdown = briefing_markdown(content)
left, right = st.columns(2)
left.download_button("Als PDF herunterladen",
                     guarded(user, lambda db, actor: briefing_download(db, actor, content, "pdf")), file_name=briefing_filename(content, "pdf"), mime="application/pdf", key="briefing-pdf",
                     icon=":material/picture_as_pdf:")
right.download_button("Als Markdown herunterladen",
                      guarded(user, lambda db, actor: briefing_download(db, actor, content, "md")),
                      file_name=briefing_filename(content, "md"), mime="text/markdown", key="briefing-md",
                      icon=":material/download:")
st.divider()
# The Markdown escapes every name and typed answer; its "# " title is shown one level down,
# because the page already has its title.
st.markdown(markdown.replace("\n## ", "\n### ").replace("# ", "## ", 1))

st.header("Seminar live")
st.caption("Ergebnisse der Fragen, die im Seminarraum gestellt wurden (nur Gruppenwerte).")
record_section(cohort_record(store(), user, cohort.id), key="briefing-live")
