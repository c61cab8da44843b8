"""Issue 20, item 5: hostile content and import files are refused with a clear message, fast.

Runs that hung before the fix run in a child process with a time and memory limit, so a
regression fails the test instead of freezing the suite or the machine."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content_builder import write_course
from lotse.content import load_catalog
from lotse.content.yaml_lines import ContentError, load_yaml, safe_load
from lotse.interop.common import InteropError
from lotse.interop.exchange import read_questions

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 20
MEMORY_BYTES = 2 * 1024 ** 3


def billion_laughs() -> str:
    """Nine levels of nine aliases: under 600 bytes, 9^9 values once expanded."""
    levels = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "lesson: eins\npass_mark: 70\n" + "\n".join(levels) + "\nquestions: *i\n"


def nested_html(depth: int = 1500) -> str:
    return "<ul><li>" * depth + "tief" + "</li></ul>" * depth


def moodle_xml(question_text: str) -> bytes:
    return ("<?xml version='1.0' encoding='UTF-8'?><quiz><question type='truefalse'><name><text>Tief</text>"
            "</name><questiontext format='html'><text><![CDATA[" + question_text + "]]></text></questiontext>"
            "<answer fraction='100'><text>true</text></answer><answer fraction='0'><text>false</text></answer>"
            "</question></quiz>").encode()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def run_lotse(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    """`python -m lotse ARGS` in a child with a time and memory limit; (result, seconds)."""
    started = time.perf_counter()
    try:
        result = subprocess.run([sys.executable, "-m", "lotse", *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=LIMIT_SECONDS, preexec_fn=_limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"lotse {' '.join(args)} ran longer than {LIMIT_SECONDS} s")
    return result, time.perf_counter() - started


def test_billion_laughs_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(ContentError, match="Verweise"):
        load_yaml(billion_laughs())
    assert time.perf_counter() - started < 0.5
    assert len(billion_laughs().encode()) < 600


def test_billion_laughs_quiz_does_not_hang_validate(tmp_path):
    root = write_course(tmp_path, quizzes={"eins": billion_laughs()})
    result, seconds = run_lotse("validate", str(root))
    assert result.returncode == 1
    assert "Verweise" in result.stdout + result.stderr
    assert seconds < LIMIT_SECONDS


def test_billion_laughs_is_left_out_of_the_catalog_and_the_rest_loads(tmp_path):
    root = write_course(tmp_path, quizzes={"eins": billion_laughs()})
    catalog = load_catalog(root)
    assert catalog.course is not None and "ozg" in catalog.glossary and "eins" not in catalog.quizzes
    assert any("Verweise" in p.message for p in catalog.errors)


def test_ordinary_anchors_and_aliases_still_work():
    assert safe_load("a: &x {k: 1}\nb: *x\n") == {"a": {"k": 1}, "b": {"k": 1}}


@pytest.mark.parametrize("text", ["x: " + "[" * 3000 + "]" * 3000, "&a [*a]"])
def test_deep_or_recursive_yaml_is_refused(text):
    with pytest.raises(ContentError, match="Ebenen tief verschachtelt"):
        load_yaml(text)


def test_a_ten_megabyte_lesson_is_refused_without_reading_it(tmp_path):
    from content_builder import LESSON

    huge = LESSON + ("Verwaltung digital. " * 50 + "\n\n") * 10_000
    assert len(huge.encode()) > 10_000_000
    root = write_course(tmp_path, lessons={"eins": huge})
    started = time.perf_counter()
    catalog = load_catalog(root)
    assert time.perf_counter() - started < 2
    assert catalog.lessons == []
    assert any("zu groß" in p.message for p in catalog.errors)


def test_deeply_nested_html_in_a_question_is_refused_in_milliseconds():
    started = time.perf_counter()
    with pytest.raises(InteropError, match="verschachtelt"):
        read_questions(moodle_xml(nested_html(60)), "moodle-xml")
    assert time.perf_counter() - started < 0.5


def test_moderately_nested_html_still_imports():
    result = read_questions(moodle_xml("<ul><li>eins<ul><li>zwei</li></ul></li></ul>"), "moodle-xml")
    assert len(result.drafts) == 1 and "zwei" in result.drafts[0].data["prompt"]


def test_nested_html_import_from_the_command_line_ends_quickly(tmp_path):
    """The issue's case: <ul><li> x 1500 took minutes and gigabytes."""
    write_course(tmp_path)
    source = tmp_path / "tief.xml"
    source.write_bytes(moodle_xml(nested_html(1500)))
    result, seconds = run_lotse("questions", "import", str(source), "--format", "moodle-xml", "--lesson", "eins",
                                "--root", str(tmp_path), "--out", str(tmp_path / "out.yaml"))
    assert result.returncode == 1 and "verschachtelt" in result.stderr + result.stdout
    assert not (tmp_path / "out.yaml").exists()


def test_deeply_nested_xml_is_refused():
    with pytest.raises(InteropError, match="verschachtelt"):
        read_questions(b"<quiz>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</quiz>", "moodle-xml")


def test_a_five_megabyte_gift_file_is_refused_by_the_command_line(tmp_path):
    write_course(tmp_path)
    source = tmp_path / "gross.gift"
    source.write_text("::F:: Ist das viel? {TRUE}\n\n" * 200_000, encoding="utf-8")
    assert source.stat().st_size > 5_000_000
    result, seconds = run_lotse("questions", "import", str(source), "--format", "gift", "--lesson", "eins",
                                "--root", str(tmp_path), "--out", str(tmp_path / "out.yaml"))
    assert result.returncode == 1 and "zu groß" in result.stderr + result.stdout
    assert seconds < 10


def test_too_many_questions_are_refused_before_parsing():
    with pytest.raises(InteropError, match="mehr als"):
        read_questions(("::F:: Frage? {TRUE}\n\n" * 3000).encode(), "gift")
