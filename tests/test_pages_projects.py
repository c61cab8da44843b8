"""AppTest of the Projektwerkstatt (learner) and "Projekte der Kohorte" (trainer): autosave of every
step, reload, rows, ratings and matrix, board, versions, sharing, comments and answers, timeline,
downloads, bad ids, and hostile text in every field shown as text."""

from __future__ import annotations

import re
from datetime import date

from pathlib import Path

import pytest

from lotse import phases
from lotse import projects as P
from payloads import SCRIPT_PAYLOADS
from progress import cohorts as cohort_sql

ROOT = Path(__file__).resolve().parent.parent

PAGE = "app_pages/projekte.py"
TRAINER_PAGE = "app_pages/projekte_trainer.py"
NEEDS = {"needs": [
    {"group": "Bürgerinnen und Bürger", "who": "Vereine", "what": "freie Zeiten sehen", "why": "selbst planen"},
    {"group": "Kolleginnen und Kollegen", "who": "Hausmeister", "what": "aktuelle Übersicht", "why": ""},
]}


@pytest.fixture(autouse=True)
def course(small_course, app_env):
    """The small fixture course keeps these tests fast; one test below uses the real lessons."""


@pytest.fixture
def people(db, make_user):
    learner = make_user("learner", display_name="Anna Müller")
    trainer = make_user("trainer", display_name="Tom Trainer")
    cohort = cohort_sql.insert_cohort(db, "Kohorte Süd", trainer.id, "ACDEFGHJ")
    cohort_sql.add_member(db, cohort, learner.id)
    return {"learner": learner, "trainer": trainer, "cohort": cohort}


def ok(at):
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1
    return at


def k(pid: int, *parts) -> str:
    return "-".join(["projekt", str(pid), *map(str, parts)])


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def open_page(signed_in_app, user, page=PAGE, query_params=None):
    return ok(signed_in_app(user, page=page, query_params=query_params))


# --- first run ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["learner", "trainer", "admin"])
def test_learner_page_renders_for_every_role(signed_in_app, make_user, role):
    at = open_page(signed_in_app, make_user(role))
    assert at.title[0].value == "Projektwerkstatt"
    assert at.text_input(key="projekt-neu-titel").label == "Titel des Projekts"


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_trainer_page_renders_for_trainers_and_admins(signed_in_app, make_user, people, role):
    user = people["trainer"] if role == "trainer" else make_user("admin")
    at = open_page(signed_in_app, user, TRAINER_PAGE)
    assert at.title[0].value == "Projekte der Kohorte"


def test_trainer_page_is_closed_to_learners(signed_in_app, db, people, app_env):
    from streamlit.testing.v1 import AppTest

    from lotse import sessions

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        signed_in_app(people["learner"], page=TRAINER_PAGE)  # not in a learner's navigation at all
    at = AppTest.from_file(str(ROOT / TRAINER_PAGE), default_timeout=30)  # and the page checks again
    at.session_state["lotse-session-token"] = sessions.issue(db, people["learner"], app_env)
    at.run()
    assert not at.exception and not at.title
    assert [e.value for e in at.error] == ["Diese Seite ist für Ihre Rolle nicht freigegeben."]


# --- create, autosave, reload ---------------------------------------------------------------------

def test_create_a_project_and_every_step_saves_on_change(signed_in_app, db, people):
    learner = people["learner"]
    at = open_page(signed_in_app, learner)
    at.text_input(key="projekt-neu-titel").set_value("Hallenbelegung")
    at.text_input(key="projekt-neu-vorgang").set_value("Vergabe der Sporthallen")
    at.button(key="FormSubmitter:projekt-neu-Projekt anlegen").click().run()
    ok(at)
    pid = P.list_projects(db, learner)[0]["id"]
    assert at.query_params["projekt"] in (str(pid), [str(pid)])
    at.text_input(key=k(pid, "ist", "actors", 0, "name")).set_value("Hauptamt").run()
    at.text_area(key=k(pid, "ist", "pain_points")).set_value("Doppelbelegungen").run()
    at.selectbox(key=k(pid, "anforderungen", "needs", 0, "group")).set_value("Bürgerinnen und Bürger").run()
    at.text_input(key=k(pid, "anforderungen", "needs", 0, "what")).set_value("freie Zeiten sehen").run()
    at.text_input(key=k(pid, "massnahmen", "measures", 0, "title")).set_value("Gemeinsame Übersicht").run()
    at.date_input(key=k(pid, "massnahmen", "measures", 0, "due")).set_value(date(2025, 6, 30)).run()
    at.text_input(key=k(pid, "rahmen", "title")).set_value("Hallen online").run()
    ok(at)
    project = P.load_project(db, learner, pid)
    assert project.title == "Hallen online"
    assert project.steps["ist"]["actors"][0]["name"] == "Hauptamt"
    assert project.steps["ist"]["pain_points"] == "Doppelbelegungen"
    assert project.needs[0]["group"] == "Bürgerinnen und Bürger" and project.needs[0]["what"] == "freie Zeiten sehen"
    assert project.measures[0]["title"] == "Gemeinsame Übersicht" and project.measures[0]["due"] == "2025-06-30"
    assert any(re.fullmatch(r"✓ Gespeichert um \d\d:\d\d", c) for c in captions(at))
    assert "Anforderung 1: Bitte ergänzen Sie «Wer braucht es?»." in " ".join(captions(at))

    # A reload is a new session: every field shows what was stored.
    again = open_page(signed_in_app, learner, query_params={"projekt": str(pid)})
    assert again.text_input(key=k(pid, "ist", "actors", 0, "name")).value == "Hauptamt"
    assert again.text_area(key=k(pid, "ist", "pain_points")).value == "Doppelbelegungen"
    assert again.text_input(key=k(pid, "anforderungen", "needs", 0, "what")).value == "freie Zeiten sehen"
    assert again.date_input(key=k(pid, "massnahmen", "measures", 0, "due")).value == date(2025, 6, 30)
    assert again.text_input(key=k(pid, "rahmen", "title")).value == "Hallen online"


def test_rows_can_be_added_and_removed(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    P.save_step(db, learner, pid, "ist", {"actors": [{"name": "A"}, {"name": "B"}, {"name": "C"}]})
    at = open_page(signed_in_app, learner)
    at.button(key=k(pid, "ist", "actors", 1, "entfernen")).click().run()
    ok(at)
    assert [a["name"] for a in P.load_project(db, learner, pid).steps["ist"]["actors"]] == ["A", "C"]
    assert at.text_input(key=k(pid, "ist", "actors", 1, "name")).value == "C"
    at.button(key=k(pid, "ist", "actors", "neu")).click().run()
    at.text_input(key=k(pid, "ist", "actors", 2, "name")).set_value("D").run()
    ok(at)
    assert [a["name"] for a in P.load_project(db, learner, pid).steps["ist"]["actors"]] == ["A", "C", "D"]


def test_a_save_error_is_shown_and_nothing_is_stored(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    at = open_page(signed_in_app, learner)
    at.text_input(key=k(pid, "rahmen", "title")).set_value("   ").run()
    ok(at)
    assert "Nicht gespeichert: Bitte geben Sie Ihrem Projekt einen Titel." in [e.value for e in at.error]
    assert P.load_project(db, learner, pid).title == "Projekt"


def test_a_project_needs_a_title(signed_in_app, db, people):
    at = open_page(signed_in_app, people["learner"])
    at.button(key="FormSubmitter:projekt-neu-Projekt anlegen").click().run()
    ok(at)
    assert "Bitte geben Sie Ihrem Projekt einen Titel." in [e.value for e in at.error]
    assert P.list_projects(db, people["learner"]) == []


def test_deleting_needs_a_confirmation(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Weg damit").id
    at = open_page(signed_in_app, learner)
    at.button(key=k(pid, "loeschen")).click().run()
    assert any("Bitte bestätigen Sie zuerst" in e.value for e in at.error)
    assert P.list_projects(db, learner)
    at.checkbox(key=k(pid, "loeschen-ok")).check().run()
    at.button(key=k(pid, "loeschen")).click().run()
    ok(at)
    assert "Das Projekt ist gelöscht." in [s.value for s in at.success]
    assert P.list_projects(db, learner) == []


# --- prioritisation, board, versions ------------------------------------------------------------

def test_ratings_feed_the_matrix_chart_and_the_ranked_table(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    P.save_step(db, learner, pid, "anforderungen", NEEDS)
    at = open_page(signed_in_app, learner)
    for r, value in (("benefit", 5), ("effort", 2), ("urgency", 4)):
        at.selectbox(key=k(pid, "priorisierung", 1, r)).set_value(value).run()
    at.selectbox(key=k(pid, "priorisierung", 2, "benefit")).set_value(4).run()
    ok(at)
    assert P.load_project(db, learner, pid).ratings == {"1": {"benefit": 5, "effort": 2, "urgency": 4},
                                                        "2": {"benefit": 4, "effort": None, "urgency": None}}
    assert at.selectbox(key=k(pid, "priorisierung", 1, "benefit")).label == "Anforderung 1: Nutzen"
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    spec = charts[0].proto.spec
    assert "Nutzen-Aufwand-Matrix" in spec and "Aufwand (1 = sehr gering, 5 = sehr hoch)" in spec
    assert "Quick Wins (sofort angehen)" in spec and "tooltip" in spec
    ranked = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    assert ranked["Anforderung"].tolist() == ["freie Zeiten sehen", "aktuelle Übersicht"]
    assert ranked["Punkte"].tolist() == ["18", "–"] and ranked["Rang"].tolist() == ["1", "–"]
    assert ranked["Hinweis"].tolist()[1] == "Noch nicht vollständig bewertet: Aufwand, Dringlichkeit fehlen."


def test_board_lists_measures_by_status_in_words_and_moves_them(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    P.save_step(db, learner, pid, "massnahmen", {"measures": [
        {"title": "Übersicht einführen", "owner": "Frau Kühn", "due": "2025-06-30"},
        {"title": "Einweisung", "owner": "Herr Ö", "due": "2025-07-01", "status": "Erledigt"}]})
    at = open_page(signed_in_app, learner)
    markdown = [m.value for m in at.markdown]
    assert "**Offen** (1)" in markdown and "**In Arbeit** (0)" in markdown and "**Erledigt** (1)" in markdown
    assert any("Stand\\: Offen" in c and "Frau Kühn" in c for c in captions(at))
    at.button(key=k(pid, "board", "board", 1)).click().run()
    ok(at)
    assert [m["status"] for m in P.load_project(db, learner, pid).measures] == ["In Arbeit", "Erledigt"]
    assert at.selectbox(key=k(pid, "massnahmen", "measures", 0, "status")).value == "In Arbeit"


def test_version_history_restores_an_older_version(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    old = P.save_step(db, learner, pid, "ist", {"pain_points": "alte Fassung"})
    P.save_step(db, learner, pid, "ist", {"pain_points": "neue Fassung"})
    at = open_page(signed_in_app, learner)
    assert at.text_area(key=k(pid, "ist", "pain_points")).value == "neue Fassung"
    at.selectbox(key=k(pid, "ist", "restore-choice")).set_value(old.version_no).run()
    at.button(key=k(pid, "ist", "restore")).click().run()
    ok(at)
    assert P.load_project(db, learner, pid).steps["ist"]["pain_points"] == "alte Fassung"
    assert at.text_area(key=k(pid, "ist", "pain_points")).value == "alte Fassung"
    assert any(c.startswith(f"✓ Version {old.version_no} wiederhergestellt um") for c in captions(at))


def test_downloads_offer_markdown_and_pdf(signed_in_app, db, people):
    pid = P.create_project(db, people["learner"], "Hallenbelegung für Vereine").id
    at = open_page(signed_in_app, people["learner"])
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["One-Pager als Markdown herunterladen", "One-Pager als PDF herunterladen"]
    assert pid


def test_lessons_are_linked_from_every_step(signed_in_app, db, people, monkeypatch):
    from lotse.config import PROJECT_ROOT
    from lotse.content import load_catalog

    real = load_catalog(PROJECT_ROOT)
    missing = [lesson for step in P.STEPS for lesson, _, _ in P.STEP_LESSONS[step] if real.lesson(lesson) is None]
    assert missing == [], "every lesson the project steps link to is in the course"
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(PROJECT_ROOT))
    P.create_project(db, people["learner"], "Projekt")
    at = open_page(signed_in_app, people["learner"])
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    for step in P.STEPS:
        for lesson, _, label in P.STEP_LESSONS[step]:
            assert links[f"{label} lesen"] == f"id={lesson}"


def test_a_lesson_missing_from_the_course_is_named_not_linked(signed_in_app, db, people):
    P.create_project(db, people["learner"], "Projekt")
    at = open_page(signed_in_app, people["learner"])  # the fixture course has no module 6
    assert not [link for link in at.get("page_link") if "Vom Ist zur Maßnahme" in link.proto.label]
    assert "Lektion „Vom Ist zur Maßnahme“: Schritt 1 (noch nicht im Kurs verfügbar)" in captions(at)


# --- deep links -----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "99999", "1 OR 1=1", "-1"])
def test_bad_or_foreign_project_ids_get_a_friendly_message(signed_in_app, db, people, make_user, value):
    P.create_project(db, make_user("learner"), "Fremd")  # id 1 belongs to someone else
    at = open_page(signed_in_app, people["learner"], query_params={"projekt": value})
    assert P.NOT_VISIBLE in [w.value for w in at.warning]
    assert "Fremd" not in [h.value for h in at.header]


def test_another_learners_project_is_never_shown(signed_in_app, db, people, make_user):
    other = make_user("learner")
    foreign = P.create_project(db, other, "Geheimes Projekt")
    at = open_page(signed_in_app, people["learner"], query_params={"projekt": str(foreign.id)})
    assert "Geheimes Projekt" not in str([h.value for h in at.header] + [s.value for s in at.selectbox])


# --- sharing, trainer view, comments, timeline ------------------------------------------------------

def test_share_comment_and_answer_end_to_end(signed_in_app, db, people, make_user):
    learner, trainer = people["learner"], people["trainer"]
    pid = P.create_project(db, learner, "Hallenbelegung").id
    P.save_step(db, learner, pid, "anforderungen", NEEDS)

    # Private: the trainer's page lists nothing.
    at_t = open_page(signed_in_app, trainer, TRAINER_PAGE)
    assert any("Noch hat niemand" in i.value for i in at_t.info)

    at = open_page(signed_in_app, learner)
    assert at.toggle(key=k(pid, "teilen")).value is False
    at.toggle(key=k(pid, "teilen")).set_value(True).run()
    ok(at)
    assert P.can_read(db, trainer, pid)
    assert any("Geteilt mit Tom Trainer" in m.value for m in at.markdown)

    at_t = open_page(signed_in_app, trainer, TRAINER_PAGE)
    table = at_t.dataframe[0].value
    assert table["Projekt"].tolist() == ["Hallenbelegung"] and table["Teilnehmende"].tolist() == ["Anna Müller"]
    assert table["Erreicht"].tolist()[0].startswith("Schritt 2 von 4: Anforderungen")
    key = f"projekte-kohorte-{pid}-anforderungen-kommentar"
    at_t.text_area(key=key).set_value("Was brauchen die Vereine genau?")
    at_t.button(key=f"FormSubmitter:{key}-form-Rückmeldung senden").click().run()
    ok(at_t)
    assert "Ihre Rückmeldung ist gespeichert." in [s.value for s in at_t.success]
    comment_id = P.comments(db, trainer, pid)["anforderungen"][0]["id"]

    at = open_page(signed_in_app, learner)
    assert any("Was brauchen die Vereine genau?" in m.value for m in at.markdown)
    answer_key = k(pid, "anforderungen", "antwort", comment_id)
    at.text_area(key=answer_key).set_value("Freie Zeiten am Wochenende.")
    at.button(key=f"FormSubmitter:{answer_key}-form-Antwort senden").click().run()
    ok(at)
    answers = P.comments(db, learner, pid)["anforderungen"][0]["answers"]
    assert [a["body"] for a in answers] == ["Freie Zeiten am Wochenende."]

    at.toggle(key=k(pid, "teilen")).set_value(False).run()
    ok(at)
    assert not P.can_read(db, trainer, pid)
    at_t = open_page(signed_in_app, trainer, TRAINER_PAGE)
    assert not at_t.dataframe and any("Noch hat niemand" in i.value for i in at_t.info)


def test_learner_outside_any_cohort_cannot_share(signed_in_app, db, make_user):
    loner = make_user("learner")
    pid = P.create_project(db, loner, "Solo").id
    at = open_page(signed_in_app, loner)
    assert any("Teilen können Sie es, sobald Sie Mitglied einer Kohorte sind" in i.value for i in at.info)
    with pytest.raises(KeyError):
        at.toggle(key=k(pid, "teilen"))


def test_admin_not_leading_the_cohort_sees_no_projects(signed_in_app, db, people, make_user):
    pid = P.create_project(db, people["learner"], "Hallenbelegung").id
    P.share_project(db, people["learner"], pid, people["cohort"])
    at = open_page(signed_in_app, make_user("admin"), TRAINER_PAGE)
    assert any("nur die Trainerin oder der Trainer" in i.value for i in at.info)
    assert not at.dataframe or "Projekt" not in at.dataframe[0].value.columns


def test_trainer_sets_the_timeline_and_the_learner_sees_the_schedule(signed_in_app, db, people):
    trainer, learner, cohort = people["trainer"], people["learner"], people["cohort"]
    at = open_page(signed_in_app, trainer, TRAINER_PAGE)
    at.date_input(key=f"phasen-{cohort}-kickoff").set_value(date(2025, 3, 3)).run()
    at.button(key=f"phasen-{cohort}-vorschlag").click().run()
    assert at.date_input(key=f"phasen-{cohort}-4-ende").value == date(2025, 5, 4)
    at.button(key=f"phasen-{cohort}-speichern").click().run()
    ok(at)
    assert any("Der Zeitplan ist gespeichert" in s.value for s in at.success)
    stored = phases.cohort_timeline(db, trainer, cohort)
    assert stored == phases.propose_timeline(date(2025, 3, 3))

    at.date_input(key=f"phasen-{cohort}-2-seminar").set_value(date(2025, 3, 12)).run()
    at.button(key=f"phasen-{cohort}-speichern").click().run()
    assert any("Phase 2 muss nach dem Ende der Arbeitsphase 1" in e.value for e in at.error)
    assert phases.cohort_timeline(db, trainer, cohort) == stored

    P.create_project(db, learner, "Projekt")
    at_l = open_page(signed_in_app, learner)
    schedule = next(df.value for df in at_l.dataframe if "Fällig am" in df.value.columns)
    assert schedule["Schritt"].tolist() == ["Ist-Analyse", "Anforderungen", "Priorisierung", "Maßnahmen"]
    assert schedule["Fällig am"].tolist() == ["23.03.2025", "06.04.2025", "20.04.2025", "04.05.2025"]
    assert any(c.startswith("Zeitplan: Ist-Analyse: Phase 1") for c in captions(at_l))


# --- hostile text -----------------------------------------------------------------------------------

HOSTILE = SCRIPT_PAYLOADS[:3] + ["**fett** _kursiv_", "[klick](javascript:alert(1))", ":red[rot] $x^2$",
                                 "<b>fett</b>", "# Überschrift"]


def fill_everything(db, learner, pid: int, text: str) -> None:
    short = text[:P.ITEM_TEXT_MAX]
    P.save_step(db, learner, pid, "ist", {
        "actors": [{"name": short, "task": short}], "process_steps": [{"step": short, "who": short, "medium": short}],
        **{f.key: text for f in P.SPECS["ist"].texts}})
    P.save_step(db, learner, pid, "anforderungen", {
        "needs": [{"group": P.GROUPS[0], "who": short, "what": short, "why": short}], "methods": text})
    P.save_step(db, learner, pid, "priorisierung", {"ratings": {"1": {"benefit": 5, "effort": 1, "urgency": 2}},
                                                    "rationale": text})
    P.save_step(db, learner, pid, "massnahmen", {"measures": [
        {"title": short, "need": 1, "owner": text[:P.SHORT_MAX], "due": "2025-06-30", "success": short,
         "resources": short}]})


UNESCAPED = re.compile(r"(?<!\\)(<(script|img|svg|b>)|\*\*fett|\]\(javascript|:red\[|\$x)")


def assert_shown_as_text(at, text: str) -> None:
    """No element carries the payload as live markup, and the payload is still visible (escaped)."""
    shown = [re.sub(r"\\(.)", r"\1", e.value) for e in list(at.markdown) + list(at.caption) + list(at.header)]
    assert any(text[:40] in value for value in shown), text
    elements = list(at.markdown) + list(at.caption) + list(at.header) + list(at.subheader) + list(at.title)
    elements += list(at.info) + list(at.warning) + list(at.error) + list(at.success)
    for element in elements:
        assert not UNESCAPED.search(element.value), element.value
    for element in list(at.markdown) + list(at.caption):
        assert not element.proto.allow_html, element.value
    for expander in at.expander:
        assert not UNESCAPED.search(expander.label), expander.label
    assert not at.get("html") or all("lotse" in h.proto.body or "lang" in h.proto.body or "<style>" in h.proto.body
                                      for h in at.get("html"))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field_is_shown_as_text(signed_in_app, db, people, text):
    learner, trainer = people["learner"], people["trainer"]
    cohort_sql.update_cohort(db, people["cohort"], name=text[:100])
    pid = P.create_project(db, learner, text[:P.TITLE_MAX], text[:P.SUBJECT_MAX]).id
    fill_everything(db, learner, pid, text)
    P.share_project(db, learner, pid, people["cohort"])
    comment = P.add_comment(db, trainer, pid, "ist", text)
    P.answer_comment(db, learner, pid, comment, text)
    phases.set_timeline(db, trainer, people["cohort"], date(2025, 3, 3),
                        [(p.seminar_day, p.work_end) for p in phases.propose_timeline(date(2025, 3, 3)).phases])

    at = open_page(signed_in_app, learner)
    assert at.text_input(key=k(pid, "ist", "actors", 0, "name")).value == text[:P.ITEM_TEXT_MAX]
    assert_shown_as_text(at, text)
    at_t = open_page(signed_in_app, trainer, TRAINER_PAGE)
    assert at_t.dataframe[0].value["Projekt"].tolist() == [text[:P.TITLE_MAX]]
    assert_shown_as_text(at_t, text)


def test_hostile_text_typed_into_the_widgets_is_stored_and_shown_as_text(signed_in_app, db, people):
    learner = people["learner"]
    pid = P.create_project(db, learner, "Projekt").id
    at = open_page(signed_in_app, learner)
    payload = SCRIPT_PAYLOADS[1]
    at.text_input(key=k(pid, "ist", "actors", 0, "name")).set_value(payload).run()
    at.text_input(key=k(pid, "anforderungen", "needs", 0, "what")).set_value(HOSTILE[4]).run()
    at.text_input(key=k(pid, "massnahmen", "measures", 0, "title")).set_value(HOSTILE[3]).run()
    ok(at)
    project = P.load_project(db, learner, pid)
    assert project.steps["ist"]["actors"][0]["name"] == payload
    assert project.needs[0]["what"] == HOSTILE[4] and project.measures[0]["title"] == HOSTILE[3]
    assert_shown_as_text(at, HOSTILE[3])
