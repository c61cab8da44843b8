"""Issue 20, item 3: a download button left open delivers nothing once the session behind it
has ended (signed out elsewhere, disabled); files with personal data are built only when clicked."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from lotse import accounts, sessions
from cockpit_builder import write_synthetic_course
from lotse.content import load_catalog
from lotse.demo import ensure_demo
from lotse.identity import PermissionDenied
from progress.users import get_user, get_user_by_login

# page, download button key, role
DOWNLOADS = [
    ("app_pages/teilnehmende.py", "teilnehmende-attempts-csv", "trainer"),
    ("app_pages/cockpit.py", "cockpit-matrix-csv", "trainer"),
    ("app_pages/briefing.py", "briefing-pdf", "trainer"),
    ("app_pages/briefing.py", "briefing-md", "trainer"),
    ("app_pages/fragenanalyse.py", "fragenanalyse-csv", "trainer"),
    ("app_pages/konto.py", "konto-export", "learner"),
    ("app_pages/reflexion.py", "reflexion-export-md", "learner"),
    ("app_pages/reflexion.py", "reflexion-export-json", "learner"),
]


@pytest.fixture
def deferred(monkeypatch):
    """file id -> the callable Streamlit keeps for a download button, to run when it is clicked."""
    kept: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def recording(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        kept[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return kept


def button(at, key: str):
    return next(b for b in at.get("download_button") if b.proto.id.endswith(f"-{key}"))


def click(at, key: str, kept: dict) -> object:
    """What the browser would receive when the button is clicked: Streamlit runs the callable on
    a thread of its own, without the session's state."""
    proto = button(at, key).proto
    assert proto.deferred_file_id, f"{key}: the file was built when the page was drawn, not when clicked"
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(kept[proto.deferred_file_id]).result()


@pytest.fixture
def people(db, app_env, tmp_path, monkeypatch, make_user, fast_passwords):
    """The demo cohort (learners with attempts) on a small synthetic course, and an admin."""
    content = write_synthetic_course(tmp_path / "content", lessons=3)
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(content))
    result = ensure_demo(db, app_env, load_catalog(content))
    return {"trainer": get_user_by_login(db, "trainerin.demo"), "learner": get_user(db, result.learner_ids[0]),
            "admin": make_user("admin")}


@pytest.mark.parametrize("page, key, role", DOWNLOADS)
def test_download_is_built_when_clicked_while_the_session_holds(signed_in_app, people, deferred, page, key, role):
    at = signed_in_app(people[role], page=page)
    assert not at.exception
    assert click(at, key, deferred)


@pytest.mark.parametrize("page, key, role", DOWNLOADS)
def test_download_refused_after_signing_out_elsewhere(signed_in_app, db, people, deferred, page, key, role):
    at = signed_in_app(people[role], page=page)
    sessions.revoke_all(db, people[role].id)  # signed out in another browser, or the password changed
    with pytest.raises(PermissionDenied, match="nicht mehr möglich"):
        click(at, key, deferred)


@pytest.mark.parametrize("page, key, role", DOWNLOADS[:1] + DOWNLOADS[5:6])
def test_download_refused_after_the_account_was_disabled(signed_in_app, db, people, deferred, page, key, role):
    at = signed_in_app(people[role], page=page)
    accounts.set_disabled(db, people["admin"], people[role].id, True)
    with pytest.raises(PermissionDenied, match="nicht mehr möglich"):
        click(at, key, deferred)


def test_konto_export_belongs_to_the_session_owner(signed_in_app, people, deferred):
    at = signed_in_app(people["learner"], page="app_pages/konto.py")
    data = json.loads(click(at, "konto-export", deferred))
    assert people["learner"].login in json.dumps(data)
