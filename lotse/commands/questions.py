"""`python -m lotse questions import|export`: exchange quizzes with Moodle (GIFT, Moodle XML).

import: FILE -> quizzes/<lesson>.yaml (refuses to overwrite without --force). What Moodle files
lack (objective, explanation, option feedback) is filled with placeholders; every such question
is listed under "Bitte prüfen". Unsupported questions are listed with their line.
export: quizzes/<lesson>.yaml -> GIFT or Moodle XML (stdout, or --out PATH).
After an import into quizzes/<lesson>.yaml the project validator runs and its problems for the
new quiz are shown. Exit codes: 0 written and valid, 1 error (nothing written, or the written
quiz fails validation), 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
from pydantic import ValidationError

from lotse.config import load_settings
from lotse.content import load_catalog
from lotse.content.models import Quiz
from lotse.content.problems import display_path
from lotse.interop import SLUG_RE, ExportResult, ImportResult, InteropError, Skipped
from lotse.interop.gift import export_gift, parse_gift
from lotse.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from lotse.interop.quiz_yaml import build_quiz, dump_quiz, error_text, load_quiz

FORMATS = ("gift", "moodle-xml")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)


def _say(*lines: str) -> None:
    print(*lines, sep="\n", file=sys.stderr)


def lesson_objectives(root: Path, lesson: str) -> list[str] | None:
    """Objective ids from lessons/<lesson>.md, or None if the lesson does not exist (yet)."""
    path = root / "lessons" / f"{lesson}.md"
    if not path.is_file():
        return None
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    try:
        meta = yaml.safe_load(match.group(1)) if match else None
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict) or not isinstance(meta.get("objectives"), list):
        _say(f"Warnung: {path}: Lernziele nicht lesbar.")
        return None
    return [o["id"] for o in meta["objectives"] if isinstance(o, dict) and "id" in o]


def _read(path: Path, fmt: str) -> ImportResult:
    data = path.read_bytes()
    if fmt == "moodle-xml":
        return parse_moodle_xml(data)
    try:
        return parse_gift(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise InteropError("Datei ist nicht UTF-8-kodiert (Moodle exportiert UTF-8)",
                           data.count(b"\n", 0, err.start) + 1) from err


def _list(title: str, source: str, items: list[Skipped]) -> None:
    if items:
        _say(f"{title} ({len(items)}):")
        _say(*(f"  {source}:{s.line or '-'}: {s.name}: {s.reason}" for s in items))


def _objective(args: argparse.Namespace, objectives: list[str] | None) -> str | None:
    if args.objective and objectives is not None and args.objective not in objectives:
        raise InteropError(f"Lernziel „{args.objective}“ gibt es in der Lektion {args.lesson} "
                           f"nicht (vorhanden: {', '.join(objectives) or '-'})")
    return args.objective or (objectives[0] if objectives else None)


def _checked_yaml(quiz: Quiz) -> str:
    """The YAML to write, read back and validated exactly as the app will read it."""
    text = dump_quiz(quiz)
    again = Quiz.model_validate(yaml.safe_load(text))
    if again != quiz:
        raise InteropError("interner Fehler: YAML ergibt nicht dasselbe Quiz")
    return text


def _project_check(root: Path, out: Path) -> bool:
    """Run the project validator (`python -m lotse validate`) and show this quiz's problems."""
    catalog = load_catalog(root)
    shown = display_path(out.resolve(), catalog.root)
    mine = [p for p in catalog.problems if p.path == shown or "quiz question" in p.message]
    if mine:
        _say("Prüfung (python -m lotse validate):", *(f"  {p}" for p in mine))
    return not any(p.severity == "error" and p.path == shown for p in mine)


def _root(args: argparse.Namespace) -> Path:
    return args.root or load_settings().content_dir


def run_import(args: argparse.Namespace) -> int:
    args.root = _root(args)
    if not SLUG_RE.match(args.lesson):
        _say(f"Fehler: „{args.lesson}“ ist keine gültige Lektions-ID.")
        return 2
    default_out = args.root / "quizzes" / f"{args.lesson}.yaml"
    out = args.out or default_out
    if out.exists() and not args.force:
        _say(f"Fehler: {out} gibt es schon. Mit --force überschreiben.")
        return 1
    try:
        result = _read(args.file, args.format)
        objectives = lesson_objectives(args.root, args.lesson)
        quiz, skipped, attention = build_quiz(result, args.lesson, _objective(args, objectives),
                                              objectives, args.pass_mark)
        _list("Nicht übernommen", str(args.file), skipped)
        if quiz is None:
            _say("Fehler: keine Frage übernommen, nichts geschrieben.")
            return 1
        text = _checked_yaml(quiz)
    except OSError as err:
        _say(f"Fehler: {err.filename}: {err.strerror}")
        return 1
    except InteropError as err:
        _say(f"Fehler: {args.file}:{err.line or '-'}: {err.message}")
        return 1
    except ValidationError as err:
        _say(f"Fehler: Quiz ungültig: {error_text(err)}")
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(f"{len(quiz.questions)} Fragen nach {out} geschrieben.")
    if attention:
        _say(f"Bitte prüfen ({len(attention)} Fragen; Platzhalter: „Keine Rückmeldung "
             "hinterlegt.“, „Keine Erläuterung hinterlegt.“):", *(f"  {a}" for a in attention))
    if out.resolve() == default_out.resolve() and not _project_check(args.root, out):
        _say(f"Fehler: {out} besteht die Prüfung nicht (siehe oben); bitte korrigieren.")
        return 1
    return 0


def run_export(args: argparse.Namespace) -> int:
    path = _root(args) / "quizzes" / f"{args.lesson_id}.yaml"
    try:
        quiz = load_quiz(path)
    except InteropError as err:
        _say(f"Fehler: {err.message}")
        return 1
    result: ExportResult = (export_gift if args.format == "gift" else export_moodle_xml)(quiz)
    _list("Nicht exportiert", str(path), result.skipped)
    if result.warnings:
        _say("Hinweise:", *(f"  {w}" for w in result.warnings))
    if args.out is None:
        sys.stdout.write(result.text)
        return 0
    if args.out.exists() and not args.force:
        _say(f"Fehler: {args.out} gibt es schon. Mit --force überschreiben.")
        return 1
    args.out.write_text(result.text, encoding="utf-8")
    exported = len(quiz.questions) - len(result.skipped)
    _say(f"{exported} Fragen nach {args.out} geschrieben.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("questions", help="Fragen mit Moodle austauschen (GIFT, Moodle XML)")
    commands = parser.add_subparsers(dest="questions_command", required=True)
    imp = commands.add_parser("import", help="GIFT/Moodle-XML-Datei als Quiz einer Lektion übernehmen")
    imp.add_argument("file", type=Path, help="GIFT- oder Moodle-XML-Datei")
    imp.add_argument("--format", choices=FORMATS, required=True)
    imp.add_argument("--lesson", required=True, help="Lektions-ID (Ziel: quizzes/<ID>.yaml)")
    imp.add_argument("--out", type=Path, help="andere Zieldatei")
    imp.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    imp.add_argument("--objective", help="Lernziel-ID für Fragen, deren Datei keines nennt "
                     "(Standard: erstes Lernziel der Lektion)")
    imp.add_argument("--pass-mark", type=float, help="Bestehensgrenze in Prozent (Standard 70)")
    imp.add_argument("--root", type=Path, help="Inhaltsordner (Standard: LOTSE_CONTENT_DIR)")
    imp.set_defaults(func=run_import)
    exp = commands.add_parser("export", help="Quiz einer Lektion als GIFT/Moodle XML ausgeben")
    exp.add_argument("lesson_id")
    exp.add_argument("--format", choices=FORMATS, required=True)
    exp.add_argument("--out", type=Path, help="Zieldatei (Standard: Ausgabe auf stdout)")
    exp.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    exp.add_argument("--root", type=Path, help="Inhaltsordner (Standard: LOTSE_CONTENT_DIR)")
    exp.set_defaults(func=run_export)
