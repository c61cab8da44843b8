"""Zertifikat: once every quiz of the course is passed, the learner issues their certificate and
downloads it as PDF; it carries a verification code for the public page "Zertifikat prüfen"."""

import streamlit as st

from lotse import certificate
from ui.context import catalog, store
from ui.escape import md_escape
from ui.lesson_view import LESSON_PAGE
from ui.notice import show_notice
from ui.session import public_base_url, require

user = require("learner", "trainer", "admin")
content = catalog()
database = store()
NOTICE = "zertifikat-notiz"


def issue() -> None:
    try:
        certificate.issue(database, user, content)
    except certificate.NotEligible as reason:
        st.session_state[NOTICE] = ("warning", str(reason))


def render_certificate(cert: dict) -> None:
    st.success("Herzlichen Glückwunsch! Sie haben alle Quizze bestanden. Ihr Zertifikat ist ausgestellt.", icon="🎓")
    st.markdown(
        f"**Name:** {md_escape(cert['holder_name'])}  \n"
        f"**Kurs:** {md_escape(cert['course_title'])}  \n"
        f"**Ausgestellt am:** {certificate.issued_text(cert['issued_at'])}  \n"
        f"**Umfang:** {cert['lesson_count']} Lektionen, {certificate.duration_text(cert['total_minutes'])} Lernzeit  \n"
        f"**Prüfcode:** {certificate.format_code(cert['code'])}")
    st.download_button("Zertifikat als PDF herunterladen", certificate.certificate_pdf(cert, public_base_url()),
                       file_name=certificate.file_name(cert), mime="application/pdf", type="primary",
                       key="zertifikat-pdf", icon="📄")
    st.markdown("Wer Ihr Zertifikat sieht, kann es mit dem Prüfcode online bestätigen lassen. Angezeigt werden dabei "
                "nur Name, Kurs und Ausstellungsdatum.")
    st.page_link("app_pages/verifizieren.py", label="Zur Seite „Zertifikat prüfen“", icon="🔎",
                 query_params={"code": certificate.format_code(cert["code"])})


def render_progress(status: certificate.Eligibility) -> None:
    if not status.required:
        st.info("In diesem Kurs gibt es noch keine Quizze. Ein Zertifikat ist deshalb noch nicht möglich.")
        return
    done = len(status.required) - len(status.missing)
    st.progress(done / len(status.required),
                text=f"Bestanden: {done} von {len(status.required)} Quizzen")
    if status.eligible:
        st.markdown(f"Sie haben alle Quizze bestanden. Auf dem Zertifikat steht Ihr Name so: "
                    f"**{md_escape(user.display_name)}**. Wenn er anders lauten soll, ändern Sie ihn bitte zuerst "
                    "unter „Mein Konto“ – nach dem Ausstellen bleibt das Zertifikat unverändert.")
        st.button("Zertifikat ausstellen", key="zertifikat-ausstellen", type="primary", icon="🎓", on_click=issue)
        return
    st.markdown("Das Zertifikat gibt es, sobald Sie die Quizze aller Lektionen bestanden haben. Noch offen:")
    for lesson_id, title in status.missing:
        st.page_link(LESSON_PAGE, query_params={"id": lesson_id}, label=title, icon="📖")


st.title("Zertifikat")
show_notice(NOTICE)
existing = certificate.my_certificate(database, user, content)
if existing is not None:
    render_certificate(existing)
else:
    render_progress(certificate.eligibility(database, user, content))
