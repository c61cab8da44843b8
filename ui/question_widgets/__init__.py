"""One renderer module per registered question type (``ui/question_widgets/<type name>.py``),
each with ``render(question, key, seed, draft, on_change, label)`` and ``read(question, key)``.

Loaded by the registry's names: a registered type without a renderer fails at import with a
clear message, never a silent skip at run time.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from lotse.question_types import get, names


def _load(name: str) -> ModuleType:
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as err:
        raise ImportError(f"question type {name!r} has no renderer ui/question_widgets/{name}.py") from err
    if not (callable(getattr(module, "render", None)) and callable(getattr(module, "read", None))):
        raise ImportError(f"ui/question_widgets/{name}.py needs render() and read()")
    return module


RENDERERS: dict[str, ModuleType] = {name: _load(name) for name in names()}


def renderer(type_name: str) -> ModuleType:
    """The renderer module of a registered type; UnknownQuestionType for anything else."""
    get(type_name)
    return RENDERERS[type_name]
