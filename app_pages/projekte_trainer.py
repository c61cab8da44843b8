"""Projekte der Kohorte: for the trainer, the projects learners shared with them (read-only, with
the step each has reached and comments per step), and the cohort's course-phase timeline."""

from datetime import date, timedelta

import streamlit as st

from lotse import phases
from lotse import projects as P
from lotse.cohorts import list_cohorts
from lotse.german_format import datetime_short
from lotse.identity import PermissionDenied
from ui import project_view as view
from ui.cockpit import presentation_toggle
from ui.context import store
from ui.session import require

user = require("trainer", "admin")
ss = st.session_state


def pk(cohort_id: int, *parts: object) -> str:
    return "-".join(["phasen", str(cohort_id), *map(str, parts)])


# --- timeline -----------------------------------------------------------------------------------

def fill_dates(cohort_id: int, timeline: phases.Timeline) -> None:
    ss[pk(cohort_id, "kickoff")] = timeline.kickoff
    for phase in timeline.phases:
        ss[pk(cohort_id, phase.number, "seminar")] = phase.seminar_day
        ss[pk(cohort_id, phase.number, "ende")] = phase.work_end


def propose(cohort_id: int) -> None:
    kickoff = ss.get(pk(cohort_id, "kickoff")) or date.today()
    fill_dates(cohort_id, phases.propose_timeline(kickoff))
    ss[pk(cohort_id, "meldung")] = ("info", "Vorschlag eingetragen. Passen Sie die Daten an und speichern Sie.")


def save_timeline(cohort_id: int) -> None:
    dates = [(ss.get(pk(cohort_id, n, "seminar")), ss.get(pk(cohort_id, n, "ende")))
             for n in range(1, phases.PHASE_COUNT + 1)]
    try:
        phases.set_timeline(store(), user, cohort_id, ss.get(pk(cohort_id, "kickoff")), dates)
    except (phases.PhaseError, PermissionDenied) as error:
        ss[pk(cohort_id, "meldung")] = ("error", str(error))
        return
    ss[pk(cohort_id, "meldung")] = ("ok", "Der Zeitplan ist gespeichert. Die Teilnehmenden sehen ihn in der Projektwerkstatt.")


def clear(cohort_id: int) -> None:
    phases.clear_timeline(store(), user, cohort_id)
    ss[pk(cohort_id, "meldung")] = ("ok", "Der Zeitplan ist entfernt.")


def timeline_section(cohort_id: int) -> None:
    current = phases.cohort_timeline(store(), user, cohort_id)
    st.write("Der Lehrgang beginnt mit einer Kickoff-Veranstaltung. Es folgen vier Phasen aus je einem Seminartag "
             "und zwei Wochen Arbeitsphase; in Phase 1 ist die Ist-Analyse dran, in Phase 4 die Maßnahmen. "
             "Ein Schritt ist am Ende seiner Arbeitsphase fällig.")
    if current is not None:
        st.info(phases.position(current, date.today()).text)
        st.dataframe([{"Phase": p.number, "Schritt": P.STEP_TITLES[p.step], "Seminartag": phases.german(p.seminar_day),
                       "Arbeitsphase bis": phases.german(p.work_end)} for p in current.phases],
                     hide_index=True, width="stretch")
    if pk(cohort_id, "kickoff") not in ss:
        fill_dates(cohort_id, current or phases.propose_timeline(date.today() + timedelta(days=7)))
    st.subheader("Zeitplan festlegen")
    st.date_input("Kickoff-Veranstaltung", key=pk(cohort_id, "kickoff"), format="DD.MM.YYYY")
    st.button("Vorschlag ab Kickoff berechnen", key=pk(cohort_id, "vorschlag"), on_click=propose, args=(cohort_id,),
              help="Seminartag eine Woche nach dem Kickoff, dann alle zwei Wochen.")
    for number in range(1, phases.PHASE_COUNT + 1):
        left, right = st.columns(2)
        step = P.STEP_TITLES[P.STEPS[number - 1]]
        with left:
            st.date_input(f"Phase {number} ({step}): Seminartag", key=pk(cohort_id, number, "seminar"),
                          format="DD.MM.YYYY")
        with right:
            st.date_input(f"Phase {number}: Arbeitsphase bis", key=pk(cohort_id, number, "ende"), format="DD.MM.YYYY")
    st.button("Zeitplan speichern", key=pk(cohort_id, "speichern"), type="primary", on_click=save_timeline,
              args=(cohort_id,))
    if current is not None:
        st.button("Zeitplan entfernen", key=pk(cohort_id, "entfernen"), on_click=clear, args=(cohort_id,))
    view.show_message(pk(cohort_id, "meldung"))


# --- shared projects ----------------------------------------------------------------------------

MESSAGE = "projekte-kohorte-meldung"


def comment(project_id: int, step: str, key: str) -> None:
    view.record(MESSAGE, lambda: P.add_comment(store(), user, project_id, step, ss.get(key, "")),
                "Ihre Rückmeldung ist gespeichert.")


def answer(project_id: int, comment_id: int, key: str) -> None:
    view.record(MESSAGE, lambda: P.answer_comment(store(), user, project_id, comment_id, ss.get(key, "")),
                "Ihre Antwort ist gespeichert.")


def project_view(project_id: int, presenting: bool) -> None:
    try:
        project = P.load_project(store(), user, project_id, presenting=presenting)
        threads = P.comments(store(), user, project_id, presenting=presenting)
    except PermissionDenied as error:
        st.warning(str(error))
        return
    st.header(view.safe_md(project.title))
    st.markdown(view.safe_md(f"{project.owner_name} · {project.subject or 'ohne Angabe zum Vorgang'}"))
    st.caption(f"{P.reached_label(project.steps)} · zuletzt geändert {datetime_short(project.updated_at)}. "
               "Sie sehen den aktuellen Stand (nur lesen); frühere Versionen bleiben privat.")
    view.show_message(MESSAGE)
    progress = P.step_progress(project.steps)
    tabs = st.tabs([f"{i}. {P.STEP_LABELS[s]}" for i, s in enumerate(P.STEPS, start=1)])
    for tab, step in zip(tabs, P.STEPS):
        with tab:
            st.subheader(f"Schritt {P.STEPS.index(step) + 1}: {P.STEP_TITLES[step]} ({progress[step]})")
            view.step_readonly(project, step)
            st.markdown("**Rückmeldungen zu diesem Schritt**")
            view.threads(threads[step], f"projekte-kohorte-{project_id}-{step}-antwort",
                         on_answer=lambda cid, key: answer(project_id, cid, key))
            key = f"projekte-kohorte-{project_id}-{step}-kommentar"
            with st.form(f"{key}-form", clear_on_submit=True):
                st.text_area(f"Ihre Rückmeldung zum Schritt „{P.STEP_LABELS[step]}“", key=key,
                             max_chars=P.COMMENT_MAX, height=100)
                st.form_submit_button("Rückmeldung senden", on_click=comment, args=(project_id, step, key))


def projects_section(cohort_id: int, presenting: bool) -> None:
    try:
        rows = P.shared_projects(store(), user, cohort_id, presenting=presenting)
    except PermissionDenied as error:
        st.info(str(error))
        return
    if not rows:
        st.info("Noch hat niemand aus dieser Kohorte ein Projekt mit Ihnen geteilt. Projekte sind privat, "
                "bis die Teilnehmenden sie selbst teilen.")
        return
    st.dataframe([{"Teilnehmende": r["owner_name"], "Projekt": r["title"], "Erreicht": r["reached_label"],
                   **{P.STEP_LABELS[s]: r["progress"][s] for s in P.STEPS},
                   "Geändert": datetime_short(r["updated_at"]), "Rückmeldungen": r["comments"]} for r in rows],
                 hide_index=True, width="stretch")
    labels = {r["id"]: f"{r['owner_name']}: {r['title']}" for r in rows}
    chosen = st.selectbox("Projekt ansehen", list(labels), format_func=lambda i: labels[i],
                          key=f"projekte-kohorte-{cohort_id}-projekt")
    project_view(chosen, presenting)


# --- page ---------------------------------------------------------------------------------------

st.title("Projekte der Kohorte")
st.write("Hier sehen Sie die Projekte, die Teilnehmende Ihrer Kohorten mit Ihnen geteilt haben, und legen den "
         "Zeitplan der Lehrgangsphasen fest.")
cohorts = list_cohorts(store(), user)
if not cohorts:
    st.info("Sie leiten noch keine Kohorte. Legen Sie eine unter „Kohorten verwalten“ an.")
    st.stop()
names = {c["id"]: c["name"] for c in cohorts}
left, right = st.columns([3, 2], vertical_alignment="bottom")
cohort_id = left.selectbox("Kohorte", list(names), format_func=lambda i: names[i], key="projekte-kohorte-auswahl")
with right:
    presenting = presentation_toggle("projekte-kohorte")
shared_tab, timeline_tab = st.tabs(["Geteilte Projekte", "Zeitplan der Phasen"])
with shared_tab:
    projects_section(cohort_id, presenting)
with timeline_tab:
    timeline_section(cohort_id)
