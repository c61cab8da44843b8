"""The bare twin (bench/twin.py) is the baseline of the page benchmark: it must show the same
elements, texts and containers as the Lotse page it was made from, or the ratio measures nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from learner_support import COURSE_DIR, LESSON_ONE
from lotse import learning

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from twin import twin_script  # noqa: E402


def outline(node) -> list[tuple]:
    """Depth-first (kind, text) of every element and container, widget ids and link targets left out."""
    found = []
    for child in node.children.values():
        proto = child.proto
        kind = type(proto).__name__ if proto is not None else child.type
        if isinstance(child, Block):
            found.append(("block", child.type, getattr(getattr(proto, "flex_container", None), "border", None)))
            found += outline(child)
        else:
            text = next((getattr(proto, f) for f in ("body", "label", "text") if getattr(proto, f, "")), "")
            options = tuple(getattr(proto, "options", ()))
            found.append((kind, text, options))
    return found


def twin_of(at: AppTest) -> AppTest:
    twin = AppTest.from_string(twin_script(at), default_timeout=30).run()
    assert not twin.exception, twin.exception
    return twin


@pytest.fixture
def learner(make_user, monkeypatch):
    monkeypatch.setenv("LOTSE_CONTENT_DIR", str(COURSE_DIR))
    return make_user("learner")


def test_twin_of_the_home_page_shows_the_same_elements(signed_in_app, learner):
    at = signed_in_app(learner, page="app_pages/lernweg.py")
    assert not at.exception
    assert outline(twin_of(at)._tree) == outline(at._tree)
    assert any(kind == "PageLink" for kind, *_ in outline(at._tree))


def test_twin_of_the_quiz_form_shows_the_same_inputs_in_the_same_containers(signed_in_app, learner, db):
    learning.start_new_attempt(db, learner, LESSON_ONE)
    at = signed_in_app(learner, page="app_pages/lektion.py", query_params={"id": LESSON_ONE})
    assert not at.exception
    ours = outline(at._tree)
    kinds = {kind for kind, *_ in ours}
    assert {"Radio", "Checkbox", "Button", "Heading", "Markdown", "Html"} <= kinds
    assert outline(twin_of(at)._tree) == ours


def test_an_element_the_twin_does_not_know_is_refused():
    at = AppTest.from_string("import streamlit as st\nst.metric('Punkte', 3)").run()
    with pytest.raises(ValueError, match="does not know the element type 'Metric'"):
        twin_script(at)
