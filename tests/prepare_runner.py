"""`lotse prepare` in several processes at once, without paying an interpreter start for each.

A fresh `python -m lotse prepare` spends some 0.8 s importing (pandas through sqlite-utils, the
content model, every command) before it touches the database; forty of them made the slowest test
of the suite. Here a multiprocessing fork server imports Lotse once, and every prepare is a new
process forked from it: its own interpreter state, connections and locks, as a separate command
would have.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import sys
import types
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Everything `lotse prepare` imports: the command line builds its parser from every command module.
PRELOAD = ["lotse.cli", "progress", "lotse.content"] + [
    f"lotse.commands.{path.stem}" for path in sorted((ROOT / "lotse" / "commands").glob("*.py"))
    if path.stem != "__init__"]
TIMEOUT = 120
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(PRELOAD)


@dataclass
class Run:
    """What one prepare process left, named as subprocess.CompletedProcess names it."""

    returncode: int
    stdout: str
    stderr: str


def _prepare(env: dict[str, str], out: str) -> None:
    """The child: run the command line's `prepare`; write its exit code and output to a file."""
    os.environ.update(env)
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 1
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            from lotse.cli import main

            code = main(["prepare"])
    except BaseException as error:  # noqa: BLE001 - everything is reported to the test
        stderr.write(f"{type(error).__name__}: {error}")
    finally:
        Path(out).write_text(f"{code}\n{stdout.getvalue()}\0{stderr.getvalue()}", encoding="utf-8")


@contextlib.contextmanager
def _no_main_module():
    """multiprocessing runs the parent's __main__ again in each child. After an AppTest that is
    app.py (Streamlit's script runner leaves it there): some 2 s of imports per child. The target
    lives in this module, so the children need no __main__ at all."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def prepare_in_processes(env: dict[str, str], processes: int, folder: Path) -> list[Run]:
    """Start `processes` prepares at once (each a forked process) and wait for all of them."""
    folder.mkdir(parents=True, exist_ok=True)
    outs = [folder / f"prepare-{n}.out" for n in range(processes)]
    children = [_context.Process(target=_prepare, args=(env, str(out))) for out in outs]
    with _no_main_module():
        for child in children:
            child.start()
    for child in children:
        child.join(TIMEOUT)
    return [_result(child, out) for child, out in zip(children, outs)]


def _result(child, out: Path) -> Run:
    if child.is_alive():
        child.kill()
        return Run(-9, "", f"still running after {TIMEOUT} s")
    if not out.exists():
        return Run(child.exitcode or 1, "", f"ended with exit code {child.exitcode} and left no output")
    head, _, rest = out.read_text(encoding="utf-8").partition("\n")
    stdout, _, stderr = rest.partition("\0")
    return Run(int(head), stdout, stderr)
