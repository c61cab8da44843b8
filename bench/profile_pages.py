"""Where a lesson rerun and a quiz start spend their time: cProfile over AppTest runs.

    python bench/profile_pages.py [--runs 30] [--top 25]

Real content, a temporary database and a signed-in learner (as bench/pages.py). Profiles
(1) reruns of the lesson page before the quiz, (2) "Quiz starten" (a new attempt: the click, its
callback and the rerun that draws the quiz form) and (3) reruns of the page with the quiz form.
Prints, per scenario, the time per run split into Lotse's own code (lotse/, ui/, progress/,
app_pages/, app.py; exclusive time of their functions), the database driver, and Streamlit and the
rest, then Lotse's most expensive functions by cumulative time. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OWN = tuple(str(ROOT / name) for name in ("lotse", "ui", "progress", "app_pages", "app.py"))


_active: list[cProfile.Profile] = []  # the profiler of the scenario being measured


def _profile_script_threads() -> None:
    """AppTest runs each script on a thread of its own: profile there, around the script execution
    (callbacks included); compile each script once, as the server does."""
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    original = script_runner.exec_func_with_error_handling

    def profiled(func, ctx):
        if not _active:
            return original(func, ctx)
        return _active[-1].runcall(original, func, ctx)

    script_runner.exec_func_with_error_handling = profiled


def split(stats: pstats.Stats) -> dict[str, float]:
    """Exclusive (tottime) seconds: Lotse's own code, the SQLite driver, everything else."""
    parts = {"lotse": 0.0, "sqlite": 0.0, "other": 0.0}
    for (filename, _, name), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.startswith(OWN):
            parts["lotse"] += tottime
        elif "sqlite" in filename or "sqlite3" in name:
            parts["sqlite"] += tottime
        else:
            parts["other"] += tottime
    return parts


def own_functions(stats: pstats.Stats, top: int) -> list[tuple[float, str]]:
    rows = []
    for (filename, line, name), (_, calls, _, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        if filename.startswith(OWN) and not name.startswith("<module>"):
            rows.append((cumtime, f"{Path(filename).relative_to(ROOT)}:{line} {name} ({calls} calls)"))
    return sorted(rows, reverse=True)[:top]


def report(label: str, profiler: cProfile.Profile, runs: int, top: int) -> None:
    stats = pstats.Stats(profiler)
    parts = split(stats)
    total = sum(parts.values())
    print(f"\n{label}: {total / runs * 1000:.1f} ms per run under the profiler "
          f"(Lotse {parts['lotse'] / total:.0%}, SQLite {parts['sqlite'] / total:.0%}, "
          f"Streamlit and the rest {parts['other'] / total:.0%})")
    for cumtime, where in own_functions(stats, top):
        print(f"  {cumtime / runs * 1000:7.2f} ms  {where}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lotse-profile-"))
    os.environ.update(LOTSE_DATA_DIR=str(folder), LOTSE_DB_PATH=str(folder / "lotse.db"), LOTSE_DEMO="0")
    os.environ.setdefault("LOTSE_CONTENT_DIR", str(ROOT))

    from streamlit.testing.v1 import AppTest

    _profile_script_threads()
    from lotse import learning, sessions
    from lotse.config import load_settings
    from lotse.content import load_catalog
    from progress import prepared_store
    from progress.users import insert_user

    settings = load_settings()
    catalog = load_catalog(settings.content_dir)
    lesson = max((item for item in catalog.lessons if catalog.quiz(item.id)), key=lambda item: len(item.body))
    db = prepared_store(settings.database_url)
    user = insert_user(db, "profil", "Profil", "learner")

    def lesson_page() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["lotse-session-token"] = sessions.issue(db, user, settings)
        at.run()
        at.switch_page("app_pages/lektion.py")
        at.query_params["id"] = lesson.id
        at.run()
        assert not at.exception, at.exception
        return at

    def measured(label: str, action) -> None:
        _active.append(cProfile.Profile())
        for _ in range(args.runs):
            action()
        report(label, _active.pop(), args.runs, args.top)

    reading = lesson_page()
    reading.run()  # warm-up
    measured(f"lesson page rerun ({lesson.id})", reading.run)

    def start_quiz() -> None:
        _active_now = _active.pop()  # opening the page is not part of the quiz start
        at = lesson_page()
        _active.append(_active_now)
        start = next(b for b in at.button if b.label in ("Quiz starten", "Neuer Versuch"))
        start.click().run()
        learning.submit_attempt(db, user, catalog.quiz(lesson.id), learning.quiz_state(db, user, lesson.id).attempt_no, {})

    measured("quiz start (click, callback, rerun with the quiz form)", start_quiz)
    learning.start_new_attempt(db, user, lesson.id)
    answering = lesson_page()
    measured("page with the quiz form, rerun", answering.run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
