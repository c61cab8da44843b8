"""The first-visit choice (lotse/onboarding.py) is kept per learner, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from lotse import onboarding
from lotse.identity import PermissionDenied
from progress import selfstudy

pytestmark = pytest.mark.both_engines


def test_the_choice_is_kept_changed_and_forgotten(db, make_user):
    learner, other = make_user("learner"), make_user("learner")
    assert selfstudy.onboarding_choice(db, learner.id) is None
    onboarding.choose(db, learner, "skipped")
    assert selfstudy.onboarding_choice(db, learner.id) == "skipped"
    onboarding.choose(db, learner, "placement")  # revisited: the new choice replaces the old one
    assert selfstudy.onboarding_choice(db, learner.id) == "placement"
    assert selfstudy.onboarding_choice(db, other.id) is None
    onboarding.choose(db, learner, None)
    assert selfstudy.onboarding_choice(db, learner.id) is None
    with pytest.raises(ValueError):
        onboarding.choose(db, learner, "irgendwas")


def test_a_disabled_account_cannot_choose(db, make_user):
    from dataclasses import replace

    learner = make_user("learner")
    with pytest.raises(PermissionDenied):
        onboarding.choose(db, replace(learner, disabled=True), "skipped")
