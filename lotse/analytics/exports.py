"""CSV exports for spreadsheet programs as German offices use them.

Semicolon-separated, UTF-8 with byte order mark (so Excel shows umlauts), decimal comma.
Text cells that a spreadsheet would run as a formula (starting with = + - @ or a tab) get a
leading apostrophe: names and typed answers are user input (CSV injection).
"""

from __future__ import annotations

import csv
import io

from progress import Store

from progress import analytics as sql

from .. import access_log
from ..content import Catalog
from ..identity import User
from ..german_format import decimal
from ..visibility import Policy
from .cohort import Overview, authorised_cohort, cohort_overview, cohort_people
from .course import course_lessons
from .items import ItemAnalysis

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return decimal(value, 2, grouping=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict]) -> bytes:
    """Rows (same keys) as CSV bytes; an empty list gives an empty file with a BOM only."""
    buffer = io.StringIO()
    if rows:
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v) for v in row.values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def matrix_csv(overview: Overview) -> bytes:
    """The matrix with full lesson titles in the headings."""
    titles = {lesson.code: f"{lesson.code} {lesson.title}" for lesson in overview.lessons}
    return to_csv([{titles.get(k, k): v for k, v in row.items()} for row in overview.matrix])


def items_csv(analysis: ItemAnalysis) -> bytes:
    rows = []
    for q, row in zip(analysis.questions, analysis.table()):
        options = " | ".join(f"{o.label}{' (richtig)' if o.correct else ''}: {o.count}" for o in q.options)
        rows.append({**row, "Antwortoptionen (gewählt)": options})
    return to_csv(rows)


def matrix_export(db: Store, actor: User, cohort_id: int, catalog: Catalog, *, pseudonymous: bool = False,
                  policy: Policy | None = None) -> bytes:
    """The matrix download: built again (access checked again) and logged for the people in it."""
    overview = cohort_overview(db, actor, cohort_id, catalog, pseudonymous=pseudonymous, policy=policy)
    access_log.record(db, actor, overview.labels, overview.cohort.id, access_log.MATRIX_CSV)
    return matrix_csv(overview)


def attempts_csv(db: Store, actor: User, cohort_id: int, catalog: Catalog, *, pseudonymous: bool = False,
                 policy: Policy | None = None) -> bytes:
    """Every quiz attempt of the members whose progress the policy shows: who, lesson, number,
    points, percent, passed, and the date only where activity times are shared. Logged."""
    cohort = authorised_cohort(db, actor, cohort_id)
    people = cohort_people(db, cohort.id, pseudonymous, policy)
    labels = people.shown("progress")
    titles = {lesson.id: f"{lesson.code} {lesson.title}" for lesson in course_lessons(catalog)}
    attempts = [r for r in sql.cohort_attempts(db, [cohort.id]) if r["user_id"] in labels]
    rows = [{"Teilnehmende": labels[r["user_id"]], "Lektion": titles.get(r["lesson_id"], r["lesson_id"]),
             "Versuch": r["attempt_no"], "Punkte": float(r["score"]), "Höchstpunktzahl": float(r["max_score"]),
             "Ergebnis (%)": float(r["percent"]), "Bestanden": bool(r["passed"]),
             "Abgegeben (UTC)": r["submitted_at"][:19].replace("T", " ") if people.grants[r["user_id"]].activity
             else "nicht freigegeben"}
            for r in attempts]
    access_log.record(db, actor, {r["user_id"] for r in attempts}, cohort.id, access_log.ATTEMPTS_CSV)
    return to_csv(rows)
