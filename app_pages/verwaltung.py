"""Admins: all accounts; create, change role, disable/enable, issue a one-time reset code, delete."""

from __future__ import annotations

import streamlit as st

from lotse.accounts import (AccountError, create_user, issue_reset_code, list_accounts, set_disabled,
                            set_role)
from lotse.identity import ROLE_LABELS, ROLES, PermissionDenied
from lotse.privacy import PrivacyError, delete_account
from lotse.config import contact_is_example
from ui.context import settings, store
from ui.escape import md_escape
from ui.session import require, set_notice
from ui.tables import day_of, german_dates

user = require("admin")
st.title("Benutzerverwaltung")
if contact_is_example(settings()):
    st.warning(f"Die Kontaktadresse für Datenschutz und Barrierefreiheit ist noch die Beispieladresse "
               f"„{md_escape(settings().contact)}“. Tragen Sie in LOTSE_CONTACT die Adresse Ihrer Stelle ein: "
               "Sie steht in den Datenschutzhinweisen und in der Erklärung zur Barrierefreiheit.",
               icon=":material/warning:")

accounts = list_accounts(store(), user)
st.dataframe([{"Login": a["login"], "Anzeigename": a["display_name"], "Rolle": ROLE_LABELS[a["role"]],
               "Status": "gesperrt" if a["disabled"] else "aktiv", "Dienstkonto": "ja" if a["sso"] else "nein",
               "Angelegt": day_of(a["created_at"]), "Zuletzt aktiv": day_of(a["last_active_at"])} for a in accounts],
             hide_index=True, column_config=german_dates("Angelegt", "Zuletzt aktiv"))

code = st.session_state.pop("verwaltung-code", None)
if code:
    st.success(f"Einmalcode für {md_escape(code[0])} (72 Stunden gültig, nur jetzt sichtbar). Die Person löst ihn "
               "auf der Anmeldeseite unter „Einmalcode einlösen“ ein und wählt dabei ein Passwort.")
    st.code(code[1], language=None)

st.header("Konto anlegen")
with st.form("verwaltung-neu", clear_on_submit=False):
    login = st.text_input("Login (3 bis 64 Zeichen: Buchstaben, Ziffern, . _ - @)", key="verwaltung-neu-login")
    name = st.text_input("Anzeigename", key="verwaltung-neu-name")
    role = st.selectbox("Rolle", ROLES, format_func=ROLE_LABELS.get, key="verwaltung-neu-rolle")
    st.caption("Das Konto erhält kein Passwort: Sie bekommen einen Einmalcode, mit dem die Person ihr "
               "Passwort selbst setzt.")
    if st.form_submit_button("Konto anlegen", type="primary"):
        try:
            created = create_user(store(), user, login, name, role)
            st.session_state["verwaltung-code"] = (created.login, issue_reset_code(store(), user, created.id))
            set_notice(f"Das Konto {created.login} ist angelegt.")
            for field in ("verwaltung-neu-login", "verwaltung-neu-name"):  # an empty form for the next one
                del st.session_state[field]
            st.rerun()
        except AccountError as error:
            st.error(str(error))

st.header("Konto bearbeiten")
by_id = {a["id"]: a for a in accounts}
chosen = st.selectbox("Konto", list(by_id), key="verwaltung-konto",
                      format_func=lambda i: f"{by_id[i]['login']} – {by_id[i]['display_name']}")
account = by_id[chosen]
if chosen == user.id:
    st.info("Das ist Ihr eigenes Konto. Rolle und Sperre ändern Sie hier nicht, damit Sie sich nicht aussperren.")
else:
    try:
        with st.form(f"verwaltung-{chosen}-rolle"):
            new_role = st.selectbox("Rolle", ROLES, index=ROLES.index(account["role"]), format_func=ROLE_LABELS.get,
                                    key=f"verwaltung-{chosen}-rolle-wahl")
            if st.form_submit_button("Rolle speichern"):
                set_role(store(), user, chosen, new_role)
                set_notice(f"{account['login']} hat jetzt die Rolle {ROLE_LABELS[new_role]}.")
                st.rerun()
        left, right = st.columns(2)
        if account["disabled"]:
            if left.button("Konto entsperren", key=f"verwaltung-{chosen}-entsperren"):
                set_disabled(store(), user, chosen, False)
                set_notice(f"{account['login']} ist entsperrt.")
                st.rerun()
        elif left.button("Konto sperren", key=f"verwaltung-{chosen}-sperren"):
            set_disabled(store(), user, chosen, True)
            set_notice(f"{account['login']} ist gesperrt; alle Anmeldungen wurden beendet.")
            st.rerun()
        if right.button("Einmalcode ausstellen", key=f"verwaltung-{chosen}-code", disabled=bool(account["disabled"]),
                        help="Für ein gesperrtes Konto erst nach dem Entsperren: ein gesperrtes Konto kann "
                             "keinen Code einlösen." if account["disabled"] else None):
            st.session_state["verwaltung-code"] = (account["login"], issue_reset_code(store(), user, chosen))
            st.rerun()
        with st.expander("Konto löschen"):
            with st.form(f"verwaltung-{chosen}-loeschen"):
                st.write("Löscht das Konto mit allen Lerndaten endgültig (z. B. auf Antrag nach Art. 17 DSGVO).")
                confirm = st.text_input("Zur Bestätigung den Login eingeben", key=f"verwaltung-{chosen}-bestaetigen")
                if st.form_submit_button("Endgültig löschen"):
                    delete_account(store(), user, chosen, confirm)
                    st.session_state.pop("verwaltung-konto", None)
                    set_notice(f"Das Konto {account['login']} wurde gelöscht.")
                    st.rerun()
    except (AccountError, PrivacyError, PermissionDenied) as error:
        st.error(md_escape(str(error)))
