"""xAPI interaction definitions and responses for Lotse's question types.

Formats as the xAPI 1.0.3 specification defines them per interactionType: choice and sequencing
list component ids joined by `[,]`, matching pairs `source[.]target`, numeric ranges `low[:]high`,
fill-in patterns carry `{case_matters=...}`. Component ids count from 1 in file order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lotse.content.models import (Matching, MultipleChoice, Numeric, Ordering, Question, ShortAnswer,
                                  SingleChoice, TrueFalse)
from lotse.interop.common import format_number


def _ids(prefix: str, texts: list[str], lang: str) -> list[dict]:
    return [{"id": f"{prefix}-{i}", "description": {lang: t}} for i, t in enumerate(texts, 1)]


def interaction(question: Question, lang: str) -> dict:
    """interactionType, correctResponsesPattern and components for a question."""
    if isinstance(question, (SingleChoice, MultipleChoice)):
        right = [f"option-{i}" for i, o in enumerate(question.options, 1) if o.correct]
        return {"interactionType": "choice", "correctResponsesPattern": ["[,]".join(right)],
                "choices": _ids("option", [o.text for o in question.options], lang)}
    if isinstance(question, TrueFalse):
        return {"interactionType": "true-false",
                "correctResponsesPattern": [str(question.answer).lower()]}
    if isinstance(question, Ordering):
        order = [f"item-{i}" for i in range(1, len(question.items) + 1)]
        return {"interactionType": "sequencing", "correctResponsesPattern": ["[,]".join(order)],
                "choices": _ids("item", list(question.items), lang)}
    if isinstance(question, Matching):
        choices = question.choices
        pairs = [f"left-{i}[.]right-{choices.index(p.right) + 1}"
                 for i, p in enumerate(question.pairs, 1)]
        return {"interactionType": "matching", "correctResponsesPattern": ["[,]".join(pairs)],
                "source": _ids("left", [p.left for p in question.pairs], lang),
                "target": _ids("right", choices, lang)}
    if isinstance(question, ShortAnswer):
        case = "{case_matters=%s}" % str(question.case_sensitive).lower()
        return {"interactionType": "fill-in", "correctResponsesPattern":
                [case + a.text for a in question.answers if a.weight == 100]}
    assert isinstance(question, Numeric)
    return {"interactionType": "numeric", "correctResponsesPattern": [
        format_number(a.value) if not a.tolerance else
        f"{format_number(round(a.value - a.tolerance, 10))}[:]"
        f"{format_number(round(a.value + a.tolerance, 10))}"
        for a in question.answers if a.weight == 100]}


def _index(value: Any, texts: list[str], prefix: str) -> str:
    if value is None:  # a position left empty
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) and 0 <= value < len(texts):
        return f"{prefix}-{value + 1}"
    if isinstance(value, str) and value in texts:
        return f"{prefix}-{texts.index(value) + 1}"
    return str(value)


def format_response(question: Question | None, response: Any) -> str:
    """A stored response in the xAPI response format of the question's interaction type."""
    if response is None:
        return ""
    items = response if isinstance(response, (list, tuple)) else [response]
    if isinstance(question, (SingleChoice, MultipleChoice)):
        texts = [o.text for o in question.options]
        return "[,]".join(_index(v, texts, "option") for v in items)
    if isinstance(question, Ordering):
        return "[,]".join(_index(v, list(question.items), "item") for v in items)
    if isinstance(question, Matching):
        lefts = [p.left for p in question.pairs]
        pairs = list(response.items()) if isinstance(response, Mapping) else response
        if isinstance(pairs, (list, tuple)) and all(p is None or isinstance(p, str) for p in pairs):
            # the quiz page's format: the chosen right-hand text per pair, None where none chosen
            pairs = [(left, right) for left, right in zip(lefts, pairs) if right is not None]
        if not isinstance(pairs, (list, tuple)) or \
                not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
            return str(response)
        return "[,]".join(f"{_index(left, lefts, 'left')}[.]{_index(right, question.choices, 'right')}"
                          for left, right in pairs)
    if isinstance(question, TrueFalse) or isinstance(response, bool):
        return str(response).lower()
    if isinstance(response, (int, float)):
        return format_number(float(response))
    text = str(response).strip()
    if isinstance(question, Numeric) and re.fullmatch(r"[+-]?\d+,\d+", text):
        return text.replace(",", ".")
    return text
