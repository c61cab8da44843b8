"""Seminar live (trainer): start a session for a cohort, ask questions from the course or on the spot,
open, close and resolve them; the projector view shows the results, learners answer on /mitmachen."""

import streamlit as st

from lotse import live
from lotse.briefing import seminar_briefing
from lotse.identity import PermissionDenied
from lotse.live_export import record_csv, record_pdf
from ui.cockpit import cockpit_header, denied
from ui.context import catalog, store
from ui.downloads import guarded
from ui.live_view import join_box, record_section
from ui.notice import show_notice
from ui.session import require

user = require("trainer", "admin")
NOTICE = "live-notiz"
STATE_LABELS = {"ready": "vorbereitet", "open": "offen: Antworten laufen", "closed": "geschlossen"}


def act(action, *args) -> None:
    """A button's callback: the core decides; problems become a German notice."""
    try:
        action(store(), user, *args)
    except (live.LiveError, PermissionDenied) as problem:
        st.session_state[NOTICE] = ("warning", str(problem))


def add_quick(session_id: int) -> None:
    state = st.session_state
    try:
        live.add_question(store(), user, session_id, state["live-art"], state.get("live-frage", ""),
                          state.get("live-optionen", ""))
    except live.LiveError as problem:
        state[NOTICE] = ("warning", str(problem))
        return
    state["live-frage"] = state["live-optionen"] = ""
    state[NOTICE] = ("success", "Die Frage ist vorbereitet. Öffnen Sie sie, wenn es soweit ist.")


def add_from_course(session_id: int, choices: dict) -> None:
    picked = choices.get(st.session_state.get("live-kursfrage"))
    if picked is not None:
        act(lambda db, actor, *args: live.add_course_question(db, actor, *args), session_id, catalog(),
            picked.lesson_id, picked.question_id)


def weakest_first(cohort_id: int) -> list[live.CourseQuestion]:
    """Course questions, the objectives the cohort's briefing names as weakest first."""
    try:
        weakest = seminar_briefing(store(), user, cohort_id, catalog()).weakest
    except PermissionDenied:
        weakest = []
    return live.course_questions(catalog(), [(m.lesson.id, m.objective_id) for m in weakest])


def question_row(question: live.LiveQuestion, answers: int) -> None:
    with st.container(border=True):
        st.markdown(f"**{question.prompt}**")
        st.caption(f"{live.KIND_LABELS[question.kind]} · {STATE_LABELS[question.state]} · "
                   f"{answers} {'Antwort' if answers == 1 else 'Antworten'}")
        cols = st.columns(3)
        if question.state != "open":
            cols[0].button("Öffnen", key=f"live-oeffnen-{question.id}", on_click=act,
                           args=(live.open_question, question.id), type="primary")
        else:
            cols[0].button("Schließen", key=f"live-schliessen-{question.id}", on_click=act,
                           args=(live.close_question, question.id), type="primary")
        if question.state == "closed" and question.correct and not question.revealed:
            cols[1].button("Lösung zeigen", key=f"live-loesung-{question.id}", on_click=act,
                           args=(live.reveal, question.id))


st.title("Seminar live")
cohort, _ = cockpit_header(user, "live")
if cohort is None:
    st.stop()
show_notice(NOTICE)
try:
    session = live.running_session(store(), user, cohort.id)
except PermissionDenied:
    denied()

if session is None:
    st.markdown("Stellen Sie im Seminarraum Fragen, die die Teilnehmenden auf dem Handy beantworten. "
                "Die Ergebnisse erscheinen sofort in der Beamer-Ansicht, ohne Namen.")
    st.checkbox("Teilnahme ohne Anmeldung erlauben (nur mit dem Code)", key="live-anonym",
                help="Sonst nehmen nur angemeldete Mitglieder der Kohorte teil.")
    if st.button("Live-Sitzung starten", type="primary", key="live-start", icon=":material/play_arrow:"):
        live.start_session(store(), user, cohort.id, bool(st.session_state.get("live-anonym")))
        st.rerun()
else:
    join_box(session.join_code)
    st.page_link("app_pages/live_projektor.py", label="Beamer-Ansicht öffnen", icon=":material/cast:",
                 query_params={"sitzung": str(session.id)})
    st.header("Fragen")
    counts = live.answer_counts(store(), user, session.id)
    questions = live.questions(store(), user, session.id)
    if not questions:
        st.info("Noch keine Frage vorbereitet. Wählen Sie eine aus dem Kurs oder schreiben Sie eine.")
    for question in questions:
        question_row(question, counts.get(question.id, 0))
    st.header("Frage hinzufügen")
    course, quick = st.tabs(["Aus dem Kurs", "Schnelle Frage"])
    with course:
        proposals = {f"{q.lesson_title}: {q.prompt[:90]}": q for q in weakest_first(cohort.id)[:40]}
        st.selectbox("Frage aus den Quizzen (schwächste Lernziele der Kohorte zuerst)", list(proposals),
                     key="live-kursfrage")
        st.button("Diese Frage vorbereiten", key="live-kurs-hinzu", on_click=add_from_course,
                  args=(session.id, proposals))
    with quick:
        st.radio("Frageart", list(live.KIND_LABELS), format_func=live.KIND_LABELS.get, key="live-art")
        st.text_input("Frage", max_chars=live.MAX_PROMPT, key="live-frage")
        st.text_area("Antwortmöglichkeiten (nur bei Auswahl; eine pro Zeile, richtige mit * am Anfang)",
                     key="live-optionen", height=120)
        st.button("Frage vorbereiten", key="live-schnell-hinzu", on_click=add_quick, args=(session.id,))
    st.divider()
    st.button("Live-Sitzung beenden", key="live-ende", on_click=act, args=(live.end_session, session.id),
              icon=":material/stop:")

st.header("Ergebnisse der Kohorte")
record_section(live.cohort_record(store(), user, cohort.id), key="live-ergebnis")
left, right = st.columns(2)
as_csv = guarded(user, lambda db, actor: record_csv(live.cohort_record(db, actor, cohort.id)))
as_pdf = guarded(user, lambda db, actor: record_pdf(cohort.name, live.cohort_record(db, actor, cohort.id)))
left.download_button("Ergebnisse als CSV", as_csv, file_name=f"seminar-live-kohorte-{cohort.id}.csv", mime="text/csv",
                     key="live-csv", icon=":material/download:", on_click="ignore")
right.download_button("Ergebnisse als PDF", as_pdf, file_name=f"seminar-live-kohorte-{cohort.id}.pdf",
                      mime="application/pdf", key="live-pdf", icon=":material/picture_as_pdf:", on_click="ignore")
