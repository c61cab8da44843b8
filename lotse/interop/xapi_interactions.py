"""xAPI interaction definitions and responses for Lotse's question types.

Each type module (lotse.question_types) maps itself; formats as the xAPI 1.0.3 specification
defines them per interactionType: choice and sequencing list component ids joined by `[,]`,
matching pairs `source[.]target`, numeric ranges `low[:]high`, fill-in patterns carry
`{case_matters=...}`. Component ids count from 1 in file order. Here: the dispatch (the type modules'
helpers are in xapi_parts).
"""

from __future__ import annotations

from typing import Any

from lotse.content.models import Question
from lotse.interop.common import format_number
from lotse.question_types import get


def interaction(question: Question, lang: str) -> dict:
    """interactionType, correctResponsesPattern and components for a question."""
    return get(question.type).xapi_interaction(question, lang)


def format_response(question: Question | None, response: Any) -> str:
    """A stored response in the xAPI response format of the question's interaction type; a
    question no longer in the content (None) gives the response as plain text."""
    if response is None:
        return ""
    if question is not None:
        return get(question.type).xapi_response(question, response)
    if isinstance(response, bool):
        return str(response).lower()
    if isinstance(response, (int, float)):
        return format_number(float(response))
    return str(response).strip()
