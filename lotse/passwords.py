"""Password hashing (Argon2id via argon2-cffi) and the password policy."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs rehash). A missing hash never matches, but costs a hash to keep timing even."""
    if not stored_hash:
        _hasher.hash(password)
        return False, False
    try:
        _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return True, _hasher.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common leaked passwords as zxcvbn ships them, plus German favourites."""
    german = {"passwort123", "passwort1234", "hallo12345", "hallo123456", "schatzi123", "geheim1234",
              "qwertzuiop", "1234567890ß", "sommer2024!", "winter2024!", "fussball123"}
    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"]) | german


def password_problem(password: str, login: str = "") -> str | None:
    """A German message saying why a password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein."
    if len(password) > MAX_LENGTH:
        return f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein."
    folded = password.casefold()
    if folded in common_passwords() or (login and login.casefold() in folded):
        return "Dieses Passwort ist zu leicht zu erraten. Bitte wählen Sie ein anderes."
    return None
