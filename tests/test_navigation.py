"""Navigation by role: deep links while signed out, and addresses outside one's role."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("small_course")  # navigation, not content


def _titles(at) -> list[str]:
    return [t.value for t in at.title]


@pytest.mark.parametrize("target", ["app_pages/lektion.py", "app_pages/cockpit.py", "app_pages/konto.py"])
def test_signed_out_deep_link_shows_sign_in(app_env, target):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page(target)
    at.run()
    assert not at.exception
    assert _titles(at) == ["Anmelden"]


@pytest.mark.parametrize("role, target, allowed", [
    ("learner", "app_pages/cockpit.py", False),
    ("learner", "app_pages/verwaltung.py", False),
    ("trainer", "app_pages/verwaltung.py", False),
    ("trainer", "app_pages/cockpit.py", True),
    ("admin", "app_pages/verwaltung.py", True),
])
def test_pages_outside_the_role_are_not_registered(make_user, signed_in_app, role, target, allowed):
    """Outside one's role the page script is not in the navigation at all (its address shows
    "Kein Zugriff"; the browser test checks that address)."""
    user = make_user(role)
    at = signed_in_app(user)
    if allowed:
        at.switch_page(target)
        at.run()
        assert not at.exception and "Kein Zugriff" not in _titles(at)
    else:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(target)
