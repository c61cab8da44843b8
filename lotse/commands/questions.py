"""`python -m lotse questions import|export`: exchange quizzes with Moodle and ILIAS.

import: FILE (GIFT, Moodle XML, or an ILIAS pool/test export: the ZIP or its QTI XML) ->
quizzes/<lesson>.yaml (refuses to overwrite without --force). What these files lack (objective,
explanation, option feedback) is filled with placeholders; every such question is listed under
"Bitte prüfen". Unsupported questions are listed with their line.
export: quizzes/<lesson>.yaml -> GIFT or Moodle XML (stdout, or --out PATH); ILIAS reads both.
After an import into quizzes/<lesson>.yaml the project validator runs and its problems for the
new quiz are shown. Exit codes: 0 written and valid, 1 error (nothing written, or the written
quiz fails validation), 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from lotse.config import load_settings
from lotse.files import write_atomically
from lotse.german_format import plural
from lotse.interop.common import SLUG_RE, InteropError, Skipped
from lotse.interop.exchange import (EXPORT_FORMATS, FORMATS, blocks_quiz, default_objective,
                                    export_quiz, lesson_objectives, quiz_text, read_questions, size_problem,
                                    validation_problems)
from lotse.interop.quiz_yaml import build_quiz, error_text, load_quiz


def _say(*lines: str) -> None:
    print(*lines, sep="\n", file=sys.stderr)


def _list(title: str, source: str, items: list[Skipped]) -> None:
    if items:
        _say(f"{title} ({len(items)}):")
        _say(*(f"  {source}:{s.line or '-'}: {s.name}: {s.reason}" for s in items))


def _project_check(root: Path, lesson: str, out: Path) -> bool:
    """Run the project validator (`python -m lotse validate`) and show this quiz's problems."""
    problems = validation_problems(root, lesson, out)
    if problems:
        _say("Prüfung (python -m lotse validate):", *(f"  {p}" for p in problems))
    return not blocks_quiz(problems, root, out)


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
        too_big = size_problem(args.file.stat().st_size, args.format)
        if too_big:
            raise InteropError(too_big)
        result = read_questions(args.file.read_bytes(), args.format)
        objectives = lesson_objectives(args.root, args.lesson)
        if objectives is None and (args.root / "lessons" / f"{args.lesson}.md").is_file():
            _say(f"Warnung: lessons/{args.lesson}.md: Lernziele nicht lesbar.")
        objective = default_objective(args.lesson, args.objective, objectives)
        quiz, skipped, attention = build_quiz(result, args.lesson, objective, objectives,
                                              args.pass_mark)
        _list("Nicht übernommen", str(args.file), skipped)
        if quiz is None:
            _say("Fehler: keine Frage übernommen, nichts geschrieben.")
            return 1
        text = quiz_text(quiz)
    except OSError as err:
        _say(f"Fehler: {err.filename}: {err.strerror}")
        return 1
    except InteropError as err:
        _say(f"Fehler: {args.file}:{err.line or '-'}: {err.message}")
        return 1
    except ValidationError as err:
        _say(f"Fehler: Quiz ungültig: {error_text(err)}")
        return 1
    write_atomically(out, text)
    print(f"{plural(len(quiz.questions), 'Frage', 'Fragen')} nach {out} geschrieben.")
    if attention:
        _say(f"Bitte prüfen ({plural(len(attention), 'Frage', 'Fragen')}; Platzhalter: „Keine Rückmeldung "
             "hinterlegt.“, „Keine Erläuterung hinterlegt.“):", *(f"  {a}" for a in attention))
    if out.resolve() == default_out.resolve() and not _project_check(args.root, args.lesson, out):
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
    result = export_quiz(quiz, args.format)
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
    _say(f"{plural(exported, 'Frage', 'Fragen')} nach {args.out} geschrieben.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("questions", help="Fragen mit Moodle und ILIAS austauschen "
                                   "(GIFT, Moodle XML, ILIAS-QTI)")
    commands = parser.add_subparsers(dest="questions_command", required=True)
    imp = commands.add_parser("import", help="GIFT-, Moodle-XML- oder ILIAS-Datei als Quiz einer "
                              "Lektion übernehmen")
    imp.add_argument("file", type=Path, help="GIFT- oder Moodle-XML-Datei, ILIAS-Export "
                     "(ZIP eines Fragenpools oder Tests, oder die QTI-XML-Datei daraus)")
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
    exp.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    exp.add_argument("--out", type=Path, help="Zieldatei (Standard: Ausgabe auf stdout)")
    exp.add_argument("--force", action="store_true", help="vorhandene Datei überschreiben")
    exp.add_argument("--root", type=Path, help="Inhaltsordner (Standard: LOTSE_CONTENT_DIR)")
    exp.set_defaults(func=run_export)
