"""Lotse: wires the pages into navigation, role by role. Nothing else happens here."""

import streamlit as st

from ui.chrome import apply_page_chrome
from ui.session import current_user

st.set_page_config(page_title="Lotse", page_icon="ui/assets/favicon.png", layout="wide")  # local file: no font CDN
apply_page_chrome()


def page(file: str, title: str, icon: str, url: str, **options) -> st.Page:
    return st.Page(f"app_pages/{file}.py", title=title, icon=icon, url_path=url, **options)


user = current_user()
info = [
    page("datenschutz", "Datenschutzhinweise", ":material/lock:", "datenschutz"),
    page("barrierefreiheit", "Barrierefreiheit", ":material/accessibility_new:", "barrierefreiheit"),
    page("verifizieren", "Zertifikat prüfen", ":material/verified:", "zertifikat-pruefen"),
]

if user is None:
    sections = {"": [page("anmelden", "Anmelden", ":material/login:", "anmelden", default=True)], "Informationen": info}
else:
    sections = {
        "Lernen": [
            page("lernweg", "Mein Lernweg", ":material/explore:", "lernweg", default=True),
            page("lektion", "Lektion", ":material/menu_book:", "lektion", visibility="hidden"),
            page("fortschritt", "Mein Fortschritt", ":material/trending_up:", "fortschritt"),
            page("suche", "Suche", ":material/search:", "suche"),
            page("glossar", "Glossar", ":material/dictionary:", "glossar"),
        ],
        "Selbststudium": [
            page("einstufung", "Einstufung", ":material/my_location:", "einstufung"),
            page("wiederholen", "Wiederholen", ":material/replay:", "wiederholen"),
            page("reflexion", "Rollenreflexion", ":material/edit_note:", "reflexion"),
            page("selbsteinschaetzung", "Selbsteinschätzung", ":material/self_improvement:", "selbsteinschaetzung"),
            page("projekte", "Projektwerkstatt", ":material/construction:", "projekte"),
            page("zertifikat", "Zertifikat", ":material/school:", "zertifikat"),
        ],
    }
    if user.role in ("trainer", "admin"):
        sections["Training"] = [
            page("cockpit", "Kohorten-Cockpit", ":material/monitoring:", "cockpit"),
            page("fragenanalyse", "Fragenanalyse", ":material/analytics:", "fragenanalyse"),
            page("teilnehmende", "Teilnehmende", ":material/person:", "teilnehmende"),
            page("briefing", "Seminar-Briefing", ":material/summarize:", "briefing"),
            page("projekte_trainer", "Projekte der Kohorte", ":material/extension:", "projekte-kohorte"),
            page("kohorten", "Kohorten verwalten", ":material/groups:", "kohorten"),
            page("austausch", "Fragen & Lerndaten austauschen", ":material/sync_alt:", "austausch"),
            page("inhalte", "Inhaltsprüfung", ":material/fact_check:", "inhalte"),
        ]
    if user.role == "admin":
        sections["Verwaltung"] = [page("verwaltung", "Benutzerverwaltung", ":material/admin_panel_settings:", "verwaltung")]
    sections["Konto"] = [page("konto", "Mein Konto", ":material/account_circle:", "konto")]
    sections["Informationen"] = info

st.navigation(sections).run()
