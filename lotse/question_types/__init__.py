"""The question-type registry: one module per type, registered here and nowhere else.

Each module (``single_choice``, ..., ``cloze``) defines ``TYPE``, a ``QuestionType`` holding its
schema, grading, words for learners and trainers, xAPI mapping and Moodle/GIFT/ILIAS mapping.
Everything else (content model, grading, review, xAPI, import and export, the quiz widgets in
``ui/question_widgets/<name>.py``) asks the registry; an unknown type raises
``UnknownQuestionType``, it is never skipped.

Adding a type: write ``lotse/question_types/<name>.py`` with ``TYPE``, add it to ``_MODULES``,
write its renderer ``ui/question_widgets/<name>.py``. tests/test_question_types.py then runs it
through validate -> render -> answer -> grade -> store -> export -> import.
"""

from __future__ import annotations

from types import MappingProxyType

from . import cloze, matching, multiple_choice, numeric, ordering, short_answer, single_choice, true_false
from .base import Grade, QuestionBase, QuestionType, UnknownQuestionType

_MODULES = (single_choice, multiple_choice, true_false, ordering, matching, short_answer, numeric, cloze)

REGISTRY: MappingProxyType[str, QuestionType] = MappingProxyType({m.TYPE.name: m.TYPE for m in _MODULES})


def names() -> tuple[str, ...]:
    """Every registered type name, in registration order."""
    return tuple(REGISTRY)


def get(type_name: object) -> QuestionType:
    """The registered type; ``UnknownQuestionType`` (with a German message) for anything else."""
    found = REGISTRY.get(type_name) if isinstance(type_name, str) else None
    if found is None:
        raise UnknownQuestionType(type_name, names())
    return found


def of(question: object) -> QuestionType:
    """The type of a question object (its ``type`` field)."""
    return get(getattr(question, "type", None))


__all__ = ["REGISTRY", "Grade", "QuestionBase", "QuestionType", "UnknownQuestionType", "get", "names", "of"]
