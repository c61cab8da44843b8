"""The session-token layer behind "a reload keeps me signed in": issue, validate, expiry, revocation."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from lotse import sessions
from lotse.config import load_settings
from progress.users import set_disabled
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings():
    return replace(load_settings({}), session_idle_minutes=30, session_max_days=2)


def test_token_is_random_opaque_and_only_its_hash_is_stored(db, make_user, settings):
    user = make_user("learner")
    tokens = {sessions.issue(db, user, settings, T0) for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 43 for t in tokens)
    stored = {r["token_hash"] for r in raw(db).query("SELECT token_hash FROM sessions")}
    assert stored == {sessions.hash_token(t) for t in tokens}
    assert not stored & tokens
    assert all(user.login not in t for t in tokens)  # nothing about the user in the token


def test_valid_token_gives_the_user(db, make_user, settings):
    user = make_user("trainer")
    token = sessions.issue(db, user, settings, T0)
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=5)) == user


@pytest.mark.parametrize("token", [None, "", "x", "not a token!", "A" * 500, 42, sessions.hash_token("abc")[:40]])
def test_garbage_tokens_are_refused(db, settings, token):
    assert sessions.validate(db, token, settings, T0) is None


def test_idle_expiry_with_injected_clock(db, make_user, settings):
    token = sessions.issue(db, make_user(), settings, T0)
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=29)) is not None
    # activity at +29 minutes moved the idle window: +58 is still fine
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=58)) is not None
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=58 + 30)) is None
    # and once expired it stays dead even if time were to "go back"
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=60)) is None


def test_activity_is_recorded_at_most_once_a_minute(db, make_user, settings):
    token = sessions.issue(db, make_user(), settings, T0)
    sessions.validate(db, token, settings, T0 + timedelta(seconds=30))
    row = next(raw(db).query("SELECT last_seen_at FROM sessions"))
    assert row["last_seen_at"] == sessions.iso(T0)
    sessions.validate(db, token, settings, T0 + timedelta(seconds=90))
    row = next(raw(db).query("SELECT last_seen_at FROM sessions"))
    assert row["last_seen_at"] == sessions.iso(T0 + timedelta(seconds=90))


def test_absolute_expiry_even_when_active(db, make_user, settings):
    token = sessions.issue(db, make_user(), settings, T0)
    moment = T0
    while moment < T0 + timedelta(days=2) - timedelta(minutes=20):
        moment += timedelta(minutes=20)
        assert sessions.validate(db, token, settings, moment) is not None
    assert sessions.validate(db, token, settings, T0 + timedelta(days=2)) is None


def test_sign_out_revokes_the_token_for_every_copy(db, make_user, settings):
    user = make_user()
    token = sessions.issue(db, user, settings, T0)
    other = sessions.issue(db, user, settings, T0)  # the same person in another browser
    sessions.revoke(db, token, T0 + timedelta(minutes=1))
    assert sessions.validate(db, token, settings, T0 + timedelta(minutes=2)) is None
    assert sessions.validate(db, other, settings, T0 + timedelta(minutes=2)) == user


def test_revoke_all_ends_every_session_of_that_user_only(db, make_user, settings):
    alice, bob = make_user(), make_user()
    a1, a2 = sessions.issue(db, alice, settings, T0), sessions.issue(db, alice, settings, T0)
    b1 = sessions.issue(db, bob, settings, T0)
    assert sessions.revoke_all(db, alice.id, T0) == 2
    assert sessions.validate(db, a1, settings, T0) is None and sessions.validate(db, a2, settings, T0) is None
    assert sessions.validate(db, b1, settings, T0) == bob


def test_disabled_user_has_no_session(db, make_user, settings):
    user = make_user()
    token = sessions.issue(db, user, settings, T0)
    set_disabled(db, user.id, True)
    assert sessions.validate(db, token, settings, T0) is None


def test_old_sessions_are_pruned_when_new_ones_start(db, make_user, settings):
    user = make_user()
    old = sessions.issue(db, user, settings, T0)
    sessions.revoke(db, old, T0)
    sessions.issue(db, user, settings, T0 + timedelta(days=3))
    assert raw(db).execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1


def test_cookie_lifetime_matches_the_absolute_expiry(db, make_user, settings):
    token = sessions.issue(db, make_user(), settings, T0)
    assert sessions.seconds_left(db, token, T0) == 2 * 86400
    assert sessions.seconds_left(db, token, T0 + timedelta(days=1)) == 86400
    assert sessions.seconds_left(db, "unknown-token", T0) == 0


def test_deleting_the_user_deletes_the_sessions(db, make_user, settings):
    user = make_user()
    sessions.issue(db, user, settings, T0)
    raw(db).execute("DELETE FROM users WHERE id = ?", [user.id])
    assert raw(db).execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 0
