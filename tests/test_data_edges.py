"""Issue 20, item 8: where data slipped: deleted data in the WAL, display names with direction
overrides or invisible characters, and sign-in traces that were only cleaned up by chance."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from lotse import accounts, privacy, sessions
from lotse.accounts import AccountError
from lotse.config import load_settings
from lotse.retention import prune_sign_in_traces
from progress.accounts_sql import record_failure
from raw_sql import raw

T0 = datetime(2025, 5, 5, 8, 0, tzinfo=timezone.utc)
SECRET_NAME = "Zeugin Quirinella Wachtelberg"


def file_bytes(db) -> bytes:
    path = Path(db.path)
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_a_deleted_account_leaves_no_trace_in_the_database_files(db, make_user):
    user = make_user("learner", login="quirinella", display_name=SECRET_NAME)
    assert SECRET_NAME.encode() in file_bytes(db)
    privacy.delete_account(db, user, user.id, "quirinella")
    assert SECRET_NAME.encode() not in file_bytes(db)
    assert b"quirinella" not in file_bytes(db)


@pytest.mark.parametrize("name", ["Anna\u202eredienhcS", "Bert\u2067Admin\u2069", "\u200fChris", "Dora\u061c"])
def test_display_names_with_direction_controls_are_refused(db, name, fast_passwords):
    with pytest.raises(AccountError, match="Steuerzeichen"):
        accounts.create_account(db, "neu", name, "Fahrradweg-Ampel-17")


@pytest.mark.parametrize("name, stored", [("An\u200bna", "Anna"), ("\ufeffBert", "Bert"), ("Ch\u00adris", "Chris"),
                                          ("\u200b" * 5 + "Dora" + "\u2060", "Dora")])
def test_invisible_characters_are_removed_from_display_names(db, name, stored, fast_passwords):
    assert accounts.create_account(db, "neu", name, "Fahrradweg-Ampel-17").display_name == stored


def test_a_name_of_only_invisible_characters_is_refused(db, fast_passwords):
    with pytest.raises(AccountError, match="Anzeigenamen an"):
        accounts.create_account(db, "neu", "\u200b" * 10, "Fahrradweg-Ampel-17")


def test_directory_names_are_cleaned_the_same_way():
    from lotse.sso import _directory_name

    assert _directory_name("Anna\u202eredienhcS") == ""
    assert _directory_name("Ber\u200bt  Meier") == "Bert Meier"


def test_retention_forgets_stale_failures_and_ended_sessions(db, make_user):
    settings = load_settings({})
    user = make_user("learner")
    now = datetime.now(timezone.utc)
    record_failure(db, "alt", "c", sessions.iso(now - timedelta(days=2)))
    record_failure(db, "frisch", "c", sessions.iso(now - timedelta(minutes=5)))
    live = sessions.issue(db, user, settings, now)
    idle = sessions.issue(db, user, settings, now - timedelta(days=3))
    ended = sessions.issue(db, user, settings, now - timedelta(days=2))
    sessions.revoke(db, ended, now - timedelta(days=2))
    pruned = prune_sign_in_traces(db, settings, now)
    assert [r["login"] for r in raw(db).query("SELECT login FROM login_failures")] == ["frisch"]
    hashes = {r["token_hash"] for r in raw(db).query("SELECT token_hash FROM sessions")}
    assert hashes == {sessions.hash_token(live)}
    assert (pruned.failures, pruned.sessions) == (1, 2)
    assert idle and sessions.validate(db, live, settings, now) == user


def test_retention_runs_from_the_command_line_and_in_prepare(db, tmp_path, monkeypatch, capsys):
    from lotse.cli import main

    monkeypatch.setenv("LOTSE_DB_PATH", str(tmp_path / "lotse.db"))
    record_failure(db, "alt", "c", sessions.iso(datetime.now(timezone.utc) - timedelta(days=2)))
    assert main(["retention", "run"]) == 0
    assert "1 failed sign-in(s)" in capsys.readouterr().out
    record_failure(db, "alt", "c", sessions.iso(datetime.now(timezone.utc) - timedelta(days=2)))
    assert main(["prepare"]) == 0
    assert raw(db).execute("SELECT COUNT(*) FROM login_failures").fetchone()[0] == 0
