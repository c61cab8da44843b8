"""Loading the course from files into a Catalog; every file problem becomes a Problem.

Loading never raises for bad content: a file that does not parse is left out and reported,
so one broken lesson cannot take the app down. Three steps, each in one direction: read the files
into the content model (``parsed.ParsedContent``), let ``validator`` report on it, and build the
Catalog from both (items with errors left out).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .models import Course, GlossaryFile, GlossaryTerm, LessonMeta, Module, Quiz
from .german_problems import field_words
from .parsed import GlossaryEntry, Lesson, ParsedContent, QuizFile
from .problems import Problem, display_path, from_validation_error
from .validator import Report, check_content
from .yaml_lines import ContentError, LineMap, duplicate_keys, load_yaml, split_front_matter

__all__ = ["Catalog", "GlossaryEntry", "Lesson", "QuizFile", "build_catalog", "load_catalog", "parse_lesson",
           "parse_model", "parse_quiz", "read_content"]


@dataclass
class Catalog:
    """Everything the app shows, after validation (invalid items already removed)."""

    root: Path
    course: Course | None
    lessons: list[Lesson] = field(default_factory=list)
    quizzes: dict[str, QuizFile] = field(default_factory=dict)
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def modules(self) -> list[Module]:
        return sorted(self.course.modules, key=lambda m: m.order) if self.course else []

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def quiz(self, lesson_id: str) -> Quiz | None:
        entry = self.quizzes.get(lesson_id)
        return entry.quiz if entry else None

    def lessons_in(self, module_id: str) -> list[Lesson]:
        return [lesson for lesson in self.lessons if lesson.meta.module == module_id]

    def neighbours(self, lesson_id: str) -> tuple[Lesson | None, Lesson | None]:
        ids = [lesson.id for lesson in self.lessons]
        if lesson_id not in ids:
            return None, None
        index = ids.index(lesson_id)
        before = self.lessons[index - 1] if index > 0 else None
        after = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return before, after

    def glossary_for(self, lesson: Lesson) -> list[GlossaryTerm]:
        return [self.glossary[t].term for t in lesson.meta.glossary if t in self.glossary]


MAX_FILE_BYTES = 512 * 1024  # the longest lesson today has 17 KB; search and rendering stay fast


def _os_reason(error: OSError) -> str:
    """Why the system could not read a file, in words (its own message is English)."""
    reasons = {errno.EACCES: "keine Berechtigung zum Lesen", errno.EPERM: "keine Berechtigung zum Lesen",
               errno.ENOENT: "die Datei gibt es nicht (mehr)", errno.EISDIR: "das ist ein Ordner"}
    return reasons.get(error.errno, f"Fehler {error.errno} des Betriebssystems")


def _read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(shown, 1, "file", f"Die Datei ist zu groß ({size // 1024} KB; höchstens "
                                  f"{MAX_FILE_BYTES // 1024} KB). Bitte teilen Sie sie auf mehrere Lektionen auf.")]
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(shown, 1, "file", f"Die Datei kann nicht gelesen werden ({_os_reason(error)}).")]
    if b"\x00" in raw:
        return None, [Problem(shown, 1, "file", "Die Datei enthält ein Nullzeichen; bitte als UTF-8-Text speichern.")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, [Problem(shown, line, "file", "Die Datei ist kein gültiger UTF-8-Text; bitte als UTF-8 speichern.")]


def parse_model(model: type[BaseModel], text: str, shown: str, offset: int = 0,
                what: str = "file") -> tuple[Any, LineMap | None, list[Problem]]:
    """Parse YAML text into ``model``; (instance or None, line map, problems)."""
    try:
        data, lines = load_yaml(text, offset)
    except ContentError as error:
        return None, None, [Problem(shown, error.line, error.field, error.message)]
    problems = [Problem(shown, line, key, f"{field_words((key,))} steht zweimal da; bitte nur einmal angeben.")
                for line, key in duplicate_keys(lines.root, offset)]
    if not isinstance(data, dict):
        whole = "Die Datei" if what == "file" else "Der Kopfbereich (front matter)"
        problems.append(Problem(shown, lines.line_of(()), what, f"{whole} muss Angaben der Form „name: Wert“ enthalten."))
        return None, lines, problems
    try:
        return model.model_validate(data), lines, problems
    except ValidationError as error:
        return None, lines, problems + from_validation_error(error, data, lines, shown)


def parse_lesson(text: str, path: Path, shown: str) -> tuple[Lesson | None, list[Problem]]:
    try:
        front, body, body_line = split_front_matter(text)
    except ContentError as error:
        return None, [Problem(shown, error.line, error.field, error.message)]
    meta, lines, problems = parse_model(LessonMeta, front, shown, offset=1, what="front matter")
    if meta is None or problems:
        return None, problems
    return Lesson(meta, body, path, body_line, lines), []


def parse_quiz(text: str, path: Path, shown: str) -> tuple[QuizFile | None, list[Problem]]:
    quiz, lines, problems = parse_model(Quiz, text, shown)
    if quiz is None or problems:
        return None, problems
    return QuizFile(quiz, path, lines), []


def load_catalog(root: Path, today: date | None = None) -> Catalog:
    """Read course, lessons, quizzes and glossary below ``root`` and validate them all (review dates
    are judged against ``today``, default: the real date)."""
    content = read_content(root)
    return build_catalog(content, check_content(content, today))


def read_content(root: Path) -> ParsedContent:
    """Every file below ``root`` that parses, with the problems of the ones that do not."""
    root = root.resolve()
    course, problems = _load_course(root)
    content = ParsedContent(root=root, course=course, problems=problems)
    _load_glossary(content)
    _load_lessons(content)
    _load_quizzes(content)
    return content


def build_catalog(content: ParsedContent, report: Report) -> Catalog:
    """What the app shows: the lessons and quizzes without errors, in course order, and all problems."""
    module_order = {m.id: m.order for m in content.modules}
    lessons = sorted((lesson for lesson in content.lessons if lesson.id not in report.rejected),
                     key=lambda lesson: (module_order.get(lesson.meta.module, 10**6), lesson.meta.order, lesson.id))
    kept = {lesson.id for lesson in lessons}
    problems = sorted([*content.problems, *report.problems], key=lambda p: (p.path, p.line, p.field))
    return Catalog(content.root, content.course, lessons, {k: v for k, v in content.quizzes.items() if k in kept},
                   dict(content.glossary), problems)


def _load_course(root: Path) -> tuple[Course | None, list[Problem]]:
    path = root / "lessons" / "course.yaml"
    shown = display_path(path, root)
    if not path.is_file():
        return None, [Problem(shown, 1, "file", "Die Kursdatei lessons/course.yaml fehlt.")]
    text, problems = _read_text(path, shown)
    if text is None:
        return None, problems
    course, _, parse_problems = parse_model(Course, text, shown)
    return (course if not parse_problems else None), problems + parse_problems


def _load_glossary(content: ParsedContent) -> None:
    for path in sorted((content.root / "lessons" / "glossary").glob("*.y*ml")):
        shown = display_path(path, content.root)
        text, problems = _read_text(path, shown)
        content.problems.extend(problems)
        if text is None:
            continue
        parsed, lines, problems = parse_model(GlossaryFile, text, shown)
        content.problems.extend(problems)
        if parsed is None or problems:
            continue
        for index, term in enumerate(parsed.terms):
            line = lines.line_of(("terms", index))
            if term.id in content.glossary:
                first = content.glossary[term.id]
                content.problems.append(Problem(shown, line, f"terms[{index}].id",
                                                f"Die Kennung „{term.id}“ des Begriffs ist schon in "
                                                f"{display_path(first.path, content.root)}:{first.line} vergeben."))
                continue
            content.glossary[term.id] = GlossaryEntry(term, path, line)


def _load_lessons(content: ParsedContent) -> None:
    paths = sorted(p for p in (content.root / "lessons").rglob("*.md") if "glossary" not in p.parts)
    for path in paths:
        shown = display_path(path, content.root)
        text, problems = _read_text(path, shown)
        content.problems.extend(problems)
        if text is None:
            continue
        lesson, problems = parse_lesson(text, path, shown)
        content.problems.extend(problems)
        if lesson is not None:
            content.lessons.append(lesson)


def _load_quizzes(content: ParsedContent) -> None:
    for path in sorted((content.root / "quizzes").glob("*.y*ml")):
        shown = display_path(path, content.root)
        text, problems = _read_text(path, shown)
        content.problems.extend(problems)
        if text is None:
            continue
        entry, problems = parse_quiz(text, path, shown)
        content.problems.extend(problems)
        if entry is not None:
            content.quizzes[path.stem] = entry
