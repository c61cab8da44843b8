"""Local accounts: sign-up, sign-in with throttling, passwords, reset codes, administration.

Sign-in failures get one generic answer whether or not the login exists, and an unknown login costs
a password hash like a known one. Failed attempts are counted in the database (so the limit holds
across browser sessions and server restarts):

* at most ``ACCOUNT_LIMIT`` failures per login from one client within ``WINDOW``, then that client
  waits (guessing one person's password from one place),
* at most ``CLIENT_LIMIT`` failures per client within ``WINDOW`` (trying many logins from one place),
* from ``ACCOUNT_LIMIT`` failures of a login from anywhere on, each further attempt on it waits a
  delay after the latest failure that doubles from ``BACKOFF_FIRST`` up to ``BACKOFF_MAX``: guessing
  from many addresses stays slow, yet nobody can lock the owner out for longer than that delay.

Every attempt is counted as a failure BEFORE the password is checked, in one transaction with the
check of the limits (``_reserve_attempt``), so attempts sent at once cannot all pass the check; a
correct password then clears the login's failures. Throttled attempts are not counted themselves.
See ``client_key`` for how the client is identified.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timedelta

from progress import Busy, Conflict, Store

from progress import accounts_sql as store
from progress import throttle_sql
from progress import users as user_store

from . import sessions
from .access import require_role
from .config import Settings
from .identity import ROLES, PermissionDenied, User
from .passwords import MAX_LENGTH as PASSWORD_MAX, PasswordBusy, hash_password, password_problem, verify_password

LOGIN_MIN, LOGIN_MAX = 3, 64
NAME_MAX = 80
ACCOUNT_LIMIT = 5
CLIENT_LIMIT = 20
WINDOW = timedelta(minutes=15)
BACKOFF_FIRST = timedelta(seconds=2)
BACKOFF_MAX = timedelta(seconds=60)
RESET_CODE_VALID = timedelta(hours=72)
RESET_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no look-alikes (see lotse.cohorts)
RESET_LENGTH = 12

FAILED = "Anmeldung fehlgeschlagen. Bitte prüfen Sie Login und Passwort."
THROTTLED = ("Zu viele fehlgeschlagene Versuche. Aus Sicherheitsgründen ist die Anmeldung für kurze Zeit "
             "gesperrt. Bitte versuchen Sie es in 15 Minuten erneut.")
RESET_FAILED = "Der Code passt nicht zu diesem Login oder ist abgelaufen. Bitte fragen Sie die Administration."
WAIT = ("Für dieses Konto gab es gerade mehrere fehlgeschlagene Anmeldungen. Bitte warten Sie {seconds} "
        "Sekunden und versuchen Sie es dann erneut.")
BUSY = "Gerade melden sich sehr viele Personen an. Bitte versuchen Sie es in einer Minute erneut."
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


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"))


def clean_display_name(name: str | None) -> str:
    """The display name as stored, or AccountError. Any Unicode text in NFC; invisible characters
    (zero-width spaces and joiners, soft hyphens) are removed; control characters, including those
    that turn the writing direction (right-to-left overrides), are refused."""
    text = " ".join(unicodedata.normalize("NFC", name or "").translate(_INVISIBLE).split())
    if not text:
        raise AccountError("Bitte geben Sie einen Anzeigenamen an.")
    if len(text) > NAME_MAX:
        raise AccountError(f"Der Anzeigename darf höchstens {NAME_MAX} Zeichen lang sein (jetzt: {len(text)}).")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Cf", "Co") for ch in text):
        raise AccountError("Der Anzeigename enthält unzulässige Steuerzeichen (zum Beispiel für die "
                           "Schreibrichtung). Bitte geben Sie ihn ohne diese ein.")
    return text


def _checked_password(password: str, repeat: str | None, login: str, name: str = "") -> str:
    if repeat is not None and password != repeat:
        raise AccountError("Die beiden Passwörter stimmen nicht überein.")
    problem = password_problem(password, login, [name])
    if problem:
        raise AccountError(problem)
    return password


def _hash(password: str) -> str:
    """The Argon2 hash, or AccountError(BUSY) when too many hashes are running (see lotse.passwords)."""
    try:
        return hash_password(password)
    except PasswordBusy:
        raise AccountError(BUSY) from None


def trusted_networks(addresses: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """LOTSE_TRUSTED_PROXIES: comma-separated addresses or networks (``127.0.0.1, 10.1.0.0/24``).

    Entries that are not addresses are ignored (and so trusted nowhere)."""
    networks = []
    for entry in addresses.split(","):
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    return tuple(networks)


def _trusted(address: str, trusted: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in trusted)


def client_key(ip_address: str | None, headers: Mapping[str, str] | None = None,
               trusted: tuple = ()) -> str:
    """Who is knocking, for the per-client limit.

    A connection is identified by its address; X-Forwarded-For is believed only when the connection
    comes from one of the ``trusted`` proxies (LOTSE_TRUSTED_PROXIES, none by default), because
    anyone can send that header. Then the client is the right-most entry that is not itself a
    trusted proxy. Streamlit reports no address for connections from this machine (a proxy on
    127.0.0.1 included); those count as 127.0.0.1 for the trust check and as "local" otherwise.
    """
    address = (ip_address or "").strip()
    if not _trusted(address or "127.0.0.1", trusted):
        return (address or "local")[:64]
    forwarded = next((v for k, v in (headers or {}).items() if k.lower() == "x-forwarded-for"), "") or ""
    client = address or "local"
    for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
        client = hop
        if not _trusted(hop, trusted):
            break
    return client[:64]


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
    password_hash = _hash(_checked_password(password, None, normalised, name)) if password is not None else None
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


def _refusal(counts: dict, moment: datetime) -> str | None:
    """THROTTLED or WAIT for these failure counts (see the module docstring), or None."""
    if counts.get("pair_failures", 0) >= ACCOUNT_LIMIT or counts.get("client_failures", 0) >= CLIENT_LIMIT:
        return THROTTLED
    extra = counts.get("login_failures", 0) - ACCOUNT_LIMIT
    if extra < 0 or not counts.get("last_at"):
        return None
    delay = min(BACKOFF_FIRST * 2 ** min(extra, 16), BACKOFF_MAX)
    left = datetime.fromisoformat(counts["last_at"]) + delay - moment
    return WAIT.format(seconds=math.ceil(left.total_seconds())) if left > timedelta(0) else None


def _counts(db: Store, login: str, client: str, moment: datetime) -> dict:
    return throttle_sql.failure_counts(db, login, client, sessions.iso(moment - WINDOW))


def throttle_message(db: Store, login: str, client: str, now: datetime | None = None) -> str | None:
    """Why an attempt for this login from this client would be refused now, or None."""
    moment = sessions.utc(now)
    return _refusal(_counts(db, normalise_login(login)[:LOGIN_MAX], client, moment), moment)


def is_throttled(db: Store, login: str, client: str, now: datetime | None = None) -> bool:
    return throttle_message(db, login, client, now) is not None


def _reserve_attempt(db: Store, login: str, client: str, moment: datetime) -> None:
    """Check the limits and count this attempt as a failure in one transaction, or AccountError.

    Done before the (slow) password check, so attempts sent at once cannot all pass the check."""
    try:
        with db.transaction():
            refusal = _refusal(_counts(db, login, client, moment), moment)
            if refusal is None:
                store.record_failure(db, login, client, sessions.iso(moment))
    except Busy:
        raise AccountError(BUSY) from None
    if refusal is not None:
        raise AccountError(refusal)


def authenticate(db: Store, login: str, password: str, client: str, now: datetime | None = None) -> User:
    """The user for these credentials, or AccountError(FAILED / THROTTLED / WAIT / BUSY). Upgrades old hashes."""
    moment = sessions.utc(now)
    normalised = normalise_login(login)[:LOGIN_MAX]
    _reserve_attempt(db, normalised, client, moment)
    row = store.credentials(db, normalised) if not login_problem(normalised) else None
    try:
        if len(password) > PASSWORD_MAX * 4:
            ok, needs_rehash = False, False  # refuse absurd input without hashing it
        else:
            ok, needs_rehash = verify_password(row["password_hash"] if row else None, password)
    except PasswordBusy:
        raise AccountError(BUSY) from None  # the reserved attempt stays counted
    if not ok or row is None or row["disabled"]:
        store.prune_failures(db, sessions.iso(moment - timedelta(days=1)))
        raise AccountError(FAILED)
    if needs_rehash:
        try:
            user_store.set_password_hash(db, row["id"], hash_password(password))
        except PasswordBusy:
            pass  # upgraded at the next sign-in
    store.clear_failures(db, normalised)
    user_store.touch_user(db, row["id"])
    return user_store.get_user(db, row["id"])


def change_password(db: Store, actor: User, current: str, new: str, repeat: str) -> int:
    """Change the actor's own password; every session of theirs ends (returns how many).

    The caller starts a fresh session for the browser in use.
    """
    require_role(actor, *ROLES)
    try:
        ok, _ = verify_password(user_store.password_hash_of(db, actor.id), current)
    except PasswordBusy:
        raise AccountError(BUSY) from None
    if not ok:
        raise AccountError("Das bisherige Passwort ist nicht richtig.")
    if new == current:
        raise AccountError("Das neue Passwort muss sich vom bisherigen unterscheiden.")
    user_store.set_password_hash(db, actor.id, _hash(_checked_password(new, repeat, actor.login, actor.display_name)))
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
    refusal = throttle_message(db, normalised, client, moment)
    if refusal:
        raise AccountError(refusal)
    row = store.credentials(db, normalised)
    code_hash = _code_hash(normalise_reset_code(code))
    if row is None or row["disabled"] or not store.usable_reset_code(db, code_hash, row["id"], sessions.iso(moment)):
        store.record_failure(db, normalised, client, sessions.iso(moment))
        raise AccountError(RESET_FAILED)
    password = _checked_password(new, repeat, normalised)  # policy errors are not failures
    password_hash = _hash(password)
    if not store.use_reset_code(db, code_hash, sessions.iso(moment)):
        raise AccountError(RESET_FAILED)
    user_store.set_password_hash(db, row["id"], password_hash)
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
