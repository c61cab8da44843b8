"""Send xAPI statements to a Learning Record Store (standard library only).

POST batches to `<endpoint>/statements` with `X-Experience-API-Version: 1.0.3` and Basic auth;
5xx answers and connection errors are retried with exponential backoff (bounded), 4xx answers
are not (they will not get better). Statements are validated first (an invalid one would make
the LRS reject the whole batch). A ledger (`already_sent(ids)`, `mark_sent(ids)`) makes
sure nothing is sent twice: ids already in the ledger are skipped, and a batch is marked sent
only after the LRS accepted it. Statement ids are deterministic (see xapi.py), so a statement
that is rebuilt later has the same id.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from lotse.interop.xapi_rules import validate_statement

XAPI_VERSION = "1.0.3"


class Ledger(Protocol):
    def already_sent(self, ids: Iterable[str]) -> set[str]: ...

    def mark_sent(self, ids: Iterable[str]) -> None: ...


class MemoryLedger:
    """A ledger in memory (tests, one-off exports); the app keeps its own in the store."""

    def __init__(self) -> None:
        self.sent: set[str] = set()

    def already_sent(self, ids: Iterable[str]) -> set[str]:
        return self.sent & set(ids)

    def mark_sent(self, ids: Iterable[str]) -> None:
        self.sent.update(ids)


class LrsError(Exception):
    """The LRS refused a batch or could not be reached (after the retries)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.report: SendReport | None = None  # what was sent before the failure


@dataclass(frozen=True)
class LrsConfig:
    endpoint: str  # e.g. https://lrs.example.de/xapi (without /statements)
    username: str
    password: str
    batch_size: int = 50
    max_attempts: int = 4  # per batch, including the first try
    backoff_seconds: float = 1.0  # waits 1, 2, 4, ... seconds between attempts
    max_backoff_seconds: float = 30.0
    timeout_seconds: float = 15.0

    def __post_init__(self) -> None:
        if urlsplit(self.endpoint).scheme not in ("http", "https"):
            raise ValueError(f"LRS endpoint must be an http(s) URL, got {self.endpoint!r}")
        if self.batch_size < 1 or self.max_attempts < 1:
            raise ValueError("batch_size and max_attempts must be at least 1")


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the ledger
    attempts: int = 0  # HTTP requests made


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected POST would turn into a GET; treat redirects as errors instead."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class LrsClient:
    def __init__(self, config: LrsConfig, ledger: Ledger, *,
                 sleep: Callable[[float], None] = time.sleep,
                 opener: urllib.request.OpenerDirector | None = None) -> None:
        self.config = config
        self.ledger = ledger
        self.sleep = sleep  # injectable: tests record the waits instead of sleeping
        self.opener = opener or urllib.request.build_opener(_NoRedirect())

    def send(self, statements: Sequence[dict]) -> SendReport:
        """Send every statement not yet in the ledger; raises LrsError if a batch fails.

        Batches sent before a failure stay marked as sent; calling again resumes.
        """
        report = SendReport()
        ids = [s.get("id") for s in statements]
        if not all(isinstance(i, str) and i for i in ids):
            raise ValueError("every statement needs an id (the ledger is keyed by it)")
        problems = [f"{s['id']}: {p}" for s in statements for p in validate_statement(s)]
        if problems:
            raise ValueError("invalid statements, nothing sent: " + "; ".join(problems[:10]))
        done = self.ledger.already_sent(ids)
        pending, seen = [], set(done)
        for statement in statements:
            if statement["id"] in seen:
                report.skipped.append(statement["id"])
            else:
                seen.add(statement["id"])
                pending.append(statement)
        size = self.config.batch_size
        for start in range(0, len(pending), size):
            batch = pending[start:start + size]
            try:
                self._post(batch, report)
            except LrsError as err:
                err.report = report
                raise
            batch_ids = [s["id"] for s in batch]
            self.ledger.mark_sent(batch_ids)
            report.sent += batch_ids
        return report

    def _request(self, batch: list[dict]) -> urllib.request.Request:
        credentials = f"{self.config.username}:{self.config.password}".encode()
        return urllib.request.Request(
            self.config.endpoint.rstrip("/") + "/statements", method="POST",
            data=json.dumps(batch, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json; charset=utf-8",
                     "X-Experience-API-Version": XAPI_VERSION,
                     "Authorization": "Basic " + base64.b64encode(credentials).decode("ascii")})

    def _post(self, batch: list[dict], report: SendReport) -> None:
        problem = ""
        for attempt in range(self.config.max_attempts):
            if attempt:
                wait = self.config.backoff_seconds * 2 ** (attempt - 1)
                self.sleep(min(wait, self.config.max_backoff_seconds))
            report.attempts += 1
            try:
                with self.opener.open(self._request(batch), timeout=self.config.timeout_seconds):
                    return
            except urllib.error.HTTPError as err:
                detail = err.read(500).decode("utf-8", "replace")
                err.close()
                if err.code < 500:
                    raise LrsError(f"LRS lehnt ab: HTTP {err.code} {detail}".strip(), err.code) from err
                problem = f"HTTP {err.code} {detail}".strip()
            except (urllib.error.URLError, OSError) as err:
                problem = f"keine Verbindung: {getattr(err, 'reason', err)}"
        raise LrsError(f"LRS nach {self.config.max_attempts} Versuchen nicht erreichbar: {problem}")
