"""The signed-in user of this browser session, the page guard, and the sign-in cookie.

A reload starts a new Streamlit session with empty session state, so the sign-in lives in a cookie:
``lotse_session`` holds only an opaque random token; the database holds its SHA-256 hash with idle
and absolute expiry (lotse.sessions). Streamlit cannot set cookies from Python, so a tiny script
(st.html with JavaScript) writes or clears the cookie in the browser; ``st.context.cookies``
reads it when a session starts. Signing out revokes the token on the server, so a copy of the
cookie is worthless afterwards.

Deep links: a signed-out visitor of ``/lektion?id=...`` lands on the sign-in page; the page remembers
where they wanted to go (``remember_requested_page``) and ``require`` takes them there after sign-in.
"""

from __future__ import annotations

import json
import os
import re
from urllib.parse import urlsplit

import streamlit as st

from lotse import sessions
from lotse.accounts import client_key, trusted_networks
from lotse.config import DEFAULT_BASE_URL
from lotse.identity import User

from .context import settings, store
from .escape import md_escape

COOKIE_NAME = "lotse_session"
TOKEN_KEY = "lotse-session-token"
RETURN_KEY = "lotse-return"
NOTICE_KEY = "lotse-notice"
_EXPIRES_KEY = "lotse-session-expires"
_SIGNED_OUT_KEY = "lotse-signed-out"  # signed out in this browser session: no SSO auto sign-in
_IGNORE_COOKIE_KEY = "lotse-cookie-ignored"  # the cookie's token is dead (or signed out): clear it
_RETURN_SEEN_KEY = "lotse-return-seen"
_SSO_NOTICE_KEY = "lotse-sso-notice"
_RUN_USER_KEY = "lotse-run-user"  # the user app.py resolved at the start of the current run
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# Query parameters that belong to the sign-in page itself and are not carried to the target page.
_SIGN_IN_PARAMS = ("invite",)


# --- what the browser sent ---------------------------------------------------------------------

def cookie_token() -> str | None:
    """The session token the browser sent when this session connected (tests monkeypatch this)."""
    try:
        value = st.context.cookies.get(COOKIE_NAME)
    except Exception:  # no browser (bare mode) or an older Streamlit
        return None
    return value if isinstance(value, str) and value else None


def browser_url() -> str | None:
    """The address the browser asked for when the session started (tests monkeypatch this)."""
    try:
        value = st.context.url
    except Exception:
        return None
    return value if isinstance(value, str) else None


def public_base_url() -> str:
    """The address for links people are handed (invites, certificate checks): LOTSE_BASE_URL when
    it is set, otherwise the address this browser used, so links work on any host and port
    without configuration (the default http://localhost:8501 only as a last resort)."""
    config = settings()
    if config.base_url != DEFAULT_BASE_URL:
        return config.base_url
    parts = urlsplit(browser_url() or "")
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return config.base_url


def client() -> str:
    """The client address for sign-in throttling (see lotse.accounts.client_key)."""
    try:
        ip, headers = st.context.ip_address, st.context.headers.to_dict()
    except Exception:
        return "local"
    return client_key(ip if isinstance(ip, str) else None, headers if isinstance(headers, dict) else None,
                      trusted_networks(settings().trusted_proxies))


# --- resolving the user ------------------------------------------------------------------------

def _adopt(token: str) -> User | None:
    user = sessions.validate(store(), token, settings())
    if user is not None and (st.session_state.get(TOKEN_KEY) != token or _EXPIRES_KEY not in st.session_state):
        st.session_state[TOKEN_KEY] = token
        st.session_state[_EXPIRES_KEY] = sessions.seconds_left(store(), token)
    return user


def _resolve() -> User | None:
    state = st.session_state
    token = state.get(TOKEN_KEY)
    if token is None and not state.get(_IGNORE_COOKIE_KEY):
        token = cookie_token()
    if token:
        user = _adopt(token)
        if user is not None:
            return user
        state.pop(TOKEN_KEY, None)
        state[_IGNORE_COOKIE_KEY] = True  # revoked, expired or unknown: do not try it again
    return _sso_user()


def current_user() -> User | None:
    """The signed-in user, or None. app.py calls it once per run; this call also keeps the cookie in sync.

    Pages use ``require`` (or ``signed_in_user`` where signing in is optional), which do not write
    the cookie script a second time.
    """
    user = _resolve()
    _sync_cookie(user)
    st.session_state[_RUN_USER_KEY] = user
    return user


def signed_in_user() -> User | None:
    """The signed-in user or None, without touching the cookie (for pages open to everyone).

    Pages run right after app.py in the same script run, so they take the user app.py resolved
    instead of checking the session in the database a second time; a page run on its own resolves.
    """
    state = st.session_state
    return state[_RUN_USER_KEY] if _RUN_USER_KEY in state else _resolve()


def _cookie_script(token: str | None, max_age: int) -> str:
    value = f"{COOKIE_NAME}={token or ''}; Path=/; SameSite=Strict; Max-Age={max_age if token else 0}"
    # Secure when the page came over https (the browser knows; behind a proxy the server may not).
    return ("<script>document.cookie = " + json.dumps(value)
            + " + (location.protocol === 'https:' ? '; Secure' : '');</script>")


def _sync_cookie(user: User | None) -> None:
    token = st.session_state.get(TOKEN_KEY)
    if user is not None and token:
        script = _cookie_script(token, int(st.session_state.get(_EXPIRES_KEY) or 0))
    elif cookie_token() is not None or st.session_state.get(_IGNORE_COOKIE_KEY):
        script = _cookie_script(None, 0)
    else:
        return
    st.html(script, unsafe_allow_javascript=True)


def sign_in(user: User) -> None:
    """Start a server-side session for ``user``; the next run writes the cookie. Call st.rerun() after."""
    old = st.session_state.get(TOKEN_KEY)
    _forget_page_state()
    sessions.revoke(store(), old)
    token = sessions.issue(store(), user, settings())
    st.session_state[TOKEN_KEY] = token
    st.session_state[_EXPIRES_KEY] = sessions.seconds_left(store(), token)


def sign_out(notice: str | None = None) -> None:
    """Revoke the session on the server, forget this browser session's state and clear the cookie.

    ``notice`` is shown once on the sign-in page (e.g. "Sie wurden abgemeldet."). Call st.rerun() after.
    """
    sessions.revoke(store(), st.session_state.get(TOKEN_KEY))
    for key in list(st.session_state.keys()):
        del st.session_state[key]  # a shared computer: the next person sees nothing of this one
    st.session_state[_SIGNED_OUT_KEY] = st.session_state[_IGNORE_COOKIE_KEY] = True
    if notice:
        st.session_state[NOTICE_KEY] = notice
    st.query_params.clear()
    if _sso_logged_in():
        st.logout()  # redirects to the provider's sign-out; a rerun now could drop that message
        st.stop()


def _forget_page_state() -> None:
    """Drop widget values and page state of the previous user (keeps the deep-link target)."""
    for key in list(st.session_state.keys()):
        if key not in (RETURN_KEY, _RETURN_SEEN_KEY, NOTICE_KEY):
            del st.session_state[key]


def pop_notice() -> str | None:
    """A message left for the next page run (after sign-in/sign-out), shown once."""
    return st.session_state.pop(NOTICE_KEY, None)


def set_notice(text: str) -> None:
    st.session_state[NOTICE_KEY] = text


# --- single sign-on (optional) -----------------------------------------------------------------

def sso_configured() -> bool:
    """True only when .streamlit/secrets.toml has an [auth] section (no secrets file = False)."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def _sso_logged_in() -> bool:
    if not sso_configured():
        return False
    try:
        return bool(st.user.get("is_logged_in"))
    except Exception:
        return False


def sso_config():
    from lotse.sso import load_config

    try:
        section = st.secrets.get("lotse_sso", {})
    except Exception:
        section = {}
    return load_config(section, os.environ)


def sso_provider() -> str | None:
    from lotse.sso import login_provider

    try:
        auth = st.secrets.get("auth", {})
    except Exception:
        auth = {}
    return login_provider(auth, sso_config())


def _sso_user() -> User | None:
    """The Lotse user behind Streamlit's OIDC identity cookie, if any (refusals are remembered)."""
    if not _sso_logged_in() or st.session_state.get(_SIGNED_OUT_KEY):
        return None
    from lotse.sso import SsoRefused, identity_from_claims, sign_in_sso

    try:
        return sign_in_sso(store(), identity_from_claims(dict(st.user.to_dict()), sso_config()))
    except SsoRefused as refusal:
        st.session_state[_SSO_NOTICE_KEY] = str(refusal)
        return None


def sso_notice() -> str | None:
    """Why a directory sign-in was refused (shown on the sign-in page)."""
    return st.session_state.get(_SSO_NOTICE_KEY)


# --- deep links --------------------------------------------------------------------------------

def remember_requested_page() -> None:
    """On the sign-in page: note the page and parameters the visitor originally asked for (once)."""
    if st.session_state.get(_RETURN_SEEN_KEY):
        return
    st.session_state[_RETURN_SEEN_KEY] = True
    path = urlsplit(browser_url() or "").path.rstrip("/")
    page = path.rpartition("/")[2]
    if not _SLUG.match(page) or page in ("anmelden",):
        return
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in _SIGN_IN_PARAMS}
    st.session_state[RETURN_KEY] = {"page": page, "params": params}


def requested_page() -> dict | None:
    return st.session_state.get(RETURN_KEY)


def _registered_pages() -> tuple[dict[str, str], str | None]:
    """(url path -> page file of the pages registered in this run, url path of the running page).

    Streamlit has no public API for this; the internals are guarded: if they change, the only
    loss is that the visitor lands on the start page instead of the deep link.
    """
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        root = os.path.dirname(os.path.abspath(ctx.main_script_path))
        pages = ctx.pages_manager.get_pages()
        current = pages.get(ctx.pages_manager.current_page_script_hash, {}).get("url_pathname")
        return ({info.get("url_pathname", ""): os.path.relpath(info["script_path"], root)
                 for info in pages.values() if info.get("script_path")}, current)
    except Exception:
        return {}, None


def _follow_return() -> None:
    """After sign-in, go to the page the visitor wanted (if their role may see it)."""
    target = st.session_state.pop(RETURN_KEY, None)
    if not target:
        return
    pages, current = _registered_pages()
    page = pages.get(target["page"])
    if page is None or target["page"] == current:
        return  # not a page of this role, gone, or already there: stay
    st.switch_page(page, query_params=target.get("params") or None)


# --- the page guard ----------------------------------------------------------------------------

def require(*roles: str) -> User:
    """Stop the page with a plain message unless a user with one of ``roles`` is signed in."""
    user = signed_in_user()
    if user is None:
        st.warning("Bitte melden Sie sich an, um diese Seite zu sehen.")
        try:
            st.page_link("app_pages/anmelden.py", label="Zur Anmeldung", icon="🔑")
        except Exception:  # the sign-in page is not registered in this navigation
            pass
        st.stop()
    _follow_return()
    notice = pop_notice()
    if notice:
        st.info(md_escape(notice))
    offer_invite(user)
    _sidebar_sign_out(user)
    if roles and user.role not in roles:
        st.error("Diese Seite ist für Ihre Rolle nicht freigegeben.")
        st.stop()
    return user


def _sign_out_from_sidebar() -> None:
    sign_out("Sie wurden abgemeldet.")


def _sidebar_sign_out(user: User) -> None:
    """Who is signed in, and "Abmelden" on every page (it was only in „Mein Konto“)."""
    with st.sidebar:
        st.caption(md_escape(f"Angemeldet als {user.display_name}"))
        st.button("Abmelden", key="sidebar-abmelden", icon=":material/logout:", on_click=_sign_out_from_sidebar)


def offer_invite(user: User) -> None:
    """A signed-in learner who opens an invite link (``?invite=CODE``) can join with one click."""
    code = st.query_params.get("invite")
    if not code:
        return
    from lotse.cohorts import CohortError, enrol, invite_preview

    preview = invite_preview(store(), code)
    if preview is None or user.role != "learner":
        del st.query_params["invite"]
        st.warning("Dieser Einladungslink ist ungültig oder nicht mehr aktiv." if preview is None
                   else "Einladungslinks sind für Lernende gedacht; Ihr Konto hat eine andere Rolle.")
        return
    with st.container(border=True):
        st.markdown(f"**Einladung in die Kohorte „{md_escape(preview['name'])}“**")
        if st.button("Kohorte beitreten", key="invite-join", type="primary"):
            try:
                _, new = enrol(store(), user, code)
            except CohortError as error:
                st.error(str(error))
                return
            del st.query_params["invite"]
            st.success("Sie sind der Kohorte beigetreten." if new else "Sie sind bereits Mitglied dieser Kohorte.")


