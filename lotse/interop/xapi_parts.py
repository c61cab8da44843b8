"""xAPI interaction components shared by the question type modules: component ids counted from 1
in file order, and a response value as its component id.

Imports neither lotse.question_types nor xapi_interactions (which dispatches through the
registry): the type modules use these helpers without an import circle.
"""

from __future__ import annotations

from typing import Any


def component_ids(prefix: str, texts: list[str], lang: str) -> list[dict]:
    return [{"id": f"{prefix}-{i}", "description": {lang: t}} for i, t in enumerate(texts, 1)]


def component_index(value: Any, texts: list[str], prefix: str) -> str:
    if value is None:  # a position left empty
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and 0 <= value < len(texts):
        return f"{prefix}-{value + 1}"
    if isinstance(value, str) and value in texts:
        return f"{prefix}-{texts.index(value) + 1}"
    return str(value)
