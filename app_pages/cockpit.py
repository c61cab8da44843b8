"""Kohorten-Cockpit: what matters this week and the key figures first; then, in tabs, the learner x lesson
matrix, funnel, scores, activity, time, objectives and Seminar live."""

import streamlit as st

from lotse.analytics.attention import attention_items
from lotse.analytics.cohort import cohort_overview
from lotse.briefing import seminar_briefing
from lotse.german_format import date_short, percent
from lotse.analytics.exports import matrix_export
from lotse.analytics.matrix import DONE_COLUMN, LEGEND, NAME_COLUMN
from lotse.live import cohort_record
from ui import charts
from ui.cockpit import PRESENTATION_KEY, cohort_view
from ui.context import catalog, store
from ui.downloads import guarded
from ui.escape import md_escape
from ui.live_view import record_section
from ui.session import require

user = require("trainer", "admin")
st.title("Kohorten-Cockpit")
cohort, view = cohort_view(user, "cockpit", cohort_overview)

presenting = bool(st.session_state.get(PRESENTATION_KEY))
st.header("Diese Woche wichtig")
items = attention_items(seminar_briefing(store(), user, cohort.id, catalog(), pseudonymous=presenting))
if not items:
    st.success("Nichts Dringendes: Die Gruppe ist auf einem guten Weg. Die Einzelheiten stehen unten in den Reitern.")
for number, item in enumerate(items, start=1):
    with st.container(border=True):
        st.markdown(f"**{number}. {md_escape(item.title)}**  \n{md_escape(item.detail)}  \n"
                    f"*Was tun:* {md_escape(item.action)}")

key = view.key
st.header("Auf einen Blick")
cols = st.columns(5)
if view.withheld:
    cols[0].metric("Teilnehmende", key.members)
    for col, label in zip(cols[1:4], ("Aktiv (7 Tage)", "Abgeschlossen", "Ø bestes Quizergebnis")):
        col.metric(label, "–", help=view.withheld)
else:
    cols[0].metric("Teilnehmende", key.members, help=f"Davon {key.started} haben mit dem Lernen begonnen.")
    cols[1].metric("Aktiv (7 Tage)", key.active_7_days, help="Teilnehmende, die in den letzten 7 Tagen gelernt haben.")
    cols[2].metric("Abgeschlossen", percent(key.passed_share),
                   help=f"{key.lessons_passed} von {key.lessons_possible} Lektionen mit bestandenem Quiz, "
                        "über alle Teilnehmenden zusammen.")
    cols[3].metric("Ø bestes Quizergebnis", percent(key.average_best))
if key.days_until_seminar is None:
    cols[4].metric("Tage bis zum Seminar", "–", help="Kein Seminartermin eingetragen.")
elif key.days_until_seminar >= 0:
    cols[4].metric("Tage bis zum Seminar", key.days_until_seminar, help=f"Seminar am {date_short(key.seminar_date)}")
else:
    cols[4].metric("Seminar war vor", f"{-key.days_until_seminar} Tagen")
if not view.lessons:
    st.info("Es sind noch keine Lektionen veröffentlicht.")
    st.stop()
if not key.members:
    st.info("Noch hat niemand die Einladung zu dieser Kohorte angenommen; sobald Teilnehmende lernen, "
            "erscheinen hier ihre Fortschritte.")
    st.page_link("app_pages/kohorten.py", label="Zum Einladungslink unter „Kohorten verwalten“", icon="🔗")
    st.stop()
if view.withheld:
    st.info(view.withheld + " Gruppenwerte erscheinen, sobald genug Teilnehmende in der Kohorte sind.")

# The first screen leads with what matters this week and the key figures; the details sit in tabs
# (at 1280 px the page was about 7,700 px long with every section below the other).
sections = ["Teilnehmende und Lektionen"] + (["Fortschritt je Lektion"] if view.funnel else [])
if not view.withheld:
    sections += ["Ergebnisse je Quiz", "Aktivität", "Lesezeit", "Lernziele"]
sections.append("Seminar live")
st.header("Einzelheiten")
tabs = dict(zip(sections, st.tabs(sections)))

with tabs["Teilnehmende und Lektionen"]:
    st.subheader("Teilnehmende und Lektionen")
    if view.hidden_people:
        st.caption(f"{view.hidden_people} von {key.members} Teilnehmenden erscheinen hier nicht: Nach der Vereinbarung "
                   "zur Nutzung von Lotse sehen Sie über sie nur Gruppenwerte.")
    if view.matrix:
        st.caption(LEGEND)
        titles = {lesson.code: lesson.title for lesson in view.lessons}
        config = {code: st.column_config.TextColumn(code, help=title) for code, title in titles.items()}
        config[DONE_COLUMN] = st.column_config.NumberColumn(f"{DONE_COLUMN} (von {len(view.lessons)})")
        config[NAME_COLUMN] = st.column_config.TextColumn(NAME_COLUMN, pinned=True)
        st.dataframe(view.matrix, hide_index=True, column_config=config, key="cockpit-matrix",
                     height=min(600, 38 + 35 * max(1, len(view.matrix))))
        with st.expander("Welche Lektion hat welche Nummer?"):
            st.dataframe(view.lesson_legend, hide_index=True, key="cockpit-legend")
        content = catalog()
        export = guarded(user, lambda db, actor: matrix_export(db, actor, cohort.id, content, pseudonymous=presenting))
        st.download_button("Matrix als CSV herunterladen", export, file_name=f"matrix-kohorte-{cohort.id}.csv",
                           mime="text/csv", key="cockpit-matrix-csv", icon=":material/download:")

if view.funnel:
    with tabs["Fortschritt je Lektion"]:
        st.subheader("Fortschritt je Lektion")
        stages = ["Geöffnet", "Gelesen", "Quiz bestanden"]
        charts.show(charts.grouped_bars(view.funnel, "Lektion", stages, title="Wie weit ist die Gruppe je Lektion?",
                                        value_title="Teilnehmende", series_title="Schritt",
                                        subtitle=f"Von {key.members} Teilnehmenden"), view.funnel, key="cockpit-funnel")


def group_sections() -> None:
    """Quiz results, activity, reading time, objectives: group figures only (withheld for small groups)."""
    with tabs["Ergebnisse je Quiz"]:
        st.subheader("Ergebnisse je Quiz")
        quizzes = list(dict.fromkeys(r["Lektion"] for r in view.distribution))
        if not quizzes:
            st.info("Noch kein Quiz hat genug Teilnehmende für eine Verteilung (mindestens so viele, dass niemand "
                    "einzeln erkennbar ist).")
        else:
            chosen = st.selectbox("Quiz", quizzes, key="cockpit-distribution-quiz")
            rows = [r for r in view.distribution if r["Lektion"] == chosen]
            charts.show(charts.bar_chart(rows, "Ergebnis", "Teilnehmende", horizontal=False,
                                         title="Verteilung der besten Ergebnisse", subtitle=chosen,
                                         category_title="Bestes Ergebnis (Bereich)", value_title="Teilnehmende",
                                         counts=True),
                        rows, key="cockpit-distribution")

    with tabs["Aktivität"]:
        st.subheader("Aktivität der letzten acht Wochen")
        series = ["Aktive Teilnehmende", "Geöffnete Lektionen", "Abgegebene Quizze"]
        charts.show(charts.line_chart(view.activity, "Tag", series, title="Aktivität pro Tag", x_title="Tag",
                                      value_title="Anzahl", series_title="Kennzahl"),
                    [r for r in view.activity if any(r[s] for s in series)] or view.activity, key="cockpit-activity",
                    caption="Tabelle: nur Tage mit Aktivität. Tage, an denen weniger Personen gelernt haben als für "
                            "Gruppenwerte nötig, zählen als Tage ohne Aktivität (so wird niemand einzeln sichtbar).")

    with tabs["Lesezeit"]:
        st.subheader("Lesezeit je Lektion")
        charts.show(charts.bar_chart(view.time_on_task, "Lektion", "Median (Minuten)", title="Wie lange wird gelesen?",
                                     subtitle="Median der Lesezeit je Person; zum Vergleich die geschätzte Dauer in der Tabelle",
                                     value_title="Minuten (Median)", value_format=",.1f",
                                     extra_tooltip=["Geschätzte Dauer (Minuten)", "Teilnehmende mit Lesezeit"]),
                    view.time_on_task, key="cockpit-time")

    with tabs["Lernziele"]:
        st.subheader("Lernziele")
        if view.mastery:
            weakest = sorted(view.mastery, key=lambda r: r["Punkte erreicht (Anteil)"])[:10]
            charts.show(charts.bar_chart(weakest, "Lernziel", "Punkte erreicht (Anteil)",
                                         title="Die zehn schwächsten Lernziele",
                                         subtitle="Anteil der Punkte im besten Versuch jeder Person; alle Lernziele in der Tabelle",
                                         value_title="Prozent", value_format=".0f", domain=(0, 100), sort=True,
                                         extra_tooltip=["Lektion", "Teilnehmende"]),
                        view.mastery, key="cockpit-mastery",
                        caption="Unter 75 % lohnt es sich, das Lernziel im Seminar zu vertiefen.")
        else:
            st.info("Noch keine Quizergebnisse.")


if not view.withheld:
    group_sections()

with tabs["Seminar live"]:
    st.subheader("Seminar live")
    st.caption("Die Fragen im Seminarraum, nur als Gruppenwerte. Stellen und auswerten unter „Seminar live“.")
    record_section(cohort_record(store(), user, cohort.id), key="cockpit-live")
