"""The signed-in user of this browser session, and the page guard.

Minimal version; the accounts work replaces the storage with a revocable, hashed
session token kept in a cookie so that a reload keeps the sign-in.
"""

from __future__ import annotations

import streamlit as st

from lotse.identity import User
from progress.users import get_user

from .context import db

_KEY = "lotse-user-id"


def current_user() -> User | None:
    user_id = st.session_state.get(_KEY)
    if user_id is None:
        return None
    user = get_user(db(), user_id)
    if user is None or user.disabled:
        st.session_state.pop(_KEY, None)
        return None
    return user


def sign_in(user: User) -> None:
    st.session_state[_KEY] = user.id


def sign_out() -> None:
    st.session_state.pop(_KEY, None)


def require(*roles: str) -> User:
    """Stop the page with a plain message unless a user with one of ``roles`` is signed in."""
    user = current_user()
    if user is None:
        st.warning("Bitte melden Sie sich an, um diese Seite zu sehen.")
        st.stop()
    if roles and user.role not in roles:
        st.error("Diese Seite ist für Ihre Rolle nicht freigegeben.")
        st.stop()
    return user
