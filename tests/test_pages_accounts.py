"""The account pages as a user meets them (AppTest): sign-in, reload, invite links, account, cohorts, admin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app_state import forget_loaded

from lotse import accounts, cohorts, sessions
from lotse.accounts import FAILED, THROTTLED
from progress.cohorts import is_member
from progress.users import get_user, get_user_by_login
from ui import session as ui_session
from ui.escape import md_escape

ROOT = Path(__file__).resolve().parent.parent
GOOD = "Fahrradweg-Ampel-17"
HOSTILE = "<script>alert('x')</script> **fett** :red[rot] Ärger & Spaß 🎉"
pytestmark = pytest.mark.usefixtures("fast_passwords", "small_course")  # accounts, not content


@pytest.fixture
def app(app_env):
    """A fresh browser session of app.py (signed out unless a cookie is simulated)."""
    def make() -> AppTest:
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    return make


@pytest.fixture
def cookie(monkeypatch):
    """Simulate the cookie the browser sends when a session starts (AppTest cannot send cookies)."""
    jar: dict[str, str | None] = {"token": None}
    monkeypatch.setattr(ui_session, "cookie_token", lambda: jar["token"])
    return jar


def ok(at: AppTest) -> AppTest:
    assert not at.exception, at.exception
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in getattr(at, kind)]


def cookie_scripts(at: AppTest) -> list[str]:
    return [e.proto.body for e in at.get("html") if "lotse_session" in e.proto.body]


def sign_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input(key="anmelden-login").input(login)
    at.text_input(key="anmelden-passwort").input(password)
    return ok(at.button(key="FormSubmitter:anmelden-form-Anmelden").click().run())


def sign_up(at: AppTest, login: str, name: str, password: str, repeat: str | None = None) -> AppTest:
    at.text_input(key="registrieren-login").input(login)
    at.text_input(key="registrieren-name").input(name)
    at.text_input(key="registrieren-passwort").input(password)
    at.text_input(key="registrieren-wiederholung").input(repeat if repeat is not None else password)
    return ok(at.button(key="FormSubmitter:registrieren-form-Konto anlegen").click().run())


# --- signing in --------------------------------------------------------------------------------

def test_signed_out_visitors_see_the_sign_in_page(app):
    at = ok(app().run())
    assert titles(at) == ["Anmelden"]
    assert [t.label for t in at.tabs] == ["Anmelden", "Registrieren", "Einmalcode einlösen"]
    assert not cookie_scripts(at)  # no cookie, nothing to write or clear


def test_sign_in_starts_a_server_session_and_writes_the_cookie(app, make_user, password, db):
    user = make_user("learner", login="anna")
    at = sign_in(ok(app().run()), "Anna", password)
    assert titles(at) == ["Mein Lernweg"]
    token = at.session_state["lotse-session-token"]
    assert sessions.validate(db, token, ui_session.settings()) == user
    [script] = cookie_scripts(at)
    assert f"lotse_session={token}; Path=/; SameSite=Strict; Max-Age=" in script
    assert int(re.search(r"Max-Age=(\d+)", script).group(1)) > 13 * 86400
    assert "Secure" in script  # added by the browser-side script when served over https


@pytest.mark.parametrize("login, password", [("anna", "falsches-passwort"), ("niemand", "egal-egal-egal"),
                                              ("x" * 5000, "y" * 5000), ("<script>", "")])
def test_failed_sign_in_gives_one_generic_message(app, make_user, login, password):
    make_user("learner", login="anna")
    at = sign_in(ok(app().run()), login, password)
    assert titles(at) == ["Anmelden"]
    assert texts(at, "error") == [FAILED]


def test_sign_in_is_throttled_after_five_failures(app, make_user, password):
    make_user("learner", login="anna")
    at = ok(app().run())
    for _ in range(accounts.ACCOUNT_LIMIT):
        sign_in(at, "anna", "falsches-passwort")
    at = sign_in(at, "anna", password)
    assert titles(at) == ["Anmelden"] and texts(at, "error") == [THROTTLED]
    fresh = sign_in(ok(app().run()), "anna", password)  # a new browser session: still throttled
    assert texts(fresh, "error") == [THROTTLED]


# --- reload and sign-out -----------------------------------------------------------------------

def test_a_reload_with_the_cookie_keeps_the_sign_in(app, cookie, make_user, db, app_env):
    user = make_user("trainer")
    cookie["token"] = sessions.issue(db, user, app_env)
    at = ok(app().run())  # a new session, as after a reload or in a new tab
    assert titles(at) == ["Mein Lernweg"]
    ok(at.switch_page("app_pages/kohorten.py").run())
    assert titles(at) == ["Kohorten verwalten"]


@pytest.mark.parametrize("token", ["kaputt", "A" * 43, ""])
def test_a_dead_cookie_signs_out_and_is_cleared(app, cookie, token):
    cookie["token"] = token
    at = ok(app().run())
    assert titles(at) == ["Anmelden"]
    if token:
        assert any("Max-Age=0" in s for s in cookie_scripts(at))


def test_sign_out_revokes_the_session_everywhere(app, cookie, signed_in_app, make_user, db, app_env):
    user = make_user("learner")
    at = signed_in_app(user, page="app_pages/konto.py")
    token = at.session_state["lotse-session-token"]
    ok(at.button(key="konto-abmelden").click().run())
    assert titles(at) == ["Anmelden"]
    assert "Sie wurden abgemeldet\\." in texts(at, "info")
    assert any("Max-Age=0" in s for s in cookie_scripts(at))
    assert sessions.validate(db, token, app_env) is None
    cookie["token"] = token  # a copy of the old cookie is worthless now
    assert titles(ok(app().run())) == ["Anmelden"]


def test_the_session_is_checked_once_per_run_and_a_revoked_or_disabled_one_ends_at_the_next(
        signed_in_app, make_user, db, monkeypatch):
    """app.py checks the session in the database; the page of the same run takes that user instead
    of asking again. A session revoked or an account disabled in between ends on the next run."""
    from progress.users import set_disabled

    user = make_user("learner")
    at = signed_in_app(user, page="app_pages/lernweg.py")
    checks = []
    real_validate = sessions.validate
    monkeypatch.setattr(sessions, "validate", lambda *a, **k: checks.append(1) or real_validate(*a, **k))
    ok(at.run())
    assert titles(at) == ["Mein Lernweg"] and len(checks) == 1
    set_disabled(db, user.id, True)
    assert titles(ok(at.run())) == ["Anmelden"]
    set_disabled(db, user.id, False)
    at = signed_in_app(user, page="app_pages/lernweg.py")
    sessions.revoke(db, at.session_state["lotse-session-token"])
    assert titles(ok(at.run())) == ["Anmelden"]


def test_idle_session_ends(app, cookie, make_user, db, app_env):
    from datetime import datetime, timedelta, timezone

    past = datetime.now(timezone.utc) - timedelta(minutes=app_env.session_idle_minutes + 1)
    cookie["token"] = sessions.issue(db, make_user("learner"), app_env, past)
    assert titles(ok(app().run())) == ["Anmelden"]


def test_deep_link_is_kept_through_the_sign_in(app, monkeypatch, make_user, password):
    """Signed out on /konto?ansicht=x: after signing in the person lands on that page with its parameters."""
    make_user("learner", login="anna")
    monkeypatch.setattr(ui_session, "browser_url", lambda: "http://localhost:8501/konto")
    at = app()
    at.query_params["ansicht"] = "x"
    ok(at.run())
    assert titles(at) == ["Anmelden"]
    at = sign_in(at, "anna", password)
    assert titles(at) == ["Mein Konto"]
    assert at.query_params["ansicht"] == "x"


def test_deep_link_to_a_page_of_another_role_says_no_access(app, monkeypatch, make_user, password):
    make_user("learner", login="anna")
    monkeypatch.setattr(ui_session, "browser_url", lambda: "http://localhost:8501/verwaltung")
    at = sign_in(ok(app().run()), "anna", password)
    assert titles(at) == ["Kein Zugriff"]


# --- sign-up, invites, reset codes -------------------------------------------------------------

@pytest.fixture
def invite(db, make_user):
    trainer = make_user("trainer")
    return cohorts.create_cohort(db, trainer, HOSTILE, seminar_date="2025-09-01", place="Rathaus <b>Kiel</b>")


def test_invite_link_shows_the_cohort_literally_and_sign_up_enrols(app, invite, db):
    at = app()
    at.query_params["invite"] = invite["invite_code"].lower()
    ok(at.run())
    [box] = texts(at, "success")
    assert md_escape(HOSTILE) in box and md_escape("Rathaus <b>Kiel</b>") in box
    at = sign_up(at, "neu.im.amt", "Neu im Amt", GOOD)
    assert titles(at) == ["Mein Lernweg"]
    user = get_user_by_login(db, "neu.im.amt")
    assert is_member(db, invite["id"], user.id)
    assert any("Mitglied der Kohorte" in t for t in texts(at, "info"))


def test_invite_link_enrols_on_sign_in(app, invite, make_user, password, db):
    user = make_user("learner", login="anna")
    at = app()
    at.query_params["invite"] = invite["invite_code"]
    at = sign_in(ok(at.run()), "anna", password)
    assert is_member(db, invite["id"], user.id)
    assert "invite" not in at.query_params


def test_signed_in_learner_joins_through_an_invite_link(signed_in_app, invite, make_user, db):
    user = make_user("learner")
    at = signed_in_app(user, query_params={"invite": invite["invite_code"]})
    ok(at.button(key="invite-join").click().run())
    assert is_member(db, invite["id"], user.id)


def test_invalid_invite_says_so(app):
    at = app()
    at.query_params["invite"] = "FALSCH12"
    ok(at.run())
    assert any("ungültig" in w for w in texts(at, "warning"))


def test_closed_sign_up_offers_no_registration_without_invite(app, monkeypatch, invite):
    monkeypatch.setenv("LOTSE_OPEN_SIGNUP", "0")
    at = ok(app().run())
    assert [t.label for t in at.tabs] == ["Anmelden", "Einmalcode einlösen"]
    at = app()
    at.query_params["invite"] = invite["invite_code"]
    assert "Registrieren" in [t.label for t in ok(at.run()).tabs]


@pytest.mark.parametrize("login, name, password, repeat, message", [
    ("x" * 65, "Name", GOOD, GOOD, "höchstens 64"),
    ("gut.login", "n" * 81, GOOD, GOOD, "höchstens 80"),
    ("gut.login", "Name", "kurz", "kurz", "mindestens 10"),
    ("gut.login", "Name", "passwort123", "passwort123", "zu leicht"),
    ("gut.login", "Name", GOOD, GOOD + "x", "stimmen nicht"),
    ("mit leerzeichen", "Name", GOOD, GOOD, "nur Buchstaben"),
])
def test_sign_up_refuses_bad_input_with_a_german_message(app, login, name, password, repeat, message):
    at = sign_up(ok(app().run()), login, name, password, repeat)
    assert titles(at) == ["Anmelden"]
    assert any(message in e for e in texts(at, "error"))


def test_hostile_display_name_is_shown_as_text(app, db):
    at = sign_up(ok(app().run()), "jürgen", HOSTILE, GOOD)
    assert get_user_by_login(db, "jürgen").display_name == HOSTILE
    ok(at.switch_page("app_pages/konto.py").run())
    shown = " ".join(m.value for m in at.markdown)
    assert md_escape(HOSTILE) in shown


def test_reset_code_redemption_signs_in(app, make_user, db):
    admin, user = make_user("admin"), make_user("learner", login="anna")
    code = accounts.issue_reset_code(db, admin, user.id)
    at = ok(app().run())
    at.text_input(key="einmalcode-login").input("anna")
    at.text_input(key="einmalcode-code").input(code.lower())
    at.text_input(key="einmalcode-passwort").input(GOOD)
    at.text_input(key="einmalcode-wiederholung").input(GOOD)
    ok(at.button(key="FormSubmitter:einmalcode-form-Passwort setzen und anmelden").click().run())
    assert titles(at) == ["Mein Lernweg"]
    assert accounts.authenticate(db, "anna", GOOD, "c").id == user.id


# --- my account --------------------------------------------------------------------------------

def test_change_display_name_and_password(signed_in_app, make_user, password, db, app_env):
    user = make_user("learner")
    other_browser = sessions.issue(db, user, app_env)
    at = signed_in_app(user, page="app_pages/konto.py")
    at.text_input(key="konto-name").input("Zoë Ångström")
    ok(at.button(key="FormSubmitter:konto-name-form-Namen speichern").click().run())
    assert get_user(db, user.id).display_name == "Zoë Ångström"
    at.text_input(key="konto-passwort-alt").input(password)
    at.text_input(key="konto-passwort-neu").input(GOOD)
    at.text_input(key="konto-passwort-wiederholung").input(GOOD)
    ok(at.button(key="FormSubmitter:konto-passwort-form-Passwort ändern").click().run())
    assert titles(at) == ["Mein Konto"]  # still signed in here, with a fresh session
    assert any(md_escape("anderen Anmeldungen (1)") in i for i in texts(at, "info"))
    assert sessions.validate(db, other_browser, app_env) is None
    assert sessions.validate(db, at.session_state["lotse-session-token"], app_env) is not None


def test_overlong_display_name_is_refused_on_the_account_page(signed_in_app, make_user, db):
    user = make_user("learner")
    at = signed_in_app(user, page="app_pages/konto.py")
    at.text_input(key="konto-name").input("x" * 500)
    ok(at.button(key="FormSubmitter:konto-name-form-Namen speichern").click().run())
    assert any("höchstens 80" in e for e in texts(at, "error"))
    assert get_user(db, user.id).display_name == user.display_name


def test_export_button_is_offered(signed_in_app, make_user):
    at = signed_in_app(make_user("learner"), page="app_pages/konto.py")
    assert at.get("download_button")


def test_delete_my_account(signed_in_app, make_user, db):
    user = make_user("learner", login="weg")
    at = signed_in_app(user, page="app_pages/konto.py")
    at.text_input(key="konto-loeschen-login").input("falsch")
    at.checkbox(key="konto-loeschen-sicher").check()
    ok(at.button(key="FormSubmitter:konto-loeschen-form-Konto endgültig löschen").click().run())
    assert get_user(db, user.id) is not None and texts(at, "error")
    at.text_input(key="konto-loeschen-login").input("weg")
    ok(at.button(key="FormSubmitter:konto-loeschen-form-Konto endgültig löschen").click().run())
    assert get_user(db, user.id) is None
    assert titles(at) == ["Anmelden"]


# --- cohorts and administration ----------------------------------------------------------------

@pytest.mark.parametrize("configured, expected", [
    (None, "https://lernen.kreis-beispiel.de:8443"),  # not configured: the address the browser used
    ("https://lotse.example.org", "https://lotse.example.org"),  # configured: always that one
])
def test_invite_link_uses_the_public_address(signed_in_app, make_user, db, monkeypatch, configured, expected):
    if configured:
        monkeypatch.setenv("LOTSE_BASE_URL", configured)
    else:
        monkeypatch.delenv("LOTSE_BASE_URL", raising=False)
    monkeypatch.setattr(ui_session, "browser_url", lambda: "https://lernen.kreis-beispiel.de:8443/kohorten?x=1")
    trainer = make_user("trainer")
    cohort = cohorts.create_cohort(db, trainer, "Kiel 2030")
    at = signed_in_app(trainer, page="app_pages/kohorten.py")
    assert f"{expected}/?invite={cohort['invite_code']}" in [c.value for c in at.code]


def test_trainer_manages_a_cohort(signed_in_app, make_user, db, app_env):
    trainer = make_user("trainer")
    at = signed_in_app(trainer, page="app_pages/kohorten.py")
    at.text_input(key="kohorte-neu-name").input(HOSTILE)
    at.text_input(key="kohorte-neu-ort").input("Kiel")
    ok(at.button(key="FormSubmitter:kohorte-neu-Kohorte anlegen").click().run())
    [cohort] = cohorts.list_cohorts(db, trainer)
    code = cohort["invite_code"]
    shown = [c.value for c in at.code]
    assert code in shown and f"{app_env.base_url}/?invite={code}" in shown

    learner = make_user("learner", display_name="Bea <i>Beispiel</i>")
    cohorts.enrol(db, learner, code)
    ok(at.button(key=f"kohorte-{cohort['id']}-deaktivieren").click().run())
    assert cohorts.invite_preview(db, code) is None and any("deaktiviert" in w for w in texts(at, "warning"))
    ok(at.button(key=f"kohorte-{cohort['id']}-erneuern").click().run())
    assert cohorts.list_cohorts(db, trainer)[0]["invite_code"] != code

    at.checkbox(key=f"kohorte-{cohort['id']}-entfernen-sicher").check()
    ok(at.button(key=f"FormSubmitter:kohorte-{cohort['id']}-entfernen-Aus der Kohorte entfernen").click().run())
    assert not is_member(db, cohort["id"], learner.id)


def test_trainer_sees_only_own_cohorts(signed_in_app, make_user, db):
    cohorts.create_cohort(db, make_user("trainer"), "Fremde Kohorte")
    at = signed_in_app(make_user("trainer"), page="app_pages/kohorten.py")
    assert "Fremde Kohorte" not in str(at.main)
    assert any("noch keine Kohorte" in i for i in texts(at, "info"))


def test_learner_cannot_reach_trainer_or_admin_pages(signed_in_app, make_user):
    at = signed_in_app(make_user("learner"))
    for page in ("app_pages/kohorten.py", "app_pages/verwaltung.py"):
        with pytest.raises(ValueError):  # not registered in a learner's navigation at all
            at.switch_page(page)


def test_admin_manages_accounts(signed_in_app, make_user, db):
    admin = make_user("admin")
    at = signed_in_app(admin, page="app_pages/verwaltung.py")
    at.text_input(key="verwaltung-neu-login").input("Neue.Trainerin")
    at.text_input(key="verwaltung-neu-name").input("Neue Trainerin")
    at.selectbox(key="verwaltung-neu-rolle").set_value("trainer")
    ok(at.button(key="FormSubmitter:verwaltung-neu-Konto anlegen").click().run())
    created = get_user_by_login(db, "neue.trainerin")
    assert created.role == "trainer"
    assert at.text_input(key="verwaltung-neu-login").value == "" == at.text_input(key="verwaltung-neu-name").value
    [code] = [c.value for c in at.code]
    assert accounts.redeem_reset_code(db, "neue.trainerin", code, GOOD, GOOD, "c").id == created.id

    at.selectbox(key="verwaltung-konto").set_value(created.id).run()
    ok(at.button(key=f"verwaltung-{created.id}-sperren").click().run())
    assert get_user(db, created.id).disabled
    ok(at.button(key=f"verwaltung-{created.id}-entsperren").click().run())
    assert not get_user(db, created.id).disabled
    at.selectbox(key=f"verwaltung-{created.id}-rolle-wahl").set_value("admin")
    ok(at.button(key=f"FormSubmitter:verwaltung-{created.id}-rolle-Rolle speichern").click().run())
    assert get_user(db, created.id).role == "admin"
    at.text_input(key=f"verwaltung-{created.id}-bestaetigen").input("neue.trainerin")
    ok(at.button(key=f"FormSubmitter:verwaltung-{created.id}-loeschen-Endgültig löschen").click().run())
    assert get_user(db, created.id) is None
    assert any("gelöscht" in i for i in texts(at, "info"))


def test_admin_cannot_lock_themselves_out_on_the_page(signed_in_app, make_user):
    admin = make_user("admin")
    at = signed_in_app(admin, page="app_pages/verwaltung.py")
    at.selectbox(key="verwaltung-konto").set_value(admin.id).run()
    assert not [b for b in at.button if b.key and b.key.endswith("-sperren")]


# --- demo box, SSO button, privacy page --------------------------------------------------------

def test_demo_accounts_are_shown_only_in_demo_mode(app, monkeypatch, db):
    from lotse.demo import DEMO_ACCOUNTS

    assert "Demo-Zugänge" not in [h.value for h in ok(app().run()).header]
    monkeypatch.setenv("LOTSE_DEMO", "1")
    forget_loaded()  # settings are read once per process
    at = ok(app().run())
    assert "Demo-Zugänge" in [h.value for h in at.header]
    login, password, role, _ = DEMO_ACCOUNTS[0]
    ok(at.button(key=f"anmelden-demo-{login}").click().run())
    assert titles(at) != ["Anmelden"]
    assert get_user_by_login(db, login).role == role


def test_sso_button_only_when_auth_is_configured(app):
    assert not [b for b in ok(app().run()).button if b.key == "anmelden-sso"]
    at = app()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x",
                          "client_id": "lotse", "client_secret": "s",
                          "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}
    assert [b for b in ok(at.run()).button if b.key == "anmelden-sso"]


def test_privacy_page_for_everyone(app, app_env):
    at = ok(app().run())
    ok(at.switch_page("app_pages/datenschutz.py").run())
    assert titles(at) == ["Datenschutzhinweise"]
    headers = [h.value for h in at.header]
    assert headers == ["Was gespeichert wird und wozu", "Wie lange", "Wer Ihre Daten sieht", "Ihre Rechte", "Kontakt"]
    assert md_escape(app_env.contact) in at.markdown[-1].value


AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x", "client_id": "lotse",
        "client_secret": "s", "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}
DIRECTORY_USER = {"is_logged_in": True, "iss": "https://id.example.org", "sub": "u-1", "name": "Maria Schulz",
                  "preferred_username": "m.schulz", "email": "m.schulz@stadt.de", "groups": ["lotse-trainer"]}


def test_directory_sign_in_maps_to_a_lotse_account(app, db):
    at = app()
    at.secrets["auth"] = AUTH
    at.secrets["lotse_sso"] = {"trainer_groups": ["lotse-trainer"]}
    at.user = dict(DIRECTORY_USER)
    ok(at.run())
    assert titles(at) == ["Mein Lernweg"]
    user = get_user_by_login(db, "m.schulz")
    assert (user.role, user.display_name) == ("trainer", "Maria Schulz")
    ok(at.switch_page("app_pages/kohorten.py").run())
    assert titles(at) == ["Kohorten verwalten"]


def test_directory_identity_without_permission_is_refused(app, db):
    at = app()
    at.secrets["auth"] = AUTH
    at.secrets["lotse_sso"] = {"default_role": "none"}
    at.user = dict(DIRECTORY_USER)
    ok(at.run())
    assert titles(at) == ["Anmelden"]
    assert any("nicht freigeschaltet" in e for e in texts(at, "error"))
    assert get_user_by_login(db, "m.schulz") is None
