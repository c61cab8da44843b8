"""The content model: course, lessons, quizzes and glossary as read from their files, before the
cross-file rules. ``catalog`` reads the files into a ``ParsedContent``, ``validator`` reads it and
returns a report (it changes nothing), and ``catalog`` builds the app's ``Catalog`` from both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .models import Course, GlossaryTerm, LessonMeta, Module, Quiz
from .problems import Problem
from .yaml_lines import LineMap


@dataclass(frozen=True)
class Lesson:
    meta: LessonMeta
    body: str
    path: Path
    body_line: int  # file line of the first body line
    lines: LineMap

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass(frozen=True)
class QuizFile:
    quiz: Quiz
    path: Path
    lines: LineMap


@dataclass(frozen=True)
class GlossaryEntry:
    term: GlossaryTerm
    path: Path
    line: int


@dataclass(frozen=True)
class ParsedContent:
    """Every file that parsed, in file order, with the problems of reading and parsing them."""

    root: Path
    course: Course | None
    lessons: list[Lesson] = field(default_factory=list)
    quizzes: dict[str, QuizFile] = field(default_factory=dict)  # file stem -> quiz
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def modules(self) -> list[Module]:
        return sorted(self.course.modules, key=lambda m: m.order) if self.course else []
