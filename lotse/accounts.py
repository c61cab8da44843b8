"""Local accounts: sign-up, sign-in with throttling, passwords, reset codes, administration.

Sign-in failures get one generic answer whether or not the login exists, and an unknown login costs
a password hash like a known one. Failed attempts are counted in the database (so the limit holds
across browser sessions and server restarts) per login AND per client address:

* at most ``ACCOUNT_LIMIT`` failures per login within ``WINDOW`` (guessing one person's password),
* at most ``CLIENT_LIMIT`` failures per client within ``WINDOW`` (trying many logins from one place).

Throttled attempts are not counted themselves, so a lock ends ``WINDOW`` after the last counted
failure. See ``client_key`` for how the client is identified.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from progress import Conflict, Store

from progress import accounts_sql as store
from progress import users as user_store

from . import sessions
from .access import require_role
from .config import Settings
from .identity import ROLES, PermissionDenied, User
from .passwords import MAX_LENGTH as PASSWORD_MAX, hash_password, password_problem, verify_password

LOGIN_MIN, LOGIN_MAX = 3, 64
NAME_MAX = 80
ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
WINDOW = timedelta(minutes=15)
RESET_CODE_VALID = timedelta(hours=72)
RESET_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes (see lotse.cohorts)
RESET_LENGTH = 12

FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie Login und Passwort."
THROTTLED = ("Zu viele fehlgeschlagene Versuche. Aus Sicherheitsgründen ist die Anmeldung für kurze Zeit "
             "gesperrt. Bitte versuchen Sie es in 15 Minuten erneut.")
RESET_FAILED = "Der Code passt nicht zu diesem Login oder ist abgelaufen. Bitte fragen Sie die Administration."
SIGNUP_CLOSED = ("Die freie Registrierung ist ausgeschaltet. Bitte nutzen Sie den Einladungslink Ihrer "
                 "Trainerin oder Ihres Trainers.")
_LOGIN_CHARS = re.compile(r"^[\w.@-]+$")  # \w: Unicode letters and digits, and _
_SIGNUP_BUCKET = "#signup"  # refused sign-ups count against the client (limits probing for logins)


class AccountError(ValueError):
    """Input a person can fix, or a refused sign-in; the message is German and shown as it is."""


# --- input rules -------------------------------------------------------------------------------

def normalise_login(login: str | None) -> str:
    """Logins compare case-insensitively and in one Unicode form (``Jürgen`` = ``jürgen``)."""
    return unicodedata.normalize("NFKC", (login or "").strip()).lower()


def login_problem(login: str) -> str | None:
    if len(login) < LOGIN_MIN:
        return f"Der Login muss mindestens {LOGIN_MIN} Zeichen lang sein."
    if len(login) > LOGIN_MAX:
        return f"Der Login darf höchstens {LOGIN_MAX} Zeichen lang sein (jetzt: {len(login)})."
    if not _LOGIN_CHARS.match(login):
        return "Der Login darf nur Buchstaben, Ziffern und die Zeichen . _ - @ enthalten (keine Leerzeichen)."
    return None


def clean_display_name(name: str | None) -> str:
    """The display name as stored, or AccountError. Any Unicode text; no control characters."""
    text = " ".join(unicodedata.normalize("NFC", name or "").split())
    if not text:
        raise AccountError("Bitte geben Sie einen Anzeigenamen an.")
    if len(text) > NAME_MAX:
        raise AccountError(f"Der Anzeigename darf höchstens {NAME_MAX} Zeichen lang sein (jetzt: {len(text)}).")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise AccountError("Der Anzeigename enthält unzulässige Steuerzeichen.")
    return text


def _checked_password(password: str, repeat: str | None, login: str) -> str:
    if repeat is not None and password != repeat:
        raise AccountError("Die beiden Passwörter stimmen nicht überein.")
    problem = password_problem(password, login)
    if problem:
        raise AccountError(problem)
    return password


def client_key(ip_address: str | None, headers: Mapping[str, str] | None = None) -> str:
    """Who is knocking, for the per-client limit.

    A direct connection is identified by its address (headers are not trusted: anyone can send
    them). When the connection comes from a reverse proxy on a loopback or private address, the
    proxy's view of the client is the LAST entry of X-Forwarded-For (the one the proxy appended).
    Without any address (Streamlit reports none for localhost) the client is "local".
    """
    address = (ip_address or "").strip()
    try:
        via_proxy = not address or ipaddress.ip_address(address).is_private or ipaddress.ip_address(address).is_loopback
    except ValueError:
        via_proxy = False
    forwarded = ""
    if via_proxy and headers:
        forwarded = next((v for k, v in headers.items() if k.lower() == "x-forwarded-for"), "") or ""
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    return (hops[-1] if hops else address or "local")[:64]


# --- creating accounts ---------------------------------------------------------------------------

def create_account(db: Store, login: str, display_name: str, password: str | None,
                   role: str = "learner") -> User:
    """Create an account after checking every rule; ``password=None`` = sign-in only after a reset code.

    The building block for sign-up, the admin page, the CLI and the demo data (it does not check
    who is asking; the callers do).
    """
    normalised = normalise_login(login)
    problem = login_problem(normalised)
    if problem:
        raise AccountError(problem)
    name = clean_display_name(display_name)
    if role not in ROLES:
        raise AccountError("Unbekannte Rolle.")
    password_hash = hash_password(_checked_password(password, None, normalised)) if password is not None else None
    if store.login_taken(db, normalised):
        raise AccountError("Dieser Login ist bereits vergeben. Bitte wählen Sie einen anderen.")
    try:
        return user_store.insert_user(db, normalised, name, role, password_hash)
    except Conflict:  # taken between the check and the insert
        raise AccountError("Dieser Login ist bereits vergeben. Bitte wählen Sie einen anderen.") from None


def sign_up(db: Store, settings: Settings, login: str, display_name: str, password: str, repeat: str,
            client: str, invite_code: str | None = None, now: datetime | None = None) -> User:
    """Self-service sign-up as a learner; through an invite code the learner joins that cohort too."""
    from .cohorts import CohortError, enrol, invite_preview

    moment = sessions.utc(now)
    if _client_throttled(db, client, moment):
        raise AccountError(THROTTLED)
    if invite_code:
        if invite_preview(db, invite_code) is None:
            raise AccountError("Der Einladungscode ist ungültig oder nicht mehr aktiv.")
    elif not settings.open_signup:
        raise AccountError(SIGNUP_CLOSED)
    if password != repeat:
        raise AccountError("Die beiden Passwörter stimmen nicht überein.")
    if store.login_taken(db, normalise_login(login)):
        store.record_failure(db, _SIGNUP_BUCKET, client, sessions.iso(moment))
    user = create_account(db, login, display_name, password, "learner")
    if invite_code:
        try:
            enrol(db, user, invite_code)
        except CohortError as error:  # disabled between the check and now
            raise AccountError(str(error)) from None
    return user


# --- signing in ----------------------------------------------------------------------------------

def _client_throttled(db: Store, client: str, moment: datetime) -> bool:
    return store.failures_for_client(db, client, sessions.iso(moment - WINDOW)) >= CLIENT_LIMIT


def is_throttled(db: Store, login: str, client: str, now: datetime | None = None) -> bool:
    moment = sessions.utc(now)
    since = sessions.iso(moment - WINDOW)
    return (store.failures_for_login(db, normalise_login(login)[:LOGIN_MAX], since) >= ACCOUNT_LIMIT
            or store.failures_for_client(db, client, since) >= CLIENT_LIMIT)


def authenticate(db: Store, login: str, password: str, client: str, now: datetime | None = None) -> User:
    """The user for these credentials, or AccountError(FAILED / THROTTLED). Upgrades old hashes."""
    moment = sessions.utc(now)
    normalised = normalise_login(login)[:LOGIN_MAX]
    if is_throttled(db, normalised, client, moment):
        raise AccountError(THROTTLED)
    row = store.credentials(db, normalised) if not login_problem(normalised) else None
    if len(password) > PASSWORD_MAX * 4:
        ok, needs_rehash = False, False  # refuse absurd input without hashing it
    else:
        ok, needs_rehash = verify_password(row["password_hash"] if row else None, password)
    if not ok or row is None or row["disabled"]:
        store.record_failure(db, normalised, client, sessions.iso(moment))
        store.prune_failures(db, sessions.iso(moment - timedelta(days=1)))
        raise AccountError(FAILED)
    if needs_rehash:
        user_store.set_password_hash(db, row["id"], hash_password(password))
    store.clear_failures(db, normalised)
    user_store.touch_user(db, row["id"])
    return user_store.get_user(db, row["id"])


def change_password(db: Store, actor: User, current: str, new: str, repeat: str) -> int:
    """Change the actor's own password; every session of theirs ends (returns how many).

    The caller starts a fresh session for the browser in use.
    """
    require_role(actor, *ROLES)
    ok, _ = verify_password(user_store.password_hash_of(db, actor.id), current)
    if not ok:
        raise AccountError("Das bisherige Passwort ist nicht richtig.")
    if new == current:
        raise AccountError("Das neue Passwort muss sich vom bisherigen unterscheiden.")
    user_store.set_password_hash(db, actor.id, hash_password(_checked_password(new, repeat, actor.login)))
    return sessions.revoke_all(db, actor.id)


def has_password(db: Store, actor: User) -> bool:
    """False for accounts that sign in through single sign-on (or still wait for their first code)."""
    return user_store.password_hash_of(db, actor.id) is not None


def change_display_name(db: Store, actor: User, display_name: str) -> User:
    require_role(actor, *ROLES)
    user_store.set_display_name(db, actor.id, clean_display_name(display_name))
    return user_store.get_user(db, actor.id)


# --- reset codes ---------------------------------------------------------------------------------

def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise_reset_code(text: str | None) -> str:
    return "".join((text or "").split()).replace("-", "").upper()[:64]


def format_reset_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_reset_code(db: Store, actor: User, user_id: int, now: datetime | None = None) -> str:
    """A one-time code (shown once, stored hashed) with which the person sets a new password."""
    require_role(actor, "admin")
    if user_store.get_user(db, user_id) is None:
        raise AccountError("Dieses Konto gibt es nicht.")
    moment = sessions.utc(now)
    code = "".join(secrets.choice(RESET_ALPHABET) for _ in range(RESET_LENGTH))
    store.discard_reset_codes(db, user_id)
    store.prune_reset_codes(db, sessions.iso(moment))
    store.insert_reset_code(db, _code_hash(code), user_id, sessions.iso(moment),
                            sessions.iso(moment + RESET_CODE_VALID))
    return format_reset_code(code)


def redeem_reset_code(db: Store, login: str, code: str, new: str, repeat: str, client: str,
                      now: datetime | None = None) -> User:
    """Set a new password with a reset code; ends all sessions. Wrong codes count as failed sign-ins."""
    moment = sessions.utc(now)
    normalised = normalise_login(login)[:LOGIN_MAX]
    if is_throttled(db, normalised, client, moment):
        raise AccountError(THROTTLED)
    row = store.credentials(db, normalised)
    code_hash = _code_hash(normalise_reset_code(code))
    if row is None or row["disabled"] or not store.usable_reset_code(db, code_hash, row["id"], sessions.iso(moment)):
        store.record_failure(db, normalised, client, sessions.iso(moment))
        raise AccountError(RESET_FAILED)
    password = _checked_password(new, repeat, normalised)  # policy errors are not failures
    if not store.use_reset_code(db, code_hash, sessions.iso(moment)):
        raise AccountError(RESET_FAILED)
    user_store.set_password_hash(db, row["id"], hash_password(password))
    sessions.revoke_all(db, row["id"], moment)
    store.clear_failures(db, normalised)
    user_store.touch_user(db, row["id"])
    return user_store.get_user(db, row["id"])


# --- administration ------------------------------------------------------------------------------

def list_accounts(db: Store, actor: User) -> list[dict]:
    require_role(actor, "admin")
    return user_store.list_users(db)


def find_account(db: Store, actor: User, login: str) -> User | None:
    require_role(actor, "admin")
    return user_store.get_user_by_login(db, normalise_login(login))


def create_user(db: Store, actor: User, login: str, display_name: str, role: str,
                password: str | None = None) -> User:
    """Admin: create an account of any role (without password: the person starts with a reset code)."""
    require_role(actor, "admin")
    return create_account(db, login, display_name, password, role)


def _other_account(db: Store, actor: User, user_id: int) -> User:
    require_role(actor, "admin")
    if user_id == actor.id:
        raise PermissionDenied("Das eigene Konto können Sie hier nicht ändern (sonst sperren Sie sich aus).")
    user = user_store.get_user(db, user_id)
    if user is None:
        raise AccountError("Dieses Konto gibt es nicht.")
    return user


def set_disabled(db: Store, actor: User, user_id: int, disabled: bool) -> User:
    """Disable (sessions end at once) or enable an account."""
    _other_account(db, actor, user_id)
    user_store.set_disabled(db, user_id, disabled)
    if disabled:
        sessions.revoke_all(db, user_id)
    return user_store.get_user(db, user_id)


def set_role(db: Store, actor: User, user_id: int, role: str) -> User:
    _other_account(db, actor, user_id)
    if role not in ROLES:
        raise AccountError("Unbekannte Rolle.")
    user_store.set_role(db, user_id, role)
    return user_store.get_user(db, user_id)
