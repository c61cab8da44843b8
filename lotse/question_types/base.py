"""What every question type shares: the schema base, the grade, text and number helpers, and
``QuestionType``, the record a type module registers (see ``lotse.question_types``).

No import of lotse.content or lotse.interop at module level: lotse.content.models builds its
``Question`` union from the registry, so the registry must load first. Type modules never import
lotse.content.models nor the exchange-format modules (readers, writers, xAPI dispatch), which import
the registry; for their mappings they use, inside functions, the helper modules below them:
lotse.interop.common, text_formats, moodle_xml_parts, qti_parts, gift_parts and xapi_parts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from lotse.german_format import decimal

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionBase(Strict):
    id: Slug
    prompt: Text
    objective: Slug
    explanation: Text
    section: str | None = None
    points: float = Field(default=1, gt=0)
    category: str | None = None


def distinct(values: list[str], what: str) -> list[str]:
    if len({v.strip() for v in values}) != len(values):
        raise ValueError(f"{what} must be distinct")
    return values


# --- grades ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Grade:
    question_id: str
    fraction: float  # 0..1
    mark: float
    max_mark: float
    feedback: list[str] = field(default_factory=list)  # feedback of what the learner chose

    @property
    def correct(self) -> bool:
        return math.isclose(self.fraction, 1.0)

    @property
    def partly(self) -> bool:
        return 0 < self.fraction < 1


def clamp(value: float) -> float:
    """Into [0, 1], rounded to 1e-9 so float noise (3 x 33.33...%) never shows as credit."""
    return round(min(1.0, max(0.0, value)), 9)


def make_grade(question: QuestionBase, fraction: float, feedback: list[str]) -> Grade:
    fraction = clamp(fraction)
    return Grade(question.id, fraction, round(fraction * question.points, 6), question.points, feedback)


def as_list(response: Any) -> list:
    """List-shaped responses; anything else (a stale draft of another type, tampering) is empty."""
    return list(response) if isinstance(response, (list, tuple)) else []


def valid_index(value: Any, count: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count else None


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """NFKC, trimmed, inner whitespace folded; case-folded unless case_sensitive."""
    folded = " ".join(unicodedata.normalize("NFKC", text).split())
    return folded if case_sensitive else folded.casefold()


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$", re.IGNORECASE)


def parse_number(text: Any) -> float | None:
    """A number typed by a person: '72', '72,5', ' 0.5 '; None if it is not one."""
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    cleaned = unicodedata.normalize("NFKC", text).strip().replace(" ", "").replace("\u2212", "-")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def german_number(value: float) -> str:
    """A number as a German reader types it: '2,5' (no thousands dots)."""
    return decimal(value, 6, grouping=False)


def quoted(response: Any) -> str | None:
    """Typed text as „text“ (inner whitespace folded); None when nothing was typed."""
    return f"„{' '.join(response.split())}“" if isinstance(response, str) and response.strip() else None


# --- the registry record ---------------------------------------------------------------


class UnknownQuestionType(LookupError):
    """A question type no module registered (never skipped silently)."""

    def __init__(self, name: object, known: tuple[str, ...]) -> None:
        self.name = name
        super().__init__(f"Unbekannter Fragetyp „{name}“. Bekannt sind: {', '.join(known)}.")


Reader = Callable[..., dict]


@dataclass(frozen=True)
class QuestionType:
    """Everything Lotse knows about one question type, in one place.

    Response shapes are what the quiz page collects and lotse.grading receives (see each module).
    Formats a type cannot be written in give ``None`` for the writer and a German reason.
    """

    name: str
    label: str  # German, for authors and trainers ("Lückentext")
    model: type[QuestionBase]
    grade: Callable[[Any, Any], Grade]
    answered: Callable[[Any, Any], bool]  # did the learner give (part of) an answer?
    response_text: Callable[[Any, Any], str | None]  # the answer in words, plain text; None: none
    correct_answer: Callable[[Any], str]  # the right answer in words (quiz review)
    solution_lines: Callable[[Any], list[str]]  # the right answer, one line per part (review)
    right_response: Callable[[Any], Any]  # a response that earns full marks
    wrong_response: Callable[[Any], Any]  # a response that earns no marks
    xapi_interaction: Callable[[Any, str], dict]  # interactionType, correctResponsesPattern, ...
    xapi_response: Callable[[Any, Any], str]  # a stored response in the xAPI format
    moodle_qtype: str  # <question type="..."> in Moodle XML
    moodle_write: Callable[[Any, Any, list[str]], None]  # (question, <question> element, warnings)
    gift_write: Callable[[Any, list[str]], list[str]] | None  # answer lines inside { }
    gift_refusal: str = ""  # why a question of this type is not written in GIFT
    gift_meta: tuple[str, ...] = ()  # fields GIFT cannot hold, kept in the `// lotse:` comment
    example: Callable[[], dict] = dict  # a valid quiz-YAML question (tests, docs)
    counting_rule: str | None = None  # how partial credit is counted, in words
    moodle_readers: Mapping[str, Reader] = field(default_factory=dict)  # Moodle qtype -> reader
    ilias_readers: Mapping[str, Reader] = field(default_factory=dict)  # ILIAS QUESTIONTYPE -> reader
    yaml_keys: tuple[str, ...] = ()  # the type's own fields, in the order authors write them
    yaml_entry_keys: tuple[str, ...] = ()  # fields of its list entries (options, gaps, ...), in that order
    field_words: Mapping[str, str] = field(default_factory=dict)  # field -> German name
    entry_words: Mapping[str, str] = field(default_factory=dict)  # list field -> "Lücke"
    value_errors: tuple[tuple[str, str], ...] = ()  # the model's own messages -> German (regex, template)
