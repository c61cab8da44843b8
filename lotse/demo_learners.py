"""Simulated learning histories for demo cohorts and benchmarks (deterministic for a seed).

A learner has a pace (finished everything, about half, a little, never started) and an ability;
a question has a difficulty and one "typical wrong answer" that attracts most wrong responses,
the more so the harder the question. Responses are graded by lotse.grading, so marks, scores and
the pass decision are exactly what the quiz page would have stored.
"""

from __future__ import annotations

import hashlib
import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from progress.history import LessonHistory, PastAttempt

from .content import Catalog
from .content.models import Question, Quiz
from .german_format import decimal
from .grading import grade_attempt
from .learning import HEARTBEAT_SECONDS, attempt_seed, submit_key
from .question_types import get

PACES = ("finished", "halfway", "little", "never")
MAX_ATTEMPTS = 3

FIRST_NAMES = ["Anna", "Jonas", "Fatma", "Lukas", "Marie", "Yusuf", "Katrin", "Stefan", "Lea", "Mehmet",
               "Birgit", "Tobias", "Sabine", "Dariusz", "Julia", "Matthias", "Aylin", "Uwe", "Petra", "Jan",
               "Nadine", "Ole", "Ingrid", "Kemal", "Sophie", "Rainer", "Elena", "Thorsten", "Hannah", "Volker"]
LAST_NAMES = ["Becker", "Schulz", "Yılmaz", "Hoffmann", "Wagner", "Nowak", "Krüger", "Schäfer", "Meier",
              "Öztürk", "Lange", "Braun", "Zimmermann", "Kowalski", "Wolf", "Hartmann", "Fuchs", "Weiß",
              "Scholz", "Jäger", "Albrecht", "Peters", "Vogel", "Günther", "Friedrich", "Haas", "Roth"]


def demo_name(index: int) -> str:
    """A fictional, pronounceable name; distinct for the first 810 indexes."""
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]
    return f"{first} {last}"


@dataclass(frozen=True)
class Persona:
    pace: str
    ability: float  # logit scale, about -1 .. 2
    start_day: float  # days after the cohort start when the learner begins


DEFAULT_MIX = {"finished": 0.30, "halfway": 0.35, "little": 0.20, "never": 0.15}


def personas(count: int, rng: random.Random, mix: dict[str, float] | None = None) -> list[Persona]:
    """Paces in the shares of ``mix`` (default: 30 % finished, 35 % halfway, 20 % a little,
    15 % never started; at least one who never starts in a group of five or more)."""
    mix = mix or DEFAULT_MIX
    never = round(count * mix.get("never", 0))
    if count >= 5 and mix.get("never", 0) > 0:
        never = max(1, never)
    finished = round(count * mix.get("finished", 0))
    little = round(count * mix.get("little", 0))
    halfway = max(0, count - never - finished - little)
    paces = ["finished"] * finished + ["halfway"] * halfway + ["little"] * little + ["never"] * never
    rng.shuffle(paces)
    return [Persona(p, rng.gauss(1.6, 0.7), rng.uniform(0, 12)) for p in paces[:count]]


def _unit(*parts: str) -> float:
    """A stable number in [0, 1) from text (question difficulty does not depend on the seed)."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48


def difficulty(lesson_id: str, question_id: str) -> float:
    """Logit difficulty: most questions easy to medium (-0.6..1.5), about one in eight hard (1.5..2.25)."""
    u = _unit("difficulty", lesson_id, question_id)
    return 1.5 + 6 * (u - 0.875) if u > 0.875 else -0.6 + 2.4 * u


def _correct_response(q: Question) -> Any:
    return get(q.type).right_response(q)


def _german_number(value: float) -> str:
    return decimal(value, 6, grouping=False)  # as a learner types it


def _wrong_response(q: Question, lesson_id: str, rng: random.Random, typical_share: float) -> Any:
    """A wrong answer; the question's typical mistake with probability ``typical_share``."""
    typical = rng.random() < typical_share
    pick = _unit("typical", lesson_id, q.id)
    if q.type == "single_choice":
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        return wrong[int(pick * len(wrong))] if typical else rng.choice(wrong)
    if q.type == "multiple_choice":
        right = [i for i, o in enumerate(q.options) if o.correct]
        wrong = [i for i, o in enumerate(q.options) if not o.correct]
        chosen = set(right)
        if wrong:
            chosen.add(wrong[int(pick * len(wrong))] if typical else rng.choice(wrong))
        if len(right) > 1 and (not wrong or rng.random() < 0.5):
            chosen.discard(right[int(pick * len(right))] if typical else rng.choice(right))
        return sorted(chosen)
    if q.type == "true_false":
        return not q.answer
    if q.type == "ordering":
        order = list(range(len(q.items)))
        i = int(pick * (len(order) - 1)) if typical else rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
        return order
    if q.type == "matching":
        rights = [p.right for p in q.pairs]
        i = int(pick * (len(rights) - 1)) if typical else rng.randrange(len(rights) - 1)
        rights[i], rights[i + 1] = rights[i + 1], rights[i]
        if rights[i] == rights[i + 1] and q.distractors:  # duplicates on the right: use a distractor
            rights[i] = q.distractors[0]
        return rights
    if q.type == "short_answer":
        partial = [a.text for a in q.answers if a.weight < 100]
        return partial[0] if partial and typical else None
    if q.type == "numeric":
        value = max(q.answers, key=lambda a: a.weight).value
        off = value * 2 if value else 1.0
        return _german_number(off if typical else value + rng.choice([-3, -2, -1, 1, 2, 3]) * max(1.0, abs(value) / 10))
    return get(q.type).wrong_response(q)  # other types: the type's own wrong answer


def simulate_attempt(quiz: Quiz, ability: float, attempt_no: int, rng: random.Random) -> dict[str, Any]:
    """Responses for one attempt: P(correct) falls with difficulty and rises with each retry."""
    responses = {}
    for q in quiz.questions:
        d = difficulty(quiz.lesson, q.id)
        p = 1 / (1 + math.exp(-(ability - d + 0.6 * (attempt_no - 1))))
        if rng.random() < p:
            responses[q.id] = _correct_response(q)
        else:
            responses[q.id] = _wrong_response(q, quiz.lesson, rng, typical_share=min(0.9, 0.55 + 0.12 * d))
    return responses


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _lessons_to_do(pace: str, total: int, rng: random.Random) -> int:
    if pace == "finished":
        return total
    if pace == "halfway":
        return max(1, min(total - 1, round(total * rng.uniform(0.35, 0.7))))
    if pace == "little":
        return min(total, rng.choice([1, 1, 2]))
    return 0


def learner_history(catalog: Catalog, user_id: int, persona: Persona, start: datetime, now: datetime,
                    rng: random.Random) -> list[LessonHistory]:
    """What one learner did between ``start`` and ``now`` (all timestamps before ``now``)."""
    lessons = list(catalog.lessons)
    todo = _lessons_to_do(persona.pace, len(lessons), rng)
    if not todo:
        return []
    begin = start + timedelta(days=persona.start_day)
    span = max(1.0, (now - begin).total_seconds() / 86400 - 0.5)
    # Finished learners use most of the time; the others stopped somewhere along the way.
    share = 0.9 if persona.pace == "finished" else rng.uniform(0.3, 1.0)
    step = span * share / todo
    histories = []
    for index, lesson in enumerate(lessons[:todo]):
        day = begin + timedelta(days=index * step + rng.uniform(0, step * 0.5))
        moment = day.replace(hour=rng.randint(7, 15), minute=rng.randint(0, 59), second=rng.randint(0, 59))
        moment = min(moment, now - timedelta(hours=2))
        last = index == todo - 1 and persona.pace != "finished"
        histories.append(_lesson_history(catalog, user_id, lesson, persona.ability, moment, now, last, rng,
                                         persistent=persona.pace == "finished"))
    return histories


def _lesson_history(catalog: Catalog, user_id: int, lesson, ability: float, moment: datetime, now: datetime,
                    unfinished: bool, rng: random.Random, persistent: bool = False) -> LessonHistory:
    """Open, read (heartbeats), mark read, then up to three quiz attempts; ``persistent`` learners
    retry until they pass (or run out of attempts), the others sometimes give up after a failure."""
    planned = lesson.meta.duration_minutes * 60 * rng.uniform(0.5, 1.4)
    stop = rng.choice(["opened", "reading", "read"]) if unfinished else "quiz"
    seconds = planned * (rng.uniform(0.1, 0.6) if stop in ("opened", "reading") else 1.0)
    if stop == "opened":
        seconds = min(seconds, 90.0)
    beats, at, left = [], moment, seconds
    while left > 0:
        beat = min(float(HEARTBEAT_SECONDS), left)
        at += timedelta(seconds=HEARTBEAT_SECONDS)
        beats.append((_iso(at), round(beat, 3)))
        left -= beat
    history = LessonHistory(user_id, lesson.id, [_iso(moment)], beats)
    if stop in ("opened", "reading"):
        return history
    read_at = at + timedelta(seconds=5)
    history.read_at = _iso(read_at)
    quiz = catalog.quiz(lesson.id)
    if stop == "read" or quiz is None:
        return history
    when = read_at + timedelta(minutes=rng.uniform(2, 20))
    for attempt_no in range(1, MAX_ATTEMPTS + 1):
        if when >= now:
            break
        if attempt_no > 1:
            history.opened.append(_iso(when - timedelta(minutes=1)))
        history.attempts.append(_past_attempt(quiz, user_id, ability, attempt_no, when, rng))
        if history.attempts[-1].passed or (not persistent and rng.random() < 0.25):
            break  # passed, or gave up for now
        when += timedelta(hours=rng.uniform(0.3, 60))
    return history


def _past_attempt(quiz: Quiz, user_id: int, ability: float, attempt_no: int, when: datetime,
                  rng: random.Random) -> PastAttempt:
    responses = simulate_attempt(quiz, ability, attempt_no, rng)
    result = grade_attempt(quiz, responses)
    answers = [{"question_id": g.question_id, "objective": quiz.question(g.question_id).objective,
                "response": responses.get(g.question_id), "mark": g.mark, "max_mark": g.max_mark}
               for g in result.grades]
    return PastAttempt(attempt_no, attempt_seed(user_id, quiz.lesson, attempt_no),
                       submit_key(user_id, quiz.lesson, attempt_no), result.score, result.max_score,
                       result.percent, result.passed, quiz.pass_mark, _iso(when), answers)


SIMULATED_WEEKS = 6  # how far back the simulated learning histories begin


def simulate_cohort(catalog: Catalog, user_ids: list[int], *, seed: int, now: datetime,
                    weeks: float = SIMULATED_WEEKS, forced: dict[int, str] | None = None,
                    mix: dict[str, float] | None = None) -> list[LessonHistory]:
    """Histories for all learners over the ``weeks`` before ``now``; ``forced`` sets some paces."""
    rng = random.Random(seed)
    start = now - timedelta(weeks=weeks)
    cast = personas(len(user_ids), rng, mix)
    histories = []
    for user_id, persona in zip(user_ids, cast):
        if forced and user_id in forced:
            persona = Persona(forced[user_id], persona.ability, persona.start_day)
        histories += learner_history(catalog, user_id, persona, start, now, rng)
    return histories
