"""Entry check ("Einstufung"): a short test drawn from the quizzes, a result per module and a
personal learning path.

Drawing: for each lesson of the course (in course order) up to QUESTIONS_PER_LESSON questions
of its quiz, chosen with a seeded random generator, one per learning objective first (so two
questions cover two objectives where the quiz has them). The seed is fixed per learner and run:
a reload shows the same questions, a retake draws anew. The drawn questions are stored with the
run, so content edits during a running check change nothing.

Learning path thresholds, per lesson, on the share of points reached in its questions:
- below FOCUS_BELOW (50 %): "Zuerst bearbeiten" (new ground: start here);
- from SKIM_FROM (80 %): "Überfliegen genügt" (you know this already: skim it, do the quiz);
- in between: "Bearbeiten" (work through it in the usual order).
Lessons without a quiz cannot be checked and are listed under "Bearbeiten"; lessons whose quiz
is already passed are listed as "Bereits abgeschlossen". Modules get the same three levels.

Only the learner sees their entry check (it is a self-study aid, not an exam).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

from progress import Store

from progress import selfstudy as store

from .access import require_self
from .content import Catalog, Lesson
from .content.models import Question
from .german_format import decimal
from .grading import grade_question
from .identity import User
from .learning import MAX_TEXT_ANSWER

QUESTIONS_PER_LESSON = 2
FOCUS_BELOW = 50.0
SKIM_FROM = 80.0

FOCUS, WORK, SKIM, DONE = "zuerst", "bearbeiten", "ueberfliegen", "abgeschlossen"
CATEGORY_LABELS = {FOCUS: "Zuerst bearbeiten", WORK: "Bearbeiten", SKIM: "Überfliegen genügt",
                   DONE: "Bereits abgeschlossen"}
LEVEL_LABELS = {FOCUS: "vieles ist neu für Sie", WORK: "teilweise bekannt", SKIM: "sicher"}


def item_key(lesson_id: str, question_id: str) -> str:
    return f"{lesson_id}/{question_id}"


def placement_seed(user_id: int, run_no: int) -> int:
    digest = hashlib.sha256(f"placement:{user_id}:{run_no}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


def course_lessons(catalog: Catalog) -> list[Lesson]:
    """The lessons of the course's modules in course order (module order, then lesson order)."""
    order = {m.id: m.order for m in catalog.modules}
    return sorted((lesson for lesson in catalog.lessons if lesson.meta.module in order),
                  key=lambda lesson: (order[lesson.meta.module], lesson.meta.order, lesson.id))


def pick_questions(questions: list[Question], rng: random.Random, count: int) -> list[Question]:
    """``count`` questions, covering as many different objectives as possible."""
    by_objective: dict[str, list[Question]] = {}
    for question in questions:
        by_objective.setdefault(question.objective, []).append(question)
    pools = [list(pool) for pool in by_objective.values()]
    rng.shuffle(pools)
    for pool in pools:
        rng.shuffle(pool)
    chosen: list[Question] = []
    while len(chosen) < count and any(pools):
        for pool in pools:  # one from each objective per round
            if pool and len(chosen) < count:
                chosen.append(pool.pop())
    return chosen


def draw_questions(catalog: Catalog, seed: int, per_lesson: int = QUESTIONS_PER_LESSON) -> list[list[str]]:
    """[[lesson id, question id], ...] in course order, the same for the same seed and content."""
    items: list[list[str]] = []
    for lesson in course_lessons(catalog):
        quiz = catalog.quiz(lesson.id)
        if quiz is None:
            continue
        rng = random.Random(f"{seed}:{lesson.id}")
        items += [[lesson.id, q.id] for q in pick_questions(list(quiz.questions), rng, per_lesson)]
    return items


@dataclass(frozen=True)
class Item:
    lesson: Lesson
    question: Question

    @property
    def key(self) -> str:
        return item_key(self.lesson.id, self.question.id)


@dataclass(frozen=True)
class Run:
    id: int
    run_no: int
    seed: int
    responses: dict[str, Any]
    result: dict | None
    started_at: str
    finished_at: str | None


def _run(row: dict | None) -> Run | None:
    if row is None:
        return None
    return Run(row["id"], row["run_no"], row["seed"], row["responses"], row["result"], row["started_at"],
               row["finished_at"])


def items_of(catalog: Catalog, stored_items: list[list[str]]) -> list[Item]:
    """The stored (lesson, question) pairs that still exist in the content."""
    found = []
    for lesson_id, question_id in stored_items:
        lesson, quiz = catalog.lesson(lesson_id), catalog.quiz(lesson_id)
        question = quiz.question(question_id) if quiz else None
        if lesson is not None and question is not None:
            found.append(Item(lesson, question))
    return found


def items_by_module(catalog: Catalog, items: list[Item]) -> list[tuple[str, list[Item]]]:
    """(module id, items) in course order, only modules with items."""
    groups = [(m.id, [i for i in items if i.lesson.meta.module == m.id]) for m in catalog.modules]
    return [(module_id, group) for module_id, group in groups if group]


def open_run(db: Store, actor: User) -> tuple[Run, list[list[str]]] | None:
    require_self(actor, actor.id)
    row = store.open_placement(db, actor.id)
    return (_run(row), row["items"]) if row else None


def start_run(db: Store, actor: User, catalog: Catalog) -> tuple[Run, list[list[str]]]:
    """The running entry check, or a new one (idempotent: two clicks start one run)."""
    require_self(actor, actor.id)
    row = store.start_placement(db, actor.id, lambda run_no: placement_seed(actor.id, run_no),
                                lambda seed: draw_questions(catalog, seed))
    return _run(row), row["items"]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_TEXT_ANSWER]
    if isinstance(value, list):
        return [v[:MAX_TEXT_ANSWER] if isinstance(v, str) else v for v in value[:100]]
    return value


def save_answers(db: Store, actor: User, run_id: int, responses: dict[str, Any]) -> bool:
    """Keep answers of a running check (only keys of its own questions); False if it is finished."""
    require_self(actor, actor.id)
    row = store.get_placement(db, actor.id, run_id)
    if row is None:
        return False
    allowed = {item_key(lesson_id, question_id) for lesson_id, question_id in row["items"]}
    cleaned = {k: _clean(v) for k, v in responses.items() if k in allowed}
    return store.save_placement_responses(db, actor.id, run_id, cleaned)


def grade_run(catalog: Catalog, stored_items: list[list[str]], responses: dict[str, Any]) -> dict:
    """Marks per lesson and per module: {"lessons": {id: {module, mark, max}}, "modules": {id: {mark, max}}}."""
    lessons: dict[str, dict] = {}
    modules: dict[str, dict] = {}
    for item in items_of(catalog, stored_items):
        grade = grade_question(item.question, responses.get(item.key))
        module_id = item.lesson.meta.module
        lesson = lessons.setdefault(item.lesson.id, {"module": module_id, "mark": 0.0, "max": 0.0})
        module = modules.setdefault(module_id, {"mark": 0.0, "max": 0.0})
        for bucket in (lesson, module):
            bucket["mark"] = round(bucket["mark"] + grade.mark, 6)
            bucket["max"] = round(bucket["max"] + grade.max_mark, 6)
    return {"lessons": lessons, "modules": modules}


def finish_run(db: Store, actor: User, catalog: Catalog, run_id: int, responses: dict[str, Any] | None = None) -> Run | None:
    """Save the last answers and grade the run once; a second call returns the stored result."""
    require_self(actor, actor.id)
    if responses:
        save_answers(db, actor, run_id, responses)
    row = store.finish_placement(db, actor.id, run_id, lambda run: grade_run(catalog, run["items"], run["responses"]))
    return _run(row)


def discard_run(db: Store, actor: User, run_id: int) -> bool:
    require_self(actor, actor.id)
    return store.discard_placement(db, actor.id, run_id)


def finished_runs(db: Store, actor: User) -> list[Run]:
    """The learner's finished entry checks, newest first."""
    require_self(actor, actor.id)
    return [_run(row) for row in store.finished_placements(db, actor.id)]


# --- learning path --------------------------------------------------------------------------------


def percent(bucket: dict | None) -> float | None:
    if not bucket or not bucket.get("max"):
        return None
    return round(100 * bucket["mark"] / bucket["max"], 1)


def category(score: float | None) -> str:
    """FOCUS below FOCUS_BELOW %, SKIM from SKIM_FROM %, WORK in between or when unknown (None)."""
    if score is None:
        return WORK
    if score < FOCUS_BELOW:
        return FOCUS
    return SKIM if score >= SKIM_FROM else WORK


@dataclass(frozen=True)
class PathEntry:
    lesson_id: str
    title: str
    module_id: str
    minutes: int
    score: float | None  # None: the lesson had no questions in the check


@dataclass(frozen=True)
class LearningPath:
    first: list[PathEntry]
    work: list[PathEntry]
    skim: list[PathEntry]
    done: list[PathEntry]

    def groups(self) -> list[tuple[str, list[PathEntry]]]:
        return [(FOCUS, self.first), (WORK, self.work), (SKIM, self.skim), (DONE, self.done)]


def learning_path(catalog: Catalog, result: dict, passed: set[str] | frozenset[str] = frozenset()) -> LearningPath:
    """Sort every lesson of the course into the four groups; each group keeps the course order."""
    groups: dict[str, list[PathEntry]] = {FOCUS: [], WORK: [], SKIM: [], DONE: []}
    scores = result.get("lessons", {})
    for lesson in course_lessons(catalog):
        score = percent(scores.get(lesson.id))
        entry = PathEntry(lesson.id, lesson.meta.title, lesson.meta.module, lesson.meta.duration_minutes, score)
        groups[DONE if lesson.id in passed else category(score)].append(entry)
    return LearningPath(groups[FOCUS], groups[WORK], groups[SKIM], groups[DONE])


@dataclass(frozen=True)
class ModuleResult:
    module_id: str
    title: str
    score: float | None
    level: str
    previous: float | None  # the same module in the run before, if any

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round(self.score - self.previous, 1)


def module_results(catalog: Catalog, result: dict, previous: dict | None = None) -> list[ModuleResult]:
    rows = []
    for module in catalog.modules:
        score = percent(result.get("modules", {}).get(module.id))
        if score is None:
            continue
        before = percent((previous or {}).get("modules", {}).get(module.id)) if previous else None
        rows.append(ModuleResult(module.id, module.title, score, LEVEL_LABELS[category(score)], before))
    return rows


def total_percent(result: dict) -> float | None:
    modules = result.get("modules", {}).values()
    return percent({"mark": sum(m["mark"] for m in modules), "max": sum(m["max"] for m in modules)})


def change_text(change: float | None) -> str:
    """'+20 Prozentpunkte', '−5 Prozentpunkte', 'unverändert', '–' (no earlier value)."""
    if change is None:
        return "–"
    if abs(change) < 0.05:
        return "unverändert"
    sign = "+" if change > 0 else "−"
    return f"{sign}{decimal(abs(change), 6)} Prozentpunkte"


def lesson_changes(catalog: Catalog, result: dict, previous: dict) -> list[tuple[str, str, str]]:
    """Lessons whose learning-path group changed since the previous run: (title, before, now)."""
    changed = []
    for lesson in course_lessons(catalog):
        now = category(percent(result.get("lessons", {}).get(lesson.id)))
        before = category(percent(previous.get("lessons", {}).get(lesson.id)))
        if now != before:
            changed.append((lesson.meta.title, CATEGORY_LABELS[before], CATEGORY_LABELS[now]))
    return changed


@dataclass(frozen=True)
class Overview:
    """Everything the result part of the page shows: the newest finished run compared with the one before."""

    latest: Run | None
    previous: Run | None
    modules: list[ModuleResult]
    path: LearningPath | None
    total: float | None
    previous_total: float | None
    changed_lessons: list[tuple[str, str, str]]
    runs: int


def overview(db: Store, actor: User, catalog: Catalog) -> Overview:
    runs = finished_runs(db, actor)
    if not runs:
        return Overview(None, None, [], None, None, None, [], 0)
    latest = runs[0]
    previous = runs[1] if len(runs) > 1 else None
    before = previous.result if previous else None
    passed = store.passed_lessons(db, actor.id)
    return Overview(latest, previous, module_results(catalog, latest.result, before),
                    learning_path(catalog, latest.result, passed), total_percent(latest.result),
                    total_percent(before) if before else None,
                    lesson_changes(catalog, latest.result, before) if before else [], len(runs))
