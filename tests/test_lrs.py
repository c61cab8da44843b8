"""LRS client (lotse.interop.lrs) against a local http.server on 127.0.0.1."""

from __future__ import annotations

import base64
import socket
from datetime import datetime, timedelta, timezone

import pytest

from lrs_server import FakeLrs, bypass_proxies
from lotse.interop.lrs import LrsClient, LrsConfig, LrsError, MemoryLedger
from lotse.interop.xapi import LessonEvent, XapiConfig, build_statements

USER, PASSWORD = "lotse", "s3cret:pw"
WHEN = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def statements(count: int) -> list[dict]:
    config = XapiConfig(base_iri="https://lotse.example.de/xapi", secret="geheim")
    events = [LessonEvent("lesson_opened", f"u{i}", "l-1", WHEN + timedelta(minutes=i))
              for i in range(count)]
    return build_statements(events, config=config)


def fake_lrs(script: list[int] | None = None) -> FakeLrs:
    """A fake LRS that accepts only USER:PASSWORD."""
    return FakeLrs(script, credentials=(USER, PASSWORD))


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    bypass_proxies(monkeypatch)


def client(endpoint: str, sleeps: list[float], ledger: MemoryLedger | None = None,
           password: str = PASSWORD, **options) -> LrsClient:
    config = LrsConfig(endpoint=endpoint, username=USER, password=password, **options)
    return LrsClient(config, ledger or MemoryLedger(), sleep=sleeps.append)


def test_batches_headers_and_auth():
    sleeps: list[float] = []
    batch = statements(3)
    with fake_lrs() as lrs:
        ledger = MemoryLedger()
        report = client(lrs.endpoint, sleeps, ledger, batch_size=2).send(batch)
    assert [len(r["body"]) for r in lrs.requests] == [2, 1]
    request = lrs.requests[0]
    assert request["path"] == "/xapi/statements"
    assert request["headers"]["X-Experience-API-Version"] == "1.0.3"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["headers"]["Authorization"] == \
        "Basic " + base64.b64encode(b"lotse:s3cret:pw").decode()
    assert lrs.requests[0]["body"] + lrs.requests[1]["body"] == batch
    assert report.sent == [s["id"] for s in batch] and ledger.sent == set(report.sent)
    assert sleeps == []


def test_one_failure_then_retry_success():
    sleeps: list[float] = []
    batch = statements(2)
    with fake_lrs(script=[503]) as lrs:
        ledger = MemoryLedger()
        report = client(lrs.endpoint, sleeps, ledger, backoff_seconds=0.5).send(batch)
    assert len(lrs.requests) == 2 and lrs.requests[0]["body"] == lrs.requests[1]["body"]
    assert sleeps == [0.5]
    assert report.attempts == 2 and ledger.sent == {s["id"] for s in batch}


def test_nothing_is_sent_twice():
    sleeps: list[float] = []
    batch = statements(3)
    ledger = MemoryLedger()
    with fake_lrs() as lrs:
        client(lrs.endpoint, sleeps, ledger).send(batch + batch[:1])  # duplicate in the input
        again = client(lrs.endpoint, sleeps, ledger).send(batch)
    assert [len(r["body"]) for r in lrs.requests] == [3]
    assert again.sent == [] and again.skipped == [s["id"] for s in batch]


def test_wrong_password_is_refused_without_retry():
    sleeps: list[float] = []
    ledger = MemoryLedger()
    with fake_lrs() as lrs:
        with pytest.raises(LrsError) as info:
            client(lrs.endpoint, sleeps, ledger, password="falsch").send(statements(1))
    assert info.value.status == 401
    assert len(lrs.requests) == 1 and sleeps == [] and ledger.sent == set()


def test_client_errors_and_redirects_are_not_retried():
    sleeps: list[float] = []
    with fake_lrs(script=[400, 302]) as lrs:
        for status in (400, 302):
            with pytest.raises(LrsError) as info:
                client(lrs.endpoint, sleeps).send(statements(1))
            assert info.value.status == status
    assert [r["path"] for r in lrs.requests] == ["/xapi/statements"] * 2 and sleeps == []


def test_retries_are_bounded_with_growing_backoff():
    sleeps: list[float] = []
    ledger = MemoryLedger()
    with fake_lrs(script=[500] * 10) as lrs:
        with pytest.raises(LrsError, match="4 Versuchen"):
            client(lrs.endpoint, sleeps, ledger, max_attempts=4, backoff_seconds=1,
                   max_backoff_seconds=3).send(statements(1))
    assert len(lrs.requests) == 4 and sleeps == [1, 2, 3] and ledger.sent == set()


def test_connection_errors_are_retried():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(LrsError, match="keine Verbindung"):
        client(f"http://127.0.0.1:{port}/xapi", sleeps, max_attempts=3).send(statements(1))
    assert sleeps == [1.0, 2.0]


def test_a_failed_batch_resumes_where_it_stopped():
    sleeps: list[float] = []
    batch = statements(4)
    ledger = MemoryLedger()
    with fake_lrs(script=[200, 400]) as lrs:
        with pytest.raises(LrsError):
            client(lrs.endpoint, sleeps, ledger, batch_size=2).send(batch)
        assert ledger.sent == {s["id"] for s in batch[:2]}
        report = client(lrs.endpoint, sleeps, ledger, batch_size=2).send(batch)
    assert report.sent == [s["id"] for s in batch[2:]]
    assert [len(r["body"]) for r in lrs.requests] == [2, 2, 2]


def test_statements_need_ids_and_endpoints_must_be_http():
    with pytest.raises(ValueError, match="id"):
        client("http://127.0.0.1:9/xapi", []).send([{"actor": {}}])
    with pytest.raises(ValueError, match="invalid statements"):
        client("http://127.0.0.1:9/xapi", []).send([statements(1)[0] | {"timestamp": "gestern"}])
    with pytest.raises(ValueError, match="http"):
        LrsConfig(endpoint="file:///etc/passwd", username="u", password="p")
