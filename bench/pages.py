"""Benchmark: server-side script time of the learner pages against bare Streamlit scripts.

    python bench/pages.py [--runs 50]

Runs the pages with AppTest on the real content and a temporary database with a signed-in
learner, median over ``--runs`` reruns. Measured is the script execution itself (widget callbacks
included) inside the script thread, as wall and CPU time; AppTest's own polling and tree parsing
are left out, and each script is compiled once as on the server (AppTest alone recompiles every
run). CPU time is the steadier figure on a shared machine; the ratio uses it.

Baselines, each a plain Streamlit script with none of Lotse's code:
- "bare twin" (target: Lotse within 2x): the page as Lotse rendered it, written back as plain
  Streamlit calls (bench/twin.py): the same Markdown, headings, links, buttons and inputs with the
  same texts in the same containers. The ratio is the cost of Lotse's own work (navigation, sign-in
  check, database, content, fragments) on top of what Streamlit needs to show that page.
- "one block": only the page's Markdown in a single st.markdown (home: the lesson list; lesson: the
  lesson text; quiz: lesson text plus the questions as Markdown), no inputs, buttons or links; also
  as a page inside Lotse's app.py (what navigation, sign-in and chrome cost every page).
A page and its baseline run in turns, so a busy moment of the machine falls on both alike.

Answering a question reruns only that question's fragment on the server (see ui/quiz_panel.py);
AppTest reruns the whole page, so both are shown. Also the median time to record an answer (the
draft saved by every input change; target < 5 ms) and to submit an attempt.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from twin import twin_script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_SLOT = "barrierefreiheit.py"  # the page file the in-app baseline replaces in a mirror of the app
_script_times: list[tuple[float, float]] = []  # (wall ms, CPU ms of the script thread)
_fragment_queue: list[str] = []


def _instrument_apptest() -> None:
    """Time each script execution in its thread; compile each script once (as the server does);
    and let a run be a fragment-only rerun when _fragment_queue names fragments."""
    from streamlit.runtime.scriptrunner import RerunData, script_runner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared
    local_script_runner.RerunData = lambda **kw: RerunData(**kw, fragment_id_queue=list(_fragment_queue))
    original = script_runner.exec_func_with_error_handling

    def timed(func, ctx):
        start, start_cpu = time.perf_counter(), time.thread_time()
        try:
            return original(func, ctx)
        finally:
            _script_times.append((1000 * (time.perf_counter() - start), 1000 * (time.thread_time() - start_cpu)))

    script_runner.exec_func_with_error_handling = timed


def median_ms(*actions, runs: int) -> list[tuple[float, float]]:
    """Median script (wall, CPU) ms of ``runs`` calls of each action (each runs a script once).

    The actions take turns, so a busy moment of the machine falls on all of them alike and the
    ratios between them stay steady even when the absolute figures move.
    """
    times: list[list[tuple[float, float]]] = [[] for _ in actions]
    for action in actions:
        action()  # warm-up: imports, caches, query plans
    for _ in range(runs):
        for action, measured in zip(actions, times):
            del _script_times[:]
            action()
            assert len(_script_times) == 1, _script_times
            measured.append(_script_times[0])
    return [(statistics.median(t[0] for t in measured), statistics.median(t[1] for t in measured))
            for measured in times]


def median_call_ms(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def write_markdown(folder: Path, name: str, title: str, markdown: str) -> tuple[Path, Path]:
    """A standalone bare script and the Markdown file it (and the in-app bare page) renders."""
    data = folder / f"{name}.md"
    data.write_text(markdown, encoding="utf-8")
    script = folder / f"bare_{name}.py"
    script.write_text("import streamlit as st\n"
                      f"st.title({title!r})\n"
                      f"st.markdown(open({str(data)!r}, encoding='utf-8').read())\n", encoding="utf-8")
    return script, data


def mirror_app(folder: Path) -> Path:
    """app.py with its pages, except that BARE_SLOT renders the Markdown file named in the
    environment: a bare page that still pays for navigation, sign-in and page chrome."""
    mirror = folder / "mirror"
    (mirror / "app_pages").mkdir(parents=True)
    shutil.copy(ROOT / "app.py", mirror / "app.py")
    for page in (ROOT / "app_pages").glob("*.py"):
        if page.name != BARE_SLOT:
            (mirror / "app_pages" / page.name).symlink_to(page)
    (mirror / "app_pages" / BARE_SLOT).write_text(
        "import os\nimport streamlit as st\n"
        "st.title(os.environ['LOTSE_BENCH_TITLE'])\n"
        "st.markdown(open(os.environ['LOTSE_BENCH_MD'], encoding='utf-8').read())\n", encoding="utf-8")
    return mirror / "app.py"


def quiz_markdown(quiz) -> str:
    lines = []
    for number, question in enumerate(quiz.questions, 1):
        lines += [f"### Frage {number}", question.prompt]
        lines += [f"- {o.text}" for o in getattr(question, "options", [])]
        lines += [f"- {item}" for item in getattr(question, "items", [])]
        lines += [f"- {pair.left}: {pair.right}" for pair in getattr(question, "pairs", [])]
    return "\n\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="lotse-bench-"))
    os.environ.update(LOTSE_DATA_DIR=str(folder), LOTSE_DB_PATH=str(folder / "lotse.db"), LOTSE_DEMO="0")
    os.environ.setdefault("LOTSE_CONTENT_DIR", str(ROOT))

    from streamlit.testing.v1 import AppTest

    _instrument_apptest()

    from lotse import learning, sessions
    from lotse.config import load_settings
    from lotse.content import load_catalog
    from lotse.progress_report import overview
    from progress import prepared_store
    from progress.users import insert_user

    settings = load_settings()
    catalog = load_catalog(settings.content_dir)
    lessons = [lesson for lesson in catalog.lessons if catalog.quiz(lesson.id)]
    if not lessons:
        sys.exit("No valid lesson with a quiz in the content folder.")
    lesson = max(lessons, key=lambda item: len(item.body))
    quiz = catalog.quiz(lesson.id)
    db = prepared_store(settings.database_url)
    user = insert_user(db, "bench", "Bench", "learner")
    for other in [item for item in lessons if item.id != lesson.id][:3]:  # some history to show
        learning.mark_read(db, user, other.id)
        learning.submit_attempt(db, user, catalog.quiz(other.id), 1, {})

    def app(page: str, main: Path = ROOT / "app.py", **params) -> AppTest:
        at = AppTest.from_file(str(main), default_timeout=60)
        at.session_state["lotse-session-token"] = sessions.issue(db, user, settings)
        at.run()
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, at.exception
        return at

    mirror = mirror_app(folder)
    course = overview(catalog, {})
    markdown = {
        "home": ("Mein Lernweg", "\n\n".join(f"## {m.title}\n\n" + "\n".join(
            f"- {e.title} ({e.minutes} Min.)" for e in m.lessons) for m in course.modules)),
        "lesson": (lesson.meta.title, lesson.body),
        "quiz": (lesson.meta.title, lesson.body + "\n\n## Quiz\n\n" + quiz_markdown(quiz)),
    }
    baselines = {}
    for name, (title, text) in markdown.items():
        script, data = write_markdown(folder, name, title, text)
        os.environ.update(LOTSE_BENCH_TITLE=title, LOTSE_BENCH_MD=str(data))
        in_app = app(f"app_pages/{BARE_SLOT}", main=mirror)
        baselines[name] = tuple(median_ms(AppTest.from_file(str(script)).run, in_app.run, runs=args.runs))

    twins = {"n": 0}

    def page_row(name: str, base: str, at: AppTest, action=None) -> tuple:
        """The page's median script time and that of its bare twin (bench/twin.py), taking turns."""
        twins["n"] += 1
        script = folder / f"twin_{twins['n']}.py"
        script.write_text(twin_script(at), encoding="utf-8")
        bare_twin = AppTest.from_file(str(script), default_timeout=60)
        ours, twin = median_ms(action or at.run, bare_twin.run, runs=args.runs)
        return name, base, ours, twin

    rows = [page_row("home (Mein Lernweg)", "home", app("app_pages/lernweg.py")),
            page_row("lesson page (quiz not started)", "lesson", app("app_pages/lektion.py", id=lesson.id))]
    learning.start_new_attempt(db, user, lesson.id)
    answering = app("app_pages/lektion.py", id=lesson.id)
    rows.append(page_row("lesson page with the quiz form", "quiz", answering))

    first = quiz.questions[0]
    key = f"quiz-{lesson.id}-{first.id}-a{learning.quiz_state(db, user, lesson.id).attempt_no}"
    flip = {"n": 0}

    def answer_one() -> None:
        """One input change: its callback saves the draft, then the page (or fragment) reruns."""
        flip["n"] += 1
        if first.type == "single_choice":
            answering.radio(key=key).set_value(flip["n"] % len(first.options))
        elif first.type == "true_false":
            answering.radio(key=key).set_value(bool(flip["n"] % 2))
        elif first.type in ("short_answer", "numeric"):
            answering.text_input(key=key).input(str(flip["n"]))
        elif first.type == "multiple_choice":
            answering.checkbox(key=f"{key}-o0").set_value(bool(flip["n"] % 2))
        elif first.type == "ordering":
            answering.selectbox(key=f"{key}-p0").set_value(flip["n"] % len(first.items))
        else:
            answering.selectbox(key=f"{key}-m0").set_value(first.choices[flip["n"] % len(first.choices)])
        answering.run()

    rows.append(page_row("quiz: answer a question, whole page rerun", "quiz", answering, answer_one))
    fragments = answering._fragment_storage._fragments
    question_one = next(fid for fid, fn in fragments.items()
                        if fn.__closure__ and isinstance(fn.__closure__[0].cell_contents, tuple)
                        and fn.__closure__[0].cell_contents[2:3] == (1,))
    _fragment_queue.append(question_one)
    rows.append(("quiz: answer a question, fragment rerun", "quiz", median_ms(answer_one, runs=args.runs)[0], None))
    _fragment_queue.clear()

    feedback = app("app_pages/lektion.py", id=lesson.id)
    feedback.button(key=f"quiz-{lesson.id}-submit-a{learning.quiz_state(db, user, lesson.id).attempt_no}").click().run()
    assert not feedback.exception
    rows.append(page_row("quiz: feedback after submit", "quiz", feedback))

    responses = {q.id: None for q in quiz.questions}
    other = lessons[-1].id if lessons[-1].id != lesson.id else lessons[0].id
    state = learning.quiz_state(db, user, other)
    counter = {"n": 0}

    def record_answer() -> None:
        counter["n"] += 1
        responses[quiz.questions[0].id] = f"Antwort {counter['n']}"
        assert learning.save_draft(db, user, other, state.attempt_no, responses)

    submit_user = insert_user(db, "bench-submit", "Bench", "learner")
    attempt = {"n": 0}

    def submit() -> None:
        attempt["n"] += 1
        learning.submit_attempt(db, submit_user, quiz, attempt["n"], {})

    answer_ms = median_call_ms(record_answer, 200)
    submit_ms = median_call_ms(submit, 100)

    print(f"Content: {len(catalog.lessons)} lessons; lesson page measured: {lesson.id} "
          f"({len(lesson.body)} characters, {len(quiz.questions)} questions); median of {args.runs} runs each.")
    print(f"{'script time, ms (wall / CPU)':42} {'Lotse':>13} {'bare twin':>13} {'ratio':>6} "
          f"{'one block':>9} {'ratio':>6} {'twin/block':>10}")
    for name, base, ours, twin_ms in rows:
        block = baselines[base][0]
        twin_text = (f"{twin_ms[0]:6.1f} /{twin_ms[1]:5.1f} {ours[1] / twin_ms[1]:6.1f}" if twin_ms
                     else f"{'-':>13} {'-':>6}")
        twin_block = f"{twin_ms[1] / block[1]:10.1f}" if twin_ms else f"{'-':>10}"
        print(f"{name:42} {ours[0]:6.1f} /{ours[1]:5.1f} {twin_text} {block[1]:9.1f} {ours[1] / block[1]:6.1f} "
              f"{twin_block}")
    over = [name for name, _, ours, twin_ms in rows if twin_ms and ours[1] / twin_ms[1] > 2.0]
    print("bare twin: the same elements and texts as a plain Streamlit script (bench/twin.py); target: ratio <= 2.0 "
          f"(CPU): {'ok' if not over else 'OVER: ' + ', '.join(over)}")
    print("one block: the page's Markdown in a single st.markdown (no inputs, buttons or links), CPU ms")
    for name, (block, in_app) in baselines.items():
        print(f"  {name}: one block {block[1]:.1f} ms; the same block as a page inside app.py "
              f"(navigation, sign-in, chrome) {in_app[1]:.1f} ms")
    verdict = "ok" if answer_ms < 5 else "OVER"
    print(f"record an answer (save draft): median {answer_ms:.2f} ms  target < 5 ms  {verdict}")
    print(f"submit an attempt (grade + store): median {submit_ms:.2f} ms")


if __name__ == "__main__":
    main()
