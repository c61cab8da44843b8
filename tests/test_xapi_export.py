"""xAPI statements from a real store (lotse.xapi_export), the secret store, the send ledger, the CLI.

The learner works through the fixture course with the real core functions; the LRS is a local
http.server on 127.0.0.1 that can be told to fail.
"""

from __future__ import annotations

import json
import re
import stat
import threading
from collections import Counter
from dataclasses import replace

import pytest

from learner_support import COURSE_DIR, LESSON_ONE, LESSON_TWO, PERFECT, fixture_catalog
from lrs_server import FakeLrs, bypass_proxies
from lotse.cli import main as cli
from lotse.config import load_settings
from lotse.identity import PermissionDenied
from lotse.interop import LrsConfig, LrsError, validate_statement
from lotse.learning import mark_read, open_lesson, submit_attempt
from lotse.secrets_store import SecretError, load_or_create_secret
from lotse.xapi_export import cohort_statements, learner_statements, lrs_config, send_to_lrs
from progress import xapi_sql
from progress.cohorts import add_member, insert_cohort
from progress.users import delete_user
from raw_sql import raw

BASE_URL = "https://lotse.example.de"
VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def settings(tmp_path):
    return load_settings({"LOTSE_DATA_DIR": str(tmp_path / "data"), "LOTSE_BASE_URL": BASE_URL,
                          "LOTSE_CONTENT_DIR": str(COURSE_DIR)})


@pytest.fixture
def catalog():
    return fixture_catalog()


def study(db, learner, catalog) -> None:
    """Open and read lesson one and pass its quiz; open lesson two and fail its quiz."""
    open_lesson(db, learner, LESSON_ONE, f"{learner.login}-view-1")
    mark_read(db, learner, LESSON_ONE)
    submit_attempt(db, learner, catalog.quiz(LESSON_ONE), 1, PERFECT[LESSON_ONE])
    open_lesson(db, learner, LESSON_TWO, f"{learner.login}-view-2")
    submit_attempt(db, learner, catalog.quiz(LESSON_TWO), 1,
                   {"zuordnung": ["elektronisch", None], "begriff": "eAkte", "quote": "70,5"})


@pytest.fixture
def people(db, make_user, catalog):
    """anna (in the cohort of trainer tom) and bert (in no cohort) have studied; ute leads another cohort."""
    anna, bert = make_user("learner", "anna"), make_user("learner", "bert")
    tom, ute, admin = make_user("trainer", "tom"), make_user("trainer", "ute"), make_user("admin", "chef")
    cohort = insert_cohort(db, "Seminar Nord", tom.id, "ACDEFGHJ")
    other = insert_cohort(db, "Seminar Süd", ute.id, "KMNPQRTU")
    add_member(db, cohort, anna.id)
    for learner in (anna, bert):
        study(db, learner, catalog)
    return {"anna": anna, "bert": bert, "tom": tom, "ute": ute, "admin": admin, "cohort": cohort, "other": other}


def by_verb(statements: list[dict]) -> Counter:
    return Counter(s["verb"]["id"].removeprefix(VERB) for s in statements)


def answered(statements: list[dict], question_id: str) -> dict:
    return next(s for s in statements if s["object"]["id"].endswith(f"/questions/{question_id}"))


# --- statements from the store ---------------------------------------------------------


def test_statements_follow_what_the_learner_did(db, people, catalog, settings):
    anna = people["anna"]
    statements = learner_statements(db, anna, anna.id, catalog, settings)
    assert by_verb(statements) == {"experienced": 2, "completed": 1, "answered": 7, "passed": 1, "failed": 1}
    assert [p for s in statements for p in validate_statement(s)] == []
    assert len({s["id"] for s in statements}) == len(statements)
    lesson_one = f"{settings.xapi_base_iri}/lessons/{LESSON_ONE}"
    completed = next(s for s in statements if s["verb"]["id"] == VERB + "completed")
    assert completed["object"]["id"] == lesson_one
    assert completed["object"]["definition"]["name"]["de-DE"] == catalog.lesson(LESSON_ONE).meta.title
    passed = next(s for s in statements if s["verb"]["id"] == VERB + "passed")
    assert passed["result"]["score"] == {"scaled": 1, "raw": 4, "min": 0, "max": 4}
    failed = next(s for s in statements if s["verb"]["id"] == VERB + "failed")
    assert failed["result"]["success"] is False and 0 < failed["result"]["score"]["scaled"] < 0.6


def test_answers_use_the_interaction_formats(db, people, catalog, settings):
    anna = people["anna"]
    statements = learner_statements(db, anna, anna.id, catalog, settings)
    matching = catalog.quiz(LESSON_TWO).question("zuordnung")
    right = matching.choices.index("elektronisch") + 1
    zuordnung = answered(statements, "zuordnung")
    assert zuordnung["result"]["response"] == f"left-1[.]right-{right}"  # the empty second pair left out
    assert zuordnung["object"]["definition"]["interactionType"] == "matching"
    assert answered(statements, "quote")["result"]["response"] == "70.5"  # decimal comma as typed
    assert answered(statements, "begriff")["result"]["response"] == "eAkte"
    assert answered(statements, "begriff")["result"]["score"]["scaled"] == 0.5
    assert answered(statements, "reihenfolge")["result"]["response"] == "item-1[,]item-2[,]item-3"
    assert answered(statements, "it-allein")["object"]["definition"]["interactionType"] == "true-false"


def test_timestamps_come_from_the_store(db, people, catalog, settings):
    anna = people["anna"]
    statements = learner_statements(db, anna, anna.id, catalog, settings)
    stored = next(raw(db).query("SELECT created_at FROM events WHERE user_id = ? AND kind = 'lesson_read'", [anna.id]))
    completed = next(s for s in statements if s["verb"]["id"] == VERB + "completed")
    assert completed["timestamp"] == stored["created_at"][:23] + "Z"
    assert [s["timestamp"] for s in statements] == sorted(s["timestamp"] for s in statements)


# --- who may export --------------------------------------------------------------------


def test_a_learner_exports_only_their_own(db, people, catalog, settings):
    anna, bert = people["anna"], people["bert"]
    assert learner_statements(db, bert, bert.id, catalog, settings)
    with pytest.raises(PermissionDenied):
        learner_statements(db, bert, anna.id, catalog, settings)
    with pytest.raises(PermissionDenied):
        cohort_statements(db, anna, people["cohort"], catalog, settings)


def test_a_trainer_exports_only_their_cohorts(db, people, catalog, settings):
    tom, ute = people["tom"], people["ute"]
    own = cohort_statements(db, tom, people["cohort"], catalog, settings)
    anna_only = learner_statements(db, people["anna"], people["anna"].id, catalog, settings)
    assert own == anna_only  # bert is in no cohort of tom's
    assert learner_statements(db, tom, people["anna"].id, catalog, settings) == anna_only
    with pytest.raises(PermissionDenied):
        learner_statements(db, tom, people["bert"].id, catalog, settings)
    with pytest.raises(PermissionDenied):
        cohort_statements(db, ute, people["cohort"], catalog, settings)
    assert cohort_statements(db, ute, people["other"], catalog, settings) == []  # no members yet


def test_an_admin_exports_everyone(db, people, catalog, settings):
    admin = people["admin"]
    assert learner_statements(db, admin, people["bert"].id, catalog, settings)
    assert cohort_statements(db, admin, people["cohort"], catalog, settings)
    with pytest.raises(PermissionDenied):  # an unknown cohort
        cohort_statements(db, admin, 999, catalog, settings)


# --- pseudonyms ------------------------------------------------------------------------


def actor_names(statements: list[dict]) -> set[str]:
    return {s["actor"]["account"]["name"] for s in statements}


def test_actors_are_pseudonymous_and_stable(db, people, catalog, settings, tmp_path):
    anna, bert = people["anna"], people["bert"]
    first = learner_statements(db, anna, anna.id, catalog, settings)
    (name,) = actor_names(first)
    assert re.fullmatch(r"[0-9a-f]{64}", name) and name not in ("anna", str(anna.id))
    assert {s["actor"]["account"]["homePage"] for s in first} == {f"{BASE_URL}/xapi"}
    assert "anna" not in json.dumps(first) and "Anna" not in json.dumps(first)
    key = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    again = learner_statements(db, anna, anna.id, catalog, load_settings({"LOTSE_DATA_DIR": str(tmp_path / "data"),
                                                                         "LOTSE_BASE_URL": BASE_URL}))
    assert again == first  # same ids, same pseudonym after a restart
    assert actor_names(learner_statements(db, bert, bert.id, catalog, settings)) != {name}
    other_secret = learner_statements(db, anna, anna.id, catalog, replace(settings, secret="anderes-geheimnis"))
    assert actor_names(other_secret) != {name} and len(other_secret) == len(first)


def test_logins_only_when_asked_for(db, people, catalog, settings):
    anna = people["anna"]
    named = learner_statements(db, anna, anna.id, catalog, settings, pseudonymous=False)
    assert actor_names(named) == {"anna"}
    assert [p for s in named for p in validate_statement(s)] == []


def test_a_reused_account_id_starts_a_new_record(db, people, make_user, catalog, settings):
    """SQLite hands out the id of a deleted last account again: the newcomer must not inherit anything."""
    zoe = make_user("learner", "zoe")
    study(db, zoe, catalog)
    before = learner_statements(db, zoe, zoe.id, catalog, settings)
    xapi_sql.mark_sent(db, [s["id"] for s in before])
    delete_user(db, zoe.id)
    yan = make_user("learner", "yan")
    assert yan.id == zoe.id
    study(db, yan, catalog)
    after = learner_statements(db, yan, yan.id, catalog, settings)
    assert actor_names(after).isdisjoint(actor_names(before))
    assert xapi_sql.already_sent(db, [s["id"] for s in after]) == set()


def test_the_secret_is_created_once_even_when_processes_race(tmp_path):
    path = tmp_path / "data" / "secret.key"
    start, found = threading.Barrier(8), []

    def create() -> None:
        start.wait()
        found.append(load_or_create_secret(path))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and re.fullmatch(r"[0-9a-f]{64}", found[0])
    assert path.read_text().strip() == found[0]
    assert [p.name for p in path.parent.iterdir()] == ["secret.key"]  # no temp files left


def test_a_damaged_secret_is_never_replaced(tmp_path):
    path = tmp_path / "secret.key"
    path.write_text("kaputt\n")
    with pytest.raises(SecretError, match="beschädigt"):
        load_or_create_secret(path)
    assert path.read_text() == "kaputt\n"


# --- sending to a learning record store ------------------------------------------------


def fake_lrs(script: list[int] | None = None) -> FakeLrs:
    """A fake LRS at /xapi (no trailing slash) that accepts any credentials."""
    return FakeLrs(script, path="/xapi")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    bypass_proxies(monkeypatch)


def lrs(endpoint: str, **options) -> LrsConfig:
    return LrsConfig(endpoint=endpoint, username="lotse", password="pw", **options)


def test_nothing_is_sent_twice(db, people, catalog, settings):
    tom, anna = people["tom"], people["anna"]
    statements = cohort_statements(db, tom, people["cohort"], catalog, settings)
    with fake_lrs() as server:
        first = send_to_lrs(db, tom, statements, lrs(server.endpoint, batch_size=5))
        assert sorted(first.sent) == sorted(s["id"] for s in statements) and first.skipped == []
        second = send_to_lrs(db, tom, cohort_statements(db, tom, people["cohort"], catalog, settings),
                             lrs(server.endpoint))
        assert second.sent == [] and len(second.skipped) == len(statements)
        mark_read(db, anna, LESSON_TWO)  # new activity: only that is sent
        third = send_to_lrs(db, tom, cohort_statements(db, tom, people["cohort"], catalog, settings),
                            lrs(server.endpoint))
    assert len(third.sent) == 1 and len(third.skipped) == len(statements)
    assert Counter(server.accepted).most_common(1)[0][1] == 1  # the LRS got every statement once
    assert len(server.accepted) == len(statements) + 1
    assert xapi_sql.sent_count(db) == len(statements) + 1


def test_a_failed_batch_is_sent_again_later_and_only_once(db, people, catalog, settings):
    tom = people["tom"]
    statements = cohort_statements(db, tom, people["cohort"], catalog, settings)
    waits: list[float] = []
    # batch 1 accepted, batch 2 fails twice (two attempts allowed), then the LRS is back
    with fake_lrs(script=[200, 503, 503]) as server:
        config = lrs(server.endpoint, batch_size=5, max_attempts=2, backoff_seconds=0.5)
        with pytest.raises(LrsError) as failure:
            send_to_lrs(db, tom, statements, config, sleep=waits.append)
        assert waits == [0.5]
        assert failure.value.report.sent == [s["id"] for s in statements[:5]]
        assert xapi_sql.already_sent(db, [s["id"] for s in statements]) == set(failure.value.report.sent)
        retry = send_to_lrs(db, tom, statements, config, sleep=waits.append)
    assert retry.skipped == [s["id"] for s in statements[:5]]
    assert sorted(server.accepted) == sorted(s["id"] for s in statements)  # each exactly once
    assert len(server.requests) == 3 + len(retry.sent) // 5 + (1 if len(retry.sent) % 5 else 0)


def test_only_trainers_and_admins_send(db, people, catalog, settings):
    anna = people["anna"]
    statements = learner_statements(db, anna, anna.id, catalog, settings)
    with pytest.raises(PermissionDenied):
        send_to_lrs(db, anna, statements, lrs("http://127.0.0.1:9/xapi"))


def test_lrs_settings(settings):
    assert lrs_config(settings) is None
    configured = lrs_config(replace(settings, lrs_url="https://lrs.example.de/xapi", lrs_user="u", lrs_password="p"))
    assert (configured.endpoint, configured.username, configured.password) == ("https://lrs.example.de/xapi", "u", "p")


# --- command line ----------------------------------------------------------------------


@pytest.fixture
def cli_env(db, people, monkeypatch, tmp_path):
    monkeypatch.setenv("LOTSE_DB_PATH", str(tmp_path / "lotse.db"))
    monkeypatch.setenv("LOTSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(COURSE_DIR))
    monkeypatch.setenv("LOTSE_BASE_URL", BASE_URL)
    for name in ("LOTSE_SECRET", "LOTSE_LRS_URL", "LOTSE_LRS_USER", "LOTSE_LRS_PASSWORD", "LOTSE_XAPI_BASE_IRI"):
        monkeypatch.delenv(name, raising=False)
    return people


def test_cli_export(cli_env, db, catalog, settings, tmp_path, capsys):
    out = tmp_path / "anna.json"
    assert cli(["xapi", "export", "--learner", "anna", "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported == learner_statements(db, cli_env["admin"], cli_env["anna"].id, catalog, settings)
    assert f"{len(exported)} Aussagen nach" in capsys.readouterr().err
    assert cli(["xapi", "export", "--learner", "anna", "--out", str(out)]) == 1  # exists
    assert cli(["xapi", "export", "--cohort", str(cli_env["cohort"])]) == 0
    assert json.loads(capsys.readouterr().out) == exported
    assert cli(["xapi", "export", "--learner", "niemand"]) == 1
    assert "niemand" in capsys.readouterr().err
    assert cli(["xapi", "export", "--cohort", "999"]) == 1
    assert "Keine Kohorte" in capsys.readouterr().err


def test_cli_send(cli_env, monkeypatch, capsys):
    assert cli(["xapi", "send", "--cohort", str(cli_env["cohort"])]) == 1
    assert "LOTSE_LRS_URL" in capsys.readouterr().err
    with fake_lrs() as server:
        monkeypatch.setenv("LOTSE_LRS_URL", server.endpoint)
        assert cli(["xapi", "send", "--learner", "anna"]) == 0
        count = len(server.accepted)
        assert f"{count} Aussagen gesendet, 0 übersprungen" in capsys.readouterr().out
        assert cli(["xapi", "send", "--cohort", str(cli_env["cohort"])]) == 0
        assert f"0 Aussagen gesendet, {count} übersprungen" in capsys.readouterr().out
    assert count == 12


# These tests check the figures themselves; the visibility policy has its own tests (test_visibility.py).
pytestmark = pytest.mark.usefixtures("open_policy")
