"""Issue 20, item 4: ids in links are ASCII digits or nothing; no page ever shows a traceback."""

from __future__ import annotations

import logging
import re
import tomllib
from pathlib import Path

import pytest

from lotse.cohorts import create_cohort
from lotse.ids import is_ascii_number, parse_id
from lotse.projects.storage import create_project

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.usefixtures("small_course")  # ids in links, not content
HOSTILE_IDS = ["²", "٣", "１２", "1²", "-1", "1e3", "9" * 30, "0x10", "", " ", "１"]
COHORT_PAGES = ["cockpit", "fragenanalyse", "teilnehmende", "briefing", "projekte_trainer", "kohorten"]


@pytest.mark.parametrize("raw, expected", [("7", 7), (" 42 ", 42), ("000123", 123), ("123456789", 123456789),
                                           *[(h, None) for h in HOSTILE_IDS], (None, None), (7, None)])
def test_parse_id_takes_only_ascii_digits(raw, expected):
    assert parse_id(raw) == expected


def test_is_ascii_number():
    assert is_ascii_number("12") and not is_ascii_number("²") and not is_ascii_number("")


@pytest.mark.parametrize("page", COHORT_PAGES)
@pytest.mark.parametrize("raw", ["²", "１２"])
def test_unicode_digits_in_cohort_links_do_not_crash(signed_in_app, make_user, db, page, raw):
    trainer = make_user("trainer")
    create_cohort(db, trainer, "Kohorte Nord")
    at = signed_in_app(trainer, page=f"app_pages/{page}.py", query_params={"kohorte": raw})
    assert not at.exception
    assert not [e for e in at.error if "Fehlernummer" in e.value]


@pytest.mark.parametrize("raw", ["²", "１２"])
def test_unicode_digits_in_project_links_do_not_crash(signed_in_app, make_user, db, raw):
    learner = make_user("learner")
    create_project(db, learner, "Sporthallen online vergeben")
    at = signed_in_app(learner, page="app_pages/projekte.py", query_params={"projekt": raw})
    assert not at.exception
    assert not [e for e in at.error if "Fehlernummer" in e.value]


def test_a_failing_page_shows_a_german_message_with_a_reference_in_the_log(signed_in_app, make_user, db,
                                                                            monkeypatch, caplog):
    trainer = make_user("trainer")

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/lotse/data")

    monkeypatch.setattr("ui.cockpit.trainer_cohorts", broken)
    with caplog.at_level(logging.ERROR, logger="lotse.failure"):
        at = signed_in_app(trainer, page="app_pages/cockpit.py")
    assert not at.exception  # no traceback element
    [message] = [e.value for e in at.error]
    assert "schiefgegangen" in message and "secret internals" not in message
    reference = re.search(r"Fehlernummer (L-[0-9A-F]{8})", message).group(1)
    assert any(reference in record.getMessage() and record.exc_info for record in caplog.records)


def test_streamlit_never_shows_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
