"""Seminar live under a room's load: N phones answer within the same 10 seconds, one projector polls.

    python bench/live.py [--phones 25 100] [--window 10] [--refresh 2]

Each phone is a thread that, at a random moment of the window, does what the Mitmachen page's
"Antwort senden" does (lotse.live.answer on the shared store: validation, one upsert), and half of
them change their answer once. The projector is a thread that does what the Beamer-Ansicht's
fragment does every ``--refresh`` seconds (lotse.live.projector: the question and its counts).
Measured: per answer, the time from its commit to the end of the first projector refresh that
counts it (p50/p95, which the refresh interval dominates), the projector's query time, the answer
call's time, and whether every phone was counted exactly once. What it leaves out: Streamlit's
websocket round trip and the browser's drawing (the browser test checks the page end to end).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def room(folder: Path):
    from lotse import live
    from lotse.accounts import create_account
    from progress import cohorts as cohort_sql
    from progress import prepared_store

    db = prepared_store(folder / "live.db")
    trainer = create_account(db, "bench.trainerin", "Bench Trainerin", None, "trainer")
    cohort = cohort_sql.insert_cohort(db, "Bench", trainer.id, "BENCH1")
    session = live.start_session(db, trainer, cohort, allow_anonymous=True)
    question = live.add_question(db, trainer, session.id, "single", "Wie geht es weiter?", "A\nB\nC\nD")
    live.open_question(db, trainer, question)
    return db, trainer, session, question


def run(phones: int, window: float, refresh: float) -> dict:
    from lotse import live

    with tempfile.TemporaryDirectory(prefix="lotse-bench-live-") as tmp:
        db, trainer, session, question = room(Path(tmp))
        commits: list[float] = []
        calls: list[float] = []
        polls: list[tuple[float, float, int]] = []  # (start, end, answers counted)
        errors: list[BaseException] = []
        lock, stop = threading.Lock(), threading.Event()
        start = time.perf_counter() + 0.5

        def phone(n: int) -> None:
            rng = random.Random(n)
            who = live.participant(db, session, None, f"handy-{n}")
            moments = sorted([rng.uniform(0, window)] + ([rng.uniform(0, window)] if n % 2 else []))
            for number, moment in enumerate(moments):
                time.sleep(max(0.0, start + moment - time.perf_counter()))  # the load model, not synchronisation
                try:
                    begun = time.perf_counter()
                    live.answer(db, session, question, who, rng.randrange(4))
                    done = time.perf_counter()
                except BaseException as error:  # noqa: BLE001 - reported below
                    errors.append(error)
                    return
                with lock:
                    calls.append(done - begun)
                    if number == 0:  # a changed answer does not change the count
                        commits.append(done)

        def projector() -> None:
            while not stop.is_set():
                begun = time.perf_counter()
                shown = live.projector(db, trainer, session.id)
                polls.append((begun, time.perf_counter(), shown.answers if shown else 0))
                stop.wait(refresh)

        threads = [threading.Thread(target=phone, args=(n,)) for n in range(phones)]
        beamer = threading.Thread(target=projector)
        beamer.start()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(refresh * 1.5)  # let the projector see the last answer
        stop.set()
        beamer.join()
        latencies = []
        for committed in commits:
            seen = next((end for begun, end, _ in polls if begun >= committed), None)
            if seen is not None:
                latencies.append(seen - committed)
        counted = live.results(db, trainer, question).answers
        db.close()
    return {"phones": phones, "counted": counted, "errors": len(errors), "latencies": latencies,
            "poll_ms": [1000 * (end - begun) for begun, end, _ in polls], "call_ms": [1000 * c for c in calls]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, nargs="+", default=[25, 100])
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--refresh", type=float, default=2.0, help="the projector fragment's interval (s)")
    args = parser.parse_args()
    print(f"window {args.window:g} s, projector refresh {args.refresh:g} s (as app_pages/live_projektor.py)")
    for phones in args.phones:
        figures = run(phones, args.window, args.refresh)
        lat = figures["latencies"]
        print(f"{phones:4d} phones: counted {figures['counted']} of {phones} "
              f"({'ok' if figures['counted'] == phones and not figures['errors'] else 'LOST OR DOUBLED'}), "
              f"{figures['errors']} errors; answer -> projector p50 {statistics.median(lat):.2f} s, "
              f"p95 {percentile(lat, 0.95):.2f} s (target about 2 s); projector query median "
              f"{statistics.median(figures['poll_ms']):.1f} ms; answer call median "
              f"{statistics.median(figures['call_ms']):.1f} ms, p95 {percentile(figures['call_ms'], 0.95):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
