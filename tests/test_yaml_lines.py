"""Content YAML is read by libyaml where it is installed, and by PyYAML's Python parser otherwise or
when libyaml rejects a file: both must give the same data, the same lines and the same limits."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lotse.content import yaml_lines
from lotse.content.yaml_lines import MAX_DEPTH, YamlRefused, compose_within_budget, split_front_matter

ROOT = Path(__file__).resolve().parent.parent


def test_the_pinned_pyyaml_brings_libyaml():
    """PyYAML's wheels for Linux include libyaml; without it every comparison below would compare
    the Python parser with itself."""
    assert yaml_lines.FAST_LOADER is yaml.CSafeLoader


def real_documents() -> list[tuple[str, str]]:
    quizzes = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "quizzes").glob("*.yaml"))]
    lessons = [(p.name, split_front_matter(p.read_text(encoding="utf-8"))[0])
               for p in sorted((ROOT / "lessons").glob("*.md"))]
    return quizzes + lessons


def lines(node, path=()) -> dict:
    """Every node's path -> (start line, end line), from the composed tree."""
    found = {path: (node.start_mark.line, node.end_mark.line)}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found.update(lines(value, path + (key.value,)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(lines(item, path + (index,)))
    return found


def python_only(monkeypatch) -> None:
    monkeypatch.setattr(yaml_lines, "FAST_LOADER", None)


def test_the_real_course_reads_the_same_with_both_parsers(monkeypatch):
    documents = real_documents()
    assert len(documents) >= 48
    fast = [compose_within_budget(text) for _, text in documents]
    python_only(monkeypatch)
    for (name, text), (data, node) in zip(documents, fast):
        python_data, python_node = compose_within_budget(text)
        assert data == python_data, name
        assert lines(node) == lines(python_node), name


@pytest.mark.parametrize("levels", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1])
def test_both_parsers_draw_the_depth_line_at_the_same_place(monkeypatch, levels):
    text = "[" * levels + "1" + "]" * levels
    outcomes = []
    for fast in (True, False):
        if not fast:
            python_only(monkeypatch)
        try:
            compose_within_budget(text)
            outcomes.append("read")
        except YamlRefused as error:
            outcomes.append(str(error))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0] == "read") == (levels < MAX_DEPTH)


def test_a_file_libyaml_rejects_gets_the_python_parsers_german_message(monkeypatch):
    from lotse.content.yaml_lines import ContentError, load_yaml

    broken = "lesson: eins\nquestions:\n  - prompt: \"offen\n"
    with pytest.raises(ContentError) as fast:
        load_yaml(broken, offset=3)
    python_only(monkeypatch)
    with pytest.raises(ContentError) as python:
        load_yaml(broken, offset=3)
    assert (fast.value.line, fast.value.message) == (python.value.line, python.value.message)
    assert "Anführungszeichen" in fast.value.message
