"""What the `questions` command and the trainer page do with question files.

Reading an uploaded GIFT, Moodle XML or ILIAS (QTI, ZIP or XML) file into a preview (quiz YAML,
questions that need an author, questions not taken over), saving a quiz into the content folder
(administrators only: a quiz is seen by every learner) followed by the project validator, and
exporting a quiz (GIFT or Moodle XML; ILIAS reads both).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from lotse.access import require_role
from lotse.content import Catalog, load_catalog
from lotse.content.catalog import MAX_FILE_BYTES, parse_lesson
from lotse.content.models import Quiz
from lotse.content.yaml_lines import safe_load
from lotse.content.problems import Problem, display_path
from lotse.files import write_atomically
from lotse.german_format import decimal
from lotse.identity import User
from lotse.interop.common import SLUG_RE, ExportResult, ImportResult, InteropError, Skipped
from lotse.interop.gift import parse_gift
from lotse.interop.gift_writer import export_gift
from lotse.interop.ilias_qti import is_zip, looks_like_qti, parse_ilias_qti
from lotse.interop.moodle_xml import parse_moodle_xml
from lotse.interop.moodle_xml_writer import export_moodle_xml
from lotse.interop.quiz_yaml import build_quiz, dump_quiz, error_text
from lotse.question_types import REGISTRY, get

FORMATS = ("gift", "moodle-xml", "ilias-qti")  # what can be imported
EXPORT_FORMATS = ("gift", "moodle-xml")
FORMAT_LABELS = {"gift": "GIFT", "moodle-xml": "Moodle XML", "ilias-qti": "ILIAS (QTI)"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a Moodle XML export with embedded images can be large
MAX_GIFT_BYTES = 1024 * 1024  # GIFT is plain text without images: 1 MB holds thousands of questions
MAX_QUESTIONS = 2000  # per imported file (a quiz has a dozen)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)


# --- reading ---------------------------------------------------------------------------


def guess_format(filename: str, data: bytes) -> str:
    """ILIAS for a ZIP or a <questestinterop> root; Moodle XML if the name ends in .xml or the
    text starts with '<'; GIFT otherwise."""
    if filename.lower().endswith(".zip") or is_zip(data) or looks_like_qti(data):
        return "ilias-qti"
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return "moodle-xml" if filename.lower().endswith(".xml") or start == b"<" else "gift"


def size_problem(size: int, fmt: str) -> str | None:
    """Why a file of ``size`` bytes in format ``fmt`` is refused before it is read, or None."""
    limit = MAX_GIFT_BYTES if fmt == "gift" else MAX_UPLOAD_BYTES
    if fmt != "ilias-qti" and size > limit:
        return (f"die Datei ist zu groß ({decimal(size / 1_048_576, 1, fixed=True)} MB; höchstens {limit / 1_048_576:.0f} MB "
                "für dieses Format); bitte in kleinere Dateien aufteilen")
    return None


def _count_problem(data: bytes, fmt: str) -> str | None:
    """A quick count of question blocks, before any parsing."""
    count = data.count(b"<question") if fmt == "moodle-xml" else data.count(b"}")
    if count > MAX_QUESTIONS:
        return f"mehr als {MAX_QUESTIONS} Fragen in einer Datei; bitte in kleinere Dateien aufteilen"
    return None


def read_questions(data: bytes, fmt: str) -> ImportResult:
    """File content -> drafts and skipped questions. Raises InteropError for a bad file."""
    if fmt not in FORMATS:
        raise InteropError(f"unbekanntes Format „{fmt}“ (möglich: {', '.join(FORMATS)})")
    problem = size_problem(len(data), fmt) or (None if fmt == "ilias-qti" else _count_problem(data, fmt))
    if problem:
        raise InteropError(problem)
    if fmt == "ilias-qti":
        return parse_ilias_qti(data)
    if is_zip(data) or looks_like_qti(data):  # a clear word instead of "not UTF-8"/"DOCTYPE"
        kind = "ein ZIP-Archiv" if is_zip(data) else "ein ILIAS-Export (QTI)"
        raise InteropError(f"die Datei ist {kind}; bitte das Format "
                           f"„{FORMAT_LABELS['ilias-qti']}“ wählen")
    if fmt == "moodle-xml":
        return parse_moodle_xml(data)
    try:
        return parse_gift(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise InteropError("Datei ist nicht UTF-8-kodiert (Moodle exportiert UTF-8)",
                           data.count(b"\n", 0, err.start) + 1) from err


def lesson_objectives(root: Path, lesson: str) -> list[str] | None:
    """Objective ids from lessons/<lesson>.md, or None if the lesson does not exist (yet)."""
    path = root / "lessons" / f"{lesson}.md"
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_FILE_BYTES:
        return None
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    try:
        meta = safe_load(match.group(1)) if match else None
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("objectives"), list):
        return None
    return [o["id"] for o in meta["objectives"] if isinstance(o, dict) and "id" in o]


def default_objective(lesson: str, requested: str | None, objectives: list[str] | None) -> str | None:
    """The objective for questions whose file names none: the requested one or the lesson's first."""
    if requested and objectives is not None and requested not in objectives:
        raise InteropError(f"Lernziel „{requested}“ gibt es in der Lektion {lesson} "
                           f"nicht (vorhanden: {', '.join(objectives) or '-'})")
    return requested or (objectives[0] if objectives else None)


def quiz_text(quiz: Quiz) -> str:
    """The YAML to write, read back and validated exactly as the app will read it."""
    text = dump_quiz(quiz)
    if Quiz.model_validate(yaml.safe_load(text)) != quiz:
        raise InteropError("interner Fehler: YAML ergibt nicht dasselbe Quiz")
    return text


@dataclass(frozen=True)
class ImportTarget:
    id: str
    title: str
    objectives: dict[str, str]  # id -> text
    published: bool  # False: the lesson file exists, but learners do not see it yet (e.g. no quiz)


def import_targets(catalog: Catalog) -> list[ImportTarget]:
    """Lessons a quiz can be imported for: the published ones, then lesson files that are valid
    except for what the catalog adds (most often: their quiz is still missing)."""
    targets = [ImportTarget(lesson.id, lesson.meta.title, {o.id: o.text for o in lesson.meta.objectives}, True)
               for lesson in catalog.lessons]
    known = {target.id for target in targets}
    for path in sorted((catalog.root / "lessons").rglob("*.md")):
        if "glossary" in path.parts or path.stem in known:
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        lesson, _ = parse_lesson(text, path, display_path(path, catalog.root))
        if lesson is not None and lesson.id not in known:
            known.add(lesson.id)
            targets.append(ImportTarget(lesson.id, lesson.meta.title,
                                        {o.id: o.text for o in lesson.meta.objectives}, False))
    return targets


@dataclass
class ImportPreview:
    """What an upload would become; `error` set means nothing usable came out of the file."""

    lesson: str
    fmt: str
    quiz: Quiz | None = None
    yaml_text: str | None = None
    skipped: list[Skipped] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    error: str | None = None


def preview_import(data: bytes, fmt: str, lesson: str, objectives: list[str] | None,
                   objective: str | None = None) -> ImportPreview:
    """An uploaded file -> ImportPreview for `lesson` (never raises for bad input)."""
    preview = ImportPreview(lesson=lesson, fmt=fmt)
    if len(data) > MAX_UPLOAD_BYTES:
        preview.error = (f"Die Datei ist zu groß ({decimal(len(data) / 1_048_576, 1, fixed=True)} MB; höchstens "
                         f"{MAX_UPLOAD_BYTES // 1_048_576} MB).")
        return preview
    if not SLUG_RE.match(lesson):
        preview.error = f"„{lesson}“ ist keine gültige Lektions-ID."
        return preview
    try:
        result = read_questions(data, fmt)
        chosen = default_objective(lesson, objective, objectives)
        preview.quiz, preview.skipped, preview.attention = build_quiz(result, lesson, chosen, objectives)
        if preview.quiz is None:
            preview.error = "Keine Frage konnte übernommen werden."
        else:
            preview.yaml_text = quiz_text(preview.quiz)
    except InteropError as err:
        preview.error = f"Zeile {err.line}: {err.message}" if err.line else err.message
    except ValidationError as err:
        preview.error = f"Quiz ungültig: {error_text(err)}"
    return preview


# --- saving ----------------------------------------------------------------------------


def quiz_path(root: Path, lesson: str) -> Path:
    if not SLUG_RE.match(lesson):
        raise InteropError(f"„{lesson}“ ist keine gültige Lektions-ID.")
    return root / "quizzes" / f"{lesson}.yaml"


def _shown(path: Path, root: Path) -> set[str]:
    """How the validator names this file (relative to the content folder)."""
    return {display_path(path, root), display_path(path.resolve(), root.resolve())}


def validation_problems(root: Path, lesson: str, path: Path) -> list[Problem]:
    """The project validator's (`python -m lotse validate`) problems for this quiz and its lesson."""
    catalog = load_catalog(root)
    shown = _shown(path, catalog.root)
    entry = catalog.lesson(lesson)
    if entry is not None:
        shown |= _shown(entry.path, catalog.root)
    return [p for p in catalog.problems if p.path in shown]


def blocks_quiz(problems: list[Problem], root: Path, path: Path) -> bool:
    """True if an error in the quiz file keeps it out of the app."""
    shown = _shown(path, root)
    return any(p.severity == "error" and p.path in shown for p in problems)


@dataclass
class SaveOutcome:
    path: Path
    problems: list[Problem]
    ok: bool  # False: the validator found errors in the saved file, learners do not see it
    previous: str | None = None  # the replaced quiz file, for a download


def save_quiz(actor: User, root: Path, lesson: str, yaml_text: str, *, replace: bool = False) -> SaveOutcome:
    """Write quizzes/<lesson>.yaml (admins only), then run the validator on it.

    Refuses to replace an existing quiz unless `replace`; the text is validated before writing.
    """
    require_role(actor, "admin")
    path = quiz_path(root, lesson)
    try:
        quiz = Quiz.model_validate(safe_load(yaml_text))
    except (yaml.YAMLError, ValidationError) as err:
        raise InteropError(f"Das Quiz ist ungültig: {err}") from err
    if quiz.lesson != lesson:
        raise InteropError(f"Das Quiz gehört zur Lektion „{quiz.lesson}“, nicht zu „{lesson}“.")
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    if previous is not None and not replace:
        raise InteropError(f"Für die Lektion „{lesson}“ gibt es schon ein Quiz; "
                           "bitte das Ersetzen ausdrücklich bestätigen.")
    try:
        write_atomically(path, yaml_text)
    except OSError as err:
        raise InteropError(f"Die Datei {path.name} konnte nicht geschrieben werden: "
                           f"{err.strerror or err}") from err
    problems = validation_problems(root, lesson, path)
    return SaveOutcome(path, problems, not blocks_quiz(problems, root, path), previous)


# --- export ----------------------------------------------------------------------------


def export_quiz(quiz: Quiz, fmt: str) -> ExportResult:
    """Quiz -> GIFT or Moodle XML text with the questions that could not be represented."""
    if fmt not in EXPORT_FORMATS:
        raise InteropError(f"unbekanntes Format „{fmt}“ (möglich: {', '.join(EXPORT_FORMATS)})")
    return export_gift(quiz) if fmt == "gift" else export_moodle_xml(quiz)


def export_filename(lesson: str, fmt: str) -> str:
    """Moodle's GIFT import expects a .txt file."""
    return f"{lesson}-gift.txt" if fmt == "gift" else f"{lesson}-moodle.xml"


# --- tables for the trainer page -------------------------------------------------------

TYPE_LABELS = {name: kind.label for name, kind in REGISTRY.items()}


def question_rows(quiz: Quiz) -> list[dict]:
    return [{"Nr.": i, "Frage-ID": q.id, "Typ": get(q.type).label, "Lernziel": q.objective,
             "Frage": " ".join(q.prompt.split())[:160]} for i, q in enumerate(quiz.questions, start=1)]


def skipped_rows(skipped: list[Skipped]) -> list[dict]:
    return [{"Zeile": str(s.line) if s.line else "–", "Frage": s.name, "Grund": s.reason} for s in skipped]


def problem_rows(problems: list[Problem]) -> list[dict]:
    return [{"Datei": p.path, "Zeile": p.line, "Feld": p.field,
             "Art": "Warnung" if p.severity == "warning" else "Fehler", "Meldung": p.message}
            for p in problems]
