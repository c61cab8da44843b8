"""The content schema: course, lessons (front matter), quizzes and glossary.

Pydantic models with ``extra="forbid"`` so that a typo in a field name is an error, not a
silently ignored key. Cross-file rules (references, pairing) live in ``validator``.
"""

from __future__ import annotations

import os
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import Field

# Every question type lives in its own module of lotse.question_types (its schema too); the
# Question union is built from the registry, so a new type needs no change here. The model names
# below stay importable from this module.
from lotse.question_types import REGISTRY
from lotse.question_types.base import SLUG_PATTERN, QuestionBase, Slug, Strict, Text  # noqa: F401
from lotse.question_types.choice import ChoiceOption  # noqa: F401
from lotse.question_types.matching import Matching, Pair  # noqa: F401
from lotse.question_types.multiple_choice import MultipleChoice  # noqa: F401
from lotse.question_types.numeric import Numeric, NumericAnswer  # noqa: F401
from lotse.question_types.ordering import Ordering  # noqa: F401
from lotse.question_types.short_answer import ShortAnswer, TextAnswer  # noqa: F401
from lotse.question_types.single_choice import SingleChoice  # noqa: F401
from lotse.question_types.true_false import TrueFalse  # noqa: F401


# --- course and glossary -------------------------------------------------------------


class Module(Strict):
    id: Slug
    order: int = Field(ge=1)
    title: Text
    description: str = ""


class Course(Strict):
    id: Slug
    title: Text
    description: str = ""
    modules: list[Module] = Field(min_length=1)


class GlossaryTerm(Strict):
    id: Slug
    term: Text
    definition: Text
    aliases: list[Text] = []
    source: str | None = None

    @property
    def spellings(self) -> list[str]:
        return [self.term, *self.aliases]

    @property
    def other_names(self) -> list[str]:
        """The aliases a reader should see: authors also list inflected forms ("Schutzzielen") so
        that the term is found in the text; those are left out here."""
        shown: list[str] = []
        for alias in self.aliases:
            if not any(_word_forms_alike(alias, other) for other in [self.term, *shown]):
                shown.append(alias)
        return shown


def _word_forms_alike(a: str, b: str) -> bool:
    """Same words up to case and endings of at most two letters ("technische"/"technischen",
    "qualifiziertes"/"qualifiziertem"); a feminine form ("-in", "-innen") is a name of its own."""
    left, right = a.casefold().split(), b.casefold().split()
    return len(left) == len(right) and all(_endings_differ(x, y) for x, y in zip(left, right))


def _endings_differ(x: str, y: str) -> bool:
    common = len(os.path.commonprefix([x, y]))
    endings = (x[common:], y[common:])
    return common >= 3 and all(len(e) <= 2 and not e.startswith("in") for e in endings)


class GlossaryFile(Strict):
    terms: list[GlossaryTerm] = Field(min_length=1)


# --- lessons ---------------------------------------------------------------------------


class Objective(Strict):
    id: Slug
    text: Text


class ReflectionPrompt(Strict):
    id: Slug
    topic: Text
    prompt: Text


class SelfAssessmentItem(Strict):
    id: Slug
    competence: Text
    statement: Text


class LessonMeta(Strict):
    id: Slug
    title: Text
    module: Slug
    order: int = Field(ge=1)
    duration_minutes: int = Field(ge=1, le=240)
    objectives: list[Objective] = Field(min_length=1)
    glossary: list[Slug] = []
    prerequisites: list[Slug] = []
    sources: list[Text] = Field(min_length=1)
    # When the facts were last checked against the sources, and when they must be checked again. Optional in
    # the schema so older content still loads; the validator warns about every lesson without them.
    stand: date | None = None
    review_by: date | None = None
    reflection_prompts: list[ReflectionPrompt] = []
    self_assessment: list[SelfAssessmentItem] = []


# --- quizzes ---------------------------------------------------------------------------

Question = Annotated[Union[tuple(t.model for t in REGISTRY.values())], Field(discriminator="type")]
QUESTION_TYPES = tuple(REGISTRY)
CHOICE_TYPES = ("single_choice", "multiple_choice")


# When learners see the correct answers after submitting (Moodle's review option "right answer"):
# after every attempt, once they have passed (then also on later attempts), or never.
SHOW_CORRECT = ("after_each_attempt", "after_passing", "never")


class Quiz(Strict):
    lesson: Slug
    pass_mark: float = Field(ge=0, le=100)
    questions: list[Question] = Field(min_length=1)
    show_correct: Literal["after_each_attempt", "after_passing", "never"] = "after_passing"

    @property
    def max_points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
