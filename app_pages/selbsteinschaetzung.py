"""Selbsteinschätzung: the statements of the lessons rated 1-5 at the start ("vorher") and at the
end ("nachher"), with a chart and a table of the learner's own change."""

import altair as alt
import streamlit as st

from lotse import self_assessment as assessment
from ui.charts import grouped_bars, show
from ui.context import catalog, store
from ui.escape import md_escape
from ui.notice import show_notice
from ui.session import require

user = require("learner", "trainer", "admin")
content = catalog()
database = store()
NOTICE = "selbst-notiz"


def rating_key(phase: str, statement: assessment.Statement) -> str:
    return f"selbst-{phase}-{statement.lesson_id}-{statement.id}"


def save(phase: str, statements: list[assessment.Statement]) -> None:
    ratings = {s.key: st.session_state.get(rating_key(phase, s)) for s in statements}
    stored = assessment.save(database, user, content, phase, ratings)
    if stored:
        st.session_state["selbst-phase"] = phase  # stay on the form just saved, with its values
        st.session_state[NOTICE] = ("success", f"Gespeichert: {stored} Einschätzungen für „{assessment.PHASE_LABELS[phase]}“.")
    else:
        st.session_state[NOTICE] = ("warning", "Bitte wählen Sie bei mindestens einer Aussage einen Wert.")


def render_form(phase: str, rows: list[assessment.Row]) -> None:
    statements = [row.statement for row in rows]
    with st.form(f"selbst-form-{phase}"):
        for number, row in enumerate(rows, 1):
            current = row.before if phase == "vorher" else row.after
            st.markdown(f"**{number}. {md_escape(row.statement.competence)}**  \n{md_escape(row.statement.text)}")
            st.radio(f"Ihre Einschätzung zu Aussage {number}", list(assessment.SCALE),
                     index=None if current is None else current - 1, key=rating_key(phase, row.statement),
                     horizontal=True, format_func=lambda value: f"{value} – {assessment.SCALE[value]}")
        st.form_submit_button("Einschätzung speichern", type="primary", on_click=save, args=(phase, statements))


def render_change(rows: list[assessment.Row]) -> None:
    st.header("Ihre Veränderung")
    rated = [r for r in rows if r.before is not None or r.after is not None]
    if not rated:
        st.info("Sobald Sie eine Einschätzung gespeichert haben, sehen Sie hier Ihre Werte.")
        return
    labels = dict(zip((r.statement.key for r in rows), assessment.short_labels(rows)))
    table = [{"Kompetenz": labels[r.statement.key], "Vorher": r.before, "Nachher": r.after,
              "Veränderung": assessment.change_word(r.change), "Aussage": r.statement.text} for r in rated]
    sentence = assessment.summary(rows)
    if sentence:
        st.markdown(sentence)
    else:
        st.markdown("Die Veränderung sehen Sie, sobald Sie dieselben Aussagen vorher und nachher eingeschätzt haben.")
    value_title = "Einschätzung (1 = trifft gar nicht zu, 5 = trifft voll zu)"
    chart = grouped_bars(table, "Kompetenz", ["Vorher", "Nachher"], title="Ihre Selbsteinschätzung vorher und nachher",
                         value_title=value_title, series_title="Zeitpunkt")
    # The scale is 1-5 in whole steps; room for legend, title and axis besides two bars per statement.
    chart = chart.encode(x=alt.X("v:Q", title=value_title, scale=alt.Scale(domain=[0, 5]),
                                 axis=alt.Axis(values=[0, 1, 2, 3, 4, 5], format="d"))
                         ).properties(height=140 + 36 * len(table))
    shown = [{k: "–" if v is None else v for k, v in row.items()} for row in table]  # not rated yet: "–"
    show(chart, shown, key="selbst-veraenderung",
         caption="Die Tabelle enthält dieselben Werte wie das Diagramm, dazu die vollständigen Aussagen.")


st.title("Selbsteinschätzung")
st.markdown("Wie sicher fühlen Sie sich bei den Schlüsselkompetenzen für die digitale Verwaltung? Schätzen Sie "
            "sich zu Beginn des Kurses ein („vorher“) und noch einmal am Ende („nachher“). So sehen Sie, was sich "
            "für Sie verändert hat. Ihre Einschätzung sehen nur Sie.")
show_notice(NOTICE)
rows = assessment.my_ratings(database, user, content)
if not rows:
    st.info("Im Kurs gibt es gerade keine Aussagen zur Selbsteinschätzung.")
    st.stop()
# Start with "nachher" once a "vorher" exists; afterwards the learner's choice stays.
st.session_state.setdefault("selbst-phase", "nachher" if any(r.before is not None for r in rows) else "vorher")
phase = st.radio("Welche Einschätzung möchten Sie abgeben?", list(assessment.PHASES), horizontal=True,
                 key="selbst-phase", format_func=assessment.PHASE_LABELS.get)
st.caption("Skala: " + " · ".join(f"{value} = {text}" for value, text in assessment.SCALE.items()))
if phase == "nachher" and all(r.after is None for r in rows) and any(r.before is not None for r in rows):
    st.info("Ihre Einschätzung „vorher“ ist gespeichert; Ihre Werte sehen Sie unten unter „Ihre Veränderung“. "
            "Das Formular hier ist für die Einschätzung „nachher“ am Ende des Kurses.")
render_form(phase, rows)
render_change(rows)
