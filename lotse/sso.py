"""Single sign-on: map an OpenID Connect identity (Streamlit's ``st.user``) to a Lotse user.

Streamlit does the OIDC part (``st.login``, configured under ``[auth]`` in .streamlit/secrets.toml).
Here we decide, from configuration only, which role the person gets and whether they may sign in
at all. The mapping is pure (``identity_from_claims``); ``sign_in_sso`` stores the result.

Configuration: the ``[lotse_sso]`` table in secrets.toml, each key overridable by an environment
variable ``LOTSE_SSO_<KEY>`` (lists comma-separated). See docs/sso.md.

* ``role_claim`` (default ``groups``): claim holding group or role names; dotted paths reach nested
  claims (``realm_access.roles`` in Keycloak). A list or a space/comma separated string.
* ``admin_groups``, ``trainer_groups``, ``learner_groups``: claim values granting the role.
* ``admin_emails``, ``trainer_emails``: e-mail allow-lists (only used when the e-mail is verified).
* ``allowed_domains``: if set, only verified e-mail addresses of these domains may sign in.
* ``default_role``: role for everyone else who may sign in: ``learner`` (default) or ``none``
  (= refuse people who are on no list).

Accounts are matched by the provider's subject (issuer + ``sub``), never by login or e-mail: a
local account is not taken over because the directory knows someone with the same name.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from progress import Conflict, Store

from progress import accounts_sql
from progress import users as user_store

from .identity import ROLES, User

_KEYS = ("role_claim", "admin_groups", "trainer_groups", "learner_groups", "admin_emails", "trainer_emails",
         "allowed_domains", "default_role", "provider")
_LIST_KEYS = {"admin_groups", "trainer_groups", "learner_groups", "admin_emails", "trainer_emails",
              "allowed_domains"}
REFUSED = ("Ihr Dienstkonto ist für Lotse nicht freigeschaltet. Bitte wenden Sie sich an die "
           "Administration.")
DISABLED = "Dieses Konto ist gesperrt. Bitte wenden Sie sich an die Administration."


class SsoRefused(Exception):
    """This identity may not use Lotse; the message is German."""


@dataclass(frozen=True)
class SsoConfig:
    role_claim: str = "groups"
    admin_groups: frozenset[str] = frozenset()
    trainer_groups: frozenset[str] = frozenset()
    learner_groups: frozenset[str] = frozenset()
    admin_emails: frozenset[str] = frozenset()
    trainer_emails: frozenset[str] = frozenset()
    allowed_domains: frozenset[str] = frozenset()
    default_role: str | None = "learner"
    provider: str | None = None


@dataclass(frozen=True)
class SsoIdentity:
    subject: str
    login: str  # a proposal; made unique when the account is created
    display_name: str
    email: str
    role: str


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[,\s]+", value) if v]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)]


def load_config(section: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> SsoConfig:
    """Settings from the secrets table ``[lotse_sso]``, overridden by ``LOTSE_SSO_*`` variables."""
    env = os.environ if environ is None else environ
    merged: dict[str, Any] = {k: v for k, v in dict(section or {}).items() if k in _KEYS}
    for key in _KEYS:
        value = env.get(f"LOTSE_SSO_{key.upper()}")
        if value is not None and value.strip():
            merged[key] = value.strip()
    values: dict[str, Any] = {}
    for key, value in merged.items():
        if key in _LIST_KEYS:
            values[key] = frozenset(v.strip().lower() if "email" in key or "domain" in key else v.strip()
                                    for v in _as_list(value))
        else:
            values[key] = str(value).strip()
    role = str(values.get("default_role", "learner")).lower()
    values["default_role"] = role if role in ROLES else None  # "none" or anything unknown: refuse
    values["provider"] = values.get("provider") or None
    return SsoConfig(**values)


def login_provider(auth_section: Mapping[str, Any] | None, config: SsoConfig) -> str | None:
    """Which ``st.login(provider)`` to call: configured, the only named provider, or the default."""
    if config.provider:
        return config.provider
    named = [k for k, v in dict(auth_section or {}).items() if isinstance(v, Mapping)]
    return named[0] if len(named) == 1 and "client_id" not in (auth_section or {}) else None


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _verified_email(claims: Mapping[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    return email if email and claims.get("email_verified") is not False else ""


def role_for(claims: Mapping[str, Any], config: SsoConfig) -> str | None:
    """The role these claims grant (admin > trainer > learner), or None = may not sign in."""
    email = _verified_email(claims)
    if config.allowed_domains and email.rpartition("@")[2] not in config.allowed_domains:
        return None
    groups = set(_as_list(_claim(claims, config.role_claim)))
    if groups & config.admin_groups or (email and email in config.admin_emails):
        return "admin"
    if groups & config.trainer_groups or (email and email in config.trainer_emails):
        return "trainer"
    if config.learner_groups:
        return "learner" if groups & config.learner_groups else None
    return config.default_role


def _login_proposal(claims: Mapping[str, Any]) -> str:
    raw = str(claims.get("preferred_username") or str(claims.get("email") or "").partition("@")[0] or "")
    text = unicodedata.normalize("NFKC", raw).lower()
    text = re.sub(r"[^\w.@-]+", "-", text).strip("-")[:60]
    if len(text) < 3:
        text = f"sso-{text}" if text else "sso-nutzer"
    return text


def _directory_name(text: str) -> str:
    """The directory's name cleaned like a typed one; empty when it cannot be used (then the login)."""
    from .accounts import NAME_MAX, AccountError, clean_display_name

    try:
        return clean_display_name(" ".join(text[:NAME_MAX * 4].split())[:NAME_MAX])
    except AccountError:
        return ""


def identity_from_claims(claims: Mapping[str, Any], config: SsoConfig) -> SsoIdentity:
    """Pure mapping of ``st.user`` to who signs in with which role; SsoRefused if not allowed."""
    if not claims.get("is_logged_in", True) or not claims.get("sub"):
        raise SsoRefused("Die Anmeldung über das Dienstkonto hat keine Kennung geliefert.")
    role = role_for(claims, config)
    if role is None:
        raise SsoRefused(REFUSED)
    subject = f"{claims.get('iss', '')}|{claims['sub']}"[:300]
    name = _directory_name(str(claims.get("name") or claims.get("preferred_username") or ""))
    login = _login_proposal(claims)
    return SsoIdentity(subject, login, name or login, str(claims.get("email") or "")[:254], role)


def sign_in_sso(db: Store, identity: SsoIdentity) -> User:
    """The Lotse user for this identity: created on first sign-in; role and name follow the directory."""
    user = user_store.get_user_by_sso(db, identity.subject)
    if user is None:
        return _create(db, identity)
    if user.disabled:
        raise SsoRefused(DISABLED)
    if user.role != identity.role:
        user_store.set_role(db, user.id, identity.role)
    if user.display_name != identity.display_name:
        user_store.set_display_name(db, user.id, identity.display_name)
    user_store.touch_user(db, user.id)
    return user_store.get_user(db, user.id)


def _create(db: Store, identity: SsoIdentity) -> User:
    for n in range(1, 1000):
        login = identity.login if n == 1 else f"{identity.login[:58]}-{n}"
        if accounts_sql.login_taken(db, login):
            continue
        try:
            return user_store.insert_user(db, login, identity.display_name, identity.role,
                                          sso_subject=identity.subject)
        except Conflict:  # a parallel first sign-in of the same person
            existing = user_store.get_user_by_sso(db, identity.subject)
            if existing is not None:
                return existing
    raise SsoRefused("Für dieses Dienstkonto konnte kein Login vergeben werden.")
