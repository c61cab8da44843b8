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
