"""The content schema: course, lessons (front matter), quizzes and glossary.

Pydantic models with ``extra="forbid"`` so that a typo in a field name is an error, not a
silently ignored key. Cross-file rules (references, pairing) live in ``validator``.
"""

from __future__ import annotations

import math
import os
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class QuestionBase(Strict):
    id: Slug
    prompt: Text
    objective: Slug
    explanation: Text
    section: str | None = None
    points: float = Field(default=1, gt=0)
    category: str | None = None


class ChoiceOption(Strict):
    text: Text
    feedback: Text
    correct: bool = False
    weight: float | None = Field(default=None, ge=-100, le=100)


def _distinct(values: list[str], what: str) -> list[str]:
    if len({v.strip() for v in values}) != len(values):
        raise ValueError(f"{what} must be distinct")
    return values


class SingleChoice(QuestionBase):
    type: Literal["single_choice"]
    options: list[ChoiceOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _exactly_one_correct(cls, options: list[ChoiceOption]) -> list[ChoiceOption]:
        correct = sum(o.correct for o in options)
        if correct != 1:
            raise ValueError(f"single choice needs exactly one correct option, found {correct}")
        _distinct([o.text for o in options], "option texts")
        return options

    def option_weight(self, index: int) -> float:
        option = self.options[index]
        if option.weight is not None:
            return option.weight
        return 100.0 if option.correct else 0.0


class MultipleChoice(QuestionBase):
    type: Literal["multiple_choice"]
    options: list[ChoiceOption] = Field(min_length=2)

    @field_validator("options")
    @classmethod
    def _weights_consistent(cls, options: list[ChoiceOption]) -> list[ChoiceOption]:
        if not any(o.correct for o in options):
            raise ValueError("multiple choice needs at least one correct option")
        _distinct([o.text for o in options], "option texts")
        given = [o.weight for o in options if o.weight is not None]
        if given and len(given) != len(options):
            raise ValueError("give a weight on every option or on none")
        if given:
            positive = sum(w for w in given if w > 0)
            if not math.isclose(positive, 100, abs_tol=0.01):
                raise ValueError(f"positive weights must add up to 100, they add up to {positive:g}")
        return options

    def option_weight(self, index: int) -> float:
        """Weight in percent; by default +100/k for each of the k correct options and
        -100/min(k, w) for each of the w wrong ones, so ticking every box always earns 0."""
        option = self.options[index]
        if option.weight is not None:
            return option.weight
        k = sum(o.correct for o in self.options)
        if option.correct:
            return 100.0 / k
        return -100.0 / min(k, len(self.options) - k)


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text
    feedback_false: Text


class Ordering(QuestionBase):
    type: Literal["ordering"]
    items: list[Text] = Field(min_length=2)

    @field_validator("items")
    @classmethod
    def _items_distinct(cls, items: list[str]) -> list[str]:
        return _distinct(items, "items")


class Pair(Strict):
    left: Text
    right: Text


class Matching(QuestionBase):
    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=2)
    distractors: list[Text] = []

    @model_validator(mode="after")
    def _distinct_sides(self) -> Matching:
        _distinct([p.left for p in self.pairs], "left-hand items")
        rights = {p.right for p in self.pairs}
        if len(rights) < 2:
            raise ValueError("matching needs at least two distinct right-hand items")
        if rights & set(self.distractors):
            raise ValueError("a distractor must not equal a right-hand item")
        return self

    @property
    def choices(self) -> list[str]:
        """Right-hand texts offered to the learner (each once)."""
        seen: dict[str, None] = {}
        for text in [p.right for p in self.pairs] + list(self.distractors):
            seen.setdefault(text, None)
        return list(seen)


class TextAnswer(Strict):
    text: Text
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str | None = None


class ShortAnswer(QuestionBase):
    type: Literal["short_answer"]
    answers: list[TextAnswer] = Field(min_length=1)
    case_sensitive: bool = False

    @field_validator("answers")
    @classmethod
    def _one_full_answer(cls, answers: list[TextAnswer]) -> list[TextAnswer]:
        if not any(a.weight == 100 for a in answers):
            raise ValueError("at least one answer must have weight 100")
        return answers


class NumericAnswer(Strict):
    value: float
    tolerance: float = Field(default=0, ge=0)
    weight: float = Field(default=100, ge=0, le=100)
    feedback: str | None = None

    @field_validator("value", "tolerance")
    @classmethod
    def _finite(cls, number: float) -> float:
        if not math.isfinite(number):
            raise ValueError("must be a finite number")
        return number


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answers: list[NumericAnswer] = Field(min_length=1)
    unit: str | None = None

    @field_validator("answers")
    @classmethod
    def _one_full_answer(cls, answers: list[NumericAnswer]) -> list[NumericAnswer]:
        if not any(a.weight == 100 for a in answers):
            raise ValueError("at least one answer must have weight 100")
        return answers


Question = Annotated[
    Union[SingleChoice, MultipleChoice, TrueFalse, Ordering, Matching, ShortAnswer, Numeric],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single_choice", "multiple_choice", "true_false", "ordering", "matching",
                  "short_answer", "numeric")
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
