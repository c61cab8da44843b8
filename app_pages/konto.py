"""My account: display name, password, my data as JSON, delete my account, sign out."""

from __future__ import annotations


import streamlit as st

from lotse.accounts import AccountError, change_display_name, change_password, has_password
from lotse.cohorts import cohorts_of_learner
from lotse.german_format import date_short
from lotse.identity import ROLE_LABELS
from lotse.privacy import PrivacyError, delete_account, export_json
from ui.context import store
from ui.downloads import guarded
from ui.escape import md_escape
from ui.session import require, set_notice, sign_in, sign_out

user = require("learner", "trainer", "admin")
st.title("Mein Konto")

st.markdown(f"**Login:** {md_escape(user.login)}  \n**Anzeigename:** {md_escape(user.display_name)}  \n"
            f"**Rolle:** {ROLE_LABELS[user.role]}")
cohorts = cohorts_of_learner(store(), user, user.id)
if cohorts:
    st.markdown("**Meine Kohorten:** " + ", ".join(
        md_escape(c["name"]) + (f" (Seminar am {date_short(c['seminar_date'])})"
                                if c["seminar_date"] else "") for c in cohorts))

st.header("Anzeigenamen ändern")
with st.form("konto-name-form"):
    new_name = st.text_input("Neuer Anzeigename (bis 80 Zeichen)", value=user.display_name, key="konto-name")
    if st.form_submit_button("Namen speichern"):
        try:
            change_display_name(store(), user, new_name)
            set_notice("Ihr Anzeigename wurde geändert.")
            st.rerun()
        except AccountError as error:
            st.error(str(error))

st.header("Passwort ändern")
if not has_password(store(), user):
    st.info("Sie melden sich mit Ihrem Dienstkonto an; ein Lotse-Passwort gibt es für Sie nicht.")
else:
    with st.form("konto-passwort-form", clear_on_submit=True):
        current = st.text_input("Bisheriges Passwort", type="password", key="konto-passwort-alt",
                                autocomplete="current-password")
        first = st.text_input("Neues Passwort (mindestens 10 Zeichen)", type="password", key="konto-passwort-neu",
                              autocomplete="new-password")
        second = st.text_input("Neues Passwort wiederholen", type="password", key="konto-passwort-wiederholung",
                               autocomplete="new-password")
        if st.form_submit_button("Passwort ändern"):
            try:
                ended = change_password(store(), user, current, first, second)
                sign_in(user)  # a fresh session for this browser; all others have ended
                set_notice("Ihr Passwort wurde geändert."
                           + (f" Ihre anderen Anmeldungen ({ended - 1}) wurden beendet." if ended > 1 else ""))
                st.rerun()
            except AccountError as error:
                st.error(str(error))

st.header("Meine Daten")
st.write("Sie können alle Daten, die Lotse über Sie speichert, als JSON-Datei herunterladen "
         "(Auskunft und Datenübertragbarkeit, Art. 15 und 20 DSGVO).")
# Built when clicked, and only while this session still holds (ui.downloads).
export_file = guarded(user, lambda db, actor: export_json(db, actor, actor.id))
st.download_button("Meine Daten herunterladen (JSON)", data=export_file, file_name=f"lotse-daten-{user.login}.json",
                   mime="application/json", key="konto-export", on_click="ignore")

st.header("Konto löschen")
with st.expander("Konto und alle Lerndaten endgültig löschen"):
    st.write("Gelöscht werden Ihr Konto, Ihre Mitgliedschaften, Ihr Lernstand, alle Quiz-Versuche und Antworten, "
             "Entwürfe, Notizen und alle weiteren Einträge zu Ihnen. Das lässt sich nicht rückgängig machen. "
             "Laden Sie vorher Ihre Daten herunter, wenn Sie sie behalten möchten.")
    with st.form("konto-loeschen-form"):
        confirm = st.text_input("Zur Bestätigung Ihren Login eingeben", key="konto-loeschen-login")
        sure = st.checkbox("Ich möchte mein Konto endgültig löschen.", key="konto-loeschen-sicher")
        if st.form_submit_button("Konto endgültig löschen", type="primary"):
            if not sure:
                st.error("Bitte bestätigen Sie das Löschen mit dem Häkchen.")
            else:
                try:
                    delete_account(store(), user, user.id, confirm)
                    sign_out("Ihr Konto und alle zugehörigen Daten wurden gelöscht.")
                    st.rerun()
                except PrivacyError as error:
                    st.error(str(error))

st.header("Abmelden")
if st.button("Abmelden", key="konto-abmelden"):
    sign_out("Sie wurden abgemeldet.")
    st.rerun()
