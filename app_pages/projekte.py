"""Projektwerkstatt: the learner's own project through the four steps of lesson 6-2.

The autosaving forms live in ui.project_forms, the read-only parts (matrix, board, comments) in
ui.project_view; this page lays them out and handles sharing, versions, export and deletion.
"""

from datetime import date

import streamlit as st

from lotse import onepager, phases
from lotse import projects as P
from lotse.german_format import datetime_short
from lotse.identity import PermissionDenied
from lotse.ids import parse_id
from ui import project_forms as forms
from ui import project_view as view
from ui.context import catalog, store
from ui.project_forms import k
from ui.session import require

user = require("learner", "trainer", "admin")
ss = st.session_state
SELECT = "projekte-auswahl"


# --- callbacks --------------------------------------------------------------------------------

def restore(pid: int, step: str) -> None:
    version = ss.get(k(pid, step, "restore-choice"))
    forms.report_save(pid, step, lambda: P.restore_version(store(), user, pid, version),
                      f"Version {version} wiederhergestellt")


def answer(pid: int, comment_id: int, key: str) -> None:
    view.record(f"projektantwort-{pid}", lambda: P.answer_comment(store(), user, pid, comment_id, ss.get(key, "")),
                "Ihre Antwort ist gespeichert.")


def toggle_share(pid: int) -> None:
    try:
        if ss.get(k(pid, "teilen")):
            P.share_project(store(), user, pid, ss.get(k(pid, "teilen-kohorte")))
        else:
            P.unshare_project(store(), user, pid)
    except (P.ProjectError, PermissionDenied) as error:
        ss[f"projektteilen-{pid}"] = str(error)
        ss.pop(k(pid, "teilen"), None)


def create() -> None:
    try:
        project = P.create_project(store(), user, ss.get("projekt-neu-titel", ""), ss.get("projekt-neu-vorgang", ""))
    except (P.ProjectError, PermissionDenied) as error:
        ss["projekt-neu-fehler"] = str(error)
        return
    ss.pop("projekt-neu-fehler", None)
    ss[SELECT] = project.id


def delete(pid: int) -> None:
    if not ss.get(k(pid, "loeschen-ok")):
        ss["projekt-meldung"] = ("error", "Bitte bestätigen Sie zuerst mit dem Häkchen, dass Sie löschen möchten.")
        return
    try:
        P.delete_project(store(), user, pid)
    except PermissionDenied as error:
        ss["projekt-meldung"] = ("error", str(error))
        return
    ss["projekt-meldung"] = ("ok", "Das Projekt ist gelöscht.")
    ss.pop(SELECT, None)
    st.query_params.pop("projekt", None)


# --- rendering ---------------------------------------------------------------------------------

def history(project: P.Project, step: str) -> None:
    with st.expander(f"Versionen: {P.STEP_LABELS[step]}"):
        entries = P.versions(store(), user, project.id, step, limit=30)
        if not entries:
            st.caption("Noch keine gespeicherte Version.")
            return
        st.dataframe([{"Version": v.version_no, "Gespeichert": datetime_short(v.saved_at), "Inhalt": v.summary,
                       "Hinweis": v.note} for v in entries], hide_index=True, width="stretch")
        older = [v.version_no for v in entries[1:]]
        if not older:
            st.caption("Es gibt nur die aktuelle Version.")
            return
        st.selectbox("Version zum Wiederherstellen", older, key=k(project.id, step, "restore-choice"))
        st.button("Diese Version wiederherstellen", key=k(project.id, step, "restore"), on_click=restore,
                  args=(project.id, step), help="Die aktuelle Fassung bleibt als Version erhalten.")


def step_tab(project: P.Project, step: str, threads: list[dict], due: dict[str, phases.StepDue]) -> None:
    pid = project.id
    st.subheader(f"Schritt {P.STEPS.index(step) + 1}: {P.STEP_TITLES[step]}")
    st.caption(f"Stand dieses Schritts: {P.step_progress(project.steps)[step]}")
    st.write(P.GUIDANCE[step])
    view.lesson_links(step, catalog())
    if step in due:
        st.caption(f"Zeitplan: {due[step].text}")
    forms.seed(project, step)
    for lst in P.SPECS[step].lists:
        forms.list_editor(user, project, step, lst)
    if step == "priorisierung":
        if project.needs:
            forms.ratings_editor(user, project)
        view.priorities(project)
    for f in P.SPECS[step].texts:
        forms.field_widget(user, pid, step, f, k(pid, step, f.key), f.label, {})
    forms.step_status(project, step)
    for hint in P.step_hints(project, step):
        st.caption(f"Noch offen: {hint}")
    if step == "massnahmen":
        st.subheader("Board nach Stand")
        view.board(project, k(pid, "board"), on_move=lambda mid, status: forms.move_measure(user, pid, mid, status))
    history(project, step)
    st.markdown("**Rückmeldungen Ihrer Trainerin oder Ihres Trainers**")
    view.threads(threads, k(pid, step, "antwort"), on_answer=lambda cid, key: answer(pid, cid, key))


def timeline_section(project: P.Project) -> dict[str, phases.StepDue]:
    timelines = phases.my_timelines(store(), user)
    if not timelines:
        return {}
    cohort, timeline = next(((c, t) for c, t in timelines if c["id"] == project.shared_cohort_id), timelines[0])
    today = date.today()
    schedule = phases.schedule(timeline, today, P.step_progress(project.steps))
    with st.expander("Zeitplan Ihrer Kohorte: " + view.safe_md(cohort["name"]), expanded=True):
        st.write(phases.position(timeline, today).text)
        st.dataframe([{"Schritt": P.STEP_LABELS[d.step], "Phase": d.phase, "Seminartag": phases.german(d.seminar_day),
                       "Fällig am": phases.german(d.due), "Stand": d.state} for d in schedule],
                     hide_index=True, width="stretch")
    return {d.step: d for d in schedule}


def share_section(project: P.Project) -> None:
    pid = project.id
    st.subheader("Teilen mit Ihrer Trainerin oder Ihrem Trainer")
    options = P.share_options(store(), user)
    if not options:
        st.info("Ihr Projekt ist privat. Teilen können Sie es, sobald Sie Mitglied einer Kohorte sind.")
        return
    labels = {c["id"]: f"{c['name']} ({c['trainer_name']})" for c in options}
    if k(pid, "teilen-kohorte") not in ss or ss[k(pid, "teilen-kohorte")] not in labels:
        ss[k(pid, "teilen-kohorte")] = project.shared_cohort_id if project.shared_cohort_id in labels else options[0]["id"]
    ss[k(pid, "teilen")] = project.shared_cohort_id is not None
    st.selectbox("Kohorte", list(labels), format_func=lambda i: labels[i], key=k(pid, "teilen-kohorte"),
                 disabled=project.shared_cohort_id is not None)
    st.toggle("Projekt teilen", key=k(pid, "teilen"), on_change=toggle_share, args=(pid,))
    if ss.get(f"projektteilen-{pid}"):
        st.error(ss.pop(f"projektteilen-{pid}"))
    shared = P.shared_with(store(), user, project)
    if shared:
        st.markdown(view.safe_md(f"Geteilt mit {shared['trainer_name']} (Kohorte {shared['name']}).")
                    + " Sie oder er sieht den aktuellen Stand und kann Rückmeldungen geben, aber keine älteren Versionen.")
    else:
        st.write("Privat: Nur Sie sehen dieses Projekt.")


def export_section(project: P.Project) -> None:
    st.subheader("One-Pager für die Amtsleitung")
    st.write("Problem, Bedarfe, Prioritäten mit Matrix und Maßnahmen mit Verantwortlichen und Terminen auf einer Seite.")
    stem = onepager.file_stem(project.title)
    course = catalog().course
    title = course.title if course else None
    st.download_button("One-Pager als Markdown herunterladen", onepager.onepager_markdown(project, course_title=title),
                       file_name=f"{stem}.md", mime="text/markdown", key=k(project.id, "export-md"))
    st.download_button("One-Pager als PDF herunterladen", lambda: onepager.onepager_pdf(project, course_title=title),
                       file_name=f"{stem}.pdf", mime="application/pdf", key=k(project.id, "export-pdf"))


def canvas(project: P.Project) -> None:
    pid = project.id
    st.header(view.safe_md(project.title))
    forms.seed(project, "rahmen")
    left, right = st.columns(2)
    with left:
        st.text_input("Titel des Projekts", key=k(pid, "rahmen", "title"), max_chars=P.TITLE_MAX,
                      on_change=forms.autosave, args=(user, pid, "rahmen"))
    with right:
        st.text_input("Betroffener Vorgang oder Leistung", key=k(pid, "rahmen", "subject"), max_chars=P.SUBJECT_MAX,
                      on_change=forms.autosave, args=(user, pid, "rahmen"))
    forms.step_status(project, "rahmen")
    st.write(f"Stand: {P.reached_label(project.steps)}")
    view.show_message(f"projektantwort-{pid}")
    due = timeline_section(project)
    threads = P.comments(store(), user, pid)
    # Stable tab labels: a label that changed (say, with the progress) would reset the open tab.
    tabs = st.tabs([f"{i}. {P.STEP_LABELS[s]}" for i, s in enumerate(P.STEPS, start=1)] + ["Teilen und Export"])
    for tab, step in zip(tabs, P.STEPS):
        with tab:
            step_tab(project, step, threads[step], due)
    with tabs[-1]:
        share_section(project)
        export_section(project)
        history(project, "rahmen")
        with st.expander("Projekt löschen"):
            st.checkbox("Ich möchte dieses Projekt mit allen Versionen und Rückmeldungen endgültig löschen.",
                        key=k(pid, "loeschen-ok"))
            st.button("Projekt löschen", key=k(pid, "loeschen"), on_click=delete, args=(pid,), type="primary")


# --- page ---------------------------------------------------------------------------------------

st.title("Projektwerkstatt")
st.write("Wenden Sie die vier Schritte „vom Ist zur Maßnahme“ auf Ihr eigenes Digitalisierungsvorhaben an. "
         "Jede Eingabe wird sofort gespeichert. Ihr Projekt ist privat, bis Sie es mit Ihrer Trainerin oder "
         "Ihrem Trainer teilen.")
mine = P.list_projects(store(), user)
ids = [p["id"] for p in mine]
wanted = st.query_params.get("projekt")
if wanted is not None and SELECT not in ss:
    if parse_id(wanted) in ids:
        ss[SELECT] = parse_id(wanted)
    else:
        st.warning(P.NOT_VISIBLE)
if ss.get(SELECT) not in ids:
    ss[SELECT] = ids[0] if ids else None

st.header("Meine Projekte")
view.show_message("projekt-meldung")
if mine:
    titles = {p["id"]: p["title"] + (" (geteilt)" if p["shared"] else "") for p in mine}
    st.selectbox("Projekt auswählen", ids, format_func=lambda i: titles[i], key=SELECT)
else:
    st.info("Sie haben noch kein Projekt. Legen Sie Ihr erstes an, zum Beispiel für einen Ablauf, der Sie im "
            "Alltag ärgert.")
with st.expander("Neues Projekt anlegen", expanded=not mine):
    with st.form("projekt-neu", clear_on_submit=True):
        st.text_input("Titel des Projekts", key="projekt-neu-titel", max_chars=P.TITLE_MAX)
        st.text_input("Betroffener Vorgang oder Leistung (zum Beispiel „Vergabe der Sporthallen“)",
                      key="projekt-neu-vorgang", max_chars=P.SUBJECT_MAX)
        st.form_submit_button("Projekt anlegen", on_click=create)
    if ss.get("projekt-neu-fehler"):
        st.error(ss.pop("projekt-neu-fehler"))

if ss.get(SELECT) is not None:
    st.query_params["projekt"] = str(ss[SELECT])
    try:
        current = P.load_project(store(), user, ss[SELECT])
    except PermissionDenied as error:  # deleted in another tab a moment ago
        st.warning(str(error))
    else:
        canvas(current)
