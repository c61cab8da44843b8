"""`python -m lotse validate [PATH]`: check all content, one line per problem."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..config import load_settings
from ..content import load_catalog
from ..content import review


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("validate", help="check lessons, quizzes and glossary")
    parser.add_argument("path", nargs="?", type=Path, help="content folder (default: LOTSE_CONTENT_DIR)")
    parser.add_argument("--review", action="store_true",
                        help="list stand and review_by of every lesson, not only the ones due for review")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = args.path or load_settings().content_dir
    if not (root / "lessons").is_dir():
        print(f"{root}: no lessons/ folder here; give the folder that holds lessons/ and quizzes/")
        return 2
    catalog = load_catalog(root)
    for problem in catalog.problems:
        print(problem)
    today = date.today()
    statuses = review.review_statuses(catalog.lessons)
    for status in statuses:
        if args.review or status.due(today):
            print(status.describe(today))
    print(review.summary(catalog.lessons, today))
    if catalog.errors:
        print(f"{len(catalog.errors)} Fehler, {len(catalog.warnings)} Warnung{'' if len(catalog.warnings) == 1 else 'en'}")
        return 1
    questions = sum(len(entry.quiz.questions) for entry in catalog.quizzes.values())
    print(f"{len(catalog.lessons)} lessons, {len(catalog.quizzes)} quizzes, {questions} questions, "
          f"{len(catalog.glossary)} glossary terms: OK")
    return 0
