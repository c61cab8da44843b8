"""Issue 20, items 1, 2 and 6: sign-in throttling under concurrency, trusted proxies, no lasting
lock-out of a victim, and the password rule (zxcvbn with German words, NFC normalisation)."""

from __future__ import annotations

import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from argon2.exceptions import VerifyMismatchError

from lotse import accounts, passwords
from lotse.accounts import AccountError
from lotse.config import load_settings

T0 = datetime(2025, 5, 5, 8, 0, tzinfo=timezone.utc)
ATTEMPTS = 50


class SlowHasher:
    """Stands in for Argon2: each hash takes a while (as the real ~1 s one does) and the number of
    hashes running at the same moment is recorded."""

    def __init__(self, seconds: float = 0.02) -> None:
        self.seconds, self.lock = seconds, threading.Lock()
        self.calls = self.running = self.most = 0

    def _work(self) -> None:
        with self.lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)  # the cost of the hash, not synchronisation
        with self.lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return "slow$" + password

    def verify(self, stored: str, password: str) -> bool:
        self._work()
        if stored != "slow$" + password:
            raise VerifyMismatchError()
        return True

    def check_needs_rehash(self, stored: str) -> bool:
        return False


@pytest.fixture
def slow_hasher(monkeypatch) -> SlowHasher:
    hasher = SlowHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    return hasher


def at_once(count: int, attempt) -> list[str]:
    """Run ``attempt(n)`` in ``count`` threads released together; the messages they end with."""
    start = threading.Barrier(count)

    def run(n: int) -> str:
        start.wait()
        try:
            attempt(n)
            return "ok"
        except AccountError as error:
            return str(error)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_sign_ins_at_once_check_at_most_the_limit(db, make_user, slow_hasher):
    make_user("learner", login="anna")
    messages = at_once(ATTEMPTS, lambda n: accounts.authenticate(db, "anna", "falsch-falsch", "c", T0))
    assert slow_hasher.calls <= accounts.ACCOUNT_LIMIT
    assert messages.count(accounts.FAILED) == slow_hasher.calls
    assert accounts.is_throttled(db, "anna", "c", T0)


def test_fifty_sign_ins_from_fifty_addresses_check_at_most_the_limit(db, make_user, slow_hasher):
    make_user("learner", login="anna")
    at_once(ATTEMPTS, lambda n: accounts.authenticate(db, "anna", "falsch-falsch", f"10.0.0.{n}", T0))
    assert slow_hasher.calls <= accounts.ACCOUNT_LIMIT


def test_concurrent_password_hashes_are_capped_per_process(db, slow_hasher):
    at_once(ATTEMPTS, lambda n: accounts.authenticate(db, f"login{n}", "falsch-falsch", f"c{n}", T0))
    assert slow_hasher.calls == ATTEMPTS  # different logins and clients: every one is checked ...
    assert slow_hasher.most <= passwords.MAX_CONCURRENT_HASHES  # ... but only a few at a time


def test_the_right_password_still_works_after_the_race(db, make_user, slow_hasher, password):
    user = make_user("learner", login="anna")
    from progress.users import set_password_hash

    set_password_hash(db, user.id, "slow$" + password)
    assert accounts.authenticate(db, "anna", password, "c", T0) == user
    assert not accounts.is_throttled(db, "anna", "c", T0)


# --- item 2: who the client is, and no lasting lock-out -----------------------------------------

def test_forwarded_for_from_a_lan_address_is_ignored_by_default():
    spoofed = [accounts.client_key("192.168.1.20", {"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)]
    assert spoofed == ["192.168.1.20"] * 3


def test_trusted_proxies_come_from_the_setting():
    settings = load_settings({"LOTSE_TRUSTED_PROXIES": "127.0.0.1"})
    trusted = accounts.trusted_networks(settings.trusted_proxies)
    assert accounts.client_key("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, trusted) == "203.0.113.9"
    assert load_settings({}).trusted_proxies == ""


def test_a_lan_client_cannot_lock_out_another_by_faking_its_address(db, make_user, password):
    make_user("learner", login="anna")
    victim = accounts.client_key("192.168.1.30")
    for n in range(accounts.CLIENT_LIMIT):
        attacker = accounts.client_key("192.168.1.20", {"X-Forwarded-For": victim})
        with pytest.raises(AccountError):
            accounts.authenticate(db, f"login{n}", "falsch-falsch", attacker, T0)
    assert accounts.authenticate(db, "anna", password, victim, T0).login == "anna"


def test_an_attacker_cannot_keep_the_owner_locked_out(db, make_user, password):
    """The attacker fails five times and then keeps knocking every 7 seconds; the owner, from their
    own address, gets in at most BACKOFF_MAX after the attacker's latest counted failure."""
    make_user("learner", login="anna")
    for second in range(0, 14 * 60, 7):
        with pytest.raises(AccountError):
            accounts.authenticate(db, "anna", "falsch-falsch", "attacker", T0 + timedelta(seconds=second))
    last_counted = T0 + timedelta(seconds=7 * (accounts.ACCOUNT_LIMIT - 1))
    with pytest.raises(AccountError, match="warten Sie"):
        accounts.authenticate(db, "anna", password, "owner", last_counted + timedelta(seconds=1))
    owner_tries = last_counted + accounts.BACKOFF_MAX
    assert accounts.authenticate(db, "anna", password, "owner", owner_tries).login == "anna"


def test_guessing_from_many_addresses_is_slowed_down(db, make_user):
    make_user("learner", login="anna")
    checked = []
    for second in range(600):  # one attempt per second from a new address, for ten minutes
        try:
            accounts.authenticate(db, "anna", f"falsch-{second}", f"bot{second}", T0 + timedelta(seconds=second))
        except AccountError as error:
            checked += [second] if str(error) == accounts.FAILED else []
    assert len(checked) <= accounts.ACCOUNT_LIMIT + 16  # about one a minute once the backoff is full
    assert checked[-1] - checked[-2] >= accounts.BACKOFF_MAX.total_seconds()


# --- item 6: the password rule ---------------------------------------------------------------------

@pytest.mark.parametrize("weak", ["aaaaaaaaaa", " " * 10, "\u200b" * 10, "Sommer2025!", "passwort12",
                                  "Winter2024!", "Rathaus2025!", "Anna-Schmidt-1985"])
def test_guessable_passwords_are_refused_with_a_hint(db, weak, fast_passwords):
    with pytest.raises(AccountError) as info:
        accounts.create_account(db, "aschmidt", "Anna Schmidt", weak)
    assert "Tipp:" in str(info.value)


@pytest.mark.parametrize("good", ["Fahrradweg-Ampel-17", "Kaffeetasse-Rathaus-Fahrrad-Wolke",
                                  "Jürgen sagt: Löwenzahn blüht früh"])
def test_passphrases_are_accepted(db, good, fast_passwords):
    assert accounts.create_account(db, "aschmidt", "Anna Schmidt", good).login == "aschmidt"


def test_sign_up_refuses_passwort12_in_german(db, fast_passwords):
    settings = replace(load_settings({}), open_signup=True)
    with pytest.raises(AccountError, match="zu leicht zu erraten.*Tipp"):
        accounts.sign_up(db, settings, "neu", "Neu", "passwort12", "passwort12", "c")


def test_decomposed_umlauts_sign_in_like_composed_ones(db, fast_passwords):
    composed = unicodedata.normalize("NFC", "Grüße-aus-Köln-am-Rhein")
    accounts.create_account(db, "koeln", "Köln", composed)
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert accounts.authenticate(db, "koeln", decomposed, "c", T0).login == "koeln"


def test_password_check_stays_fast_on_long_input():
    started = time.perf_counter()
    passwords.password_problem("Ab1-" * 64)
    assert time.perf_counter() - started < 1.0
