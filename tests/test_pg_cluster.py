"""The PostgreSQL test server: a clear skip locally without Debian's package, a failure in CI."""

from __future__ import annotations

import pytest

import pg_cluster
from pg_cluster import INSTALL_HINT, Cluster, NoServer, verdict


def test_without_debians_postgresql_the_start_names_the_install_command(monkeypatch):
    monkeypatch.setattr(pg_cluster, "server_bin", lambda: None)
    with pytest.raises(NoServer, match="sudo apt-get install -y postgresql"):
        Cluster.start()


def test_locally_the_postgresql_tests_skip_and_in_ci_they_fail():
    missing = NoServer(INSTALL_HINT)
    assert verdict(missing, {}) == ("skip", INSTALL_HINT)
    assert verdict(missing, {"CI": "false"})[0] == "skip"
    action, message = verdict(missing, {"CI": "true"})
    assert action == "fail" and INSTALL_HINT in message
    action, message = verdict(NoServer("the PostgreSQL server did not start: port in use"), {"CI": "true"})
    assert action == "fail" and "did not start" in message and INSTALL_HINT in message


def test_the_cluster_gives_each_test_a_fresh_migrated_database(pg_cluster):
    from progress import open_store

    first, second = pg_cluster.new_database(), pg_cluster.new_database()
    assert first != second
    store = open_store(first)
    store.check_schema()
    store.close()


def test_a_dropped_database_is_gone_and_only_the_clusters_own_can_be_dropped(pg_cluster):
    import psycopg

    url = pg_cluster.new_database()
    pg_cluster.drop_database(url)
    with pytest.raises(psycopg.OperationalError, match="does not exist"):
        psycopg.connect(url).close()
    with pytest.raises(ValueError, match="not a database of this cluster"):
        pg_cluster.drop_database(pg_cluster.url("postgres"))


def test_the_cluster_goes_to_memory_only_where_there_is_room(monkeypatch, tmp_path):
    monkeypatch.setattr(pg_cluster, "SHM", tmp_path)
    monkeypatch.setattr(pg_cluster, "SHM_ROOM", 0)
    assert pg_cluster.cluster_parent() == str(tmp_path)
    monkeypatch.setattr(pg_cluster, "SHM_ROOM", 10**18)
    assert pg_cluster.cluster_parent() is None
    monkeypatch.setattr(pg_cluster, "SHM", tmp_path / "missing")
    monkeypatch.setattr(pg_cluster, "SHM_ROOM", 0)
    assert pg_cluster.cluster_parent() is None
