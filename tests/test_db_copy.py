"""`lotse db copy`: the demo database from SQLite to PostgreSQL and back, verified table by table."""

from __future__ import annotations

import pytest

from lotse.cli import main
from lotse.demo import create_demo_cohort, ensure_demo_accounts
from lotse.search import index_lessons
from learner_support import fixture_catalog
from progress import open_store, prepared_store, sqlite_url
from progress.copy import copy_store, table_checksum
from progress.privacy_sql import _columns, plain_tables
from raw_sql import raw


def checksums(url: str) -> dict[str, tuple[int, str]]:
    store = open_store(url)
    with store.connection() as db:
        found = {t: table_checksum(db, t, sorted(_columns(db, t))) for t in plain_tables(db)}
    store.close()
    return found


@pytest.fixture
def demo_url(tmp_path) -> str:
    url = sqlite_url(tmp_path / "demo.db")
    store = prepared_store(url)
    catalog = fixture_catalog()
    index_lessons(store, catalog)
    trainer = ensure_demo_accounts(store)["trainerin.demo"]
    create_demo_cohort(store, catalog, trainer, 12, name="Demo-Kohorte", seed=7)
    store.close()
    return url


def test_the_demo_database_round_trips_sqlite_postgresql_sqlite(demo_url, pg_cluster, tmp_path, capsys):
    postgres = pg_cluster.new_database(empty=True)
    back = sqlite_url(tmp_path / "zurueck.db")
    assert main(["db", "copy", "--from", demo_url, "--to", postgres]) == 0
    assert "counts and checksums match" in capsys.readouterr().out
    assert main(["db", "copy", "--from", postgres, "--to", back]) == 0
    original, there, again = checksums(demo_url), checksums(postgres), checksums(back)
    assert original == there == again
    assert original["attempts"][0] > 0 and original["events"][0] > 0 and original["answers"][0] > 0


def test_a_target_with_data_is_refused_without_force(demo_url, pg_cluster, capsys):
    postgres = pg_cluster.new_database(empty=True)
    assert main(["db", "copy", "--from", demo_url, "--to", postgres]) == 0
    assert main(["db", "copy", "--from", demo_url, "--to", postgres]) == 1
    assert "Use --force" in capsys.readouterr().out
    assert main(["db", "copy", "--from", demo_url, "--to", postgres, "--force"]) == 0
    assert checksums(demo_url) == checksums(postgres)


def test_new_rows_after_a_copy_get_new_ids(demo_url, pg_cluster):
    """The copy keeps ids; the target's id sequences move past them."""
    postgres = pg_cluster.new_database(empty=True)
    source, target = open_store(demo_url), open_store(postgres)
    copy_store(source, target)
    highest = raw(target).execute("SELECT MAX(id) FROM users").fetchone()[0]
    from progress.users import insert_user

    assert insert_user(target, "neu", "Neu", "learner").id == highest + 1
    source.close()
    target.close()
