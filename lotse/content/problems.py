"""Content problems as the validator reports them: `path:line: field: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from .german_problems import german_message
from .yaml_lines import LineMap

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "Warnung: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _field_name(loc: tuple) -> str:
    parts = []
    for step in loc:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts) or "(document)"


def _yaml_path(loc: tuple, data: object) -> tuple:
    """Drop pydantic's union tags (e.g. 'single_choice') that are not keys in the YAML."""
    path = []
    node = data
    for step in loc:
        if isinstance(node, dict) and step in node:
            node = node[step]
            path.append(step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            path.append(step)
        elif isinstance(node, dict) and isinstance(step, str) and step not in node and _is_tag(step):
            continue
        else:
            path.append(step)
            break
    return tuple(path)


def _question_types() -> tuple[str, ...]:
    from .models import QUESTION_TYPES  # local: avoid an import cycle at module load

    return QUESTION_TYPES


def _is_tag(step: str) -> bool:
    return step in _question_types()


def from_validation_error(error: ValidationError, data: object, lines: LineMap, path: str,
                          prefix: tuple = ()) -> list[Problem]:
    """One Problem per pydantic error, with the line of the offending YAML value."""
    problems = []
    for item in error.errors(include_url=False):
        raw_loc = tuple(item["loc"])
        if item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raw_loc += ("type",)
        loc = _yaml_path(raw_loc, data)
        message = german_message(item, loc, _question_types())
        problems.append(Problem(path, lines.line_of(prefix + loc), _field_name(loc), message))
    return problems
