"""Lotse as scripts/serve.sh runs it: `python -m deploy.serve` with N workers behind Debian's nginx,
on free loopback ports, in a temporary data folder (fixtures in test_proxy.py).

``ProxiedLotse.url`` is nginx; ``worker_pids()`` reads the pids the supervisor logged;
``stop()`` sends SIGTERM to the supervisor (as an operator's Ctrl+C or systemd does) and, should
anything survive, kills the rest of its own process group.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Callable

import pytest

from browser_harness import IDLE_TIMEOUT_MS, PROJECT, free_port, runs

NGINX = Path("/usr/sbin/nginx")
START_TIMEOUT = 120.0  # prepare + N workers + nginx on a loaded 2-core machine
STOP_TIMEOUT = 30.0
READY_LINE = "Lotse läuft mit"


def require_nginx() -> None:
    if not (NGINX.exists() and os.access(NGINX, os.X_OK)):
        pytest.fail(f"The proxy tests need Debian's nginx at {NGINX}. Install it with: apt-get install -y "
                    "nginx-light   (scripts/test.sh does this when run as root)", pytrace=False)


class ProxiedLotse:
    def __init__(self, root: Path, *, workers: int = 2, content_dir: Path | None = None,
                 extra_args: list[str] | None = None, extra_env: dict[str, str] | None = None,
                 scheme: str = "http", restart: bool = False) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.db_path = self.data_dir / "lotse.db"
        self.runtime = root / "run"
        self.log_path = root / "serve.log"
        self.port = free_port()
        self.worker_ports = [free_port() for _ in range(workers)]
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self.env = {**os.environ, "LOTSE_DATA_DIR": str(self.data_dir), "LOTSE_DB_PATH": str(self.db_path),
                    "LOTSE_DEMO": "0", "LOTSE_BASE_URL": self.url, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        self.env.pop("STREAMLIT_SERVER_COOKIE_SECRET", None)
        if content_dir is not None:
            self.env["LOTSE_CONTENT_DIR"] = str(content_dir)
        self.command = [sys.executable, "-m", "deploy.serve", "--workers", str(workers), "--host", "127.0.0.1",
                        "--port", str(self.port), "--worker-ports", ",".join(map(str, self.worker_ports)),
                        "--runtime-dir", str(self.runtime), *([] if restart else ["--no-restart"]),
                        *(extra_args or [])]
        self.process: subprocess.Popen | None = None
        self.survivors: list[int] = []  # pids of nginx/workers still alive when the supervisor had exited

    def start(self) -> None:
        require_nginx()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command, cwd=PROJECT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"deploy.serve exited with {self.process.returncode} while starting\n{self.log_tail()}")
            if READY_LINE in self.log_text():
                return
            time.sleep(0.1)  # poll interval for the supervisor's ready line, not synchronisation with the app
        self.stop()
        pytest.fail(f"deploy.serve was not ready within {START_TIMEOUT:.0f} s\n{self.log_tail()}")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def worker_pids(self) -> dict[str, int]:
        """Worker number ("1", "2", ... as in the X-Lotse-Worker header) -> pid (of its latest start)."""
        pattern = r"worker (\d+) (?:ready on \S+|exited with code -?\d+; started again) \(pid (\d+)\)"
        return {n: int(pid) for n, pid in re.findall(pattern, self.log_text())}

    def nginx_pid(self) -> int:
        return int(re.search(r"nginx pid (\d+)", self.log_text()).group(1))

    def _logged_nginx(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"nginx pid (\d+)", self.log_text())]

    def stop(self) -> int | None:
        """SIGTERM to the supervisor; returns its exit code. Leftovers of its group are killed."""
        if self.process is None:
            return None
        code = self.process.poll()
        if code is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                code = self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
        self.survivors = [pid for pid in [*self._logged_nginx(), *self.worker_pids().values()] if alive(pid)]
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # our own group (start_new_session): leftovers only
        except ProcessLookupError:
            pass
        self.process.wait(STOP_TIMEOUT)
        self.process = None
        return code

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_text().splitlines()[-lines:]
        workers = []
        for path in sorted(self.runtime.glob("worker-*.log")):
            workers.append(f"--- {path.name} ---\n" + "\n".join(
                path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines // 2:]))
        return "--- serve log ---\n" + "\n".join(text) + "\n" + "\n".join(workers)


def alive(pid: int) -> bool:
    """Is ``pid`` a running (not zombie) process?"""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def get(url: str, headers: dict[str, str] | None = None, data: bytes | None = None,
        context=None) -> tuple[int, Message, bytes]:
    """(status, headers, body) of one request; HTTP errors are answers too. Headers are looked up
    case-insensitively (``headers["x-frame-options"]``; all Set-Cookie: ``get_all("Set-Cookie")``)."""
    request = urllib.request.Request(url, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


# --- waiting for Streamlit under the Content-Security-Policy ---------------------------------------
# The policy has no 'unsafe-eval', and Playwright's wait_for_function compiles its predicate in the
# page with `new Function`, which the policy forbids. These helpers do what browser_harness's
# wait_runs / rerun / open_page / sign_in do, asking the page through the DevTools protocol
# (page.evaluate, not subject to the page's CSP) until the condition holds.

SETTLED = ("!!document.querySelector(\"[data-testid='stApp'][data-test-connection-state='CONNECTED']\")"
            " && !!document.querySelector(\"[data-testid='stApp'][data-test-script-state='notRunning']\")"
            " && !document.querySelector(\"[data-stale='true'], [data-testid='stSkeleton']\")")
POLL_MS = 50


def wait_until(page, expression: str, timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout_ms} ms: {expression}")
        page.wait_for_timeout(POLL_MS)  # poll interval of the condition above


def wait_runs(page, more_than: int, timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    """More than ``more_than`` complete script runs, and the app connected, idle and drawn."""
    wait_until(page, f"(window.__lotseRuns || 0) > {int(more_than)} && {SETTLED}", timeout_ms)


def rerun(page, action: Callable[[], object], timeout_ms: int = IDLE_TIMEOUT_MS) -> None:
    before = runs(page)
    action()
    wait_runs(page, before, timeout_ms)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_runs(page, 0)


def sign_in(page, url: str, login: str, password: str) -> None:
    open_page(page, url)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Anmelden"))
    form.get_by_label("Login").fill(login)
    form.get_by_label("Passwort").fill(password)
    rerun(page, lambda: form.get_by_role("button", name="Anmelden").click())
