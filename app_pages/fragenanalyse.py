"""Fragenanalyse: item statistics per question of one quiz (following Moodle's quiz statistics)."""

import streamlit as st

from lotse.analytics.course import plain, shorten
from lotse.analytics.exports import items_csv
from lotse.analytics.items import (ATTEMPT_LABELS, THRESHOLDS, item_analysis, option_table, questions_to_check,
                                  quiz_figures, quiz_lessons)
from lotse.identity import PermissionDenied
from ui import charts
from ui.cockpit import cockpit_header, denied
from ui.context import catalog, store
from ui.downloads import guarded
from ui.session import require

user = require("trainer", "admin")
st.title("Fragenanalyse")
cohort, _ = cockpit_header(user, "fragenanalyse")
if cohort is None:
    st.stop()
quizzes = dict(quiz_lessons(catalog()))
if not quizzes:
    st.info("Es sind noch keine Quizze veröffentlicht.")
    st.stop()
left, right = st.columns([3, 2])
lesson_id = left.selectbox("Quiz", list(quizzes), format_func=quizzes.get, key="fragenanalyse-quiz")
which = right.radio("Welche Versuche zählen?", list(ATTEMPT_LABELS), format_func=ATTEMPT_LABELS.get,
                    horizontal=True, key="fragenanalyse-attempts",
                    help="Üblich ist der erste Versuch: er zeigt, was nach dem Lesen verstanden war.")
try:
    analysis = item_analysis(store(), user, cohort.id, catalog(), lesson_id, which)
except PermissionDenied:
    denied()
if analysis is None:
    st.warning("Dieses Quiz gibt es nicht mehr.")
    st.stop()

st.caption(f"{analysis.attempts} Versuche von {analysis.learners} Teilnehmenden ({ATTEMPT_LABELS[which]}).")
if not analysis.attempts:
    st.info("Zu diesem Quiz gibt es in der Kohorte noch keine Versuche.")
    st.stop()
if analysis.withheld:
    st.info(analysis.withheld)
    st.stop()
if not analysis.reliable:
    st.warning("Weniger als 10 Versuche: Die Kennzahlen schwanken stark. Lesen Sie sie als Hinweis, nicht als Urteil.")

st.header("Diese Fragen sollten Sie sich ansehen")
to_check = questions_to_check(analysis)
if to_check:
    st.table(to_check, border="horizontal", hide_index=True)  # a plain table: long texts wrap
else:
    st.success("Keine Frage fällt auf. Die Kennzahlen stehen unten, wenn Sie genauer schauen möchten.")

with st.expander("Was bedeuten die Kennzahlen und Hinweise?"):
    for name, text in THRESHOLDS:
        st.markdown(f"**{name}:** {text}")

st.header("Das Quiz insgesamt")
st.caption("Berechnet wie in Moodles Quiz-Statistik, aus den gewählten Versuchen.")
st.table(quiz_figures(analysis.quiz), border="horizontal", hide_index=True)  # a plain table: long texts wrap

st.header("Kennzahlen je Frage")
table = analysis.table()
rows = [{"Frage": f"{r['Nr.']}. {plain(r['Frage'], 60)}", "Leichtigkeit (%)": r["Leichtigkeit (%)"],
         "Trennschärfe (%)": r["Trennschärfe (%)"], "Hinweise": r["Hinweise"]} for r in table]
charts.show(charts.bar_chart(rows, "Frage", "Leichtigkeit (%)", title="Leichtigkeit je Frage",
                             subtitle="Anteil der erreichten Punkte", value_title="Prozent", value_format=".0f",
                             domain=(0, 100), extra_tooltip=["Trennschärfe (%)", "Hinweise"]),
            table, key="fragenanalyse-items",  # the question text narrow, so the figures stay in view
            column_config={"Frage": st.column_config.TextColumn("Frage", width="medium")})
content = catalog()
items_file = guarded(user, lambda db, actor: items_csv(item_analysis(db, actor, cohort.id, content, lesson_id, which)))
st.download_button("Kennzahlen als CSV herunterladen", items_file,
                   file_name=f"fragenanalyse-{lesson_id}-{which}.csv", mime="text/csv",
                   key="fragenanalyse-csv", icon=":material/download:")

st.header("Antworten je Frage")
for question in analysis.questions:
    marker = f" – {', '.join(question.flags)}" if question.flags else ""
    with st.expander(f"{question.number}. {question.prompt}{marker}"):
        if question.options:
            options = option_table(question)
            chart_rows = [{"Option": f"{'✓ ' if o.correct else ''}{shorten(o.label, 60)}", "Gewählt": o.count}
                          for o in question.options]
            charts.show(charts.bar_chart(chart_rows, "Option", "Gewählt", title="Wie oft wurde jede Option gewählt?",
                                         subtitle="✓ = richtige Option", value_title="Anzahl", counts=True),
                        options, key=f"fragenanalyse-q-{question.question_id}")
        elif question.frequent:
            st.dataframe([{"Antwort": text, "Anzahl": times} for text, times in question.frequent],
                         hide_index=True, key=f"fragenanalyse-q-{question.question_id}-table")
        else:
            st.text("Keine Antworten.")
