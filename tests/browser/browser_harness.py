"""Real-browser harness for the browser tests (fixtures in conftest.py).

* ``LotseServer`` / ``running_server()``: Lotse as a ``streamlit run`` subprocess on a free loopback
  port with its own temporary database and data folder (optionally its own content folder and demo
  data); ``restart()`` stops it and starts it again on the same database and port.
* ``Browser``: Debian's Chromium driven by Playwright, every window on a fresh, empty user-data dir.
  Requests to anything but the test server are aborted and recorded in ``page.foreign_requests``;
  script dialogs in ``page.dialogs``, uncaught page errors in ``page.console_errors``.
* ``open_page`` / ``rerun`` / ``reload`` synchronise with Streamlit itself: a counter in the page
  counts the server's "script finished" messages, then the app must be connected, idle and show no
  stale elements. Nothing here sleeps to wait for the app.
* ``sign_in``: the sign-in form on the start page, filled and sent with those steps.

The tests never skip: without /usr/bin/chromium they fail and say how to install it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

PROJECT = Path(__file__).resolve().parents[2]
TESTS = PROJECT / "tests"
for folder in (PROJECT, TESTS):  # progress/lotse and the shared test helpers (payloads, content_builder)
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

ARTIFACTS = TESTS / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
STOP_TIMEOUT = 15.0
IDLE_TIMEOUT_MS = 30_000  # one script run; generous for a loaded CI machine

APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

# Counts, inside the page, the server's "script finished" messages: ForwardMsg field 6
# (script_finished) = 0 (FINISHED_SUCCESSFULLY), 1 (FINISHED_WITH_COMPILE_ERROR) or
# 3 (FINISHED_FRAGMENT_RUN_SUCCESSFULLY: a quiz question is a fragment). Not counted: 2, a run cut
# short by st.rerun (another run follows). Only the top level of the protobuf message is read.
# (The lesson's reading-time heartbeat is a fragment every 30 s; the tests assert on what the page
# shows with Playwright's auto-waiting, so a heartbeat finishing first cannot make them pass early.)
# Also counts "page not found" messages (field 15): the server could not serve the URL's page.
_RUN_COUNTER = """
(() => {
  window.__lotseRuns = 0;
  window.__lotsePageNotFound = 0;
  const SCRIPT_FINISHED = 6, PAGE_NOT_FOUND = 15;
  const finishedRun = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let i = 0;
    const varint = () => {
      let value = 0, shift = 0, byte;
      do {
        byte = bytes[i++];
        value += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), field = Math.floor(key / 8), wire = key % 8;
      if (wire === 0) { const value = varint(); if (field === SCRIPT_FINISHED) return value !== 2; }
      else if (wire === 2) {
        if (field === PAGE_NOT_FOUND) window.__lotsePageNotFound += 1;
        const length = varint();
        i += length;  // not i += varint(): i would be read before varint() moves it
      }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return false;
    }
    return false;
  };
  const count = (data) => { if (finishedRun(data)) window.__lotseRuns += 1; };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (String(args[0]).includes('/_stcore/stream')) {
        this.addEventListener('message', (event) => {
          if (event.data instanceof ArrayBuffer) count(event.data);
          else if (event.data instanceof Blob) event.data.arrayBuffer().then(count);
        });
      }
    }
  };
})();
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LotseServer:
    """One Lotse process on a temporary database; start/stop/restart keep the database and port."""

    def __init__(self, root: Path, *, demo: bool = False, content_dir: Path | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.db_path = self.data_dir / "lotse.db"
        self.log_path = root / "server.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "LOTSE_DATA_DIR": str(self.data_dir), "LOTSE_DB_PATH": str(self.db_path),
                    "LOTSE_DEMO": "1" if demo else "0", "LOTSE_BASE_URL": self.url,
                    "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        if content_dir is not None:
            self.env["LOTSE_CONTENT_DIR"] = str(content_dir)
        self.process: subprocess.Popen | None = None
        self.data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def pid(self) -> int:
        assert self.process is not None, "server is not running"
        return self.process.pid

    def database(self):
        """A connection of the test itself to the server's database (migrated), for the core API."""
        from progress import prepared_store

        return prepared_store(self.db_path)

    def start(self) -> None:
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.port", str(self.port), "--server.address", "127.0.0.1",
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(command, cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self._wait_healthy()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"Lotse exited with code {self.process.returncode} while starting.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read().decode().strip() == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                last_error = str(error)
            # Not synchronisation with the app under test: the interval between two health polls.
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"Lotse did not answer 'ok' on /_stcore/health within {START_TIMEOUT:.0f} s "
                    f"(last: {last_error}).\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # our own process group (start_new_session)
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_TIMEOUT)
        self.process = None

    def restart(self) -> None:
        """Stop and start again on the same database and port."""
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no server log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "--- server log (last lines) ---\n" + "\n".join(text[-lines:])

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


@contextmanager
def running_server(**options) -> Iterator[LotseServer]:
    with tempfile.TemporaryDirectory(prefix="lotse-browser-") as root:
        server = LotseServer(Path(root), **options)
        server.database().close()  # migrate before the server and the test both use it
        server.start()
        try:
            yield server
        finally:
            server.stop()


@contextmanager
def server_with_account(folder: Path, quizzes: dict[str, str], account: tuple[str, str, str, str],
                        **options) -> Iterator[LotseServer]:
    """A server on a small fixture course (``quizzes`` by lesson id) with one account
    (login, name, password, role) made through the core."""
    from content_builder import write_course
    from lotse.accounts import create_account

    with running_server(content_dir=write_course(folder, quizzes=quizzes), **options) as running:
        db = running.database()
        create_account(db, *account)
        db.close()
        yield running


def trainer_with_cohort(server: LotseServer, trainer: tuple[str, str, str], cohort: str, place: str) -> dict:
    """A trainer (login, name, password) and their cohort, made through the core on the server's
    database: {"trainer", "id", "link"} (the invite link)."""
    from lotse.accounts import create_account
    from lotse.cohorts import create_cohort, invite_link

    db = server.database()
    user = create_account(db, trainer[0], trainer[1], trainer[2], "trainer")
    row = create_cohort(db, user, cohort, seminar_date="2030-05-04", place=place)
    db.close()
    return {"trainer": user, "id": row["id"], "link": invite_link(server.url, row["invite_code"])}


# --- the browser ---------------------------------------------------------------------------------

def require_chromium() -> None:
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's Chromium at {CHROMIUM}. Install it with: "
                    "apt-get install -y chromium   (scripts/test.sh does this when run as root)",
                    pytrace=False)


class Browser:
    """Opens Chromium processes, each on a fresh user-data dir; closes all of them at the end."""

    def __init__(self, driver) -> None:
        self.driver = driver
        self.contexts = []
        self.dirs: list[tempfile.TemporaryDirectory] = []

    def new_page(self, viewport: dict | None = None):
        """A page in a new Chromium with an empty profile (no cookies, no storage)."""
        profile = tempfile.TemporaryDirectory(prefix="lotse-chromium-")
        self.dirs.append(profile)
        context = self.driver.chromium.launch_persistent_context(
            profile.name, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=viewport or {"width": 1280, "height": 900}, locale="de-DE", timezone_id="Europe/Berlin")
        self.contexts.append(context)
        context.set_default_timeout(IDLE_TIMEOUT_MS)
        foreign: list[str] = []

        def only_loopback(route) -> None:
            url = route.request.url
            if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")):
                route.continue_()
            else:
                foreign.append(url)
                route.abort()

        context.route("**/*", only_loopback)
        page = context.pages[0] if context.pages else context.new_page()
        page.foreign_requests = foreign
        context.add_init_script(_RUN_COUNTER)
        page.dialogs = []
        page.console_errors = []

        def on_dialog(dialog) -> None:
            page.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        return page

    def close(self) -> None:
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # noqa: BLE001 - a crashed browser must not hide the test's own failure
                pass
        for profile in self.dirs:
            profile.cleanup()


# --- synchronising with Streamlit ----------------------------------------------------------------

def runs(page) -> int:
    """Complete script runs this document has seen (reset by a reload or navigation)."""
    return page.evaluate("window.__lotseRuns || 0")


def page_not_found(page) -> bool:
    """Did the server answer this document's URL with "page not found" (Streamlit's English dialog)?"""
    return page.evaluate("(window.__lotsePageNotFound || 0) > 0")


def wait_runs(page, more_than: int, timeout: int = IDLE_TIMEOUT_MS) -> None:
    """Wait until more than ``more_than`` complete runs have finished and the browser shows the
    result (connected, idle, no stale elements left)."""
    page.wait_for_function("(n) => (window.__lotseRuns || 0) > n", arg=more_than, timeout=timeout)
    wait_idle(page, timeout)


def wait_idle(page, timeout: int = IDLE_TIMEOUT_MS) -> None:
    """Connected to the server, no script running, no stale (greyed-out) elements from a previous run,
    and no element still waiting for its lazily loaded code: Streamlit renders an element type's first
    use in a document as a placeholder (data-testid="stSkeleton", a React Suspense fallback) until
    that code chunk has arrived, so the element's text is not on the page yet."""
    page.wait_for_selector(APP_CONNECTED, state="attached", timeout=timeout)
    page.wait_for_selector(APP_IDLE, state="attached", timeout=timeout)
    page.wait_for_function("!document.querySelector(\"[data-stale='true'], [data-testid='stSkeleton']\")",
                           timeout=timeout)


def rerun(page, action: Callable[[], object], timeout: int = IDLE_TIMEOUT_MS) -> None:
    """Do ``action`` (a click, Enter, ...) and wait until the script run it causes has finished
    (after st.rerun: the run that follows) and the browser shows its result."""
    before = runs(page)
    action()
    wait_runs(page, before, timeout)


def open_page(page, url: str) -> None:
    """Load ``url`` (a new document and Streamlit session) and wait for its first complete run."""
    page.goto(url)
    wait_runs(page, 0)


def reload(page) -> None:
    """Browser reload: a new document, a new Streamlit session on a new connection."""
    page.reload()
    wait_runs(page, 0)


def sign_in(page, server: LotseServer, login: str, password: str) -> None:
    """Sign in on the start page (the form's run, then st.rerun into the app)."""
    open_page(page, server.url)
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Anmelden"))
    form.get_by_label("Login").fill(login)
    form.get_by_label("Passwort").fill(password)
    rerun(page, lambda: form.get_by_role("button", name="Anmelden").click())


def main_text(page) -> str:
    """The visible text of the main area (not the sidebar)."""
    return page.get_by_test_id("stMain").inner_text()


def screenshot(page, name: str) -> Path:
    """The whole page as tests/artifacts/<name>.png. Streamlit scrolls inside its main container,
    so the viewport is stretched to the content's height for the picture and restored after."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
        "[data-testid='stMain'], [data-testid='stAppScrollToBottomContainer'], [data-testid='stSidebarContent']")]
        .map(e => e.scrollHeight), window.innerHeight)""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12_000)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def exception_boxes(page) -> list[str]:
    """Texts of Streamlit exception boxes (a traceback shown to the user)."""
    return [box.inner_text() for box in page.get_by_test_id("stException").all()]
