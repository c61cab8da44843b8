"""Seminar live through the pages (AppTest): the trainer starts and asks, members join and answer,
the projector shows the counts only from three answers on."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lotse import live
from progress import cohorts as cohort_sql
from raw_sql import raw

pytestmark = pytest.mark.usefixtures("fast_passwords")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def room(db, make_user):
    trainer = make_user("trainer", display_name="Tina Trainerin")
    cohort = cohort_sql.insert_cohort(db, "Seminar Nord", trainer.id, "NORD1")
    members = [make_user("learner", display_name=f"Lernende {n}") for n in range(3)]
    for member in members:
        cohort_sql.add_member(db, cohort, member.id)
    return trainer, cohort, members


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "info", "success", "warning", "caption", "header",
                                               "subheader") for e in getattr(at, kind))


def test_trainer_starts_asks_and_members_answer_on_their_phones(signed_in_app, db, room):
    trainer, cohort, members = room
    at = ok(signed_in_app(trainer, page="app_pages/live.py"))
    ok(at.button(key="live-start").click().run())
    session = live.running_session(db, trainer, cohort)
    assert session is not None and session.join_code.replace(" ", "")[:3] in texts(at).replace(" ", "")
    assert any('alt="QR-Code mit dem Link zum Mitmachen' in e.proto.body for e in at.get("html")), "QR code"
    at.radio(key="live-art").set_value("single")
    at.text_input(key="live-frage").input("Wer trägt die Verantwortung?")
    at.text_area(key="live-optionen").input("* Die Kapitänin\nDer Lotse")
    ok(at.button(key="live-schnell-hinzu").click().run())
    [question] = live.questions(db, trainer, session.id)
    ok(at.button(key=f"live-oeffnen-{question.id}").click().run())

    for member, choice in zip(members, (0, 0, 1)):
        phone = ok(signed_in_app(member, page="app_pages/mitmachen.py"))
        phone.text_input(key="mitmachen-code").input(session.join_code.lower())
        ok(phone.button(key="mitmachen-los").click().run())
        assert "Wer trägt die Verantwortung?" in texts(phone)
        phone.radio(key=f"mitmachen-antwort-{question.id}").set_value(choice)
        ok(phone.button(key=f"mitmachen-antwort-{question.id}-senden").click().run())
        assert "Ihre Antwort ist angekommen" in texts(phone)
        if member is members[0]:
            beamer = ok(signed_in_app(trainer, page="app_pages/live_projektor.py",
                                      query_params={"sitzung": str(session.id)}))
            assert "Weniger als 3 Antworten" in texts(beamer)
            assert not beamer.table
    beamer = ok(signed_in_app(trainer, page="app_pages/live_projektor.py", query_params={"sitzung": str(session.id)}))
    table = beamer.table[0].value
    assert list(table["Anzahl"]) == [2, 1] and list(table.index) == ["Die Kapitänin", "Der Lotse"]
    assert all(m.display_name not in texts(beamer) for m in members)
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 3
    for page in ("app_pages/cockpit.py", "app_pages/briefing.py"):  # the cohort's record, group values only
        view = ok(signed_in_app(trainer, page=page))
        assert "1. Wer trägt die Verantwortung?" in [e.label for e in view.expander]
        assert list(view.table[-1].value["Anzahl"]) == [2, 1]


def test_a_wrong_code_gets_a_german_message(signed_in_app, room):
    phone = ok(signed_in_app(room[2][0], page="app_pages/mitmachen.py"))
    phone.text_input(key="mitmachen-code").input("XXXXXX")
    ok(phone.button(key="mitmachen-los").click().run())
    assert "Zu diesem Code läuft keine Live-Sitzung" in texts(phone)


def test_the_projector_of_another_trainers_session_is_refused(signed_in_app, db, room, make_user):
    trainer, cohort, _ = room
    session = live.start_session(db, trainer, cohort)
    other = make_user("trainer")
    beamer = ok(signed_in_app(other, page="app_pages/live_projektor.py", query_params={"sitzung": str(session.id)}))
    assert "Berechtigung" in "\n".join(e.value for e in beamer.error)
    for hostile in ("²", "1e3", "-1", "9" * 12):
        probe = ok(signed_in_app(trainer, page="app_pages/live_projektor.py", query_params={"sitzung": hostile}))
        assert "über „Seminar live“" in texts(probe)


def test_an_anonymous_participant_keeps_their_key_through_a_reload(app_env, db, room):
    """Issue 20: the anonymous key lives in the address (?teilnahme=), so a reload (a new session
    with the same address) answers as the same participant instead of a second one."""
    trainer, cohort, _ = room
    session = live.start_session(db, trainer, cohort, allow_anonymous=True)
    question_id = live.add_question(db, trainer, session.id, "single", "Wie geht es Ihnen?", "gut\nmittel")
    live.open_question(db, trainer, question_id)

    def phone(query_params: dict) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.query_params.update(query_params)
        at.run()
        at.switch_page("app_pages/mitmachen.py")
        at.query_params.update(query_params)
        return ok(at.run())

    first = phone({"code": session.join_code})
    ok(first.button(key="mitmachen-los").click().run())
    first.radio(key=f"mitmachen-antwort-{question_id}").set_value(0)
    ok(first.button(key=f"mitmachen-antwort-{question_id}-senden").click().run())
    kept = dict(first.query_params)
    assert len(kept.get("teilnahme", "")) == 22 and "Ihre Antwort ist angekommen: gut" in texts(first)

    reloaded = phone(kept)  # same address, new browser session
    assert "Ihre Antwort ist angekommen: gut" in texts(reloaded)  # rejoined as the same participant
    reloaded.radio(key=f"mitmachen-antwort-{question_id}").set_value(1)
    ok(reloaded.button(key=f"mitmachen-antwort-{question_id}-senden").click().run())
    assert raw(db).execute("SELECT COUNT(*) FROM live_answers").fetchone()[0] == 1  # changed, not doubled

    other = phone({"code": session.join_code})  # another phone, scanning the QR code: a new participant
    ok(other.button(key="mitmachen-los").click().run())
    assert other.query_params["teilnahme"] != kept["teilnahme"]
    for forged in ("", "x" * 23, "<script>", kept["teilnahme"][:-1] + "!"):
        assert live.anonymous_key(forged) != forged  # only keys of the form Lotse makes are kept
