"""Cross-file content rules: ids, pairing, references, links, images, and authoring warnings.

The validator reads the content model (``parsed.ParsedContent``) and returns a ``Report``: its
problems and the lessons and quizzes with errors. It changes nothing; ``catalog.build_catalog``
leaves the rejected items out, so the app only ever shows valid content.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from .parsed import Lesson, ParsedContent, QuizFile
from .problems import Problem, display_path
from .render import ADMONITION_KINDS, Rendered, render_markdown, resolve_image

MIN_WORDS = 600
SUMMARY_HEADING = "Das Wichtigste in Kürze"


def word_count(markdown_text: str) -> int:
    return len(re.findall(r"\w+", markdown_text))


def render_lesson_body(lesson: Lesson) -> Rendered:
    return render_markdown(lesson.body, image_dir=lesson.path.parent)


@dataclass(frozen=True)
class Report:
    problems: tuple[Problem, ...]  # the cross-file problems, errors and warnings
    rejected: frozenset[str]  # lesson ids (and quiz file stems) with errors: the app leaves them out


def check_content(catalog: ParsedContent, today: date | None = None) -> Report:
    """Check the content read from the files (``catalog``: everything that parsed); change nothing."""
    problems = _check_course(catalog)
    rendered = {lesson.id: render_lesson_body(lesson) for lesson in catalog.lessons}
    lesson_problems, bad_lessons = _check_lessons(catalog, rendered, today or date.today())
    quiz_problems, bad_quizzes = _check_quizzes(catalog, rendered)
    problems += lesson_problems + quiz_problems
    quiz_files = {p.stem for p in (catalog.root / "quizzes").glob("*.y*ml")}
    for lesson in catalog.lessons:
        if lesson.id not in quiz_files:
            problems.append(_at(catalog, lesson, ("id",), "id",
                                f"Kein Quiz gefunden: Jede Lektion endet mit einem Quiz in quizzes/{lesson.id}.yaml."))
            bad_lessons.add(lesson.id)
        elif lesson.id not in catalog.quizzes:
            bad_lessons.add(lesson.id)  # its quiz file is broken and reported on its own
    return Report(tuple(problems), frozenset(bad_lessons | bad_quizzes))


def _at(catalog: ParsedContent, lesson: Lesson, path: tuple, field: str, message: str,
        severity: str = "error") -> Problem:
    return Problem(display_path(lesson.path, catalog.root), lesson.lines.line_of(path), field, message, severity)


def _quiz_at(catalog: ParsedContent, entry: QuizFile, path: tuple, field: str, message: str,
             severity: str = "error") -> Problem:
    return Problem(display_path(entry.path, catalog.root), entry.lines.line_of(path), field, message, severity)


def _check_course(catalog: ParsedContent) -> list[Problem]:
    problems: list[Problem] = []
    if catalog.course is None:
        return problems
    shown = "lessons/course.yaml"
    for what, values in (("id", [m.id for m in catalog.course.modules]),
                         ("order", [m.order for m in catalog.course.modules])):
        for value, count in Counter(values).items():
            if count > 1:
                problems.append(Problem(shown, 1, f"modules.{what}", f"{'Die Kennung' if what == 'id' else 'Die Reihenfolge'} „{value}“ kommt bei {count} Modulen vor; "
                                                f"sie muss eindeutig sein."))
    return problems


def _check_lessons(catalog: ParsedContent, rendered: dict[str, Rendered],
                   today: date) -> tuple[list[Problem], set[str]]:
    found: list[Problem] = []
    bad: set[str] = set()
    seen: dict[str, Lesson] = {}
    slots: dict[tuple[str, int], Lesson] = {}
    module_ids = {m.id for m in catalog.modules}
    for lesson in catalog.lessons:
        problems = _lesson_problems(catalog, lesson, rendered, module_ids) + _review_problems(catalog, lesson, today)
        meta = lesson.meta
        if meta.id in seen:
            problems.append(_at(catalog, lesson, ("id",), "id",
                                f"Die Kennung „{meta.id}“ der Lektion ist schon in {display_path(seen[meta.id].path, catalog.root)} vergeben."))
        seen.setdefault(meta.id, lesson)
        slot = (meta.module, meta.order)
        if slot in slots and slots[slot] is not lesson:
            problems.append(_at(catalog, lesson, ("order",), "order",
                                f"Die Reihenfolge {meta.order} im Modul „{meta.module}“ hat schon die Lektion „{slots[slot].id}“."))
        slots.setdefault(slot, lesson)
        found += problems
        if any(p.severity == "error" for p in problems):
            bad.add(meta.id)
    return found, bad


def _lesson_problems(catalog: ParsedContent, lesson: Lesson, rendered: dict[str, Rendered],
                     module_ids: set[str]) -> list[Problem]:
    meta = lesson.meta
    problems: list[Problem] = []
    if lesson.path.stem != meta.id:
        problems.append(_at(catalog, lesson, ("id",), "id", f"Die Kennung (id) muss zum Dateinamen passen: Die Datei heißt {lesson.path.name}, also muss die Kennung „{lesson.path.stem}“ lauten."))
    if catalog.course is not None and meta.module not in module_ids:
        problems.append(_at(catalog, lesson, ("module",), "module", f"Unbekanntes Modul „{meta.module}“; die Module in course.yaml sind: {', '.join(sorted(module_ids))}."))
    for field, items in (("objectives", meta.objectives), ("reflection_prompts", meta.reflection_prompts),
                         ("self_assessment", meta.self_assessment)):
        problems += _duplicate_ids(catalog, lesson, field, [item.id for item in items])
    known_lessons = {l.id for l in catalog.lessons}
    for index, prerequisite in enumerate(meta.prerequisites):
        if prerequisite == meta.id or prerequisite not in known_lessons:
            reason = ("Eine Lektion kann nicht sich selbst voraussetzen." if prerequisite == meta.id
                      else f"Unbekannte Lektion „{prerequisite}“ bei den Voraussetzungen.")
            problems.append(_at(catalog, lesson, ("prerequisites", index), f"prerequisites[{index}]", reason))
    for index, term_id in enumerate(meta.glossary):
        if term_id not in catalog.glossary:
            problems.append(_at(catalog, lesson, ("glossary", index), f"glossary[{index}]", f"Unbekannter Glossarbegriff „{term_id}“ (die Begriffe stehen in lessons/glossary/)."))
        elif not any(s in lesson.body for s in catalog.glossary[term_id].term.spellings):
            problems.append(_at(catalog, lesson, ("glossary", index), f"glossary[{index}]",
                                f"Der Glossarbegriff „{catalog.glossary[term_id].term.term}“ kommt im Text der Lektion nicht vor.", "warning"))
    problems += _body_problems(catalog, lesson, rendered)
    return problems


def _review_problems(catalog: ParsedContent, lesson: Lesson, today: date) -> list[Problem]:
    """Warnings only: an outdated lesson is still better shown than hidden; the content page lists it."""
    meta = lesson.meta
    problems = []
    if meta.stand is None:
        problems.append(_at(catalog, lesson, ("id",), "stand",
                            "Kein Stand angegeben: Bitte ergänzen Sie das Datum, an dem die Fakten zuletzt geprüft wurden, zum "
                            "Beispiel stand: 2026-12-07.", "warning"))
    elif meta.stand > today:
        problems.append(_at(catalog, lesson, ("stand",), "stand",
                            f"Der Stand {meta.stand.isoformat()} liegt in der Zukunft.", "warning"))
    if meta.review_by is None:
        problems.append(_at(catalog, lesson, ("id",), "review_by",
                            "Keine nächste Prüfung angegeben: Bitte ergänzen Sie das Datum, bis zu dem die Fakten wieder geprüft "
                            "werden, zum Beispiel review_by: 2027-06-30.",
                            "warning"))
    elif meta.stand is not None and meta.review_by < meta.stand:
        problems.append(_at(catalog, lesson, ("review_by",), "review_by",
                            f"Die nächste Prüfung ({meta.review_by.isoformat()}) liegt vor dem Stand ({meta.stand.isoformat()}).", "warning"))
    elif meta.review_by <= today:
        problems.append(_at(catalog, lesson, ("review_by",), "review_by",
                            f"Prüfung fällig: Der Termin der nächsten Prüfung ({meta.review_by.isoformat()}) ist erreicht. "
                            "Bitte prüfen Sie die Fakten und setzen Sie danach Stand und nächste Prüfung neu.", "warning"))
    return problems


def _duplicate_ids(catalog: ParsedContent, lesson: Lesson, field: str, ids: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, item_id in enumerate(ids):
        if item_id in seen:
            problems.append(_at(catalog, lesson, (field, index, "id"), f"{field}[{index}].id", f"Die Kennung „{item_id}“ kommt zweimal vor."))
        seen.add(item_id)
    return problems


def _body_line(lesson: Lesson, needle: str) -> int:
    for index, line in enumerate(lesson.body.splitlines()):
        if needle in line:
            return lesson.body_line + index
    return lesson.body_line


def _body_problem(catalog: ParsedContent, lesson: Lesson, needle: str, field: str, message: str,
                  severity: str = "error") -> Problem:
    return Problem(display_path(lesson.path, catalog.root), _body_line(lesson, needle), field, message, severity)


def _body_problems(catalog: ParsedContent, lesson: Lesson, rendered: dict[str, Rendered]) -> list[Problem]:
    page = rendered[lesson.id]
    problems = [_link_problem(catalog, lesson, link.href, rendered) for link in page.links]
    problems = [p for p in problems if p is not None]
    for image in page.images:
        if not image.alt.strip():
            problems.append(_body_problem(catalog, lesson, f"]({image.src}", "image", f"Das Bild „{image.src}“ braucht einen Alternativtext: ![was das Bild zeigt]({image.src})"))
        if resolve_image(lesson.path.parent, image.src) is None:
            problems.append(_body_problem(catalog, lesson, image.src, "image", f"Die Bilddatei „{image.src}“ gibt es nicht (Bilder gehören nach lessons/images/)."))
    for kind in page.admonitions:
        if kind not in ADMONITION_KINDS:
            problems.append(_body_problem(catalog, lesson, f"!!! {kind}", "box", f"Unbekannte Kastenart „{kind}“; möglich sind: {', '.join(ADMONITION_KINDS)}.", "warning"))
    problems += _style_warnings(catalog, lesson, page)
    return problems


def _link_problem(catalog: ParsedContent, lesson: Lesson, href: str, rendered: dict[str, Rendered]) -> Problem | None:
    parts = urlsplit(href)
    if parts.scheme in ("http", "https", "mailto"):
        return None
    if parts.scheme or parts.netloc:
        return _body_problem(catalog, lesson, href, "link", f"Der Link „{href}“ ist nicht erlaubt. Möglich sind Webadressen (http, https), E-Mail (mailto), andere Lektionen (name.md) und Abschnitte (#abschnitt).")
    if parts.path and not parts.path.endswith(".md"):
        return _body_problem(catalog, lesson, href, "link", f"Das Linkziel „{href}“ ist weder eine Lektion (name.md) noch eine Webadresse.")
    target = Path(parts.path).stem if parts.path else lesson.id
    if target not in rendered:
        return _body_problem(catalog, lesson, href, "link", f"Der Link führt zu einer unbekannten Lektion „{target}“.")
    if parts.fragment and parts.fragment not in rendered[target].anchors:
        return _body_problem(catalog, lesson, href, "link", f"Den Abschnitt #{parts.fragment} gibt es in der Lektion „{target}“ nicht.")
    return None


def _style_warnings(catalog: ParsedContent, lesson: Lesson, page: Rendered) -> list[Problem]:
    warnings = []
    words = word_count(lesson.body)
    if words < MIN_WORDS:
        warnings.append(_body_problem(catalog, lesson, "", "text", f"Nur {words} Wörter; eine Lektion hat mindestens {MIN_WORDS}.", "warning"))
    if not any(title.strip() == SUMMARY_HEADING for _, _, title in page.toc):
        warnings.append(_body_problem(catalog, lesson, "", "text", f"Am Ende fehlt der Abschnitt „## {SUMMARY_HEADING}“.", "warning"))
    if not page.admonitions:
        warnings.append(_body_problem(catalog, lesson, "", "text", "Die Lektion hat keinen Kasten (!!! merke, !!! beispiel oder !!! achtung).", "warning"))
    if re.search(r"^# ", lesson.body, flags=re.MULTILINE):
        warnings.append(_body_problem(catalog, lesson, "# ", "text", "Überschriften beginnen mit „##“; die Seite zeigt den Titel als oberste Überschrift.", "warning"))
    return warnings


def _check_quizzes(catalog: ParsedContent, rendered: dict[str, Rendered]) -> tuple[list[Problem], set[str]]:
    found: list[Problem] = []
    bad: set[str] = set()
    lessons = {lesson.id: lesson for lesson in catalog.lessons}
    for stem, entry in catalog.quizzes.items():
        problems = _quiz_problems(catalog, stem, entry, lessons, rendered)
        found += problems
        if any(p.severity == "error" for p in problems):
            bad.add(stem)
    return found, bad


def _quiz_problems(catalog: ParsedContent, stem: str, entry: QuizFile, lessons: dict[str, Lesson],
                   rendered: dict[str, Rendered]) -> list[Problem]:
    quiz = entry.quiz
    problems: list[Problem] = []
    if quiz.lesson != stem:
        problems.append(_quiz_at(catalog, entry, ("lesson",), "lesson", f"Die Lektion (lesson) muss zum Dateinamen passen: Die Datei heißt {entry.path.name}, also muss hier „{stem}“ stehen."))
    lesson = lessons.get(quiz.lesson)
    if lesson is None:
        problems.append(_quiz_at(catalog, entry, ("lesson",), "lesson", f"Es gibt keine Lektion mit der Kennung „{quiz.lesson}“ (lessons/{quiz.lesson}.md)."))
        return problems
    objectives = {o.id for o in lesson.meta.objectives}
    anchors = rendered[lesson.id].anchors
    seen: set[str] = set()
    for index, question in enumerate(quiz.questions):
        where = ("questions", index)
        if question.id in seen:
            problems.append(_quiz_at(catalog, entry, where + ("id",), f"questions[{index}].id", f"Die Kennung „{question.id}“ der Frage kommt zweimal vor."))
        seen.add(question.id)
        if question.objective not in objectives:
            problems.append(_quiz_at(catalog, entry, where + ("objective",), f"questions[{index}].objective",
                                     f"Unbekanntes Lernziel „{question.objective}“; die Lernziele der Lektion sind: {', '.join(sorted(objectives))}."))
        if question.section and question.section not in anchors:
            problems.append(_quiz_at(catalog, entry, where + ("section",), f"questions[{index}].section",
                                     f"Den Abschnitt #{question.section} gibt es in der Lektion „{lesson.id}“ nicht; Abschnitte: {', '.join(sorted(anchors)) or 'keine'}."))
    tested = {q.objective for q in quiz.questions}
    for index, objective in enumerate(lesson.meta.objectives):
        if objective.id not in tested:
            problems.append(_at(catalog, lesson, ("objectives", index, "id"), f"objectives[{index}]",
                                f"Das Lernziel „{objective.id}“ wird von keiner Quizfrage geprüft.", "warning"))
    return problems
