"""Benchmark: how fast is the trainer cockpit for a large cohort?

    python bench/analytics.py --learners 1000 [--engine postgresql]

Builds a temporary database with a cohort of 25 and one of N learners (simulated histories:
24 lessons, up to 3 attempts of 8 questions; a synthetic course is written when the real one has
fewer than 24 lessons with quizzes), then prints the median time of ``cohort_overview`` (all that
the overview page shows) at both sizes and of a full AppTest run of the cockpit page at N.
Targets: < 50 ms at 25, < 300 ms at 1,000 and < 3 s at 10,000 (issue "Beyond one machine", on
either engine), page < 1 s at 1,000. The figures are the last lines. On a busy machine judge the
CPU figures (this process plus, on PostgreSQL, the server's processes): wall time then mostly waits.
With --engine postgresql the database is a throwaway PostgreSQL cluster (Debian's postgresql
package, started and stopped here as the tests do).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from cockpit_builder import write_synthetic_course  # noqa: E402

from lotse import sessions  # noqa: E402
from lotse.accounts import create_account  # noqa: E402
from lotse.analytics import cohort as cockpit  # noqa: E402
from lotse.config import load_settings  # noqa: E402
from lotse.content import Catalog, load_catalog  # noqa: E402
from lotse.demo import create_demo_cohort  # noqa: E402
from progress import analytics as sql  # noqa: E402
from progress import prepared_store, sqlite_url  # noqa: E402

LESSONS, QUESTIONS = 24, 8
# Busier than a real cohort (most have finished all 24 lessons), so the figures are an upper bound.
BENCH_MIX = {"finished": 0.8, "halfway": 0.15, "little": 0.0, "never": 0.05}


def course(folder: Path) -> Path:
    """The real content if it has 24 lessons with quizzes, else a synthetic 24 x 8 course."""
    real = load_catalog(load_settings().content_dir)
    if sum(1 for lesson in real.lessons if real.quiz(lesson.id)) >= LESSONS:
        return real.root
    return write_synthetic_course(folder / "content", LESSONS, QUESTIONS)


SERVER_PID: int | None = None  # the PostgreSQL postmaster, when --engine postgresql


def server_cpu_seconds() -> float:
    """CPU seconds the database server has used so far: the postmaster, its live backends and
    parallel workers, and (cutime/cstime) the children it has already reaped. 0 for SQLite, whose
    work runs in this process and is counted by process_time()."""
    if SERVER_PID is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")

    def stat(pid: int) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None

    total = 0.0
    for entry in Path("/proc").iterdir():
        fields = stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and (int(entry.name) == SERVER_PID or int(fields[1]) == SERVER_PID):
            # fields[11:15] are utime, stime, cutime, cstime (man 5 proc, counted after the name)
            total += sum(int(value) for value in fields[11:15]) / ticks
    return total


def timed(action, repeat: int) -> tuple[float, float]:
    """Median wall-clock and median CPU milliseconds: this process plus, on PostgreSQL, the
    server's processes (CPU time shows the cost on a busy machine, where wall time waits)."""
    action()  # warm-up: first query plans, imports
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time() + server_cpu_seconds()
        action()
        wall.append(1000 * (time.perf_counter() - start))
        cpu.append(1000 * (time.process_time() + server_cpu_seconds() - start_cpu))
    return statistics.median(wall), statistics.median(cpu)


def breakdown(db, cohort_id: int, catalog: Catalog, repeat: int) -> list[tuple[str, float]]:
    ids, lessons = [cohort_id], [lesson.id for lesson in catalog.lessons]
    since = (datetime.now(timezone.utc) - timedelta(days=cockpit.ACTIVITY_DAYS)).isoformat()[:10]
    parts = {
        "members": lambda: sql.members(db, ids),
        "key_figures": lambda: sql.key_figures(db, ids, lessons, since),
        "lesson_funnel": lambda: sql.lesson_funnel(db, ids),
        "progress_cells": lambda: sql.progress_cells(db, ids),
        "score_distribution": lambda: sql.score_distribution(db, ids),
        "daily_activity": lambda: sql.daily_activity(db, ids, since),
        "objective_mastery": lambda: sql.objective_mastery(db, ids, 0.8),
    }
    return [(name, *timed(part, repeat)) for name, part in parts.items()]


def page_seconds(url: str, folder: Path, content: Path, token: str, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of one AppTest run of the cockpit page (CPU: this whole
    process, i.e. the script thread plus AppTest's own little overhead, and the database server)."""
    os.environ.update(LOTSE_DATABASE_URL=url, LOTSE_DATA_DIR=str(folder), LOTSE_CONTENT_DIR=str(content),
                      LOTSE_DEMO="0")
    from streamlit.testing.v1 import AppTest

    wall, cpu = [], []
    for index in range(repeat + 1):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.session_state["lotse-session-token"] = token
        at.run()
        at.switch_page("app_pages/cockpit.py")
        start, start_cpu = time.perf_counter(), time.process_time() + server_cpu_seconds()
        at.run()
        elapsed = time.perf_counter() - start
        elapsed_cpu = time.process_time() + server_cpu_seconds() - start_cpu
        if at.exception:
            raise SystemExit(f"cockpit page failed: {at.exception[0].value}")
        if index:  # the first run pays for imports and caches
            wall.append(elapsed)
            cpu.append(elapsed_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _query(store, sql: str, params=()):
    """Benchmark bookkeeping SQL on a connection of the store (rows read before it goes back)."""
    with store.connection() as db:
        return iter(list(db.query(sql, params)))


def _execute(store, sql: str, params=()) -> None:
    with store.connection() as db:
        db.execute(sql, params)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per figure (median)")
    parser.add_argument("--page-repeat", type=int, default=5, help="timed AppTest runs of the page")
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    cluster = None
    if args.engine == "postgresql":
        from pg_cluster import Cluster

        cluster = Cluster.start()
        global SERVER_PID
        SERVER_PID = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
    try:
        return measure(args, cluster)
    finally:
        if cluster:
            cluster.stop()


def measure(args: argparse.Namespace, cluster) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = course(folder)
        catalog = load_catalog(content)
        if cluster:
            cluster.admin("CREATE DATABASE bench")
            url = cluster.url("bench")
        else:
            url = sqlite_url(folder / "bench.db")
        print(f"engine: {args.engine}")
        db = prepared_store(url)
        trainer = create_account(db, "bench.trainerin", "Bench Trainerin", None, "trainer")
        sizes = {}
        for size in (25, args.learners):
            start = time.perf_counter()
            demo = create_demo_cohort(db, catalog, trainer, size, name=f"Bench {size}", seed=size, mix=BENCH_MIX)
            counts = next(_query(db, 
                "SELECT (SELECT COUNT(*) FROM attempts) AS attempts, (SELECT COUNT(*) FROM answers) AS answers,"
                " (SELECT COUNT(*) FROM events) AS events"))
            print(f"built cohort of {size} in {time.perf_counter() - start:.1f} s "
                  f"(database so far: {counts['attempts']} attempts, {counts['answers']} answers, "
                  f"{counts['events']} events)")
            sizes[size] = demo.cohort_id
        # A live PostgreSQL server's autovacuum keeps statistics and the visibility map current; a
        # database loaded in one go has neither until VACUUM, and without the visibility map no
        # index-only scan is possible, so the figures would describe a state production never has.
        _execute(db, "VACUUM ANALYZE" if cluster else "ANALYZE")
        questions = sum(len(entry.quiz.questions) for entry in catalog.quizzes.values())
        print(f"{len(catalog.lessons)} lessons, {questions} questions")
        print(f"query breakdown at {args.learners} learners (median ms, wall / CPU incl. database server):")
        for name, wall, cpu in breakdown(db, sizes[args.learners], catalog, args.repeat):
            print(f"  {name:20s} {wall:8.1f} {cpu:8.1f}")
        results = {size: timed(lambda c=cohort_id: cockpit.cohort_overview(db, trainer, c, catalog), args.repeat)
                   for size, cohort_id in sizes.items()}
        token = sessions.issue(db, trainer, load_settings())
        _execute(db, "UPDATE cohorts SET trainer_id = NULL WHERE id = ?", [sizes[25]])  # the page shows the big one
        page, page_cpu = page_seconds(url, folder, content, token, args.page_repeat)
        print(f"load average while measuring: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        for size, target in ((25, 50), (args.learners, 300 if args.learners <= 1000 else 3000)):
            wall, cpu = results[size]
            print(f"overview compute, {size} learners: median {wall:.1f} ms (CPU {cpu:.1f} ms; target < {target} ms)")
        print(f"cockpit page (AppTest run), {args.learners} learners: median {page:.2f} s "
              f"(CPU {page_cpu:.2f} s; target < 1 s)")
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
