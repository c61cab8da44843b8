"""`python -m lotse validate [PATH]`: check all content, one line per problem."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from ..config import load_settings
from ..content import load_catalog
from ..content import review
from ..german_format import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("validate", help="check lessons, quizzes and glossary")
    parser.add_argument("path", nargs="?", type=Path, help="content folder (default: LOTSE_CONTENT_DIR)")
    parser.add_argument("--review", action="store_true",
                        help="list stand and review_by of every lesson, not only the ones due for review")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = args.path or load_settings().content_dir
    if not (root / "lessons").is_dir():
        print(f"{root}: Hier gibt es keinen Ordner lessons/. Geben Sie den Ordner an, der lessons/ und quizzes/ "
              "enthält.")
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
        print(f"{len(catalog.errors)} Fehler, {plural(len(catalog.warnings), 'Warnung', 'Warnungen')}")
        return 1
    questions = sum(len(entry.quiz.questions) for entry in catalog.quizzes.values())
    print(f"In Ordnung: {plural(len(catalog.lessons), 'Lektion', 'Lektionen')}, "
          f"{plural(len(catalog.quizzes), 'Quiz', 'Quizze')}, {plural(questions, 'Frage', 'Fragen')}, "
          f"{plural(len(catalog.glossary), 'Glossarbegriff', 'Glossarbegriffe')}")
    return 0
