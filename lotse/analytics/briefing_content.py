"""What the seminar briefing says, derived from the cohort's data (rendering: lotse.briefing).

Rules (also stated in the briefing so a trainer can judge them):
- ready: completed every lesson (quiz passed; a lesson without quiz: read);
- on the way: started, not yet ready; not started: no lesson opened;
- weakest objectives: lowest share of marks over the members' best attempts;
- most-missed questions: lowest facility over first attempts (the first try shows what was
  unclear after reading), with the most frequent wrong answer;
- focus topics: weak objectives, common misconceptions and lessons few have read, ranked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone

from progress import Store

from progress import analytics as sql

from ..content import Catalog
from ..identity import User
from ..visibility import Policy, small_group_note
from .cohort import CohortInfo, authorised_cohort, cohort_people
from ..german_format import local_today, percent
from .course import LessonInfo, course_lessons, parse_day, plain
from .figures import MASTERY_THRESHOLD, ObjectiveMastery, objective_mastery
from .matrix import completed
from .responses import typical_mistake

MIN_ANSWERS = 3  # fewer answers than this say nothing about a question or objective
WEAK_SHARE = 75.0  # objectives below this share of marks are "weak"
MISCONCEPTION_SHARE = 0.3  # a wrong answer chosen by this share of answers is a misconception
UNREAD_SHARE = 0.5  # lessons read by fewer than half of the starters need an introduction
TOP = 5


@dataclass(frozen=True)
class LearnerState:
    label: str
    done: int
    started: bool
    user_id: int = 0


@dataclass(frozen=True)
class MissedQuestion:
    lesson: LessonInfo
    prompt: str
    answers: int
    facility: float  # percent
    mistake: str | None
    mistake_share: float | None  # percent of the answers


@dataclass(frozen=True)
class FocusTopic:
    title: str
    reason: str
    weight: float  # larger = more urgent (ranking only)


@dataclass(frozen=True)
class BriefingContent:
    cohort: CohortInfo
    seminar_date: date | None
    days_until: int | None
    created: date
    lessons_total: int
    ready: list[LearnerState]
    on_the_way: list[LearnerState]
    not_started: list[LearnerState]
    weakest: list[ObjectiveMastery]
    missed: list[MissedQuestion]
    focus: list[FocusTopic]
    counts: tuple[int, int, int] | None = None  # ready, on the way, not started (None: withheld)
    member_count: int = 0
    withheld: str | None = None  # group figures left out: too few people
    named_ids: tuple[int, ...] = ()  # whose names the briefing carries (for the access log)
    min_group: int = 5

    @property
    def members(self) -> int:
        return self.member_count


def briefing_content(db: Store, actor: User, cohort_id: int, catalog: Catalog, *,
                     pseudonymous: bool = False, now: datetime | None = None,
                     policy: Policy | None = None) -> BriefingContent:
    """Names only of people whose progress the visibility policy shows; group figures (counts,
    objectives, questions, focus topics) only from at least ``policy.min_group`` people."""
    cohort = authorised_cohort(db, actor, cohort_id)
    today = local_today(now or datetime.now(timezone.utc))
    ids = [cohort.id]
    lessons = course_lessons(catalog)
    people = cohort_people(db, cohort.id, pseudonymous, policy)
    k = people.policy.min_group
    ready, on_the_way, not_started = readiness(lessons, sql.progress_cells(db, ids), people.all)
    shown = people.shown("progress")
    seminar = parse_day(cohort.seminar_date)
    named = [[s for s in group if s.user_id in shown] for group in (ready, on_the_way, not_started)]
    base = dict(cohort=cohort, seminar_date=seminar, days_until=(seminar - today).days if seminar else None,
                created=today, lessons_total=len(lessons), ready=named[0], on_the_way=named[1],
                not_started=named[2], member_count=len(people.all), min_group=k,
                named_ids=tuple(s.user_id for group in named for s in group))
    if people.small:
        return BriefingContent(**base, weakest=[], missed=[], focus=[], withheld=small_group_note(people.policy))
    minimum = max(_minimum(len(people.all)), k)
    mastery = objective_mastery(lessons, sql.objective_mastery(db, ids, MASTERY_THRESHOLD))
    weakest = [m for m in sorted(mastery, key=lambda m: m.share) if m.learners >= minimum][:TOP]
    missed = missed_questions(lessons, sql.question_summary(db, ids, "first"), sql.wrong_responses(db, ids, "first"),
                              len(people.all), k)
    funnel = {r["lesson_id"]: r for r in sql.lesson_funnel(db, ids)}
    starters = len(ready) + len(on_the_way)
    return BriefingContent(**base, weakest=[m for m in weakest if m.share < 100], missed=missed[:TOP],
                           focus=focus_topics(lessons, weakest, missed, funnel, starters if starters >= k else 0),
                           counts=(len(ready), len(on_the_way), len(not_started)))


def quoted(text: str) -> str:
    """In German quotation marks, unless the text already starts with a quotation."""
    return text if text[:1] in "„»\"" else f"„{text}“"


def _minimum(members: int) -> int:
    return max(1, min(MIN_ANSWERS, members // 4))


def readiness(lessons: list[LessonInfo], cells: list[dict], labels: dict[int, str]
              ) -> tuple[list[LearnerState], list[LearnerState], list[LearnerState]]:
    """(ready, on the way sorted by lessons done descending, not started), each in a stable order."""
    by_user: dict[int, dict[str, dict]] = defaultdict(dict)
    for cell in cells:
        by_user[cell["user_id"]][cell["lesson_id"]] = cell
    states = []
    for user_id, label in labels.items():
        rows = by_user.get(user_id, {})
        done = sum(completed(lesson, rows.get(lesson.id)) for lesson in lessons)
        started = any(lesson.id in rows for lesson in lessons)
        states.append(LearnerState(label, done, started, user_id))
    is_ready = [bool(lessons) and s.done == len(lessons) for s in states]
    ready = [s for s, r in zip(states, is_ready) if r]
    on_the_way = sorted((s for s, r in zip(states, is_ready) if s.started and not r), key=lambda s: -s.done)
    not_started = [s for s in states if not s.started]
    return ready, on_the_way, not_started


def missed_questions(lessons: list[LessonInfo], summary: list[dict], wrong: list[dict],
                     members: int, min_group: int = 1) -> list[MissedQuestion]:
    """Questions by facility, lowest first, with their most frequent wrong answer (named only
    when at least ``min_group`` answers were that answer)."""
    by_id = {lesson.id: lesson for lesson in lessons}
    wrong_by_question: dict[tuple[str, str], list] = defaultdict(list)
    for row in wrong:
        wrong_by_question[(row["lesson_id"], row["question_id"])].append((_decode(row["response"]), row["times"]))
    result = []
    for row in summary:
        lesson = by_id.get(row["lesson_id"])
        question = lesson.quiz.question(row["question_id"]) if lesson and lesson.quiz else None
        if question is None or row["facility"] is None or row["missed"] == 0 \
                or row["answers"] < max(_minimum(members), min_group):
            continue
        mistake = typical_mistake(question, wrong_by_question[(lesson.id, question.id)])
        if mistake and mistake.times < min_group:
            mistake = None
        result.append(MissedQuestion(lesson, plain(question.prompt), row["answers"], 100 * row["facility"],
                                     mistake.text if mistake else None,
                                     100 * mistake.times / row["answers"] if mistake else None))
    order = {lesson.id: i for i, lesson in enumerate(lessons)}
    return sorted(result, key=lambda m: (m.facility, order[m.lesson.id]))


def _decode(text: str):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def focus_topics(lessons: list[LessonInfo], weakest: list[ObjectiveMastery], missed: list[MissedQuestion],
                 funnel: dict[str, dict], starters: int) -> list[FocusTopic]:
    """Suggestions for the seminar days, most urgent first (at most TOP)."""
    objectives: list[FocusTopic] = []
    misconceptions: list[FocusTopic] = []
    unread: list[FocusTopic] = []
    for m in weakest:
        if m.share < WEAK_SHARE:
            objectives.append(FocusTopic(
                f"Lernziel vertiefen: {m.text.rstrip('.')} (Lektion {m.lesson.code} {m.lesson.title})",
                f"Im Schnitt {percent(m.share)} der Punkte; {m.reached} von {m.learners} erreichen das Ziel.",
                (100 - m.share) / 100))
    for q in missed:
        if q.mistake and q.mistake_share is not None and q.mistake_share >= 100 * MISCONCEPTION_SHARE:
            misconceptions.append(FocusTopic(
                f"Verbreiteten Irrtum klären: {quoted(q.prompt)} (Lektion {q.lesson.code})",
                f"Häufigste falsche Antwort ({percent(q.mistake_share)} der ersten Versuche): {q.mistake}.",
                q.mistake_share / 100))
    if starters:
        for lesson in lessons:
            read = (funnel.get(lesson.id) or {}).get("read") or 0
            if read < UNREAD_SHARE * starters:
                unread.append(FocusTopic(
                    f"Lektion {lesson.code} {lesson.title} im Seminar einführen",
                    f"Nur {read} von {starters} Teilnehmenden, die begonnen haben, haben sie gelesen.",
                    0.5 * (1 - read / starters)))
    # Take turns between the kinds (each ranked by urgency), so one kind cannot crowd out the others.
    queues = sorted((sorted(q, key=lambda t: -t.weight) for q in (objectives, misconceptions, unread) if q),
                    key=lambda q: -q[0].weight)
    chosen: list[FocusTopic] = []
    while queues and len(chosen) < TOP:
        for queue in list(queues):
            if len(chosen) < TOP:
                chosen.append(queue.pop(0))
            if not queue:
                queues.remove(queue)
    return chosen
