"""Load benchmark: N simultaneous learners against a running Lotse, through the browser's protocol.

Each simulated learner holds one websocket to /_stcore/stream and speaks Streamlit's protocol
(protobuf BackMsg out, ForwardMsg in, as the browser does: widget states with every rerun, the
forward-message cache, fragment reruns for quiz questions, the reading-time heartbeat). It signs in
with a real session cookie and does the real loop on a real lesson of the course:

    open the lesson -> start the quiz -> answer every question -> submit -> "Neuer Versuch" -> ...

with a think time between interactions. An interaction's time is from sending the rerun request to
the "script finished" message. Server memory is the RSS of the server process (/proc), sampled.

For each setting of runner.postScriptGC (the repo's .streamlit/config.toml sets false) the script
starts its own server (loopback only, temporary database), runs N = 10, 25, 50, 100 learners for a
bounded time each, then one long run for memory, stops the server and prints the figures as the
last lines. It is a benchmark, not a test:

    .venv/bin/python bench/load.py                 # full run (about 25 minutes)
    .venv/bin/python bench/load.py --quick         # smoke run (about 3 minutes)

With ``--workers 1,2`` it measures the deployment of docs/operations.md instead: for each worker count,
Lotse behind Debian's nginx (deploy.serve, what scripts/serve.sh runs; each learner a new browser,
spread by nginx's route cookie) and, beside it in the same run, a bare Streamlit script showing the
same lesson Markdown behind the same nginx, at 100, 300, 500 and 1,000 learners with a think time of
5-15 s. It prints p50/p95, the RSS of every worker, the ratio to the bare script and the targets
(500 learners p95 < 500 ms and 1,000 learners p95 < 1 s with 2 workers; Lotse within 1.5x of bare
Streamlit at 300 learners) beside the figures:

    .venv/bin/python bench/load.py --workers 1,2            # about 30 minutes
    .venv/bin/python bench/load.py --workers 1,2 --quick    # 100 and 300 learners, 30 s each
    .venv/bin/python bench/load.py --workers 2 --learners 500 --engine postgresql   # workers on PostgreSQL
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import websockets  # noqa: E402  (a dependency of Streamlit)
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
SESSION_START = "Sitzungsstart"  # a learner's first page view on a new websocket session
INTERACTION_TIMEOUT = 120.0  # seconds; beyond this an interaction counts as failed
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the server -------------------------------------------------------------------------------------

class Server:
    def __init__(self, root: Path, post_script_gc: bool, profile: Path | None = None) -> None:
        self.root = root
        self.profile = profile
        self.db_path = root / "lotse.db"
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.post_script_gc = post_script_gc
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "LOTSE_DB_PATH": str(self.db_path), "LOTSE_DATA_DIR": str(self.root),
               "LOTSE_DEMO": "0", "LOTSE_BASE_URL": self.url}
        boot = [sys.executable, str(Path(__file__).resolve()), "--serve-sampled", str(self.profile), "--"] \
            if self.profile else [sys.executable, "-m", "streamlit"]
        command = [*boot, "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                   "--runner.postScriptGC", "true" if self.post_script_gc else "false"]
        log = (self.root / "server.log").open("ab")
        self.process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited with {self.process.returncode}; see {self.root / 'server.log'}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)  # health polling interval, not synchronisation
        raise SystemExit("server did not become healthy within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(15)

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def thread_states(self) -> list[str]:
        return thread_states(self.process.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def thread_states(pid: int) -> list[str]:
    """Per server thread: R (running) or the kernel function it waits in (futex = GIL or a lock,
    hrtimer_nanosleep = a sleep, e.g. SQLite's busy handler, do_epoll_wait = idle event loop)."""
    states = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return states
    for task in tasks:
        try:
            state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            states.append("R" if state == "R" else (task / "wchan").read_text().strip() or state)
        except OSError:
            continue
    return states


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Fleet:
    """N workers behind Debian's nginx, started by deploy.serve as scripts/serve.sh does (session
    affinity by nginx's route cookie; each simulated learner is one new browser, so nginx spreads
    them over the workers). ``app`` is app.py or a bare script. Same interface as Server."""

    def __init__(self, root: Path, workers: int, app: str = "app.py", label: str = "Lotse",
                 database: str | None = None) -> None:
        self.root, self.workers, self.app, self.label = root, workers, app, label
        self.db_path = root / "lotse.db"
        self.database = database or str(self.db_path)  # a PostgreSQL URL with --engine postgresql
        self.port = free_port()
        self.worker_ports = [free_port() for _ in range(workers)]
        self.url = f"http://127.0.0.1:{self.port}"
        self.post_script_gc = False  # as in .streamlit/config.toml
        self.process: subprocess.Popen | None = None
        self.pids: list[int] = []

    def start(self) -> None:
        env = {**os.environ, "LOTSE_DB_PATH": str(self.db_path), "LOTSE_DATA_DIR": str(self.root),
               "LOTSE_DATABASE_URL": self.database if "://" in self.database else "",
               "LOTSE_DEMO": "0", "LOTSE_BASE_URL": self.url, "PYTHONUNBUFFERED": "1"}
        log_path = self.root / "serve.log"
        command = [sys.executable, "-m", "deploy.serve", "--workers", str(self.workers), "--host", "127.0.0.1",
                   "--port", str(self.port), "--worker-ports", ",".join(map(str, self.worker_ports)),
                   "--runtime-dir", str(self.root / "run"), "--no-restart", "--app", self.app]
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            text = log_path.read_text(encoding="utf-8", errors="replace")
            if self.process.poll() is not None:
                raise SystemExit(f"deploy.serve exited with {self.process.returncode}:\n{text[-3000:]}")
            if "Lotse läuft mit" in text:
                self.pids = [int(pid) for pid in re.findall(r"worker \d+ ready on \S+ \(pid (\d+)\)", text)]
                self.nginx = int(re.search(r"nginx pid (\d+)", text).group(1))
                return
            time.sleep(0.2)  # poll interval for the supervisor's ready line
        self.stop()
        raise SystemExit("deploy.serve was not ready within 180 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                pass
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)  # leftovers of our own group only
            except ProcessLookupError:
                pass
            self.process.wait(15)

    def rss_workers(self) -> list[float]:
        return [rss_mb(pid) for pid in self.pids]

    def rss_mb(self) -> float:
        return sum(self.rss_workers())

    def cpu_seconds(self) -> float:  # workers and nginx
        return sum(cpu_seconds(pid) for pid in [*self.pids, self.nginx])

    def thread_states(self) -> list[str]:
        return [state for pid in self.pids for state in thread_states(pid)]


def prepare(db_path: Path | str, learners: int) -> tuple[list[str], str, int]:
    """Migrated database (a SQLite file or a PostgreSQL URL), ``learners`` accounts with live session
    tokens; (tokens, lesson id, questions)."""
    from lotse import sessions
    from lotse.accounts import create_account
    from lotse.config import load_settings
    from lotse.content import load_catalog
    from lotse.startup import prepare as prepare_app
    from progress import prepared_store

    url = str(db_path) if "://" in str(db_path) else ""
    folder = Path(tempfile.gettempdir()) if url else Path(db_path).parent
    settings = load_settings({"LOTSE_DB_PATH": "" if url else str(db_path), "LOTSE_DATABASE_URL": url,
                              "LOTSE_DATA_DIR": str(folder)})
    catalog = load_catalog(settings.content_dir)
    db = prepared_store(db_path)
    prepare_app(db, settings, catalog)
    tokens = [sessions.issue(db, create_account(db, f"last-{n:03d}", f"Last {n}", None), settings)
              for n in range(learners)]
    db.close()
    lesson = next(lesson for lesson in catalog.lessons if catalog.quiz(lesson.id))
    return tokens, lesson.id, len(catalog.quiz(lesson.id).questions)


def stored(db_path: Path | str) -> str:
    """What the simulated learners left in the database (a check that the loop really submits)."""
    from progress import open_store

    store = open_store(db_path)
    try:
        with store.connection() as db:
            return _stored_counts(db)
    finally:
        store.close()


def _stored_counts(db) -> str:
    attempts = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    drafts = db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
    opened = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'lesson_opened'").fetchone()[0]
    scored = db.execute("SELECT COUNT(*) FROM attempts WHERE score > 0").fetchone()[0]
    reading = db.execute("SELECT COUNT(*) FROM events WHERE kind = 'reading_time'").fetchone()[0]
    return (f"{attempts} graded attempts ({scored} with points), {opened} lesson openings, "
            f"{reading} reading-time heartbeats, {drafts} open drafts")


# --- one learner: a websocket client speaking Streamlit's protocol ------------------------------------

@dataclass
class Widget:
    kind: str
    proto: object
    fragment_id: str


@dataclass
class Learner:
    url: str
    token: str
    lesson: str
    think_range: tuple[float, float]
    rng: random.Random
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    widgets: dict[str, Widget] = field(default_factory=dict)
    states: dict[str, WidgetState] = field(default_factory=dict)
    cache: dict[str, ForwardMsg] = field(default_factory=dict)  # the browser's forward-message cache
    page_hash: str = ""
    heartbeat: tuple[float, str] | None = None  # (interval, fragment id) of the reading-time fragment
    next_beat: float = 0.0
    page_name: str = "lektion"  # "" for a bare script (a single page)
    start_delay: float = 0.0  # ramp-up: seconds before this learner connects
    record_from: float = 0.0  # monotonic time before which only session starts are recorded (ramp-up)
    rounds: int = 0

    async def run(self, deadline: float) -> None:
        await asyncio.sleep(self.start_delay)  # ramp-up: people do not all arrive in the same second
        uri = self.url.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(uri, subprotocols=["streamlit"], max_size=None, compression=None,
                                      additional_headers={"Cookie": f"lotse_session={self.token}"},
                                      open_timeout=INTERACTION_TIMEOUT) as ws:
            self.ws = ws
            while time.monotonic() < deadline:
                await self.round(deadline)

    async def round(self, deadline: float) -> None:
        # The first run of a new session (sign-in by cookie, navigation built) is counted on its own.
        await self.interact("Lektion öffnen" if self.rounds else SESSION_START, page=True)
        self.rounds += 1
        start = self.find("button", f"quiz-{self.lesson}-start")
        if start:
            await self.interact("Quiz starten", trigger=start)
        for widget_id in self.question_widgets():
            if time.monotonic() >= deadline:
                return
            self.answer(widget_id)
            await self.interact("Antwort", fragment=self.widgets[widget_id].fragment_id)
        submit = self.find("button", f"quiz-{self.lesson}-submit-a")
        if submit and time.monotonic() < deadline:
            await self.interact("Abgeben", trigger=submit)
        retry = self.find("button", f"quiz-{self.lesson}-retry-a")
        if retry and time.monotonic() < deadline:
            await self.interact("Neuer Versuch", trigger=retry)

    def find(self, kind: str, key_part: str) -> str | None:
        return next((i for i, w in self.widgets.items() if w.kind == kind and key_part in i), None)

    def question_widgets(self) -> list[str]:
        prefix = f"quiz-{self.lesson}-"
        return [i for i, w in self.widgets.items() if w.kind in ("radio", "checkbox", "selectbox", "text_input")
                and prefix in i and "-submit-" not in i]

    def answer(self, widget_id: str) -> None:
        widget = self.widgets[widget_id]
        state = WidgetState(id=widget_id)
        if widget.kind in ("radio", "selectbox"):
            state.string_value = self.rng.choice(list(widget.proto.options))
        elif widget.kind == "checkbox":
            state.bool_value = self.rng.random() < 0.5
        else:
            state.string_value = self.rng.choice(["OZG", "Datenschutz", "72", "weiß nicht"])
        self.states[widget_id] = state

    async def interact(self, kind: str, *, page: bool = False, trigger: str | None = None,
                       fragment: str = "") -> None:
        await self.think()
        message = BackMsg()
        client = message.rerun_script
        client.query_string = f"id={self.lesson}"
        client.page_name = self.page_name
        client.page_script_hash = self.page_hash
        client.fragment_id = fragment
        client.cached_message_hashes.extend(sorted(self.cache))  # the server then sends references
        client.widget_states.widgets.extend(self.states.values())
        if trigger:
            client.widget_states.widgets.append(WidgetState(id=trigger, trigger_value=True))
        started = time.monotonic()
        try:
            await self.ws.send(message.SerializeToString())
            await asyncio.wait_for(self.until_finished(), INTERACTION_TIMEOUT)
        except (asyncio.TimeoutError, websockets.ConnectionClosed) as error:
            self.errors += 1
            print(f"! {kind}: {type(error).__name__} after {time.monotonic() - started:.1f} s", file=sys.stderr,
                  flush=True)
            raise
        if started >= self.record_from or kind == SESSION_START:
            self.times.setdefault(kind, []).append(time.monotonic() - started)

    async def think(self) -> None:
        """Pause like a person; the lesson's heartbeat fragment reruns meanwhile, as in the browser."""
        pause_until = time.monotonic() + self.rng.uniform(*self.think_range)
        while self.heartbeat and time.monotonic() >= self.next_beat and self.next_beat < pause_until:
            message = BackMsg()
            message.rerun_script.fragment_id = self.heartbeat[1]
            message.rerun_script.is_auto_rerun = True
            message.rerun_script.page_script_hash = self.page_hash
            message.rerun_script.query_string = f"id={self.lesson}"
            message.rerun_script.widget_states.widgets.extend(self.states.values())
            await self.ws.send(message.SerializeToString())
            await asyncio.wait_for(self.until_finished(), INTERACTION_TIMEOUT)
            self.next_beat = time.monotonic() + self.heartbeat[0]
        await asyncio.sleep(max(0.0, pause_until - time.monotonic()))  # the think time itself

    async def until_finished(self) -> None:
        async for raw in self.ws:
            message = ForwardMsg()
            message.ParseFromString(raw)
            if message.WhichOneof("type") == "ref_hash":  # a message we reported as cached
                cached = self.cache.get(message.ref_hash)
                if cached is None:
                    continue
                message = cached
            elif message.metadata.cacheable and message.hash:
                self.cache[message.hash] = message
            if self.handle(message):
                return

    def handle(self, message: ForwardMsg) -> bool:
        """Track widgets and the heartbeat; True when the run is finished."""
        kind = message.WhichOneof("type")
        if kind == "navigation" and message.navigation.page_script_hash:
            self.page_hash = message.navigation.page_script_hash  # the page being shown (not app.py)
        elif kind == "new_session":
            if not message.metadata.run.fragment_ids:  # a full run redraws every widget
                self.widgets.clear()
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            element_kind = element.WhichOneof("type")
            if element_kind in ("button", "radio", "checkbox", "selectbox", "text_input"):
                proto = getattr(element, element_kind)
                self.widgets[proto.id] = Widget(element_kind, proto, message.delta.fragment_id)
        elif kind == "auto_rerun":
            self.heartbeat = (message.auto_rerun.interval, message.auto_rerun.fragment_id)
            self.next_beat = time.monotonic() + message.auto_rerun.interval
        elif kind == "script_finished" and message.script_finished in FINISHED:
            self.states = {i: s for i, s in self.states.items() if i in self.widgets}
            return True
        return False


# --- one measurement ------------------------------------------------------------------------------------

@dataclass
class Result:
    learners: int
    gc: bool
    times: list[float]
    by_kind: dict[str, list[float]]
    errors: int
    rss_start: float
    rss_max: float
    rss_end: float
    cpu_share: float  # server CPU seconds per wall second (1.0 = one core busy)
    seconds: float
    client_cpu: float = 0.0  # the same for this benchmark process (it must not be the bottleneck)
    threads: dict[str, float] = field(default_factory=dict)  # share of server thread samples per state
    label: str = ""  # fleet runs: "Lotse" or "bare"
    workers: int = 1
    rss_workers: list[float] = field(default_factory=list)  # fleet runs: max RSS per worker (MB)
    load_avg: float = 0.0  # 1-minute load average at the end (other work competing for the cores)

    def p(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def measure(server: Server | Fleet, tokens: list[str], lesson: str, learners: int, seconds: float,
                  think: tuple[float, float], seed: int, page_name: str = "lektion", ramp: float = 0.0) -> Result:
    """``learners`` connect spread evenly over ``ramp`` seconds; then ``seconds`` of steady state are
    measured (with ramp > 0, only interactions started after the ramp count, session starts apart)."""
    steady_from = time.monotonic() + ramp
    deadline = steady_from + seconds
    clients = [Learner(server.url, tokens[n], lesson, think, random.Random(seed * 1000 + n), page_name=page_name,
                       start_delay=ramp * n / learners, record_from=steady_from if ramp else 0.0)
               for n in range(learners)]
    rss = [server.rss_mb()]
    per_worker = list(server.rss_workers()) if isinstance(server, Fleet) else []
    cpu0, wall0, own0 = server.cpu_seconds(), time.monotonic(), sum(os.times()[:2])
    states: dict[str, int] = {}

    async def sample() -> None:
        tick = 0
        while time.monotonic() < deadline:
            tick += 1
            if tick % 5 == 0:
                rss.append(server.rss_mb())
                if per_worker:
                    per_worker[:] = [max(a, b) for a, b in zip(per_worker, server.rss_workers())]
            for state in server.thread_states():
                states[state] = states.get(state, 0) + 1
            await asyncio.sleep(0.1)  # sampling interval

    sampler = asyncio.create_task(sample())
    outcomes = await asyncio.gather(*(c.run(deadline) for c in clients), return_exceptions=True)
    sampler.cancel()
    wall = time.monotonic() - wall0
    rss.append(server.rss_mb())
    by_kind: dict[str, list[float]] = {}
    for client in clients:
        for kind, values in client.times.items():
            by_kind.setdefault(kind, []).extend(values)
    failed = sum(c.errors for c in clients) + sum(1 for o in outcomes if isinstance(o, Exception))
    samples = sum(states.values()) or 1
    steady = [t for kind, values in by_kind.items() if not (ramp and kind == SESSION_START) for t in values]
    return Result(learners, server.post_script_gc, steady, by_kind, failed,
                  rss[0], max(rss), rss[-1], (server.cpu_seconds() - cpu0) / wall, wall,
                  (sum(os.times()[:2]) - own0) / wall, {k: v / samples for k, v in states.items()},
                  getattr(server, "label", ""), getattr(server, "workers", 1), per_worker, os.getloadavg()[0])


def line(result: Result) -> str:
    kinds = " ".join(f"{k}={statistics.median(v) * 1000:.0f}" for k, v in sorted(result.by_kind.items()))
    return (f"postScriptGC={str(result.gc).lower():5} N={result.learners:3d} interactions={len(result.times):5d} "
            f"p50={result.p(0.5) * 1000:6.0f} ms p95={result.p(0.95) * 1000:6.0f} ms "
            f"RSS start/max/end={result.rss_start:.0f}/{result.rss_max:.0f}/{result.rss_end:.0f} MB "
            f"server CPU={result.cpu_share * 100:.0f}% client CPU={result.client_cpu * 100:.0f}% "
            f"errors={result.errors} | median ms: {kinds}")


def thread_line(result: Result) -> str:
    """Where the server's threads were, on average, over the run (sampled every 100 ms)."""
    threads = sum(result.threads.values()) and len(result.threads)
    parts = sorted(result.threads.items(), key=lambda kv: -kv[1])
    return (f"  server threads N={result.learners}: " + ", ".join(f"{k} {v * 100:.0f}%" for k, v in parts[:6])
            if threads else "")


# --- where the server's threads spend their time (a small in-process sampling profiler) ----------------

# Innermost frames of threads that are idle (event loop waiting, watcher threads sleeping, pool workers).
IDLE = {"selectors.py:select", "polling_path_watcher.py:task", "threading.py:wait", "queue.py:get",
        "thread.py:_worker", "base_events.py:run_forever", "base_events.py:_run_once"}
OWN_CODE = ("lotse/", "progress/", "ui/", "app_pages/", "app.py")


def serve_sampled(out: Path, streamlit_args: list[str]) -> None:
    """Run Streamlit in this process with a thread that samples every thread's Python stack 50 times
    a second. Busy samples are attributed to the innermost frame of Lotse's own code plus the
    innermost frame overall (C functions such as a SQLite call show as their Python caller); counts
    are written to ``out`` every few seconds."""
    import threading
    from collections import Counter

    counts: Counter = Counter()

    def where(frame) -> str | None:
        inner = f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"
        if inner in IDLE:
            return None
        own = frame
        while own is not None and not _own(own.f_code.co_filename):
            own = own.f_back
        if own is None:
            return f"(Streamlit) {inner}"
        return f"{Path(own.f_code.co_filename).relative_to(PROJECT)}:{own.f_code.co_name}:{own.f_lineno} <- {inner}"

    def sample() -> None:
        me, last = threading.get_ident(), time.monotonic()
        while True:
            time.sleep(0.02)  # sampling interval
            for ident, frame in sys._current_frames().items():
                if ident != me and (place := where(frame)):
                    counts[place] += 1
            counts["(samples)"] += 1
            if time.monotonic() - last > 3:
                last = time.monotonic()
                out.write_text("\n".join(f"{n}\t{k}" for k, n in counts.most_common(60)), encoding="utf-8")

    threading.Thread(target=sample, daemon=True, name="load-sampler").start()
    from streamlit.web.cli import main as streamlit_main

    sys.argv = ["streamlit", *streamlit_args]
    streamlit_main()


def _own(filename: str) -> bool:
    try:
        relative = Path(filename).relative_to(PROJECT).as_posix()
    except ValueError:
        return False
    return relative.startswith(OWN_CODE)


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve-sampled":
        serve_sampled(Path(sys.argv[2]), sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", default="",
                        help="comma-separated worker counts, e.g. 1,2: Lotse and a bare script behind nginx "
                             "(deploy.serve), learners 100,300,500,1000, think time 5-15 s")
    parser.add_argument("--ramp", type=float, default=None,
                        help="with --workers: learners arrive evenly over this many seconds before the measured "
                             "steady state (default 30; 0 = all at once, everything measured)")
    parser.add_argument("--no-bare", action="store_true", help="with --workers: skip the bare Streamlit script")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite",
                        help="with --workers: Lotse's database; postgresql starts a throwaway cluster of Debian's "
                             "postgresql package (as the tests do) and gives the workers LOTSE_DATABASE_URL")
    parser.add_argument("--learners", default=None, help="comma-separated N values")
    parser.add_argument("--seconds", type=float, default=None, help="duration of each N")
    parser.add_argument("--long-minutes", type=float, default=6, help="long run for memory (0 = skip)")
    parser.add_argument("--long-learners", type=int, default=25)
    parser.add_argument("--think", default=None, help="think time range in seconds, min,max")
    parser.add_argument("--gc", default="false,true", help="runner.postScriptGC settings to compare")
    parser.add_argument("--quick", action="store_true", help="short smoke run (10 s per N, no long run)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="sample the server's stacks (where time goes)")
    args = parser.parse_args()
    if args.workers:
        return fleet_main(args)
    args.learners = args.learners or "10,25,50,100"
    args.think = args.think or "0.5,1.5"
    args.seconds = args.seconds or 60
    if args.quick:
        args.seconds, args.long_minutes = 10, 0
    counts = [int(n) for n in args.learners.split(",")]
    think = tuple(float(x) for x in args.think.split(","))
    results: list[Result] = []
    long_runs: list[tuple[bool, list[float], Result]] = []
    for gc in [g.strip() == "true" for g in args.gc.split(",")]:
        with tempfile.TemporaryDirectory(prefix="lotse-load-") as root:
            profile = Path(root) / "profile.tsv" if args.profile else None
            server = Server(Path(root), gc, profile)
            tokens, lesson, questions = prepare(server.db_path, max(counts + [args.long_learners]))
            server.start()
            try:
                print(f"# postScriptGC={gc}: server pid {server.process.pid}, lesson {lesson} "
                      f"({questions} questions), think time {think[0]}-{think[1]} s", flush=True)
                asyncio.run(measure(server, tokens, lesson, 2, 5, think, args.seed))  # warm the caches
                for n in counts:
                    result = asyncio.run(measure(server, tokens, lesson, n, args.seconds, think, args.seed))
                    results.append(result)
                    print(line(result), flush=True)
                    print(thread_line(result), flush=True)
                if args.long_minutes > 0:
                    samples: list[float] = []
                    result = asyncio.run(long_run(server, tokens, lesson, args.long_learners,
                                                  args.long_minutes * 60, think, args.seed, samples))
                    long_runs.append((gc, samples, result))
                    print(f"# long run: {line(result)}", flush=True)
                print(f"# stored by the server: {stored(server.db_path)}", flush=True)
                if profile and profile.exists():
                    print("# server stack samples (busy threads; count, place):", flush=True)
                    for row in profile.read_text(encoding="utf-8").splitlines()[:25]:
                        print(f"#   {row}", flush=True)
            finally:
                server.stop()
    print()
    print("== Lotse load benchmark (2 cores, loopback, real lesson loop, think time "
          f"{think[0]}-{think[1]} s; times from rerun request to script finished) ==")
    for result in results:
        print(line(result))
    for gc in sorted({r.gc for r in results}):
        over = [r.learners for r in results if r.gc == gc and r.p(0.95) > 1.0]
        limit = min(over) if over else f"> {max(counts)} (not reached)"
        print(f"postScriptGC={str(gc).lower()}: p95 passes 1 s at N = {limit}")
    for gc, samples, result in long_runs:
        minute = max(1, len(samples) // int(max(1, args.long_minutes)))
        per_minute = " ".join(f"{s:.0f}" for s in samples[::minute])
        print(f"long run postScriptGC={str(gc).lower()} N={result.learners} {result.seconds / 60:.0f} min: "
              f"RSS per minute {per_minute} MB (start {result.rss_start:.0f}, max {result.rss_max:.0f}, "
              f"end {result.rss_end:.0f}); "
              f"p50={result.p(0.5) * 1000:.0f} ms p95={result.p(0.95) * 1000:.0f} ms")
    return 0


# --- several workers behind nginx, beside a bare Streamlit script ------------------------------------

TARGETS = [  # (workers, learners, p95 limit in seconds); printed beside the figures, not asserted
    (2, 500, 0.5),
    (2, 1000, 1.0),
]
BARE_RATIO_TARGET = (300, 1.5)  # Lotse's p95 within 1.5x of the bare script's at 300 learners


def bare_script(folder: Path, lesson_id: str) -> Path:
    """A plain Streamlit script showing the lesson's title, Markdown and quiz texts, and nothing else."""
    from lotse.config import load_settings
    from lotse.content import load_catalog

    catalog = load_catalog(load_settings().content_dir)
    lesson = next(item for item in catalog.lessons if item.id == lesson_id)
    quiz = catalog.quiz(lesson_id)
    questions = "\n\n".join(f"### Frage {n}\n\n{q.prompt}" for n, q in enumerate(quiz.questions, 1)) if quiz else ""
    markdown = folder / "bare.md"
    markdown.write_text(lesson.body + "\n\n" + questions, encoding="utf-8")
    script = folder / "bare_lesson.py"
    script.write_text("import streamlit as st\n"
                      f"st.title({lesson.meta.title!r})\n"
                      f"st.markdown(open({str(markdown)!r}, encoding='utf-8').read())\n", encoding="utf-8")
    return script


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def page_p(result: Result, q: float) -> float:
    """Quantile of the lesson page's full reruns (the interaction the bare script also does)."""
    return quantile(result.by_kind.get("Lektion öffnen", []), q)


def fleet_line(result: Result) -> str:
    kinds = " ".join(f"{k}={statistics.median(v) * 1000:.0f}" for k, v in sorted(result.by_kind.items()))
    rss = "/".join(f"{mb:.0f}" for mb in result.rss_workers)
    return (f"{result.label:5} workers={result.workers} N={result.learners:4d} interactions={len(result.times):5d} "
            f"p50={result.p(0.5) * 1000:6.0f} ms p95={result.p(0.95) * 1000:6.0f} ms "
            f"(lesson page p50={page_p(result, 0.5) * 1000:.0f} p95={page_p(result, 0.95) * 1000:.0f} ms; "
            f"session start p50={quantile(result.by_kind.get(SESSION_START, []), 0.5) * 1000:.0f} "
            f"p95={quantile(result.by_kind.get(SESSION_START, []), 0.95) * 1000:.0f} ms) RSS max per worker={rss} MB "
            f"server CPU={result.cpu_share * 100:.0f}% client CPU={result.client_cpu * 100:.0f}% "
            f"load avg={result.load_avg:.1f} errors={result.errors} | median ms: {kinds}")


def fleet_main(args: argparse.Namespace) -> int:
    worker_counts = [int(n) for n in args.workers.split(",")]
    counts = [int(n) for n in (args.learners or ("100,300" if args.quick else "100,300,500,1000")).split(",")]
    think = tuple(float(x) for x in (args.think or "5,15").split(","))
    seconds = args.seconds or (30 if args.quick else 90)
    ramp = args.ramp if args.ramp is not None else (15 if args.quick else 30)
    load = os.getloadavg()
    print(f"# {os.cpu_count()} cores, load average before the run {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} "
          f"(other work on this machine competes for the same cores); think time {think[0]}-{think[1]} s, "
          f"learners arrive over {ramp:.0f} s, then {seconds:.0f} s measured per N", flush=True)
    print(f"# engine: {args.engine}", flush=True)
    cluster = start_cluster() if args.engine == "postgresql" else None
    try:
        return fleet_runs(args, worker_counts, counts, think, seconds, ramp, cluster)
    finally:
        if cluster:
            cluster.stop()


def start_cluster():
    """A throwaway PostgreSQL cluster (tests/pg_cluster.py: initdb + pg_ctl on a free port)."""
    sys.path.insert(0, str(PROJECT / "tests"))
    from pg_cluster import Cluster

    return Cluster.start()


def fleet_runs(args, worker_counts: list[int], counts: list[int], think: tuple[float, float], seconds: float,
               ramp: float, cluster) -> int:
    results: list[Result] = []
    for workers in worker_counts:
        for label in ["Lotse"] + ([] if args.no_bare else ["bare"]):
            with tempfile.TemporaryDirectory(prefix="lotse-fleet-") as root:
                folder = Path(root)
                database = str(folder / "lotse.db")
                if cluster:
                    name = f"fleet_{workers}_{label.lower()}"
                    cluster.admin(f"CREATE DATABASE {name}")
                    database = cluster.url(name)
                tokens, lesson, questions = prepare(database, max(counts))
                app = "app.py" if label == "Lotse" else str(bare_script(folder, lesson))
                fleet = Fleet(folder, workers, app, label, database)
                fleet.start()
                try:
                    print(f"# {label}, {workers} worker(s) behind nginx: pids {fleet.pids}, lesson {lesson} "
                          f"({questions} questions)", flush=True)
                    page = "lektion" if label == "Lotse" else ""
                    asyncio.run(measure(fleet, tokens, lesson, 2, 5, (0.5, 1.0), args.seed, page))  # warm up
                    for n in counts:
                        result = asyncio.run(measure(fleet, tokens, lesson, n, seconds, think, args.seed, page, ramp))
                        results.append(result)
                        print(fleet_line(result), flush=True)
                        print(thread_line(result), flush=True)
                    if label == "Lotse":
                        print(f"# stored by the workers: {stored(fleet.database)}", flush=True)
                finally:
                    fleet.stop()
    print()
    print(f"== Lotse behind nginx, N learners through the browser's websocket protocol, think time "
          f"{think[0]}-{think[1]} s, arriving over {ramp:.0f} s, then {seconds:.0f} s measured per N; times from "
          f"rerun request to script finished; p50/p95 = steady state{' (after the arrival)' if ramp else ''}; "
          f"session start = a learner's first page view ==")
    for result in results:
        print(fleet_line(result))
    print()
    by_key = {(r.label, r.workers, r.learners): r for r in results}
    print("Lotse against the bare script with the same Markdown (same run, same N, same think time):")
    for workers in worker_counts:
        for n in counts:
            lotse, bare = by_key.get(("Lotse", workers, n)), by_key.get(("bare", workers, n))
            if lotse and bare:
                print(f"  workers={workers} N={n:4d}: " + "; ".join(
                    f"{name} p50 {quantile(a, 0.5) * 1000:.0f} vs {quantile(b, 0.5) * 1000:.0f} ms "
                    f"({quantile(a, 0.5) / quantile(b, 0.5):.2f}x), p95 {quantile(a, 0.95) * 1000:.0f} vs "
                    f"{quantile(b, 0.95) * 1000:.0f} ms ({quantile(a, 0.95) / quantile(b, 0.95):.2f}x) "
                    f"[{len(a)}/{len(b)} samples]"
                    for name, a, b in (("all interactions", lotse.times, bare.times),
                                       ("lesson page", lotse.by_kind.get("Lektion öffnen", []),
                                        bare.by_kind.get("Lektion öffnen", [])),
                                       ("session start", lotse.by_kind.get(SESSION_START, []),
                                        bare.by_kind.get(SESSION_START, [])))
                    if a and b))
    print("Targets (printed, not asserted):")
    for workers, n, limit in TARGETS:
        result = by_key.get(("Lotse", workers, n))
        measured = f"p95 {result.p(0.95) * 1000:.0f} ms, errors {result.errors}: " + (
            "met" if result.p(0.95) < limit and not result.errors else "NOT met") if result else "not measured"
        print(f"  {n} learners, {workers} workers: p95 < {limit * 1000:.0f} ms -> {measured}")
    n, ratio = BARE_RATIO_TARGET
    for workers in worker_counts:
        lotse, bare = by_key.get(("Lotse", workers, n)), by_key.get(("bare", workers, n))
        if lotse and bare:
            overall = lotse.p(0.95) / bare.p(0.95)
            measured = f"p95 ratio {overall:.2f}x (all interactions): " + ("met" if overall <= ratio else "NOT met")
        else:
            measured = "not measured"
        print(f"  {n} learners, {workers} worker(s): Lotse within {ratio}x of bare Streamlit -> {measured}")
    load = os.getloadavg()
    print(f"# load average after the run {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}")
    return 0


async def long_run(server: Server, tokens: list[str], lesson: str, learners: int, seconds: float,
                   think: tuple[float, float], seed: int, samples: list[float]) -> Result:
    """A long steady run; RSS sampled every 10 s into ``samples``."""
    async def record() -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            samples.append(server.rss_mb())
            await asyncio.sleep(10)  # sampling interval

    recorder = asyncio.create_task(record())
    result = await measure(server, tokens, lesson, learners, seconds, think, seed + 1)
    recorder.cancel()
    return result


if __name__ == "__main__":
    sys.exit(main())
