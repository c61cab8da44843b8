"""Lotse: wires the pages into navigation, role by role. Nothing else happens here."""

import streamlit as st

from ui.chrome import apply_page_chrome
from ui.session import current_user

st.set_page_config(page_title="Lotse", page_icon="🧭", layout="wide")
apply_page_chrome()


def page(file: str, title: str, icon: str, url: str, **options) -> st.Page:
    return st.Page(f"app_pages/{file}.py", title=title, icon=icon, url_path=url, **options)


user = current_user()
info = [
    page("datenschutz", "Datenschutzhinweise", "🔒", "datenschutz"),
    page("barrierefreiheit", "Barrierefreiheit", "♿", "barrierefreiheit"),
    page("verifizieren", "Zertifikat prüfen", "🔎", "zertifikat-pruefen"),
]

if user is None:
    sections = {"": [page("anmelden", "Anmelden", "🔑", "anmelden", default=True)], "Informationen": info}
else:
    sections = {
        "Lernen": [
            page("lernweg", "Mein Lernweg", "🧭", "lernweg", default=True),
            page("lektion", "Lektion", "📖", "lektion", visibility="hidden"),
            page("fortschritt", "Mein Fortschritt", "📈", "fortschritt"),
            page("suche", "Suche", "🔍", "suche"),
            page("glossar", "Glossar", "📚", "glossar"),
        ],
        "Selbststudium": [
            page("einstufung", "Einstufung", "🎯", "einstufung"),
            page("wiederholen", "Wiederholen", "🔁", "wiederholen"),
            page("reflexion", "Rollenreflexion", "📝", "reflexion"),
            page("selbsteinschaetzung", "Selbsteinschätzung", "🪞", "selbsteinschaetzung"),
            page("projekte", "Projektwerkstatt", "🛠️", "projekte"),
            page("zertifikat", "Zertifikat", "🎓", "zertifikat"),
        ],
    }
    if user.role in ("trainer", "admin"):
        sections["Training"] = [
            page("cockpit", "Kohorten-Cockpit", "📊", "cockpit"),
            page("fragenanalyse", "Fragenanalyse", "🧪", "fragenanalyse"),
            page("teilnehmende", "Teilnehmende", "👤", "teilnehmende"),
            page("briefing", "Seminar-Briefing", "🗒️", "briefing"),
            page("projekte_trainer", "Projekte der Kohorte", "🧩", "projekte-kohorte"),
            page("kohorten", "Kohorten verwalten", "👥", "kohorten"),
            page("austausch", "Fragen & Lerndaten austauschen", "🔄", "austausch"),
            page("inhalte", "Inhaltsprüfung", "✅", "inhalte"),
        ]
    if user.role == "admin":
        sections["Verwaltung"] = [page("verwaltung", "Benutzerverwaltung", "🛡️", "verwaltung")]
    sections["Konto"] = [page("konto", "Mein Konto", "👤", "konto")]
    sections["Informationen"] = info

st.navigation(sections).run()
