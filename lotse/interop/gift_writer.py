"""Moodle GIFT export: a Quiz as Moodle's GIFT importer reads it.

Escapes as Moodle's repchar() does; question texts are written as `[markdown]`. Our export adds
`// lotse: {...}` comments (ignored by Moodle) so that a round trip keeps ids, objectives,
sections, points and categories. Ordering questions cannot be written in GIFT and are listed
as skipped.
"""

from __future__ import annotations

import json

from lotse.german_format import percent
from lotse.content.models import Matching, MultipleChoice, Numeric, Quiz, ShortAnswer, SingleChoice, TrueFalse
from lotse.interop.common import ExportResult, Skipped, format_number, format_weight, is_moodle_grade


class NotRepresentable(Exception):
    """This question cannot be written in GIFT (reason in German)."""


def _escape(text: str) -> str:
    """Moodle's repchar(): escape control characters, newlines as \\n."""
    for char in "\\#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def _text(text: str, prefix_format: bool = True) -> str:
    """Markdown text inside a [markdown] question; guard a leading [format] look-alike."""
    escaped = _escape(text)
    return "[markdown]" + escaped if prefix_format and escaped.startswith("[") else escaped


def _feedback(text: str | None) -> str:
    return "#" + _text(text) if text else ""


def _choice_lines(question: SingleChoice | MultipleChoice, warnings: list[str]) -> list[str]:
    single = isinstance(question, SingleChoice)
    lines = []
    for i, option in enumerate(question.options):
        weight = question.option_weight(i)
        if single and option.correct:
            if weight != 100:
                raise NotRepresentable("richtige Option mit Gewicht ≠ 100 (in GIFT nur als "
                                       "Mehrfachauswahl möglich); bitte Moodle XML verwenden")
            mark = "="
        else:
            mark = "~" if weight == 0 and not option.text.startswith("%") \
                else f"~%{format_weight(weight)}%"
        if not is_moodle_grade(weight):
            warnings.append(f"{question.id}: Gewicht {percent(weight, 5, fixed=False)} ist keine "
                            "Moodle-Standardbewertung (Import mit „nächstliegende Bewertung“)")
        lines.append(mark + _text(option.text) + _feedback(option.feedback))
    return lines


def _body(question, warnings: list[str]) -> list[str]:
    if isinstance(question, (SingleChoice, MultipleChoice)):
        return _choice_lines(question, warnings)
    if isinstance(question, TrueFalse):
        first, second = (question.feedback_false, question.feedback_true) if question.answer \
            else (question.feedback_true, question.feedback_false)
        return [("TRUE" if question.answer else "FALSE") + "#" + _text(first) + "#" + _text(second)]
    if isinstance(question, Matching):
        if any("->" in p.left for p in question.pairs):
            raise NotRepresentable("„->“ im linken Text ist in GIFT nicht darstellbar")
        return ([f"={_text(p.left)} -> {_escape(p.right)}" for p in question.pairs]
                + [f"= -> {_escape(d)}" for d in question.distractors])
    if isinstance(question, ShortAnswer):
        if any("->" in a.text for a in question.answers):
            raise NotRepresentable("„->“ in einer Antwort ist in GIFT nicht darstellbar")
        return [f"=%{format_weight(a.weight)}%" + ("[plain]" if a.text.startswith("[") else "")
                + _escape(a.text) + _feedback(a.feedback) for a in question.answers]
    if isinstance(question, Numeric):
        return ["#"] + [f"=%{format_weight(a.weight)}%{format_number(a.value)}:"
                f"{format_number(a.tolerance)}" + _feedback(a.feedback) for a in question.answers]
    raise NotRepresentable("Reihenfolge-Fragen (ordering) sind in GIFT nicht darstellbar; "
                           "bitte Moodle XML verwenden (Fragetyp „ordering“)")


def _meta_comment(question) -> str:
    meta = {"id": question.id, "objective": question.objective, "section": question.section,
            "points": question.points, "category": question.category}
    if isinstance(question, ShortAnswer):
        meta["case_sensitive"] = question.case_sensitive
    if isinstance(question, Numeric):
        meta["unit"] = question.unit
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
        head = f"::{_escape(question.id)}::[markdown]{_escape(question.prompt)}{{"
        out += [_meta_comment(question), head] + ["\t" + line for line in lines]
        out += ["\t####" + _text(question.explanation), "}", ""]
        if isinstance(question, ShortAnswer) and question.case_sensitive:
            result.warnings.append(f"{question.id}: Groß-/Kleinschreibung kennt GIFT nicht "
                                   "(Moodle vergleicht ohne)")
        if question.points != 1:
            result.warnings.append(f"{question.id}: {format_number(question.points)} Punkte kennt GIFT nicht "
                                   "(Moodle setzt 1 Punkt; Lotse liest sie beim Reimport aus dem Kommentar)")
        if isinstance(question, Numeric) and question.unit:
            result.warnings.append(f"{question.id}: Einheit „{question.unit}“ kennt GIFT nicht")
    result.text = "\n".join(out)
    return result
