"""Projektwerkstatt core: canvas save/load, validation, versions, ranking, quadrants, progress,
sharing, comments and privacy (no core function hands an unshared project to anyone but its owner)."""

from __future__ import annotations

import json

import pytest

from lotse import projects as P
from lotse.identity import PermissionDenied
from progress import cohorts as cohort_sql
from progress import projects as store
from progress.users import delete_user
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

IST = {"actors": [{"name": "Hauptamt", "task": "prüft freie Zeiten"}, {"name": "Hausmeister"}],
       "process_steps": [{"step": "Anfrage per Telefon", "who": "Verein", "medium": "Telefon"},
                         {"step": "Eintrag in Tabelle", "who": "Hauptamt", "medium": "Excel"}],
       "media_breaks": "Telefon → Tabelle → Kalender", "pain_points": "Doppelbelegungen; Rückrufe dauern"}
NEEDS = {"needs": [
    {"group": "Bürgerinnen und Bürger", "who": "Vereine", "what": "freie Hallenzeiten sehen", "why": "selbst planen"},
    {"group": "Kolleginnen und Kollegen", "who": "Hausmeister", "what": "aktuelle Übersicht", "why": "Schlüssel bereitlegen"},
    {"group": "Kolleginnen und Kollegen", "who": "Sachbearbeitung", "what": "nur einmal eintragen", "why": ""},
]}


@pytest.fixture
def people(db, make_user):
    """A learner in a cohort led by a trainer; a second trainer, a second learner and an admin."""
    learner = make_user("learner", display_name="Anna Müller")
    trainer = make_user("trainer", display_name="Tom Trainer")
    cohort = cohort_sql.insert_cohort(db, "Kohorte Süd", trainer.id, "ACDEFGHJ")
    cohort_sql.add_member(db, cohort, learner.id)
    other_trainer = make_user("trainer")
    other_cohort = cohort_sql.insert_cohort(db, "Kohorte Nord", other_trainer.id, "ACDEFGHK")
    cohort_sql.add_member(db, other_cohort, learner.id)
    return {"learner": learner, "trainer": trainer, "cohort": cohort, "other_trainer": other_trainer,
            "other_cohort": other_cohort, "other_learner": make_user("learner"), "admin": make_user("admin")}


@pytest.fixture
def project(db, people):
    return P.create_project(db, people["learner"], "Hallenbelegung", "Vergabe der Sporthallen")


# --- canvas save and load ---------------------------------------------------------------------

def test_new_project_has_empty_steps_and_a_first_version(db, people, project):
    assert project.title == "Hallenbelegung" and project.subject == "Vergabe der Sporthallen"
    assert project.owner_name == "Anna Müller" and not project.readonly
    assert project.steps == {s: P.empty_content(s) for s in P.STEPS}
    assert [v.note for v in P.versions(db, people["learner"], project.id, "rahmen")] == ["Projekt angelegt"]
    assert P.reached_step(project.steps) is None


def test_steps_round_trip_through_the_database(db, people, project):
    learner = people["learner"]
    P.save_step(db, learner, project.id, "ist", IST)
    P.save_step(db, learner, project.id, "anforderungen", NEEDS)
    P.save_step(db, learner, project.id, "priorisierung", {"ratings": {"1": {"benefit": 5, "effort": 2, "urgency": 4}},
                                                          "rationale": "Online-Buchung später"})
    P.save_step(db, learner, project.id, "massnahmen", {"measures": [
        {"title": "Gemeinsame Übersicht", "need": 1, "owner": "Sachgebietsleitung", "due": "2025-06-30",
         "status": "In Arbeit"}]})
    loaded = P.load_project(db, learner, project.id)
    assert [a["name"] for a in loaded.steps["ist"]["actors"]] == ["Hauptamt", "Hausmeister"]
    assert loaded.steps["ist"]["media_breaks"] == "Telefon → Tabelle → Kalender"
    assert [n["id"] for n in loaded.needs] == [1, 2, 3]
    assert loaded.ratings == {"1": {"benefit": 5, "effort": 2, "urgency": 4}}
    assert loaded.measures[0] | {"id": 0} == {"id": 0, "title": "Gemeinsame Übersicht", "need": 1,
                                             "owner": "Sachgebietsleitung", "due": "2025-06-30",
                                             "status": "In Arbeit", "success": "", "resources": ""}
    assert set(loaded.saved) == set(P.SECTIONS)


def test_basics_change_the_title_and_are_versioned(db, people, project):
    P.save_basics(db, people["learner"], project.id, "  Hallen   online ", "")
    assert P.load_project(db, people["learner"], project.id).title == "Hallen online"
    assert [v.summary for v in P.versions(db, people["learner"], project.id, "rahmen")] == [
        "Titel: Hallen online", "Titel: Hallenbelegung"]


def test_list_projects_shows_only_own_projects_with_step_reached(db, people, project):
    P.save_step(db, people["learner"], project.id, "anforderungen", NEEDS)
    P.create_project(db, people["other_learner"], "Fremdes Projekt")
    mine = P.list_projects(db, people["learner"])
    assert [p["title"] for p in mine] == ["Hallenbelegung"]
    assert mine[0]["reached"] == "anforderungen" and mine[0]["shared"] is False


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize("step, content, message", [
    ("rahmen", {"title": "   "}, "Bitte geben Sie Ihrem Projekt einen Titel."),
    ("rahmen", {"title": "x" * (P.TITLE_MAX + 1)}, f"«Titel» darf höchstens {P.TITLE_MAX} Zeichen lang sein"),
    ("ist", {"pain_points": "x" * (P.LONG_MAX + 1)}, f"«Schmerzpunkte» darf höchstens {P.LONG_MAX} Zeichen"),
    ("ist", {"actors": [{"name": "y" * (P.ITEM_TEXT_MAX + 1)}]}, "«Beteiligte 1: Wer ist beteiligt?"),
    ("ist", {"actors": [{"name": str(i)} for i in range(31)]}, "«Beteiligte»: höchstens 30 Einträge."),
    ("ist", {"actors": "kein Liste"}, "«Beteiligte»: ungültige Eingabe."),
    ("anforderungen", {"needs": [{"group": "Touristen", "what": "x"}]}, "bitte einen der Werte"),
    ("priorisierung", {"ratings": {"1": {"benefit": 6}}}, "«Nutzen»: bitte eine Zahl von 1 bis 5"),
    ("priorisierung", {"ratings": {"1": {"effort": "viel"}}}, "«Aufwand»: bitte eine Zahl von 1 bis 5"),
    ("priorisierung", {"ratings": {"1": {"urgency": True}}}, "«Dringlichkeit»: bitte eine Zahl"),
    ("massnahmen", {"measures": [{"title": "x", "due": "31.02.2025"}]}, "bitte ein Datum"),
    ("massnahmen", {"measures": [{"title": "x", "status": "Fertig"}]}, "Offen, In Arbeit, Erledigt"),
    ("unbekannt", {}, "Unbekannter Schritt."),
])
def test_invalid_input_is_refused_with_a_german_message(db, people, project, step, content, message):
    with pytest.raises(P.ProjectError, match=message.replace("(", r"\(").replace("?", r"\?")):
        P.save_step(db, people["learner"], project.id, step, content)
    assert P.load_project(db, people["learner"], project.id).steps == {s: P.empty_content(s) for s in P.STEPS}


def test_incomplete_entries_are_kept_with_a_hint_and_empty_ones_dropped(db, people, project):
    result = P.save_step(db, people["learner"], project.id, "anforderungen", {"needs": [
        {"group": "", "who": "", "what": "", "why": ""},
        {"group": "Bürgerinnen und Bürger", "who": "Vereine", "what": "", "why": "planen"},
    ]})
    assert result.hints == ["Anforderung 1: Bitte ergänzen Sie «Was wird gebraucht?»."]
    needs = P.load_project(db, people["learner"], project.id).needs
    assert [(n["who"], n["what"]) for n in needs] == [("Vereine", "")]


def test_text_is_normalised_but_umlauts_and_line_breaks_stay(db, people, project):
    P.save_step(db, people["learner"], project.id, "ist", {
        "actors": [{"name": "  Bürger\tbüro  ", "task": "A\x00B"}], "pain_points": "Zeile 1  \r\nA\u0308rger 2\n"})
    ist = P.load_project(db, people["learner"], project.id).steps["ist"]
    assert ist["actors"][0]["name"] == "Bürger büro" and ist["actors"][0]["task"] == "AB"
    assert ist["pain_points"] == "Zeile 1\nÄrger 2"


def test_ids_of_deleted_needs_are_never_reused(db, people, project):
    learner = people["learner"]
    P.save_step(db, learner, project.id, "anforderungen", NEEDS)
    kept = P.load_project(db, learner, project.id).needs[:2]  # need 3 deleted
    P.save_step(db, learner, project.id, "anforderungen", {"needs": kept + [{"who": "Neu", "what": "neu"}]})
    assert [n["id"] for n in P.load_project(db, learner, project.id).needs] == [1, 2, 4]


def test_stored_content_that_no_longer_validates_is_still_shown(db, people, project, monkeypatch):
    P.save_step(db, people["learner"], project.id, "ist", {"pain_points": "x" * 50})
    monkeypatch.setattr(P, "LONG_MAX", 10)
    monkeypatch.setitem(P.SPECS, "ist", P.StepSpec(texts=(P.Field("pain_points", "Schmerzpunkte", 10, "long"),)))
    assert P.load_project(db, people["learner"], project.id).steps["ist"]["pain_points"] == "x" * 50


# --- versions ---------------------------------------------------------------------------------

def test_every_change_is_a_version_and_an_unchanged_save_is_not(db, people, project):
    learner = people["learner"]
    first = P.save_step(db, learner, project.id, "ist", {"pain_points": "eins"})
    again = P.save_step(db, learner, project.id, "ist", {"pain_points": " eins "})
    second = P.save_step(db, learner, project.id, "ist", {"pain_points": "zwei"})
    assert first.changed and not again.changed and second.changed
    assert again.version_no == first.version_no < second.version_no
    history = P.versions(db, learner, project.id, "ist")
    assert [v.content["pain_points"] for v in history] == ["zwei", "eins"]
    assert history[0].summary.endswith("ausgefüllt: Schmerzpunkte")


def test_restore_brings_an_older_version_back_as_a_new_version(db, people, project):
    learner = people["learner"]
    old = P.save_step(db, learner, project.id, "ist", IST)
    P.save_step(db, learner, project.id, "ist", {"pain_points": "alles neu"})
    restored = P.restore_version(db, learner, project.id, old.version_no)
    loaded = P.load_project(db, learner, project.id)
    assert loaded.steps["ist"]["pain_points"] == IST["pain_points"]
    assert loaded.saved["ist"].version_no == restored.version_no > old.version_no
    history = P.versions(db, learner, project.id, "ist")
    assert history[0].note == f"Wiederhergestellt aus Version {old.version_no}"
    assert [v.content["pain_points"] for v in history] == [IST["pain_points"], "alles neu", IST["pain_points"]]


def test_restoring_the_title_updates_the_project_row(db, people, project):
    learner = people["learner"]
    first = P.versions(db, learner, project.id, "rahmen")[0].version_no
    P.save_basics(db, learner, project.id, "Neuer Titel", "")
    P.restore_version(db, learner, project.id, first)
    assert P.list_projects(db, learner)[0]["title"] == "Hallenbelegung"


@pytest.mark.parametrize("version", [999, "abc", None, -1])
def test_restoring_an_unknown_version_is_a_friendly_error(db, people, project, version):
    with pytest.raises(P.ProjectError, match="Diese Version gibt es nicht"):
        P.restore_version(db, people["learner"], project.id, version)


def test_old_versions_beyond_the_limit_are_pruned(db, people, project):
    for n in range(8):
        store.save_step(db, project.id, "ist", json.dumps({"pain_points": str(n)}), "", f"2025-01-01T00:00:0{n}", keep=5)
    kept = store.versions_of(db, project.id, "ist")
    assert [json.loads(v["content"])["pain_points"] for v in kept] == ["7", "6", "5", "4", "3"]
    assert store.current_steps(db, project.id)["ist"]["content"] == json.dumps({"pain_points": "7"})


# --- ranking (pure) ---------------------------------------------------------------------------

def need(i: int, what: str | None = None) -> dict:
    return {"id": i, "group": "", "who": "", "what": what or f"Bedarf {i}", "why": ""}


def rate(b, e, u) -> dict:
    return {"benefit": b, "effort": e, "urgency": u}


def test_score_formula_and_its_range():
    assert P.priority_score(5, 1, 5) == 20 and P.priority_score(1, 5, 1) == 4
    assert P.priority_score(4, 2, 3) == 2 * 4 + 3 + (6 - 2)


def test_ranking_orders_by_score():
    needs = [need(1), need(2), need(3)]
    ranked = P.rank_needs(needs, {"1": rate(2, 4, 2), "2": rate(5, 1, 5), "3": rate(4, 3, 3)})
    assert [(r.rank, r.need_id, r.score) for r in ranked] == [(1, 2, 20), (2, 3, 14), (3, 1, 8)]
    assert all(r.note == "" for r in ranked)


@pytest.mark.parametrize("ratings, order, note", [
    # same score 13: benefit decides (4 > 3)
    ({"1": rate(3, 1, 2), "2": rate(4, 3, 2)}, [2, 1], "dort ist der Nutzen höher (4 statt 3)."),
    # same score and benefit: the lower effort wins
    ({"1": rate(4, 3, 4), "2": rate(4, 2, 3)}, [2, 1], "dort ist der Aufwand geringer (2 statt 3)."),
    # identical ratings: the order of the needs decides
    ({"1": rate(3, 3, 3), "2": rate(3, 3, 3)}, [1, 2], "gleich bewertet, die Reihenfolge der Anforderungen entscheidet."),
])
def test_ties_are_broken_deterministically_and_explained(ratings, order, note):
    ranked = P.rank_needs([need(1), need(2)], ratings)
    assert ranked[0].score == ranked[1].score
    assert [r.need_id for r in ranked] == order
    assert ranked[0].note == ""
    assert ranked[1].note == f"Punktgleich mit Rang 1 („Bedarf {order[0]}“): {note}"


def test_ranking_does_not_depend_on_the_order_of_the_ratings():
    needs = [need(i) for i in range(1, 6)]
    ratings = {"1": rate(3, 3, 3), "2": rate(4, 2, 1), "3": rate(3, 3, 3), "4": rate(5, 5, 5), "5": rate(2, 1, 4)}
    reordered = dict(reversed(list(ratings.items())))
    assert P.rank_needs(needs, ratings) == P.rank_needs(needs, reordered)


def test_missing_ratings_go_last_in_list_order_with_a_note():
    needs = [need(1), need(2), need(3), need(4)]
    ranked = P.rank_needs(needs, {"2": rate(1, 5, 1), "3": {"benefit": 5, "effort": 1}, "4": rate(2, 2, 2)})
    assert [(r.rank, r.need_id) for r in ranked] == [(1, 4), (2, 2), (None, 1), (None, 3)]
    assert ranked[2].note == "Noch nicht vollständig bewertet: Nutzen, Aufwand, Dringlichkeit fehlen."
    assert ranked[3].note == "Noch nicht vollständig bewertet: Dringlichkeit fehlt."
    assert ranked[3].quadrant == P.QUADRANTS["quick_wins"]  # benefit and effort suffice for the matrix
    assert ranked[2].quadrant is None and ranked[2].score is None


def test_ratings_of_deleted_needs_are_ignored():
    assert [r.need_id for r in P.rank_needs([need(2)], {"1": rate(5, 1, 5), "2": rate(1, 1, 1)})] == [2]


@pytest.mark.parametrize("benefit, effort, key", [
    (5, 1, "quick_wins"), (3, 2, "quick_wins"), (3, 3, "grosse_vorhaben"), (5, 5, "grosse_vorhaben"),
    (1, 1, "lueckenfueller"), (2, 2, "lueckenfueller"), (2, 3, "zurueckstellen"), (1, 5, "zurueckstellen"),
])
def test_quadrants_split_at_three(benefit, effort, key):
    assert P.quadrant(benefit, effort) is P.QUADRANTS[key]


def test_quadrant_names_follow_lesson_6_2():
    from pathlib import Path

    lesson = (Path(__file__).resolve().parent.parent / "lessons" / f"{P.LESSON_ID}.md")
    figure = lesson.parent / "images" / "nutzen-aufwand-matrix.svg"
    assert figure.exists(), figure
    text = figure.read_text(encoding="utf-8")
    for q in P.QUADRANTS.values():
        assert q.name in text and q.action in text


def test_matrix_groups_list_needs_per_field_in_rank_order():
    ranked = P.rank_needs([need(1), need(2), need(3)], {"1": rate(4, 1, 1), "2": rate(5, 2, 5), "3": rate(1, 4, None)})
    groups = P.matrix_groups(ranked)
    assert [r.need_id for r in groups["quick_wins"]] == [2, 1]
    assert [r.need_id for r in groups["zurueckstellen"]] == [3]
    assert groups["grosse_vorhaben"] == [] and groups["lueckenfueller"] == []


# --- progress ---------------------------------------------------------------------------------

def test_step_progress_and_reached_step(db, people, project):
    learner = people["learner"]
    P.save_step(db, learner, project.id, "ist", {"actors": [{"name": "Hauptamt"}]})
    steps = P.load_project(db, learner, project.id).steps
    assert P.step_progress(steps) == {"ist": "begonnen", "anforderungen": "leer", "priorisierung": "leer",
                                      "massnahmen": "leer"}
    P.save_step(db, learner, project.id, "ist", IST)
    P.save_step(db, learner, project.id, "anforderungen", NEEDS)
    P.save_step(db, learner, project.id, "priorisierung", {"ratings": {"1": rate(5, 2, 4), "2": rate(3, 1, 3)}})
    steps = P.load_project(db, learner, project.id).steps
    assert P.step_progress(steps)["priorisierung"] == "begonnen"  # need 3 still unrated
    assert P.reached_step(steps) == "priorisierung"
    P.save_step(db, learner, project.id, "priorisierung", {"ratings": {"1": rate(5, 2, 4), "2": rate(3, 1, 3),
                                                                       "3": rate(2, 2, 2)}})
    steps = P.load_project(db, learner, project.id).steps
    assert P.step_progress(steps) == {"ist": "vollständig", "anforderungen": "vollständig",
                                      "priorisierung": "vollständig", "massnahmen": "leer"}
    assert P.reached_label(steps) == "Schritt 3 von 4: Priorisierung (vollständig; 3 von 4 vollständig)"


# --- sharing, comments and privacy ------------------------------------------------------------

def test_private_by_default_and_shared_only_with_the_chosen_cohorts_trainer(db, people, project):
    trainer, other = people["trainer"], people["other_trainer"]
    assert not P.can_read(db, trainer, project.id)
    P.share_project(db, people["learner"], project.id, people["cohort"])
    assert P.can_read(db, trainer, project.id) and not P.can_read(db, other, project.id)
    view = P.load_project(db, trainer, project.id)
    assert view.readonly and view.title == "Hallenbelegung"
    assert [p["title"] for p in P.shared_projects(db, trainer, people["cohort"])] == ["Hallenbelegung"]
    assert P.shared_projects(db, other, people["other_cohort"]) == []
    P.unshare_project(db, people["learner"], project.id)
    assert not P.can_read(db, trainer, project.id)
    assert P.shared_projects(db, trainer, people["cohort"]) == []


def test_sharing_is_only_possible_with_own_cohorts(db, people, project, make_user):
    stranger = make_user("trainer")
    foreign = cohort_sql.insert_cohort(db, "Fremd", stranger.id, "ACDEFGHM")
    with pytest.raises(P.ProjectError, match="Ihrer Kohorten"):
        P.share_project(db, people["learner"], project.id, foreign)
    with pytest.raises(P.ProjectError):
        P.share_project(db, people["learner"], project.id, "1; DROP TABLE projects")
    with pytest.raises(PermissionDenied):
        P.share_project(db, people["other_learner"], project.id, people["cohort"])


def test_leaving_the_cohort_ends_the_trainers_access(db, people, project):
    P.share_project(db, people["learner"], project.id, people["cohort"])
    cohort_sql.remove_member(db, people["cohort"], people["learner"].id)
    assert not P.can_read(db, people["trainer"], project.id)
    assert P.shared_projects(db, people["trainer"], people["cohort"]) == []


def denied_calls(db, project_id: int, cohort_id: int):
    """Every core function that reads or changes a project, as (name, call(actor))."""
    return [
        ("load_project", lambda a: P.load_project(db, a, project_id)),
        ("save_step", lambda a: P.save_step(db, a, project_id, "ist", {"pain_points": "fremd"})),
        ("save_basics", lambda a: P.save_basics(db, a, project_id, "fremd", "")),
        ("versions", lambda a: P.versions(db, a, project_id, "ist")),
        ("restore_version", lambda a: P.restore_version(db, a, project_id, 1)),
        ("delete_project", lambda a: P.delete_project(db, a, project_id)),
        ("share_project", lambda a: P.share_project(db, a, project_id, cohort_id)),
        ("unshare_project", lambda a: P.unshare_project(db, a, project_id)),
        ("comments", lambda a: P.comments(db, a, project_id)),
        ("add_comment", lambda a: P.add_comment(db, a, project_id, "ist", "Hallo")),
        ("answer_comment", lambda a: P.answer_comment(db, a, project_id, 1, "Hallo")),
    ]


@pytest.mark.parametrize("who", ["trainer", "other_trainer", "other_learner", "admin"])
def test_nobody_but_the_owner_reaches_an_unshared_project_through_any_core_function(db, people, project, who):
    learner = people["learner"]
    P.save_step(db, learner, project.id, "ist", IST)
    P.share_project(db, learner, project.id, people["cohort"])
    P.add_comment(db, people["trainer"], project.id, "ist", "Gut beobachtet")
    P.unshare_project(db, learner, project.id)
    actor = people[who]
    for name, call in denied_calls(db, project.id, people["cohort"]):
        with pytest.raises(PermissionDenied):
            call(actor)
            pytest.fail(f"{name} let {who} through")
    assert not P.can_read(db, actor, project.id)
    assert all(p["id"] != project.id for p in P.list_projects(db, actor))
    if who in ("trainer", "admin"):
        for cohort in (people["cohort"], people["other_cohort"]):
            try:
                assert P.shared_projects(db, actor, cohort) == []
            except PermissionDenied:
                pass
    still = P.load_project(db, learner, project.id)
    assert still.steps["ist"]["pain_points"] == IST["pain_points"] and still.title == "Hallenbelegung"


@pytest.mark.parametrize("who", ["other_trainer", "other_learner", "admin"])
def test_a_shared_project_is_still_closed_to_everyone_but_the_cohorts_trainer(db, people, project, who):
    P.share_project(db, people["learner"], project.id, people["cohort"])
    for name, call in denied_calls(db, project.id, people["cohort"]):
        with pytest.raises(PermissionDenied):
            call(people[who])
            pytest.fail(f"{name} let {who} through")


def test_the_trainer_reads_but_never_writes_and_never_sees_versions(db, people, project):
    P.share_project(db, people["learner"], project.id, people["cohort"])
    trainer = people["trainer"]
    for call in (lambda: P.save_step(db, trainer, project.id, "ist", {"pain_points": "x"}),
                 lambda: P.versions(db, trainer, project.id, "ist"),
                 lambda: P.restore_version(db, trainer, project.id, 1),
                 lambda: P.delete_project(db, trainer, project.id),
                 lambda: P.unshare_project(db, trainer, project.id)):
        with pytest.raises(PermissionDenied):
            call()


def test_an_admin_leading_the_cohort_is_its_trainer(db, people, project):
    admin = people["admin"]
    cohort_sql.update_cohort(db, people["cohort"], trainer_id=admin.id)
    P.share_project(db, people["learner"], project.id, people["cohort"])
    assert P.load_project(db, admin, project.id).readonly
    assert not P.can_read(db, people["trainer"], project.id)  # the former trainer no longer


def test_admin_not_leading_the_cohort_cannot_list_its_projects(db, people):
    with pytest.raises(PermissionDenied, match="nur die Trainerin oder der Trainer"):
        P.shared_projects(db, people["admin"], people["cohort"])


def test_comments_per_step_with_answers_in_one_thread(db, people, project):
    learner, trainer = people["learner"], people["trainer"]
    P.share_project(db, learner, project.id, people["cohort"])
    first = P.add_comment(db, trainer, project.id, "ist", "Wer zählt die Fälle?")
    P.add_comment(db, trainer, project.id, "massnahmen", "Bitte Termine ergänzen.")
    reply = P.answer_comment(db, learner, project.id, first, "Das Hauptamt, ab Montag.")
    P.answer_comment(db, trainer, project.id, reply, "Prima.")  # an answer to an answer stays in the thread
    threads = P.comments(db, learner, project.id)
    assert [t["body"] for t in threads["ist"]] == ["Wer zählt die Fälle?"]
    assert [(a["body"], a["by_owner"]) for a in threads["ist"][0]["answers"]] == [
        ("Das Hauptamt, ab Montag.", True), ("Prima.", False)]
    assert [t["body"] for t in threads["massnahmen"]] == ["Bitte Termine ergänzen."]
    assert P.comments(db, trainer, project.id) == threads


def test_only_the_trainer_starts_comments_and_bodies_are_validated(db, people, project):
    learner, trainer = people["learner"], people["trainer"]
    P.share_project(db, learner, project.id, people["cohort"])
    with pytest.raises(PermissionDenied):
        P.add_comment(db, learner, project.id, "ist", "Selbstgespräch")
    with pytest.raises(P.ProjectError, match="Bitte schreiben Sie einen Text"):
        P.add_comment(db, trainer, project.id, "ist", "   ")
    with pytest.raises(P.ProjectError, match="höchstens 2000 Zeichen"):
        P.add_comment(db, trainer, project.id, "ist", "x" * 2001)
    with pytest.raises(P.ProjectError, match="Unbekannter Schritt"):
        P.add_comment(db, trainer, project.id, "nirgends", "Hallo")
    other = P.create_project(db, learner, "Zweites Projekt")
    comment = P.add_comment(db, trainer, project.id, "ist", "Hallo")
    with pytest.raises(P.ProjectError, match="Diesen Kommentar gibt es nicht"):
        P.answer_comment(db, learner, other.id, comment, "falsches Projekt")


def test_the_learner_still_sees_comments_after_unsharing(db, people, project):
    P.share_project(db, people["learner"], project.id, people["cohort"])
    P.add_comment(db, people["trainer"], project.id, "ist", "Hinweis")
    P.unshare_project(db, people["learner"], project.id)
    assert [t["body"] for t in P.comments(db, people["learner"], project.id)["ist"]] == ["Hinweis"]


def test_deleting_the_account_deletes_projects_versions_and_comments(db, people, project):
    P.save_step(db, people["learner"], project.id, "ist", IST)
    P.share_project(db, people["learner"], project.id, people["cohort"])
    P.add_comment(db, people["trainer"], project.id, "ist", "Hinweis")
    delete_user(db, people["learner"].id)
    for table in ("projects", "project_steps", "project_versions", "project_comments"):
        assert raw(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table


def test_a_disabled_owner_is_refused(db, people, project):
    from dataclasses import replace

    with pytest.raises(PermissionDenied):
        P.load_project(db, replace(people["learner"], disabled=True), project.id)


@pytest.mark.parametrize("project_id", [0, -3, "abc", None, "1 OR 1=1", 10**12])
def test_unknown_or_malformed_ids_give_the_same_friendly_refusal(db, people, project_id):
    with pytest.raises(PermissionDenied, match="Dieses Projekt gibt es nicht"):
        P.load_project(db, people["learner"], project_id)
