"""Stored responses in words, option choice counts and the most common mistake per question.

Response shapes are those of lotse.grading (option index, list of indexes, bool, item order,
chosen right-hand texts, typed text). Anything else (a tampered or outdated response) is
described as "(nicht lesbar)" instead of failing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..content.models import Question
from ..german_format import decimal
from ..grading import normalise_text, parse_number
from ..question_types import get
from .course import shorten

NO_ANSWER = "(keine Antwort)"
UNREADABLE = "(nicht lesbar)"
CHOICE_TYPES = ("single_choice", "multiple_choice", "true_false")


def _index(value: Any, size: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size:
        return value
    return None


def describe_response(q: Question, response: Any, limit: int = 120) -> str:
    """What the learner answered, in words (user-typed text is returned as typed, not escaped)."""
    if response is None or response == [] or response == "":
        return NO_ANSWER
    try:
        text = _describe(q, response)
    except (TypeError, ValueError, IndexError, AttributeError):
        text = None
    return shorten(text, limit) if text else UNREADABLE


def _describe(q: Question, response: Any) -> str | None:
    if q.type == "single_choice":
        i = _index(response, len(q.options))
        return None if i is None else f"„{q.options[i].text}“"
    if q.type == "multiple_choice":
        chosen = [q.options[i].text for i in sorted({_index(v, len(q.options)) for v in response} - {None})]
        return ", ".join(f"„{t}“" for t in chosen) or NO_ANSWER
    if q.type == "true_false":
        return {True: "Wahr", False: "Falsch"}.get(response) if isinstance(response, bool) else None
    if q.type == "ordering":
        if all(_index(i, len(q.items)) is None for i in response):
            return NO_ANSWER
        items = [q.items[i] if _index(i, len(q.items)) is not None else "?" for i in response]
        return " → ".join(items)
    if q.type == "matching":
        if not any(response):
            return NO_ANSWER
        return "; ".join(f"{p.left} → {r or '?'}" for p, r in zip(q.pairs, response))
    if q.type == "short_answer":
        return str(response)
    if q.type == "numeric":
        return str(response) + (f" {q.unit}" if q.unit else "")
    return get(q.type).response_text(q, response)  # other types: their own words (unknown: error)


@dataclass(frozen=True)
class OptionCount:
    label: str
    correct: bool
    count: int


def option_counts(q: Question, responses: Iterable[Any]) -> list[OptionCount] | None:
    """How often each option was chosen (choice questions), else None. ``responses`` are the
    decoded responses of the attempts in question; a missing answer counts for no option."""
    responses = list(responses)
    if q.type == "single_choice":
        counts = Counter(_index(r, len(q.options)) for r in responses)
        return [OptionCount(o.text, o.correct, counts[i]) for i, o in enumerate(q.options)]
    if q.type == "multiple_choice":
        counts = Counter(i for r in responses if isinstance(r, list)
                         for i in {_index(v, len(q.options)) for v in r} if i is not None)
        return [OptionCount(o.text, o.correct, counts[i]) for i, o in enumerate(q.options)]
    if q.type == "true_false":
        counts = Counter(r for r in responses if isinstance(r, bool))
        return [OptionCount("Wahr", q.answer is True, counts[True]), OptionCount("Falsch", q.answer is False, counts[False])]
    return None


def frequent_answers(q: Question, responses: Iterable[Any], top: int = 5) -> list[tuple[str, int]]:
    """The most common answers in words (for typed, ordering and matching questions)."""
    counts = Counter(_key(q, r) for r in responses)
    shown: Counter = Counter()
    for key, times in counts.items():
        shown[describe_response(q, key)] += times
    return shown.most_common(top)


def _key(q: Question, response: Any) -> Any:
    """A hashable, normalised form so "Datenminimierung " and "datenminimierung" count together."""
    if q.type == "short_answer" and isinstance(response, str):
        return normalise_text(response)
    if q.type == "numeric":
        number = parse_number(response)
        return decimal(number, 6) if number is not None else response if isinstance(response, str) else None
    if isinstance(response, list):
        return tuple(response)
    return response if isinstance(response, (str, int, float, bool, type(None))) else UNREADABLE


@dataclass(frozen=True)
class Mistake:
    text: str  # in words, e.g. „Option B“ gewählt
    times: int


def typical_mistake(q: Question, wrong: Iterable[tuple[Any, int]]) -> Mistake | None:
    """The most frequent wrong answer among ``(response, times)`` pairs that earned less than full marks."""
    wrong = [(r, t) for r, t in wrong if t > 0]
    if not wrong:
        return None
    if q.type == "multiple_choice":
        return _multiple_choice_mistake(q, wrong)
    if q.type == "matching":
        return _matching_mistake(q, wrong)
    counts: Counter = Counter()
    for response, times in wrong:
        counts[_key(q, response)] += times
    key, times = counts.most_common(1)[0]
    return Mistake(describe_response(q, list(key) if isinstance(key, tuple) else key), times)


def _multiple_choice_mistake(q: Question, wrong: list[tuple[Any, int]]) -> Mistake:
    added, missed = Counter(), Counter()
    for response, times in wrong:
        chosen = {_index(v, len(q.options)) for v in response} - {None} if isinstance(response, list) else set()
        for i, option in enumerate(q.options):
            if option.correct and i not in chosen:
                missed[i] += times
            elif not option.correct and i in chosen:
                added[i] += times
    best_added = added.most_common(1)[0] if added else (None, 0)
    best_missed = missed.most_common(1)[0] if missed else (None, 0)
    if best_added[1] >= best_missed[1] and best_added[0] is not None:
        return Mistake(f"„{q.options[best_added[0]].text}“ angekreuzt (falsch)", best_added[1])
    if best_missed[0] is not None:
        return Mistake(f"„{q.options[best_missed[0]].text}“ nicht angekreuzt", best_missed[1])
    return Mistake(NO_ANSWER, sum(t for _, t in wrong))


def _matching_mistake(q: Question, wrong: list[tuple[Any, int]]) -> Mistake:
    pairs: Counter = Counter()
    for response, times in wrong:
        chosen = response if isinstance(response, list) else []
        for index, pair in enumerate(q.pairs):
            answer = chosen[index] if index < len(chosen) else None
            if answer != pair.right:
                pairs[(pair.left, answer)] += times
    if not pairs:
        return Mistake(NO_ANSWER, sum(t for _, t in wrong))
    (left, answer), times = pairs.most_common(1)[0]
    return Mistake(f"„{left}“ → „{answer}“ zugeordnet" if answer else f"„{left}“ nicht zugeordnet", times)
