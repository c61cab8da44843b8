"""Lotse: wires the pages into navigation, role by role. Nothing else happens here."""

import streamlit as st

from ui.chrome import apply_page_chrome, favicon
from ui.failure import report_failure
from ui.maintenance import require_database
from ui.session import current_user

if "lotse-page-config" not in st.session_state:
    # Once per browser session: the browser keeps title, icon and wide layout through reruns and page
    # changes (a browser journey checks it), and the call costs about 0.2 ms on every rerun.
    st.session_state["lotse-page-config"] = True
    st.set_page_config(page_title="Lotse", page_icon=favicon(), layout="wide")
apply_page_chrome()

ALL, STAFF, ADMIN = ("learner", "trainer", "admin"), ("trainer", "admin"), ("admin",)
# section, page file, title, icon, url path, roles that see it
PAGES = [
    ("Lernen", "lernweg", "Mein Lernweg", "explore", "lernweg", ALL),
    ("Lernen", "lektion", "Lektion", "menu_book", "lektion", ALL),
    ("Lernen", "fortschritt", "Mein Fortschritt", "trending_up", "fortschritt", ALL),
    ("Lernen", "suche", "Suche", "search", "suche", ALL),
    ("Lernen", "glossar", "Glossar", "dictionary", "glossar", ALL),
    ("Selbststudium", "einstufung", "Einstufung", "my_location", "einstufung", ALL),
    ("Selbststudium", "wiederholen", "Wiederholen", "replay", "wiederholen", ALL),
    ("Selbststudium", "reflexion", "Rollenreflexion", "edit_note", "reflexion", ALL),
    ("Selbststudium", "selbsteinschaetzung", "Selbsteinschätzung", "self_improvement", "selbsteinschaetzung", ALL),
    ("Selbststudium", "projekte", "Projektwerkstatt", "construction", "projekte", ALL),
    ("Selbststudium", "zertifikat", "Zertifikat", "school", "zertifikat", ALL),
    ("Training", "cockpit", "Kohorten-Cockpit", "monitoring", "cockpit", STAFF),
    ("Training", "fragenanalyse", "Fragenanalyse", "analytics", "fragenanalyse", STAFF),
    ("Training", "teilnehmende", "Teilnehmende", "person", "teilnehmende", STAFF),
    ("Training", "briefing", "Seminar-Briefing", "summarize", "briefing", STAFF),
    ("Training", "projekte_trainer", "Projekte der Kohorte", "extension", "projekte-kohorte", STAFF),
    ("Training", "live", "Seminar live", "co_present", "live", STAFF),
    ("Training", "live_projektor", "Beamer-Ansicht", "cast", "beamer", STAFF),
    ("Training", "kohorten", "Kohorten verwalten", "groups", "kohorten", STAFF),
    ("Training", "austausch", "Fragen & Lerndaten austauschen", "sync_alt", "austausch", STAFF),
    ("Training", "inhalte", "Inhaltsprüfung", "fact_check", "inhalte", STAFF),
    ("Verwaltung", "verwaltung", "Benutzerverwaltung", "admin_panel_settings", "verwaltung", ADMIN),
    ("Konto", "konto", "Mein Konto", "account_circle", "konto", ALL),
    ("Konto", "sichtbarkeit", "Was sieht meine Trainerin?", "visibility", "sichtbarkeit", ALL),
]
PUBLIC = [
    ("Informationen", "datenschutz", "Datenschutzhinweise", "lock", "datenschutz"),
    ("Informationen", "barrierefreiheit", "Barrierefreiheit", "accessibility_new", "barrierefreiheit"),
    ("Informationen", "verifizieren", "Zertifikat prüfen", "verified", "zertifikat-pruefen"),
    ("Informationen", "mitmachen", "Mitmachen (Seminar live)", "how_to_vote", "mitmachen"),
]
HIDDEN_FROM_MENU = {"lektion", "live_projektor"}
HOME_KEY = "start"  # url_path of the default page, which Streamlit serves at "/" only


def page(file: str, title: str, icon: str, url: str, **options) -> st.Page:
    return st.Page(f"app_pages/{file}.py", title=title, icon=f":material/{icon}:", url_path=url, **options)


def signed_out_sections() -> dict:
    """Sign-in is the home page; every protected address shows it too, so deep links survive sign-in."""
    # The default page is served at "/" only; its url_path names no address (Streamlit hashes pages by
    # url_path, so it must differ from the hidden twin that serves /anmelden without "Page not found").
    sign_in = [page("anmelden", "Anmelden", "login", HOME_KEY, default=True)]
    sign_in += [page("anmelden", "Anmelden", "login", url, visibility="hidden") for url in ["anmelden"] + [
        row[4] for row in PAGES]]
    return {"": sign_in, "Informationen": [page(*row[1:]) for row in PUBLIC]}


def signed_in_sections(role: str) -> dict:
    sections: dict[str, list] = {}
    for section, file, title, icon, url, roles in PAGES:
        if role in roles:
            options = {"default": file == "lernweg", "visibility": "hidden" if file in HIDDEN_FROM_MENU else "visible"}
            if options["default"]:  # served at "/"; a hidden twin serves its own address (/lernweg)
                sections.setdefault("", []).append(page(file, title, icon, url, visibility="hidden"))
                url = HOME_KEY
            sections.setdefault(section, []).append(page(file, title, icon, url, **options))
        else:  # the address exists, but only says "Kein Zugriff"; the real page never runs
            sections.setdefault("", []).append(page("kein_zugriff", "Kein Zugriff", "block", url, visibility="hidden"))
    sections["Informationen"] = [page(*row[1:]) for row in PUBLIC]
    return sections


def sections(role: str | None) -> dict:
    """Built once per browser session and role: creating ~30 st.Page objects (each resolves its
    file path) is a large part of a rerun. Not shared across sessions, because st.navigation marks
    the page it returns as callable on the object itself."""
    cached = st.session_state.get("lotse-navigation")
    if cached is None or cached[0] != role:
        cached = (role, signed_out_sections() if role is None else signed_in_sections(role))
        st.session_state["lotse-navigation"] = cached
    return cached[1]


require_database()
user = current_user()
# expanded: every page stays listed although the sidebar also holds "Abmelden" (Streamlit otherwise folds
# the list after a few entries as soon as the sidebar has other elements).
try:
    st.navigation(sections(None if user is None else user.role), expanded=True).run()
except Exception as error:  # st.stop and st.rerun are no Exception: they pass through
    report_failure(error)
