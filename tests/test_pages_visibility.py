"""Pages of issue 18: "Was sieht meine Trainerin?", the privacy notice made from the same policy,
the learner's opt-in, the access log as the learner sees it, the admin's warning about the
example contact address."""

from __future__ import annotations

import pytest

from lotse.analytics.learner import learner_detail
from lotse.cohorts import create_cohort
from lotse.config import load_settings
from lotse.content import load_catalog
from lotse.visibility import Level, grant_of, own_grant, policy_from, privacy_notice, statements
from progress import cohorts as cohort_sql

from cockpit_builder import write_synthetic_course

PAGE = "app_pages/sichtbarkeit.py"


def text_of(at) -> str:
    """Everything written on the page, with Markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [e.value for e in at.info] + [c.value for c in at.caption]
    return " ".join(parts).replace("\\", "")


@pytest.mark.parametrize("view", ["gruppe", "lernstand", "antworten"])
def test_privacy_notice_and_learner_page_say_what_the_policy_does(signed_in_app, make_user, monkeypatch, view):
    monkeypatch.setenv("LOTSE_TRAINER_VIEW", view)
    policy = policy_from(load_settings())
    learner = make_user("learner")
    at = signed_in_app(learner, page="app_pages/datenschutz.py")
    assert not at.exception
    notice = text_of(at)
    for line in privacy_notice(policy):
        assert line in notice
    at.switch_page(PAGE).run()
    assert not at.exception
    page = text_of(at)
    for statement in statements(grant_of(policy), policy):
        assert f"{'✓' if statement.visible else '✗'} {statement.text}" in page


def test_opt_in_and_withdrawal_change_the_page_and_the_grant(signed_in_app, make_user, db):
    learner = make_user("learner")
    at = signed_in_app(learner, page=PAGE)
    answers = next(s for s in statements(grant_of(policy_from(load_settings())), policy_from(load_settings()))
                   if s.topic == "answers")
    assert f"✗ {answers.text}" in text_of(at)
    at.radio(key="sichtbarkeit-stufe").set_value(Level.ANSWERS)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert own_grant(db, learner).answers
    assert f"✓ {answers.text}" in text_of(at)
    at.button(key="sichtbarkeit-zuruecknehmen").click().run()
    assert not own_grant(db, learner).answers
    assert f"✗ {answers.text}" in text_of(at)


def test_learner_sees_who_opened_their_detail(signed_in_app, make_user, db, tmp_path):
    catalog = load_catalog(write_synthetic_course(tmp_path / "content", lessons=1))
    trainer, learner = make_user("trainer", display_name="Trainerin Tilda"), make_user("learner")
    cohort = create_cohort(db, trainer, "Kohorte Protokoll")
    cohort_sql.add_member(db, cohort["id"], learner.id)
    learner_detail(db, trainer, cohort["id"], learner.id, catalog)
    learner_detail(db, trainer, cohort["id"], learner.id, catalog)  # a rerun is not a second look
    at = signed_in_app(learner, page=PAGE)
    assert not at.exception, at.exception
    assert at.title[0].value == "Was sieht meine Trainerin?", [i.value for i in at.info]
    table = at.dataframe[0].value  # the only table on the page
    assert list(table["Wer"]) == ["Trainerin Tilda"]
    assert list(table["Kohorte"]) == ["Kohorte Protokoll"]
    assert "Detailansicht" in table["Was"][0]


def test_admin_is_warned_while_the_contact_is_the_example(signed_in_app, make_user, monkeypatch):
    admin = make_user("admin")
    at = signed_in_app(admin, page="app_pages/verwaltung.py")
    assert any("Beispieladresse" in w.value for w in at.warning)
    monkeypatch.setenv("LOTSE_CONTACT", "datenschutz@musterstadt.de")
    from app_state import forget_loaded
    forget_loaded()
    at = signed_in_app(admin, page="app_pages/verwaltung.py")
    assert not any("Beispieladresse" in w.value for w in at.warning)
