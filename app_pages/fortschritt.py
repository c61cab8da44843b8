"""Mein Fortschritt: completion, best results per lesson, weakest objectives, recommended next
lessons, and a chart of the learner's own progress over time (with the same numbers as a table)."""

import altair as alt
import pandas as pd
import streamlit as st

from lotse import learning
from lotse.german_format import date_short, percent, share
from lotse.progress_report import Report
from ui.context import catalog, store
from ui.escape import md_escape
from ui.lesson_view import lesson_link
from ui.session import require

# Okabe-Ito colours (distinguishable with colour-vision deficiencies); dashes and point shapes
# repeat the distinction without colour.
SERIES = {"Lektionen gelesen": ("#0072B2", [1, 0], "circle"), "Quiz bestanden": ("#D55E00", [6, 3], "square")}


def progress_chart(report: Report) -> tuple[alt.Chart, pd.DataFrame]:
    table = pd.DataFrame([{"Datum": p.day, "Lektionen gelesen": p.read, "Quiz bestanden": p.passed}
                          for p in report.timeline])
    long = table.melt("Datum", var_name="Kennzahl", value_name="Anzahl Lektionen")
    names = list(SERIES)
    chart = alt.Chart(long, title="Ihr Fortschritt über die Zeit").mark_line(point=alt.OverlayMarkDef(size=80)).encode(
        x=alt.X("Datum:T", title="Datum", axis=alt.Axis(format="%d.%m.%Y", labelAngle=0)),
        y=alt.Y("Anzahl Lektionen:Q", title="Anzahl Lektionen (insgesamt)", scale=alt.Scale(domainMin=0),
                axis=alt.Axis(tickMinStep=1)),
        # One legend for colour, dash and marker together (Vega-Lite merges them; legend=None on
        # some of them removed the legend altogether): the lines differ by more than colour.
        color=alt.Color("Kennzahl:N", title="Kennzahl", legend=alt.Legend(orient="top", symbolStrokeWidth=2),
                        scale=alt.Scale(domain=names, range=[SERIES[n][0] for n in names])),
        strokeDash=alt.StrokeDash("Kennzahl:N", title="Kennzahl",
                                  scale=alt.Scale(domain=names, range=[SERIES[n][1] for n in names])),
        shape=alt.Shape("Kennzahl:N", title="Kennzahl",
                        scale=alt.Scale(domain=names, range=[SERIES[n][2] for n in names])),
        tooltip=[alt.Tooltip("Datum:T", title="Datum", format="%d.%m.%Y"), alt.Tooltip("Kennzahl:N", title="Kennzahl"),
                 alt.Tooltip("Anzahl Lektionen:Q", title="Anzahl Lektionen")],
    )
    table["Datum"] = [date_short(day) for day in table["Datum"]]
    return chart, table


user = require("learner", "trainer", "admin")
report = learning.learner_report(store(), user, user.id, catalog())
course = report.overview

st.title("Mein Fortschritt")
if not course.total:
    st.info("Noch sind keine Lektionen freigegeben.")
    st.stop()

first, second, third = st.columns(3)
first.metric("Abgeschlossen (Quiz bestanden)", f"{course.completed} von {course.total}")
second.metric("Als gelesen markiert", f"{course.read} von {course.total}")
third.metric("Aktive Lesezeit", f"{course.reading_minutes:.0f} Min.")
st.progress(course.share, text=f"Kurs zu {share(course.share)} abgeschlossen")

st.header("Ihre Ergebnisse je Lektion")
# A plain table, not a data grid: long lesson titles wrap, so every column (also "Bestes Ergebnis")
# stays on the screen at 1280 px without scrolling sideways, and screen readers get a real table.
st.table(pd.DataFrame([{
    "Lektion": e.title, "Status": f"{e.icon} {e.status.value}", "Versuche": e.attempts,
    "Bestes Ergebnis": percent(e.best_percent),
    "Lesezeit": f"{round(e.reading_seconds / 60)} Min."} for e in course.lessons]),
    border="horizontal", hide_index=True)

st.header("Lernziele, die Sie noch festigen sollten")
if report.weakest:
    st.caption("Aus Ihren Antworten im jeweils letzten Quizversuch: der Anteil der erreichten Punkte je Lernziel.")
    for score in report.weakest:
        st.markdown(f"- **{percent(score.percent)}** · {md_escape(score.text)} "
                    f"(Lektion: {md_escape(score.lesson_title)})")
else:
    st.caption("Noch keine Hinweise: Sobald Sie Quizfragen beantwortet haben, sehen Sie hier, "
               "welche Lernziele Sie noch festigen sollten.")

st.header("Empfohlene nächste Lektionen")
if report.recommended:
    for item in report.recommended:
        lesson_link(item.lesson_id, item.title, icon="➡️")
        st.caption(md_escape(item.reason))
else:
    st.success("Sie haben alle Lektionen abgeschlossen.", icon="🎉")

st.header("Ihr Fortschritt über die Zeit")
if report.timeline:
    chart, table = progress_chart(report)
    st.altair_chart(chart, key="fortschritt-diagramm",
                    alt="Diagramm: Ihr Fortschritt über die Zeit. Die Zahlen stehen in der Tabelle darunter.")
    st.caption("Die Zahlen des Diagramms als Tabelle:")
    st.dataframe(table, hide_index=True, height="content", key="fortschritt-tabelle")
else:
    st.caption("Das Diagramm erscheint, sobald Sie eine Lektion als gelesen markiert oder ein Quiz bestanden haben.")
