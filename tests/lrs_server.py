"""A fake Learning Record Store for the xAPI tests: a local http.server on 127.0.0.1.

    with FakeLrs(script=[503]) as lrs:          # first POST answers 503, then 200
        send(lrs.endpoint, ...)
    lrs.requests[0]["body"], lrs.accepted       # what arrived, the statement ids answered 200
"""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

PROXY_VARIABLES = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY")


def bypass_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make urllib talk to 127.0.0.1 directly, whatever proxy the environment sets."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")


class FakeLrs:
    """Records every POST; answers with the scripted status codes (then 200).

    With `credentials` (user, password) a request without that Basic auth gets 401. Each
    recorded request is a dict with path, headers (case-insensitive), body (parsed JSON), status.
    """

    def __init__(self, script: list[int] | None = None, *,
                 credentials: tuple[str, str] | None = None, path: str = "/xapi/") -> None:
        self.script = list(script or [])
        self.requests: list[dict] = []
        self.path = path
        expected = None
        if credentials is not None:
            expected = "Basic " + base64.b64encode(":".join(credentials).encode()).decode()
        lrs = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = lrs.script.pop(0) if lrs.script else 200
                if expected is not None and self.headers.get("Authorization") != expected:
                    status = 401
                lrs.requests.append({"path": self.path, "headers": self.headers,
                                     "body": body, "status": status})
                payload = json.dumps([s["id"] for s in body]).encode()
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
        """The xAPI endpoint URL (the client appends /statements)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    @property
    def accepted(self) -> list[str]:
        """Ids of the statements in requests answered 200, in arrival order."""
        return [s["id"] for r in self.requests if r["status"] == 200 for s in r["body"]]

    def __enter__(self) -> FakeLrs:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
