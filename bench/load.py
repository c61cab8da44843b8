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
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
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
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def thread_states(self) -> list[str]:
        """Per server thread: R (running) or the kernel function it waits in (futex = GIL or a lock,
        hrtimer_nanosleep = a sleep, e.g. SQLite's busy handler, do_epoll_wait = idle event loop)."""
        states = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
                states.append("R" if state == "R" else (task / "wchan").read_text().strip() or state)
            except OSError:
                continue
        return states

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def prepare(db_path: Path, learners: int) -> tuple[list[str], str, int]:
    """Migrated database, ``learners`` accounts with live session tokens; (tokens, lesson id, questions)."""
    from lotse import sessions
    from lotse.accounts import create_account
    from lotse.config import load_settings
    from lotse.content import load_catalog
    from lotse.startup import prepare as prepare_app
    from progress import prepared_store

    settings = load_settings({"LOTSE_DB_PATH": str(db_path), "LOTSE_DATA_DIR": str(db_path.parent)})
    catalog = load_catalog(settings.content_dir)
    db = prepared_store(db_path)
    prepare_app(db, settings, catalog)
    tokens = [sessions.issue(db, create_account(db, f"last-{n:03d}", f"Last {n}", None), settings)
              for n in range(learners)]
    db.close()
    lesson = next(lesson for lesson in catalog.lessons if catalog.quiz(lesson.id))
    return tokens, lesson.id, len(catalog.quiz(lesson.id).questions)


def stored(db_path: Path) -> str:
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

    async def run(self, deadline: float) -> None:
        uri = self.url.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(uri, subprotocols=["streamlit"], max_size=None, compression=None,
                                      additional_headers={"Cookie": f"lotse_session={self.token}"}) as ws:
            self.ws = ws
            while time.monotonic() < deadline:
                await self.round(deadline)

    async def round(self, deadline: float) -> None:
        await self.interact("Lektion öffnen", page=True)
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
        client.page_name = "lektion"
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

    def p(self, q: float) -> float:
        if not self.times:
            return float("nan")
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def measure(server: Server, tokens: list[str], lesson: str, learners: int, seconds: float,
                  think: tuple[float, float], seed: int) -> Result:
    deadline = time.monotonic() + seconds
    clients = [Learner(server.url, tokens[n], lesson, think, random.Random(seed * 1000 + n)) for n in range(learners)]
    rss = [server.rss_mb()]
    cpu0, wall0, own0 = server.cpu_seconds(), time.monotonic(), sum(os.times()[:2])
    states: dict[str, int] = {}

    async def sample() -> None:
        tick = 0
        while time.monotonic() < deadline:
            tick += 1
            if tick % 5 == 0:
                rss.append(server.rss_mb())
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
    return Result(learners, server.post_script_gc, [t for v in by_kind.values() for t in v], by_kind, failed,
                  rss[0], max(rss), rss[-1], (server.cpu_seconds() - cpu0) / wall, wall,
                  (sum(os.times()[:2]) - own0) / wall, {k: v / samples for k, v in states.items()})


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
    parser.add_argument("--learners", default="10,25,50,100", help="comma-separated N values")
    parser.add_argument("--seconds", type=float, default=60, help="duration of each N")
    parser.add_argument("--long-minutes", type=float, default=6, help="long run for memory (0 = skip)")
    parser.add_argument("--long-learners", type=int, default=25)
    parser.add_argument("--think", default="0.5,1.5", help="think time range in seconds, min,max")
    parser.add_argument("--gc", default="false,true", help="runner.postScriptGC settings to compare")
    parser.add_argument("--quick", action="store_true", help="short smoke run (10 s per N, no long run)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="sample the server's stacks (where time goes)")
    args = parser.parse_args()
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
