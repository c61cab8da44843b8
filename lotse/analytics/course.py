"""The course as the cockpit shows it: lessons in course order with short labels, objectives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..content import Catalog
from ..content.models import Quiz

@dataclass(frozen=True)
class LessonInfo:
    id: str
    code: str  # "2.3": module number and position, stable and short (matrix columns, axes)
    title: str
    minutes: int
    quiz: Quiz | None
    objectives: dict[str, str]  # objective id -> text

    @property
    def label(self) -> str:
        return f"{self.code} {shorten(self.title, 38)}"


def course_lessons(catalog: Catalog) -> list[LessonInfo]:
    """Valid lessons in course order (module order, then position in the module)."""
    module_number = {m.id: i for i, m in enumerate(catalog.modules, start=1)}
    ordered = sorted(catalog.lessons, key=lambda l: (module_number.get(l.meta.module, 99), l.meta.order, l.id))
    lessons, seen = [], {}
    for lesson in ordered:
        number = module_number.get(lesson.meta.module, 0)
        seen[number] = seen.get(number, 0) + 1
        lessons.append(LessonInfo(lesson.id, f"{number}.{seen[number]}", lesson.meta.title,
                                  lesson.meta.duration_minutes, catalog.quiz(lesson.id),
                                  {o.id: o.text for o in lesson.meta.objectives}))
    return lessons


def shorten(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, cut after a whole word where one ends in the
    second half, and marked with "…" when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ", limit // 2)
    return (cut[:space] if space > 0 else cut).rstrip(" ,;:–-") + "…"


_MARKUP = re.compile(r"[*_`#>|]+|!?\[([^\]]*)\]\([^)]*\)")


def plain(markdown_text: str, limit: int = 110) -> str:
    """A question prompt (Markdown) as one short line of plain text."""
    return shorten(_MARKUP.sub(lambda m: m.group(1) or "", markdown_text), limit)


def parse_day(value: str | None) -> date | None:
    """A stored date ("2025-06-30" or a full ISO timestamp); None when missing or unreadable."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None

