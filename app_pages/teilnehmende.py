"""Teilnehmende: one learner's lessons, attempts and answers (members of own cohorts only)."""

import streamlit as st

from lotse.analytics.exports import attempts_csv
from lotse.analytics.learner import NOT_SHOWN, attempt_title, cohort_learners, learner_detail
from lotse.analytics.matrix import LEGEND
from lotse.briefing import escape_markdown
from lotse.identity import PermissionDenied
from ui.cockpit import cockpit_header, denied
from ui.context import catalog, store
from ui.downloads import guarded
from ui.session import require

user = require("trainer", "admin")
st.title("Teilnehmende")
cohort, presenting = cockpit_header(user, "teilnehmende")
if cohort is None:
    st.stop()
try:
    learners = cohort_learners(store(), user, cohort.id, pseudonymous=presenting)
except PermissionDenied:
    denied()
content = catalog()
export = guarded(user, lambda db, actor: attempts_csv(db, actor, cohort.id, content, pseudonymous=presenting))
st.download_button("Alle Quizversuche der Kohorte als CSV", export, file_name=f"versuche-kohorte-{cohort.id}.csv",
                   mime="text/csv", key="teilnehmende-attempts-csv", icon=":material/download:")
if not learners:
    st.info(f"Hier erscheint niemand. Entweder hat die Kohorte noch keine Mitglieder, oder: {NOT_SHOWN}")
    st.stop()

learner_id = st.selectbox("Person", list(learners), format_func=learners.get, key="teilnehmende-person")
try:
    detail = learner_detail(store(), user, cohort.id, learner_id, catalog(), pseudonymous=presenting)
except PermissionDenied as refusal:
    st.error(str(refusal))
    st.stop()

st.header(f"Lektionen von {escape_markdown(detail.label)}")  # a name is user text
st.caption(LEGEND)
st.dataframe(detail.lessons, hide_index=True, key="teilnehmende-lessons")

st.caption("Ihr Blick auf diese Seite wird protokolliert; die Person sieht das unter „Was sieht meine Trainerin?“.")

st.header("Quizversuche und Antworten")
if not detail.attempts:
    st.info("Noch keine Quizversuche.")
for index, attempt in enumerate(reversed(detail.attempts)):
    if not attempt.answers:
        st.markdown(f"- {escape_markdown(attempt_title(attempt))}")
        continue
    with st.expander(attempt_title(attempt)):
        st.dataframe(attempt.answers, hide_index=True, key=f"teilnehmende-attempt-{index}")
if detail.attempts and not any(a.answers for a in detail.attempts):
    st.caption("Einzelne Antworten sehen Sie nur, wenn die Vereinbarung es erlaubt oder die Person sie freigibt.")
