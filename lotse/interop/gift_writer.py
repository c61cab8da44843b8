"""Moodle GIFT export: a Quiz as Moodle's GIFT importer reads it.

Escapes as Moodle's repchar() does; question texts are written as `[markdown]`. Our export adds
`// lotse: {...}` comments (ignored by Moodle) so that a round trip keeps ids, objectives,
sections, points and categories. Each question type writes its own answer lines
(lotse.question_types: gift_write); ordering and cloze questions cannot be written in GIFT and are
listed as skipped, with the reason in German.
"""

from __future__ import annotations

import json

from lotse.content.models import Quiz
from lotse.interop.common import ExportResult, Skipped, format_number
from lotse.interop.gift_parts import NotRepresentable, gift_escape, gift_text
from lotse.question_types import get


def _body(question, warnings: list[str]) -> list[str]:
    """The type's answer lines (lotse.question_types: gift_write); NotRepresentable if it has none."""
    kind = get(question.type)
    if kind.gift_write is None:
        raise NotRepresentable(kind.gift_refusal or f"{kind.label} ist in GIFT nicht darstellbar")
    return kind.gift_write(question, warnings)


def _meta_comment(question) -> str:
    meta = {"id": question.id, "objective": question.objective, "section": question.section,
            "points": question.points, "category": question.category}
    for key in get(question.type).gift_meta:
        meta[key] = getattr(question, key)
    return "// lotse: " + json.dumps(meta, ensure_ascii=False)


def export_gift(quiz: Quiz) -> ExportResult:
    """Quiz -> GIFT text as Moodle's importer reads it; lists what is not representable."""
    result = ExportResult(text="")
    quiz_meta = {"lesson": quiz.lesson, "pass_mark": quiz.pass_mark}
    out = ["// Lotse-Quiz " + quiz.lesson, "// lotse-quiz: " + json.dumps(quiz_meta), ""]
    category = None
    for question in quiz.questions:
        try:
            lines = _body(question, result.warnings)
        except NotRepresentable as err:
            result.skipped.append(Skipped(question.id, None, str(err)))
            continue
        if question.category and question.category != category:
            category = question.category
            out += ["$CATEGORY: " + " ".join(category.split()), ""]
        head = f"::{gift_escape(question.id)}::[markdown]{gift_escape(question.prompt)}{{"
        out += [_meta_comment(question), head] + ["\t" + line for line in lines]
        out += ["\t####" + gift_text(question.explanation), "}", ""]
        if question.points != 1:
            result.warnings.append(f"{question.id}: {format_number(question.points)} Punkte kennt GIFT nicht "
                                   "(Moodle setzt 1 Punkt; Lotse liest sie beim Reimport aus dem Kommentar)")
    result.text = "\n".join(out)
    return result
