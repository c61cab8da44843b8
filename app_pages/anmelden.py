"""Sign-in, sign-up (also through an invite link ?invite=CODE), reset-code redemption, demo accounts."""

from __future__ import annotations


import streamlit as st

from lotse.accounts import AccountError, authenticate, redeem_reset_code, sign_up
from lotse.cohorts import CohortError, enrol, invite_preview
from lotse.german_format import date_short
from lotse.identity import ROLE_LABELS, User
from ui.context import settings, store
from ui.escape import md_escape
from ui.session import (client, offer_invite, pop_notice, remember_requested_page, set_notice, sign_in,
                        signed_in_user, sso_configured, sso_notice, sso_provider)

RULES = ("Login: 3 bis 64 Zeichen (Buchstaben, Ziffern, . _ - @). Anzeigename: bis 80 Zeichen. "
         "Passwort: mindestens 10 Zeichen und schwer zu erraten, am besten vier Wörter mit Bindestrichen "
         "(zum Beispiel „Kaffeetasse-Rathaus-Fahrrad-Wolke“).")


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """(login, password, role, description) from lotse.demo, if that module exists."""
    try:
        from lotse.demo import DEMO_ACCOUNTS
    except ImportError:
        return []
    return list(DEMO_ACCOUNTS)


def finish(user: User, invite: str | None, notice: str | None = None) -> None:
    """Signed in: join the invited cohort (learners), start the session, continue to the app."""
    if invite and user.role == "learner":
        try:
            joined, new = enrol(store(), user, invite)
            notice = (f"Sie sind jetzt Mitglied der Kohorte „{joined['name']}“." if new
                      else f"Sie sind bereits Mitglied der Kohorte „{joined['name']}“.")
        except CohortError as error:
            notice = str(error)
    elif invite:
        notice = "Einladungslinks sind für Lernende gedacht; Ihr Konto hat eine andere Rolle."
    if "invite" in st.query_params:
        del st.query_params["invite"]
    sign_in(user)
    if notice:
        set_notice(notice)
    st.rerun()


user = signed_in_user()
remember_requested_page()
st.title("Anmelden")
if user is not None:  # only reachable if the navigation offers this page to signed-in users
    st.info(f"Sie sind angemeldet als {md_escape(user.display_name)}.")
    offer_invite(user)  # an invite link opened while signed in
    st.page_link("app_pages/lernweg.py", label="Zu meinem Lernweg", icon="🧭")
    st.stop()

invite = st.query_params.get("invite")
cohort = invite_preview(store(), invite) if invite else None
if invite and cohort is None:
    st.warning("Dieser Einladungslink ist ungültig oder nicht mehr aktiv. Bitte fragen Sie Ihre Trainerin "
               "oder Ihren Trainer nach einem neuen Link.")
    invite = None
elif cohort:
    details = " · ".join(x for x in (cohort["seminar_date"] and f"Seminarbeginn {date_short(cohort['seminar_date'])}",
                                     cohort["place"] and md_escape(cohort["place"])) if x)
    st.success(f"Sie sind in die Kohorte **„{md_escape(cohort['name'])}“** eingeladen"
               + (f" ({details})" if details else "") + ". Melden Sie sich an oder registrieren Sie sich; "
               "danach sind Sie Mitglied.")
notice = pop_notice()
if notice:
    st.info(md_escape(notice))
if sso_notice():
    st.error(sso_notice())

demo = demo_accounts() if settings().demo else []
if demo:
    with st.container(border=True):
        st.header("Demo-Zugänge")
        st.caption("Diese Instanz läuft im Demo-Modus. Alle Daten sind erfunden.")
        st.dataframe([{"Login": d[0], "Passwort": d[1], "Rolle": ROLE_LABELS.get(d[2], d[2]), "Beschreibung": d[3]}
                      for d in demo], hide_index=True)
        for login, password, _role, _description in demo:
            if st.button(f"Als {login} anmelden", key=f"anmelden-demo-{login}"):
                try:
                    finish(authenticate(store(), login, password, client()), invite)
                except AccountError as error:
                    st.error(str(error))

if sso_configured():
    if st.button("Mit Dienstkonto anmelden", key="anmelden-sso", type="primary"):
        try:
            st.login(sso_provider())  # None = the default provider under [auth]
        except Exception:  # e.g. Authlib missing or [auth] incomplete
            st.error("Die Anmeldung mit Dienstkonto ist nicht vollständig eingerichtet. Bitte wenden Sie sich "
                     "an die Administration.")
    st.caption("Oder mit einem Lotse-Konto:")

may_sign_up = settings().open_signup or cohort is not None
labels = ["Anmelden"] + (["Registrieren"] if may_sign_up else []) + ["Einmalcode einlösen"]
tabs = dict(zip(labels, st.tabs(labels)))

with tabs["Anmelden"], st.form("anmelden-form"):
    login = st.text_input("Login", key="anmelden-login", autocomplete="username")
    password = st.text_input("Passwort", type="password", key="anmelden-passwort", autocomplete="current-password")
    if st.form_submit_button("Anmelden", type="primary"):
        try:
            finish(authenticate(store(), login, password, client()), invite)
        except AccountError as error:
            st.error(str(error))

if may_sign_up:
    with tabs["Registrieren"], st.form("registrieren-form"):
        st.caption(RULES)
        new_login = st.text_input("Login", key="registrieren-login", autocomplete="username")
        name = st.text_input("Anzeigename (so sehen andere Sie, z. B. Ihre Trainerin)", key="registrieren-name")
        first = st.text_input("Passwort", type="password", key="registrieren-passwort", autocomplete="new-password")
        second = st.text_input("Passwort wiederholen", type="password", key="registrieren-wiederholung",
                               autocomplete="new-password")
        if st.form_submit_button("Konto anlegen", type="primary"):
            try:
                joined = f" Sie sind Mitglied der Kohorte „{cohort['name']}“." if cohort else ""
                finish(sign_up(store(), settings(), new_login, name, first, second, client(), invite), None,
                       "Willkommen bei Lotse! Ihr Konto ist angelegt." + joined)
            except AccountError as error:
                st.error(str(error))
else:
    st.caption("Ein Konto erhalten Sie über den Einladungslink Ihrer Trainerin oder Ihres Trainers.")

with tabs["Einmalcode einlösen"], st.form("einmalcode-form"):
    st.caption("Von der Administration erhalten Sie einen Einmalcode, wenn Sie Ihr Passwort vergessen haben "
               "oder Ihr Konto neu angelegt wurde.")
    code_login = st.text_input("Login", key="einmalcode-login", autocomplete="username")
    code = st.text_input("Einmalcode", key="einmalcode-code", placeholder="XXXX-XXXX-XXXX")
    first = st.text_input("Neues Passwort", type="password", key="einmalcode-passwort", autocomplete="new-password")
    second = st.text_input("Neues Passwort wiederholen", type="password", key="einmalcode-wiederholung",
                           autocomplete="new-password")
    if st.form_submit_button("Passwort setzen und anmelden", type="primary"):
        try:
            finish(redeem_reset_code(store(), code_login, code, first, second, client()), invite)
        except AccountError as error:
            st.error(str(error))

st.page_link("app_pages/datenschutz.py", label="Datenschutzhinweise", icon="🔒")
