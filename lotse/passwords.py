"""Password hashing (Argon2id via argon2-cffi) and the password policy.

Every password is normalised to Unicode NFC before it is hashed or checked, so "Jürgen" typed with
a composed ü and with u + combining diaeresis is the same password. Each hash costs about 64 MiB
and a second of CPU, so at most ``MAX_CONCURRENT_HASHES`` run at once in a process; further callers
wait their turn (at most ``HASH_WAIT_SECONDS``, then ``PasswordBusy``).

The policy asks zxcvbn how guessable the password is (score 0-4, at least ``MIN_SCORE``), with
common German password words and the person's own login and name as extra dictionary words.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

MIN_LENGTH = 10
MAX_LENGTH = 256
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable" for online attacks (about 10^8 guesses)
ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters are judged
MAX_CONCURRENT_HASHES = 4
HASH_WAIT_SECONDS = 20.0
_hasher = PasswordHasher()  # argon2-cffi defaults: Argon2id, RFC 9106 low-memory profile
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)

# Words Germans build weak passwords from (zxcvbn's own lists are English).
GERMAN_WORDS = (
    "passwort", "kennwort", "geheim", "hallo", "willkommen", "schatz", "schatzi", "liebe", "mama", "papa",
    "sommer", "winter", "herbst", "fruehling", "frühling", "januar", "februar", "maerz", "märz", "april",
    "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember", "montag", "freitag",
    "sonntag", "fussball", "fußball", "bayern", "berlin", "hamburg", "muenchen", "münchen", "koeln", "köln",
    "deutschland", "rathaus", "stadt", "gemeinde", "kreis", "landkreis", "verwaltung", "amt", "buergeramt",
    "bürgeramt", "digital", "digitalisierung", "lotse", "kommune", "behoerde", "behörde", "dienst",
    "qwertz", "qwertzuiop", "asdfgh", "ichliebedich", "hase", "maus", "engel", "sonne",
)
HINT = ("Tipp: Nehmen Sie vier oder mehr Wörter, die nichts miteinander zu tun haben, und verbinden Sie "
        "sie mit Bindestrichen, zum Beispiel „Kaffeetasse-Rathaus-Fahrrad-Wolke“. Das ist leicht zu "
        "merken und schwer zu erraten.")
TOO_GUESSABLE = "Dieses Passwort ist zu leicht zu erraten. " + HINT


class PasswordBusy(RuntimeError):
    """Too many password checks are running in this process; try again in a moment."""


def normalise_password(password: str) -> str:
    return unicodedata.normalize("NFC", password)


@contextmanager
def _hash_slot() -> Iterator[None]:
    """One of the few places for an Argon2 computation (bounds memory and CPU per process)."""
    if not _slots.acquire(timeout=HASH_WAIT_SECONDS):
        raise PasswordBusy("too many concurrent password hashes")
    try:
        yield
    finally:
        _slots.release()


def hash_password(password: str) -> str:
    with _hash_slot():
        return _hasher.hash(normalise_password(password))


def _matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_password(stored_hash: str | None, password: str) -> tuple[bool, bool]:
    """(matches, needs rehash). A missing hash never matches, but costs a hash to keep timing even.

    A hash made before passwords were normalised may hold the decomposed form: that still
    matches once, and asks for a rehash (of the NFC form).
    """
    normalised = normalise_password(password)
    with _hash_slot():
        if not stored_hash:
            _hasher.hash(normalised)
            return False, False
        if _matches(stored_hash, normalised):
            return True, _hasher.check_needs_rehash(stored_hash)
        if normalised != password and _matches(stored_hash, password):
            return True, True
    return False, False


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The 30,000 most common leaked passwords as zxcvbn ships them, plus German favourites."""
    german = {"passwort123", "passwort1234", "hallo12345", "hallo123456", "schatzi123", "geheim1234",
              "qwertzuiop", "1234567890ß", "sommer2024!", "winter2024!", "fussball123", "passwort12"}
    return frozenset(p.casefold() for p in FREQUENCY_LISTS["passwords"]) | german


def _visible_length(password: str) -> int:
    """Characters that are neither white space nor invisible format or control characters."""
    return sum(1 for ch in password if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs"))


def _personal_words(personal: Iterable[str]) -> list[str]:
    words: list[str] = []
    for text in personal:
        folded = normalise_password(text or "").casefold()
        words += [folded] + [part for part in folded.replace(".", " ").replace("-", " ").replace("_", " ")
                             .replace("@", " ").split() if len(part) >= 3]
    return [w for w in words if w]


def password_problem(password: str, login: str = "", personal: Iterable[str] = ()) -> str | None:
    """A German message saying why a password is refused, or None if it is acceptable.

    ``login`` and ``personal`` (for example the display name) are words a guesser would try first.
    """
    password = normalise_password(password)
    if len(password) > MAX_LENGTH:
        return f"Das Passwort darf höchstens {MAX_LENGTH} Zeichen lang sein."
    if _visible_length(password) < MIN_LENGTH:
        return (f"Das Passwort muss mindestens {MIN_LENGTH} Zeichen lang sein (Leerzeichen und unsichtbare "
                "Zeichen zählen nicht). " + HINT)
    folded = password.casefold()
    words = _personal_words([login, *personal])
    if folded in common_passwords() or (login and login.casefold() in folded):
        return TOO_GUESSABLE
    rest = folded
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    if _visible_length(rest) < MIN_LENGTH:  # mostly the person's own name
        return TOO_GUESSABLE
    if zxcvbn(password[:ZXCVBN_MAX], user_inputs=[*GERMAN_WORDS, *words])["score"] < MIN_SCORE:
        return TOO_GUESSABLE
    return None
