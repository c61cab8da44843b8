"""LRS client (lotse.interop.lrs) against a local http.server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import socket
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from lotse.interop.lrs import LrsClient, LrsConfig, LrsError, MemoryLedger
from lotse.interop.xapi import LessonEvent, XapiConfig, build_statements

USER, PASSWORD = "lotse", "s3cret:pw"
WHEN = datetime(2024, 5, 1, 8, 0, tzinfo=timezone.utc)


def statements(count: int) -> list[dict]:
    config = XapiConfig(base_iri="https://lotse.example.de/xapi", secret="geheim")
    events = [LessonEvent("lesson_opened", f"u{i}", "l-1", WHEN + timedelta(minutes=i))
              for i in range(count)]
    return build_statements(events, config=config)


class FakeLrs:
    """Records every request; answers with the scripted status codes (then 200)."""

    def __init__(self, script: list[int] | None = None) -> None:
        self.script = list(script or [])
        self.requests: list[dict] = []
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                lrs.requests.append({"path": self.path, "headers": self.headers,  # case-insensitive
                                     "body": json.loads(body)})
                expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                status = lrs.script.pop(0) if lrs.script else 200
                if self.headers.get("Authorization") != expected:
                    status = 401
                payload = json.dumps([s["id"] for s in lrs.requests[-1]["body"]]).encode()
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xapi/"

    def __enter__(self) -> FakeLrs:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


def client(endpoint: str, sleeps: list[float], ledger: MemoryLedger | None = None,
           password: str = PASSWORD, **options) -> LrsClient:
    config = LrsConfig(endpoint=endpoint, username=USER, password=password, **options)
    return LrsClient(config, ledger or MemoryLedger(), sleep=sleeps.append)


def test_batches_headers_and_auth():
    sleeps: list[float] = []
    batch = statements(3)
    with FakeLrs() as lrs:
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
    with FakeLrs(script=[503]) as lrs:
        ledger = MemoryLedger()
        report = client(lrs.endpoint, sleeps, ledger, backoff_seconds=0.5).send(batch)
    assert len(lrs.requests) == 2 and lrs.requests[0]["body"] == lrs.requests[1]["body"]
    assert sleeps == [0.5]
    assert report.attempts == 2 and ledger.sent == {s["id"] for s in batch}


def test_nothing_is_sent_twice():
    sleeps: list[float] = []
    batch = statements(3)
    ledger = MemoryLedger()
    with FakeLrs() as lrs:
        client(lrs.endpoint, sleeps, ledger).send(batch + batch[:1])  # duplicate in the input
        again = client(lrs.endpoint, sleeps, ledger).send(batch)
    assert [len(r["body"]) for r in lrs.requests] == [3]
    assert again.sent == [] and again.skipped == [s["id"] for s in batch]


def test_wrong_password_is_refused_without_retry():
    sleeps: list[float] = []
    ledger = MemoryLedger()
    with FakeLrs() as lrs:
        with pytest.raises(LrsError) as info:
            client(lrs.endpoint, sleeps, ledger, password="falsch").send(statements(1))
    assert info.value.status == 401
    assert len(lrs.requests) == 1 and sleeps == [] and ledger.sent == set()


def test_client_errors_and_redirects_are_not_retried():
    sleeps: list[float] = []
    with FakeLrs(script=[400, 302]) as lrs:
        for status in (400, 302):
            with pytest.raises(LrsError) as info:
                client(lrs.endpoint, sleeps).send(statements(1))
            assert info.value.status == status
    assert [r["path"] for r in lrs.requests] == ["/xapi/statements"] * 2 and sleeps == []


def test_retries_are_bounded_with_growing_backoff():
    sleeps: list[float] = []
    ledger = MemoryLedger()
    with FakeLrs(script=[500] * 10) as lrs:
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
    with FakeLrs(script=[200, 400]) as lrs:
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
