"""Accounts: input rules, sign-up, sign-in throttling, password changes, reset codes, administration."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as hst
from argon2 import PasswordHasher

from lotse import accounts, sessions
from lotse.accounts import FAILED, THROTTLED, AccountError
from lotse.cohorts import create_cohort, disable_invite
from lotse.config import load_settings
from lotse.identity import PermissionDenied
from lotse.passwords import verify_password
from progress.cohorts import is_member
from progress.users import get_user, password_hash_of, set_password_hash
from raw_sql import raw


# Cheap Argon2 parameters: these tests are about the rules around hashing, not its cost.
pytestmark = pytest.mark.usefixtures("fast_passwords")
T0 = datetime(2025, 5, 5, 8, 0, tzinfo=timezone.utc)
GOOD = "Fahrradweg-Ampel-17"
PASSWORD = "Lotse-Test-Passwort-1"  # the password fixture of conftest (used in parametrize)
HOSTILE = ["Jürgen Müller-Lüdenscheidt", "Straße & Weiß", "Zoë Ångström-Øre", "李小龙", "Anna 🎉🚀",
           "<script>alert(1)</script>", "**fett** [link](javascript:alert(1)) :red[rot]",
           "Robert'); DROP TABLE users;--"]


@pytest.fixture
def settings():
    return replace(load_settings({}), open_signup=True)


@pytest.fixture
def admin(make_user):
    return make_user("admin")


# --- input rules -------------------------------------------------------------------------------

@pytest.mark.parametrize("login, message", [
    ("ab", "mindestens 3"),
    ("a" * 65, "höchstens 64"),
    ("hans meier", "nur Buchstaben"),
    ("hans<script>", "nur Buchstaben"),
    ("hans/meier", "nur Buchstaben"),
    ("   ", "mindestens 3"),
])
def test_bad_logins_are_refused_in_german(db, login, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_account(db, login, "Hans", GOOD)


@pytest.mark.parametrize("login, stored", [
    ("Hans.Meier", "hans.meier"), ("  jürgen_müller ", "jürgen_müller"), ("x@stadt.de", "x@stadt.de"),
    ("straße-1", "straße-1"), ("abc", "abc"), ("a" * 64, "a" * 64),
])
def test_logins_are_normalised(db, login, stored):
    assert accounts.create_account(db, login, "Name", GOOD).login == stored


def test_login_is_unique_regardless_of_case(db):
    accounts.create_account(db, "Petra", "Petra", GOOD)
    with pytest.raises(AccountError, match="bereits vergeben"):
        accounts.create_account(db, "PETRA", "Andere Petra", GOOD)


@pytest.mark.parametrize("name", HOSTILE)
def test_display_names_take_any_unicode_and_markup_stays_text(db, name):
    user = accounts.create_account(db, "person", name, GOOD)
    assert get_user(db, user.id).display_name == name


@pytest.mark.parametrize("name, message", [
    ("", "Bitte geben Sie"), ("   ", "Bitte geben Sie"), ("x" * 81, "höchstens 80"), ("Tab\x00Null", "Steuerzeichen"),
])
def test_bad_display_names_are_refused(db, name, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_account(db, "person", name, GOOD)


def test_display_name_whitespace_is_collapsed_and_80_chars_fit(db):
    assert accounts.create_account(db, "pp1", "  Anna \n  Beispiel ", GOOD).display_name == "Anna Beispiel"
    assert accounts.create_account(db, "pp2", "ä" * 80, GOOD).display_name == "ä" * 80


@pytest.mark.parametrize("password, message", [
    ("kurz", "mindestens 10"), ("password123", "zu leicht"), ("passwort123", "zu leicht"),
    ("x" * 300, "höchstens 256"), ("meinlogin-2024", "zu leicht"),
])
def test_weak_passwords_are_refused(db, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_account(db, "meinlogin", "Name", password)


def test_passwords_are_stored_as_argon2id_hashes(db):
    user = accounts.create_account(db, "hash", "Name", GOOD)
    stored = password_hash_of(db, user.id)
    assert stored.startswith("$argon2id$") and GOOD not in stored


def test_unknown_role_refused(db):
    with pytest.raises(AccountError):
        accounts.create_account(db, "rolle", "Name", GOOD, "superuser")


# --- sign-up -----------------------------------------------------------------------------------

def test_open_sign_up_creates_a_learner(db, settings):
    user = accounts.sign_up(db, settings, "neu", "Neue Person", GOOD, GOOD, "1.2.3.4")
    assert user.role == "learner"


def test_sign_up_closed_without_invite(db, settings):
    with pytest.raises(AccountError, match="Einladungslink"):
        accounts.sign_up(db, replace(settings, open_signup=False), "neu", "Neu", GOOD, GOOD, "c")


def test_sign_up_through_invite_enrols_even_when_open_sign_up_is_off(db, settings, make_user):
    cohort = create_cohort(db, make_user("trainer"), "Seminar Nord")
    user = accounts.sign_up(db, replace(settings, open_signup=False), "neu", "Neu", GOOD, GOOD, "c",
                            invite_code=cohort["invite_code"].lower())
    assert is_member(db, cohort["id"], user.id)


def test_sign_up_with_disabled_invite_is_refused_and_creates_nothing(db, settings, make_user):
    trainer = make_user("trainer")
    cohort = create_cohort(db, trainer, "Seminar Süd")
    disable_invite(db, trainer, cohort["id"])
    with pytest.raises(AccountError, match="ungültig"):
        accounts.sign_up(db, settings, "neu", "Neu", GOOD, GOOD, "c", invite_code=cohort["invite_code"])
    assert get_user(db, 2) is None


def test_sign_up_passwords_must_match(db, settings):
    with pytest.raises(AccountError, match="stimmen nicht überein"):
        accounts.sign_up(db, settings, "neu", "Neu", GOOD, GOOD + "x", "c")


# --- sign-in and throttling --------------------------------------------------------------------

def test_sign_in_with_right_password(db, make_user):
    user = make_user("learner", login="anna")
    assert accounts.authenticate(db, "ANNA", PASSWORD, "c", T0) == user


@pytest.mark.parametrize("login, password", [("anna", "falsch-falsch"), ("niemand", PASSWORD), ("", ""),
                                              ("x" * 10_000, "y" * 100_000)])
def test_failures_get_one_generic_message(db, make_user, login, password):
    make_user("learner", login="anna")
    with pytest.raises(AccountError) as info:
        accounts.authenticate(db, login, password, "c", T0)
    assert str(info.value) == FAILED


def test_disabled_account_gets_the_generic_message(db, make_user, admin):
    user = make_user("learner", login="anna")
    accounts.set_disabled(db, admin, user.id, True)
    with pytest.raises(AccountError) as info:
        accounts.authenticate(db, "anna", PASSWORD, "c", T0)
    assert str(info.value) == FAILED


def test_unknown_login_costs_a_hash_too(db, monkeypatch):
    calls = []

    def spy(stored, password):
        calls.append(stored)
        return verify_password(stored, password)

    monkeypatch.setattr(accounts, "verify_password", spy)
    with pytest.raises(AccountError):
        accounts.authenticate(db, "niemand", "irgendwas-langes", "c", T0)
    assert calls == [None]  # verify_password(None, ...) hashes to keep the timing even


def fail(db, login, client, moment, times=1):
    for _ in range(times):
        with pytest.raises(AccountError):
            accounts.authenticate(db, login, "wrong-password!", client, moment)


def test_five_failures_lock_that_client_for_fifteen_minutes_and_others_only_briefly(db, make_user):
    make_user("learner", login="anna")
    fail(db, "anna", "c1", T0, accounts.ACCOUNT_LIMIT)
    with pytest.raises(AccountError) as info:
        accounts.authenticate(db, "anna", PASSWORD, "c1", T0 + timedelta(minutes=1))
    assert str(info.value) == THROTTLED
    with pytest.raises(AccountError, match="warten Sie 2 Sekunden"):  # the backoff, from anywhere
        accounts.authenticate(db, "anna", PASSWORD, "another-client", T0)
    assert accounts.authenticate(db, "anna", PASSWORD, "another-client", T0 + timedelta(seconds=2)).login == "anna"
    fail(db, "anna", "c1", T0 + timedelta(minutes=14), 1)  # still locked: not even counted
    assert accounts.authenticate(db, "anna", PASSWORD, "c1", T0 + timedelta(minutes=15, seconds=1)).login == "anna"


def test_throttled_message_does_not_reveal_whether_the_account_exists(db, make_user):
    make_user("learner", login="anna")
    messages = []
    for login in ("anna", "gibt-es-nicht"):
        fail(db, login, f"c-{login}", T0, accounts.ACCOUNT_LIMIT)
        with pytest.raises(AccountError) as info:
            accounts.authenticate(db, login, "egal-egal-egal", f"c-{login}", T0)
        messages.append(str(info.value))
    assert messages == [THROTTLED, THROTTLED]


def test_twenty_failures_from_one_client_block_that_client_only(db, make_user):
    make_user("learner", login="anna")
    for n in range(accounts.CLIENT_LIMIT):
        fail(db, f"login{n}", "10.9.8.7", T0)
    with pytest.raises(AccountError, match="Zu viele"):
        accounts.authenticate(db, "anna", PASSWORD, "10.9.8.7", T0)
    assert accounts.authenticate(db, "anna", PASSWORD, "10.9.8.8", T0).login == "anna"


def test_throttling_is_stored_in_the_database(db, make_user, tmp_path):
    """A second connection (another browser session, or after a restart) sees the same failures."""
    from progress import open_store

    make_user("learner", login="anna")
    fail(db, "anna", "c", T0, accounts.ACCOUNT_LIMIT)
    other = open_store(tmp_path / "lotse.db")
    assert accounts.is_throttled(other, "anna", "other-client", T0)
    other.close()


def test_success_clears_the_account_failures(db, make_user):
    make_user("learner", login="anna")
    fail(db, "anna", "c", T0, accounts.ACCOUNT_LIMIT - 1)
    accounts.authenticate(db, "anna", PASSWORD, "c", T0)
    fail(db, "anna", "c", T0, accounts.ACCOUNT_LIMIT - 1)
    assert accounts.authenticate(db, "anna", PASSWORD, "c", T0).login == "anna"


def test_outdated_hash_is_upgraded_on_sign_in(db, make_user):
    user = make_user("learner", login="alt")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    set_password_hash(db, user.id, weak)
    accounts.authenticate(db, "alt", PASSWORD, "c", T0)
    upgraded = password_hash_of(db, user.id)
    assert upgraded != weak and verify_password(upgraded, PASSWORD) == (True, False)


# --- own account -------------------------------------------------------------------------------

def test_change_password_ends_every_session(db, make_user):
    settings = load_settings({})
    user = make_user("learner", login="anna")
    tokens = [sessions.issue(db, user, settings) for _ in range(2)]
    assert accounts.change_password(db, user, PASSWORD, GOOD, GOOD) == 2
    assert all(sessions.validate(db, t, settings) is None for t in tokens)
    assert accounts.authenticate(db, "anna", GOOD, "c").login == "anna"
    with pytest.raises(AccountError):
        accounts.authenticate(db, "anna", PASSWORD, "c")


@pytest.mark.parametrize("current, new, repeat, message", [
    ("falsch-falsch", GOOD, GOOD, "bisherige Passwort"),
    (PASSWORD, GOOD, GOOD + "!", "stimmen nicht"),
    (PASSWORD, "kurz", "kurz", "mindestens 10"),
    (PASSWORD, PASSWORD, PASSWORD, "unterscheiden"),
])
def test_change_password_refusals(db, make_user, current, new, repeat, message):
    with pytest.raises(AccountError, match=message):
        accounts.change_password(db, make_user(), current, new, repeat)


@pytest.mark.parametrize("name", HOSTILE)
def test_change_display_name(db, make_user, name):
    assert accounts.change_display_name(db, make_user(), name).display_name == name


# --- reset codes -------------------------------------------------------------------------------

def test_reset_code_sets_a_new_password_once(db, make_user, admin):
    settings = load_settings({})
    user = make_user("learner", login="anna")
    token = sessions.issue(db, user, settings)
    code = accounts.issue_reset_code(db, admin, user.id, T0)
    assert len(code) == 14 and code.count("-") == 2
    assert not any(ch in code for ch in "0O1IL")
    assert next(raw(db).query("SELECT code_hash FROM reset_codes"))["code_hash"] != code
    accounts.redeem_reset_code(db, "anna", code.lower().replace("-", " "), GOOD, GOOD, "c", T0 + timedelta(hours=1))
    assert accounts.authenticate(db, "anna", GOOD, "c").login == "anna"
    assert sessions.validate(db, token, settings) is None  # old sessions ended
    with pytest.raises(AccountError, match="Code passt nicht"):
        accounts.redeem_reset_code(db, "anna", code, GOOD + "x", GOOD + "x", "c", T0 + timedelta(hours=2))


def test_reset_code_expires_and_is_replaced_by_a_newer_one(db, make_user, admin):
    user = make_user("learner", login="anna")
    first = accounts.issue_reset_code(db, admin, user.id, T0)
    second = accounts.issue_reset_code(db, admin, user.id, T0)
    with pytest.raises(AccountError):
        accounts.redeem_reset_code(db, "anna", first, GOOD, GOOD, "c", T0)
    with pytest.raises(AccountError):
        accounts.redeem_reset_code(db, "anna", second, GOOD, GOOD, "c", T0 + accounts.RESET_CODE_VALID)


def test_reset_code_for_another_login_fails_and_counts_as_failure(db, make_user, admin):
    make_user("learner", login="bert")
    anna = make_user("learner", login="anna")
    code = accounts.issue_reset_code(db, admin, anna.id, T0)
    for _ in range(accounts.ACCOUNT_LIMIT):
        with pytest.raises(AccountError, match="Code passt nicht"):
            accounts.redeem_reset_code(db, "bert", code, GOOD, GOOD, "c", T0)
    with pytest.raises(AccountError, match="Zu viele"):
        accounts.redeem_reset_code(db, "bert", code, GOOD, GOOD, "c", T0)


def test_weak_new_password_keeps_the_code_usable(db, make_user, admin):
    user = make_user("learner", login="anna")
    code = accounts.issue_reset_code(db, admin, user.id, T0)
    with pytest.raises(AccountError, match="mindestens 10"):
        accounts.redeem_reset_code(db, "anna", code, "kurz", "kurz", "c", T0)
    assert accounts.redeem_reset_code(db, "anna", code, GOOD, GOOD, "c", T0).login == "anna"


def test_account_without_password_starts_with_a_code(db, admin):
    user = accounts.create_user(db, admin, "neu.im.amt", "Neu im Amt", "trainer")
    with pytest.raises(AccountError, match="Anmeldung fehlgeschlagen"):
        accounts.authenticate(db, "neu.im.amt", "", "c")
    code = accounts.issue_reset_code(db, admin, user.id)
    assert accounts.redeem_reset_code(db, "neu.im.amt", code, GOOD, GOOD, "c").role == "trainer"


# --- administration ----------------------------------------------------------------------------

def test_disabling_ends_sessions_and_enabling_restores_sign_in(db, make_user, admin):
    settings = load_settings({})
    user = make_user("learner", login="anna")
    token = sessions.issue(db, user, settings)
    accounts.set_disabled(db, admin, user.id, True)
    assert sessions.validate(db, token, settings) is None
    accounts.set_disabled(db, admin, user.id, False)
    assert accounts.authenticate(db, "anna", PASSWORD, "c").login == "anna"


def test_admin_cannot_lock_themselves_out(db, admin):
    with pytest.raises(PermissionDenied):
        accounts.set_disabled(db, admin, admin.id, True)
    with pytest.raises(PermissionDenied):
        accounts.set_role(db, admin, admin.id, "learner")


def test_set_role_and_list(db, make_user, admin):
    user = make_user("learner")
    assert accounts.set_role(db, admin, user.id, "trainer").role == "trainer"
    rows = accounts.list_accounts(db, admin)
    assert {r["login"] for r in rows} == {admin.login, user.login}
    assert all("password_hash" not in r for r in rows)


# --- client identification ---------------------------------------------------------------------

LOOPBACK = accounts.trusted_networks("127.0.0.1, ::1")


@pytest.mark.parametrize("ip, headers, trusted, expected", [
    (None, None, (), "local"),
    ("93.184.216.34", None, (), "93.184.216.34"),
    ("93.184.216.34", {"X-Forwarded-For": "1.1.1.1"}, LOOPBACK, "93.184.216.34"),  # direct: not trusted
    ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}, LOOPBACK, "198.51.100.7"),  # behind a local proxy
    ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7"}, (), "127.0.0.1"),  # no proxy configured
    ("10.0.0.2", {"x-forwarded-for": "6.6.6.6, 198.51.100.7"}, (), "10.0.0.2"),  # a LAN client picks nothing
    ("10.0.0.2", {"x-forwarded-for": "6.6.6.6, 198.51.100.7"}, accounts.trusted_networks("10.0.0.0/24"),
     "198.51.100.7"),  # last hop = proxy's view
    ("10.0.0.2", {"x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.3"}, accounts.trusted_networks("10.0.0.0/24"),
     "198.51.100.7"),  # a chain of trusted proxies is skipped
    ("127.0.0.1", {}, LOOPBACK, "127.0.0.1"),
    (None, {"X-Forwarded-For": "198.51.100.7"}, (), "local"),
    (None, {"X-Forwarded-For": "198.51.100.7"}, LOOPBACK, "198.51.100.7"),  # Streamlit: None = this machine
    ("kaputt", None, LOOPBACK, "kaputt"),
])
def test_client_key(ip, headers, trusted, expected):
    assert accounts.client_key(ip, headers, trusted) == expected


# --- command line ------------------------------------------------------------------------------

@pytest.fixture
def cli(db, tmp_path, monkeypatch, capsys):
    """Run `python -m lotse users ...` against the test database: (exit code, stdout, stderr)."""
    from lotse.cli import main

    monkeypatch.setenv("LOTSE_DB_PATH", str(tmp_path / "lotse.db"))

    def run(*args: str, stdin: str = "") -> tuple[int, str, str]:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["users", *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_create_with_password_from_stdin(cli, db):
    code, out, _ = cli("create", "--role", "trainer", "--login", "Tina", "--name", "Tina Trainerin 🎓",
                       "--password-stdin", stdin=GOOD + "\n")
    assert code == 0 and "created trainer tina" in out
    assert accounts.authenticate(db, "tina", GOOD, "c").role == "trainer"


def test_cli_create_without_password_prints_a_one_time_code(cli, db):
    code, out, _ = cli("create", "--role", "admin", "--login", "chefin", "--name", "Chefin")
    assert code == 0
    one_time = out.strip().rsplit(" ", 1)[1]
    assert accounts.redeem_reset_code(db, "chefin", one_time, GOOD, GOOD, "c").role == "admin"


@pytest.mark.parametrize("args, stdin, message", [
    (("--login", "ab", "--name", "X"), "", "mindestens 3"),
    (("--login", "gut", "--name", "x" * 81), "", "höchstens 80"),
    (("--login", "gut", "--name", "X", "--password-stdin"), "kurz\n", "mindestens 10"),
])
def test_cli_create_refuses_bad_input(cli, args, stdin, message):
    code, _, err = cli("create", "--role", "learner", *args, stdin=stdin)
    assert code == 1 and message in err


def test_cli_list_disable_enable_reset(cli, db, make_user, password):
    make_user("learner", login="anna", display_name="Anna Ärger")
    code, out, _ = cli("list")
    assert code == 0 and "anna" in out and "Anna Ärger" in out and "1 account(s)" in out
    assert cli("disable", "anna")[0] == 0
    with pytest.raises(AccountError):
        accounts.authenticate(db, "anna", password, "c")
    assert cli("enable", "ANNA")[0] == 0
    assert accounts.authenticate(db, "anna", password, "c").login == "anna"
    code, out, _ = cli("reset-code", "anna")
    assert code == 0 and accounts.redeem_reset_code(db, "anna", out.strip(), GOOD, GOOD, "c").login == "anna"
    assert cli("disable", "niemand")[0] == 1


def test_cli_purge_inactive(cli, db, make_user):
    old = make_user("learner", login="alt")
    raw(db).execute("UPDATE users SET last_active_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", [old.id])
    assert cli("purge-inactive", "--months", "0")[0] == 2
    code, out, _ = cli("purge-inactive", "--months", "12", "--dry-run")
    assert code == 0 and "would delete alt" in out and get_user(db, old.id) is not None
    code, out, _ = cli("purge-inactive", "--months", "12")
    assert code == 0 and "deleted alt" in out and get_user(db, old.id) is None


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(login=hst.text(max_size=80), name=hst.text(max_size=100))
def test_any_text_as_login_and_name_is_accepted_or_refused_in_german(db, login, name):
    """Never a crash or an SQL error: either an account, or an AccountError with a German message."""
    try:
        user = accounts.create_account(db, login, name, GOOD)
    except AccountError as error:
        assert str(error)
    else:
        assert accounts.login_problem(user.login) is None and 1 <= len(user.display_name) <= accounts.NAME_MAX
        raw(db).execute("DELETE FROM users WHERE id = ?", [user.id])
