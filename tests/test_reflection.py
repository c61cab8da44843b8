"""Reflection journal: dated, editable entries; privacy against trainers, other learners and admins;
sharing only with the trainer of one's own cohort; export."""

from __future__ import annotations

import inspect
import json

import pytest

from lotse import reflection
from lotse.identity import PermissionDenied
from progress import cohorts as cohort_sql
from progress import prepared_store
from progress.users import delete_user, insert_user

from selfstudy_course import build
from engines import fresh_url, sqlite_only
from raw_sql import raw

pytestmark = pytest.mark.both_engines  # SQLite and PostgreSQL

SECRET = "Mein Chef blockiert alles – streng vertraulich"


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return build(tmp_path_factory.mktemp("content"))


@pytest.fixture
def world(tmp_path):
    """A learner in cohort 'eins' (trainer Tina) and 'zwei' (trainer Theo); cohort 'drei' (trainer Tom)
    without her; another learner in 'eins'; an admin."""
    db = prepared_store(fresh_url(tmp_path))
    people = {
        "lena": insert_user(db, "lena", "Lena Lernend", "learner"),
        "otto": insert_user(db, "otto", "Otto Anders", "learner"),
        "tina": insert_user(db, "tina", "Tina Trainerin", "trainer"),
        "theo": insert_user(db, "theo", "Theo Trainer", "trainer"),
        "tom": insert_user(db, "tom", "Tom Fremd", "trainer"),
        "ada": insert_user(db, "ada", "Ada Admin", "admin"),
    }
    cohorts = {name: cohort_sql.insert_cohort(db, name, people[trainer].id, f"CODE{name.upper()}")
               for name, trainer in (("eins", "tina"), ("zwei", "theo"), ("drei", "tom"))}
    for cohort, member in (("eins", "lena"), ("zwei", "lena"), ("eins", "otto")):
        cohort_sql.add_member(db, cohorts[cohort], people[member].id)
    return db, people, cohorts


def write(db, user, catalog, text=SECRET, prompt="rolle-heute"):
    return reflection.add_entry(db, user, catalog, "l3", prompt, text)


# --- the author's journal ------------------------------------------------------------------------------


def test_prompts_come_from_the_lessons(catalog):
    found = reflection.prompts(catalog)
    assert [(p.lesson_id, p.id, p.topic) for p in found] == [("l3", "rolle-heute", "Rolle"),
                                                             ("l3", "naechster-schritt", "Nächste Schritte")]


def test_edit_keeps_dated_history(world, catalog):
    db, people, _ = world
    lena = people["lena"]
    entry_id = write(db, lena, catalog, "Erste Fassung")
    created = reflection.my_entries(db, lena)[0]
    reflection.edit_entry(db, lena, entry_id, "Zweite Fassung")
    reflection.edit_entry(db, lena, entry_id, "Zweite Fassung")  # unchanged text: no new version
    entry = reflection.my_entries(db, lena)[0]
    assert entry["text"] == "Zweite Fassung"
    assert entry["created_at"] == created["created_at"] and entry["updated_at"] > created["updated_at"]
    history = reflection.entry_history(db, lena, entry_id)
    assert [(v["text"], v["written_at"]) for v in history] == [("Erste Fassung", created["updated_at"])]


@pytest.mark.parametrize("text, message", [
    ("", "Bitte schreiben Sie etwas"),
    ("   \n ", "Bitte schreiben Sie etwas"),
    ("x" * (reflection.TEXT_MAX + 1), "höchstens 5000 Zeichen"),
])
def test_empty_and_overlong_text_refused_in_german(world, catalog, text, message):
    db, people, _ = world
    with pytest.raises(reflection.ReflectionError, match=message):
        write(db, people["lena"], catalog, text)
    assert reflection.my_entries(db, people["lena"]) == []


def test_unknown_prompt_refused(world, catalog):
    db, people, _ = world
    with pytest.raises(reflection.ReflectionError):
        reflection.add_entry(db, people["lena"], catalog, "l3", "gibt-es-nicht", "Text")


# --- privacy ------------------------------------------------------------------------------------------------

# Every public function of lotse.reflection, called by someone who is not the author with the
# author's entry id. A new function must be added here (the test below checks the list is complete).
CALLS = {
    "prompts": lambda db, actor, c, entry, cohort: reflection.prompts(c),
    "find_prompt": lambda db, actor, c, entry, cohort: reflection.find_prompt(c, "l3", "rolle-heute"),
    "clean_text": lambda db, actor, c, entry, cohort: reflection.clean_text("x"),
    "add_entry": lambda db, actor, c, entry, cohort: reflection.add_entry(db, actor, c, "l3", "rolle-heute", "eigener"),
    "edit_entry": lambda db, actor, c, entry, cohort: reflection.edit_entry(db, actor, entry, "überschrieben"),
    "delete_entry": lambda db, actor, c, entry, cohort: reflection.delete_entry(db, actor, entry),
    "my_entries": lambda db, actor, c, entry, cohort: reflection.my_entries(db, actor),
    "entry_history": lambda db, actor, c, entry, cohort: reflection.entry_history(db, actor, entry),
    "share_targets": lambda db, actor, c, entry, cohort: reflection.share_targets(db, actor),
    "share_entry": lambda db, actor, c, entry, cohort: reflection.share_entry(db, actor, entry, cohort),
    "unshare_entry": lambda db, actor, c, entry, cohort: reflection.unshare_entry(db, actor, entry, cohort),
    "led_cohorts": lambda db, actor, c, entry, cohort: reflection.led_cohorts(db, actor),
    "entry_counts": lambda db, actor, c, entry, cohort: reflection.entry_counts(db, actor, cohort),
    "shared_with_me": lambda db, actor, c, entry, cohort: reflection.shared_with_me(db, actor),
    "read_entry": lambda db, actor, c, entry, cohort: reflection.read_entry(db, actor, entry),
    "export_data": lambda db, actor, c, entry, cohort: reflection.export_data(db, actor, c),
    "export_json": lambda db, actor, c, entry, cohort: reflection.export_json(db, actor, c),
    "export_markdown": lambda db, actor, c, entry, cohort: reflection.export_markdown(db, actor, c),
}


def test_privacy_table_covers_every_public_function():
    public = {name for name, value in vars(reflection).items()
              if inspect.isfunction(value) and value.__module__ == reflection.__name__ and not name.startswith("_")}
    assert public == set(CALLS)


@pytest.mark.parametrize("who", ["tina", "otto", "ada", "tom"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_nobody_else_reads_or_changes_an_unshared_entry(world, catalog, who, name):
    db, people, cohorts = world
    entry_id = write(db, people["lena"], catalog)
    reflection.edit_entry(db, people["lena"], entry_id, SECRET + " (ergänzt)")
    try:
        result = CALLS[name](db, people[who], catalog, entry_id, cohorts["eins"])
    except (PermissionDenied, reflection.ReflectionError):
        result = None
    assert "vertraulich" not in repr(result)
    assert reflection.my_entries(db, people["lena"])[0]["text"] == SECRET + " (ergänzt)"
    assert [v["text"] for v in reflection.entry_history(db, people["lena"], entry_id)] == [SECRET]


def test_trainer_sees_only_counts_of_own_cohort(world, catalog):
    db, people, cohorts = world
    write(db, people["lena"], catalog)
    write(db, people["lena"], catalog, "Noch ein Gedanke", "naechster-schritt")
    counts = reflection.entry_counts(db, people["tina"], cohorts["eins"])
    assert [(c["display_name"], c["entries"], c["shared"]) for c in counts] == [
        ("Lena Lernend", 2, 0), ("Otto Anders", 0, 0)]
    assert set(counts[0]) == {"user_id", "display_name", "entries", "shared"}
    for who in ("theo", "tom", "ada", "lena"):  # not the trainer of 'eins'
        with pytest.raises(PermissionDenied):
            reflection.entry_counts(db, people[who], cohorts["eins"])


def test_sharing_with_own_cohort_trainer_only(world, catalog):
    db, people, cohorts = world
    lena = people["lena"]
    entry_id = write(db, lena, catalog)
    other_id = write(db, lena, catalog, "Bleibt privat", "naechster-schritt")
    targets = {t["cohort_id"]: t["trainer_name"] for t in reflection.share_targets(db, lena)}
    assert targets == {cohorts["eins"]: "Tina Trainerin", cohorts["zwei"]: "Theo Trainer"}
    with pytest.raises(PermissionDenied):
        reflection.share_entry(db, lena, entry_id, cohorts["drei"])  # not her cohort
    assert reflection.share_entry(db, lena, entry_id, cohorts["eins"])
    assert not reflection.share_entry(db, lena, entry_id, cohorts["eins"])  # already shared

    shared = reflection.shared_with_me(db, people["tina"])
    assert [(e["id"], e["text"], e["learner_name"]) for e in shared] == [(entry_id, SECRET, "Lena Lernend")]
    assert reflection.read_entry(db, people["tina"], entry_id)["text"] == SECRET
    with pytest.raises(PermissionDenied):
        reflection.read_entry(db, people["tina"], other_id)
    for who in ("theo", "tom", "ada"):
        assert reflection.shared_with_me(db, people[who]) == []
    with pytest.raises(PermissionDenied):
        reflection.shared_with_me(db, people["otto"])  # a learner has no trainer view at all
    for who in ("theo", "tom", "otto", "ada"):
        with pytest.raises(PermissionDenied):
            reflection.read_entry(db, people[who], entry_id)
    assert reflection.entry_counts(db, people["tina"], cohorts["eins"])[0]["shared"] == 1
    assert reflection.my_entries(db, lena)[1]["shares"][0]["trainer_name"] == "Tina Trainerin"


def test_withdrawn_share_and_leaving_the_cohort_end_visibility(world, catalog):
    db, people, cohorts = world
    lena, tina = people["lena"], people["tina"]
    entry_id = write(db, lena, catalog)
    reflection.share_entry(db, lena, entry_id, cohorts["eins"])
    assert reflection.unshare_entry(db, lena, entry_id, cohorts["eins"])
    assert reflection.shared_with_me(db, tina) == []

    reflection.share_entry(db, lena, entry_id, cohorts["eins"])
    cohort_sql.remove_member(db, cohorts["eins"], lena.id)
    assert reflection.shared_with_me(db, tina) == []
    with pytest.raises(PermissionDenied):
        reflection.read_entry(db, tina, entry_id)


def test_share_is_with_the_person_not_the_role(world, catalog):
    db, people, cohorts = world
    entry_id = write(db, people["lena"], catalog)
    reflection.share_entry(db, people["lena"], entry_id, cohorts["eins"])
    cohort_sql.update_cohort(db, cohorts["eins"], trainer_id=people["theo"].id)  # a new trainer takes over
    assert reflection.shared_with_me(db, people["theo"]) == []
    assert reflection.shared_with_me(db, people["tina"]) == []  # no longer leads the cohort


def test_export_contains_own_entries_with_history(world, catalog):
    db, people, cohorts = world
    lena = people["lena"]
    entry_id = write(db, lena, catalog, "<script>alert(1)</script>\n# Überschrift")
    reflection.edit_entry(db, lena, entry_id, "Neu: <b>fett</b>")
    write(db, people["otto"], catalog, "Ottos Gedanke")
    data = json.loads(reflection.export_json(db, lena, catalog))["journal"]
    assert [e["text"] for e in data] == ["Neu: <b>fett</b>"]
    assert data[0]["prompt"] == "Welche Rolle haben Sie heute?" and data[0]["topic"] == "Rolle"
    assert data[0]["earlier_versions"][0]["text"].startswith("<script>")
    markdown = reflection.export_markdown(db, lena, catalog)
    assert "Lena Lernend" in markdown and "Ottos" not in markdown
    assert "<script>" not in markdown and "<b>" not in markdown and "&lt;b&gt;" in markdown
    assert "\\# Überschrift" in markdown


def test_account_deletion_removes_entries_and_shares(world, catalog):
    db, people, cohorts = world
    entry_id = write(db, people["lena"], catalog)
    reflection.edit_entry(db, people["lena"], entry_id, "Zweite Fassung")
    reflection.share_entry(db, people["lena"], entry_id, cohorts["eins"])
    delete_user(db, people["lena"].id)
    for table in ("reflections", "reflection_versions", "reflection_shares"):
        assert raw(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
