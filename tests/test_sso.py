"""Single sign-on: configuration, the pure claims -> role/identity mapping, and storing the user."""

from __future__ import annotations

import pytest

from lotse import sso
from lotse.sso import SsoConfig, SsoRefused

KEYCLOAK = {"is_logged_in": True, "iss": "https://id.stadt.de/realms/rathaus", "sub": "f3a1-77",
            "preferred_username": "m.schulz", "name": "Maria Schulz", "email": "m.schulz@stadt.de",
            "email_verified": True, "groups": ["lotse-trainer", "amt-32"],
            "realm_access": {"roles": ["offline_access", "lotse-admin"]}}


def claims(**changes):
    data = dict(KEYCLOAK)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_load_config_from_secrets_with_env_override():
    section = {"role_claim": "realm_access.roles", "admin_groups": ["lotse-admin"], "trainer_groups": "a, b",
               "allowed_domains": ["Stadt.DE"], "default_role": "none", "unknown_key": 1}
    config = sso.load_config(section, {"LOTSE_SSO_TRAINER_GROUPS": "x,y", "LOTSE_SSO_ADMIN_EMAILS": "Chef@Stadt.de"})
    assert config.role_claim == "realm_access.roles"
    assert config.admin_groups == {"lotse-admin"} and config.trainer_groups == {"x", "y"}
    assert config.allowed_domains == {"stadt.de"} and config.admin_emails == {"chef@stadt.de"}
    assert config.default_role is None


def test_defaults_without_any_configuration():
    config = sso.load_config(None, {})
    assert config == SsoConfig()
    assert config.default_role == "learner"


@pytest.mark.parametrize("config, data, role", [
    (SsoConfig(), claims(), "learner"),
    (SsoConfig(trainer_groups=frozenset({"lotse-trainer"})), claims(), "trainer"),
    (SsoConfig(trainer_groups=frozenset({"lotse-trainer"}), admin_groups=frozenset({"lotse-admin"})), claims(),
     "trainer"),  # lotse-admin is in realm_access.roles, not in groups
    (SsoConfig(role_claim="realm_access.roles", admin_groups=frozenset({"lotse-admin"})), claims(), "admin"),
    (SsoConfig(role_claim="roles"), claims(roles="lotse-trainer lotse-x"), "learner"),
    (SsoConfig(role_claim="roles", trainer_groups=frozenset({"lotse-x"})), claims(roles="lotse-trainer lotse-x"),
     "trainer"),
    (SsoConfig(admin_emails=frozenset({"m.schulz@stadt.de"})), claims(), "admin"),
    (SsoConfig(admin_emails=frozenset({"m.schulz@stadt.de"})), claims(email_verified=False), "learner"),
    (SsoConfig(allowed_domains=frozenset({"stadt.de"})), claims(), "learner"),
    (SsoConfig(allowed_domains=frozenset({"kreis.de"})), claims(), None),
    (SsoConfig(allowed_domains=frozenset({"stadt.de"})), claims(email_verified=False), None),
    (SsoConfig(allowed_domains=frozenset({"stadt.de"})), claims(email="x@evil-stadt.de"), None),
    (SsoConfig(default_role=None), claims(), None),
    (SsoConfig(default_role=None, trainer_groups=frozenset({"lotse-trainer"})), claims(), "trainer"),
    (SsoConfig(learner_groups=frozenset({"lotse-lernende"})), claims(), None),
    (SsoConfig(learner_groups=frozenset({"amt-32"})), claims(), "learner"),
    (SsoConfig(role_claim="does.not.exist", trainer_groups=frozenset({"x"})), claims(), "learner"),
])
def test_role_for(config, data, role):
    assert sso.role_for(data, config) == role


def test_identity_from_claims():
    identity = sso.identity_from_claims(claims(), SsoConfig())
    assert identity.subject == "https://id.stadt.de/realms/rathaus|f3a1-77"
    assert (identity.login, identity.display_name, identity.role) == ("m.schulz", "Maria Schulz", "learner")


@pytest.mark.parametrize("data", [claims(sub=None), claims(is_logged_in=False), {}])
def test_identity_needs_a_subject(data):
    with pytest.raises(SsoRefused):
        sso.identity_from_claims(data, SsoConfig())


def test_refused_identity_gets_a_german_message():
    with pytest.raises(SsoRefused, match="nicht freigeschaltet"):
        sso.identity_from_claims(claims(), SsoConfig(default_role=None))


@pytest.mark.parametrize("data, login", [
    (claims(preferred_username="Jürgen Weiß"), "jürgen-weiß"),
    (claims(preferred_username=None), "m.schulz"),
    (claims(preferred_username=None, email=None), "sso-nutzer"),
    (claims(preferred_username="ab"), "sso-ab"),
    (claims(preferred_username="<script>x</script>"), "script-x-script"),
    (claims(preferred_username="x" * 200), "x" * 60),
])
def test_login_proposal_is_a_valid_login(data, login):
    from lotse.accounts import login_problem

    identity = sso.identity_from_claims(data, SsoConfig())
    assert identity.login == login and login_problem(identity.login) is None


def test_display_name_falls_back_and_is_limited():
    assert sso.identity_from_claims(claims(name=None), SsoConfig()).display_name == "m.schulz"
    assert len(sso.identity_from_claims(claims(name="ä" * 300), SsoConfig()).display_name) == 80


@pytest.mark.parametrize("auth, config, provider", [
    ({"redirect_uri": "r", "client_id": "c"}, SsoConfig(), None),
    ({"redirect_uri": "r", "keycloak": {"client_id": "c"}}, SsoConfig(), "keycloak"),
    ({"redirect_uri": "r", "a": {}, "b": {}}, SsoConfig(), None),
    ({"redirect_uri": "r", "a": {}, "b": {}}, SsoConfig(provider="b"), "b"),
    (None, SsoConfig(), None),
])
def test_login_provider(auth, config, provider):
    assert sso.login_provider(auth, config) == provider


# --- storing -----------------------------------------------------------------------------------

def test_first_sign_in_creates_the_user_and_later_ones_follow_the_directory(db):
    config = SsoConfig(trainer_groups=frozenset({"lotse-trainer"}))
    user = sso.sign_in_sso(db, sso.identity_from_claims(claims(), config))
    assert (user.login, user.role, user.display_name) == ("m.schulz", "trainer", "Maria Schulz")
    again = sso.sign_in_sso(db, sso.identity_from_claims(claims(groups=[], name="Maria Schulz-Berg"), config))
    assert again.id == user.id and again.role == "learner" and again.display_name == "Maria Schulz-Berg"


def test_a_local_account_with_the_same_login_is_not_taken_over(db, make_user):
    local = make_user("admin", login="m.schulz")
    user = sso.sign_in_sso(db, sso.identity_from_claims(claims(), SsoConfig()))
    assert user.id != local.id and user.login == "m.schulz-2" and user.role == "learner"


def test_a_disabled_sso_user_is_refused(db):
    from progress.users import set_disabled

    user = sso.sign_in_sso(db, sso.identity_from_claims(claims(), SsoConfig()))
    set_disabled(db, user.id, True)
    with pytest.raises(SsoRefused, match="gesperrt"):
        sso.sign_in_sso(db, sso.identity_from_claims(claims(), SsoConfig()))


def test_sso_users_cannot_sign_in_with_a_password(db):
    from lotse.accounts import AccountError, authenticate

    sso.sign_in_sso(db, sso.identity_from_claims(claims(), SsoConfig()))
    with pytest.raises(AccountError):
        authenticate(db, "m.schulz", "", "c")
