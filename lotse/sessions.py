"""Sign-in sessions: an opaque random token in the browser, only its SHA-256 hash in the database.

The browser keeps the token in a cookie so that a reload keeps the sign-in. The token says nothing
by itself: the server looks its hash up on every page run, so signing out (revocation), an idle
timeout, the absolute lifetime and a disabled account all take effect at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta, timezone

from progress import Store

from progress import accounts_sql
from progress import sessions as store

from .config import Settings
from .identity import User

TOKEN_BYTES = 32  # 256 bits of randomness; token_urlsafe gives 43 characters
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
# last_seen_at is written at most this often, so a page run does not always write.
TOUCH_INTERVAL = timedelta(seconds=60)
# Revoked sessions are kept a day (useful when investigating), then forgotten.
KEEP_REVOKED = timedelta(days=1)


def utc(now: datetime | None = None) -> datetime:
    return now if now is not None else datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """The stored timestamp format (as progress.db.utc_now), so text comparison orders correctly."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_limit(settings: Settings) -> timedelta:
    return timedelta(minutes=settings.session_idle_minutes)


def max_age(settings: Settings) -> timedelta:
    return timedelta(days=settings.session_max_days)


def issue(db: Store, user: User, settings: Settings, now: datetime | None = None) -> str:
    """Start a session for ``user`` and return the token (shown to the browser once, never stored)."""
    moment = utc(now)
    store.prune_sessions(db, iso(moment), iso(moment - KEEP_REVOKED))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    store.insert_session(db, hash_token(token), user.id, iso(moment), iso(moment + max_age(settings)))
    return token


def validate(db: Store, token: str | None, settings: Settings, now: datetime | None = None) -> User | None:
    """The user of a live session, or None (unknown, revoked, idle too long, expired, disabled)."""
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        return None
    token_hash = hash_token(token)
    row = store.get_session_with_user(db, token_hash)
    moment = utc(now)
    if row is None or row["revoked_at"] is not None:
        return None
    last_seen = datetime.fromisoformat(row["last_seen_at"])
    if moment >= datetime.fromisoformat(row["expires_at"]) or moment - last_seen >= idle_limit(settings):
        store.revoke_session(db, token_hash, iso(moment))
        return None
    if row["user_disabled"]:
        return None
    user = User(row["user_id"], row["user_login"], row["user_display_name"], row["user_role"], False)
    if moment - last_seen >= TOUCH_INTERVAL:
        store.touch_session(db, token_hash, iso(moment))
        accounts_sql.touch_if_older(db, user.id, iso(moment), iso(moment - TOUCH_INTERVAL))
    return user


def seconds_left(db: Store, token: str, now: datetime | None = None) -> int:
    """Seconds until the absolute expiry: the cookie's Max-Age, so the browser forgets it in time."""
    row = store.get_session(db, hash_token(token)) if token else None
    if row is None:
        return 0
    return max(0, int((datetime.fromisoformat(row["expires_at"]) - utc(now)).total_seconds()))


def revoke(db: Store, token: str | None, now: datetime | None = None) -> None:
    """Sign-out: the token is dead from now on, whoever holds a copy."""
    if token:
        store.revoke_session(db, hash_token(token), iso(utc(now)))


def revoke_all(db: Store, user_id: int, now: datetime | None = None) -> int:
    """End every session of a user (password change, reset, disabling); returns how many."""
    return store.revoke_user_sessions(db, user_id, iso(utc(now)))


def still_valid(db: Store, token: str | None, user_id: int, settings: Settings,
                now: datetime | None = None) -> User | None:
    """The user again when something is produced later for a page (a download clicked minutes after
    the page was drawn): the session ``token`` must still be live and belong to ``user_id``.

    Without a token (single sign-on keeps no Lotse session) the account itself must still exist
    and not be disabled."""
    if token is not None:
        user = validate(db, token, settings, now)
        return user if user is not None and user.id == user_id else None
    from progress import users as user_store

    user = user_store.get_user(db, user_id)
    return user if user is not None and not user.disabled else None
