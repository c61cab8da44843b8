"""What the importers and exporters share: the error type, the intermediate import result
(``Draft`` questions before ids, objective and placeholders are filled in), Moodle grades,
turning Moodle answer fractions into Lotse choice options, and question ids.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from lotse.german_format import percent


class InteropError(Exception):
    """A whole file cannot be read (a single bad question is ``Skipped`` instead)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Zeile {line}: {message}" if line else message)


class Refused(Exception):
    """One question cannot be imported (reason in German); the importer lists it as skipped."""


@dataclass
class Skipped:
    """A question that was not imported or exported, with the reason."""

    name: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"Zeile {self.line}: " if self.line else ""
        return f"{where}„{self.name}“: {self.reason}"


@dataclass
class Draft:
    """One imported question: Lotse fields, possibly without id/objective/feedback yet."""

    name: str
    line: int
    data: dict
    meta: dict = field(default_factory=dict)  # from a `lotse:` comment written by our export
    notes: list[str] = field(default_factory=list)  # what an author should look at


@dataclass
class ImportResult:
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    quiz_meta: dict = field(default_factory=dict)


@dataclass
class ExportResult:
    text: str
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- Moodle grades ---------------------------------------------------------------------

# question_bank::fraction_options_full(): Moodle's importers reject other grades by default.
_RAW_FRACTIONS = (0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
                  0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05)
MOODLE_FRACTIONS = (0.0, 1.0, -1.0) + _RAW_FRACTIONS + tuple(-f for f in _RAW_FRACTIONS)


def is_moodle_grade(percent: float) -> bool:
    """True if Moodle accepts this answer grade (percent) without 'nearest grade' matching."""
    return any(abs(percent / 100 - f) < 0.00001 for f in MOODLE_FRACTIONS)


def format_number(value: float) -> str:
    """Shortest exact text for a number: 100, 33.33333, -2.5, 1e-07."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def format_weight(percent: float) -> str:
    """A grade in percent as Moodle writes it (at most 5 decimals: 33.33333)."""
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def choice_data(rows: list[tuple[str, float, str | None]], single: bool) -> tuple[dict, list[str]]:
    """Moodle multichoice answers (text, grade %, feedback) -> Lotse choice question fields.

    Single answer: the best-graded option is the correct one. Multiple answers: options with
    a positive grade are correct. Weights are written only where they differ from Lotse's
    defaults (single: 100/0; multiple: +-100/k on every option or on none).
    """
    weights = [w for _, w, _ in rows]
    notes: list[str] = []
    if single:
        best = weights.index(max(weights)) if weights else 0
        correct = [i == best for i in range(len(rows))]
        defaults = [100.0 if c else 0.0 for c in correct]
        if weights and max(weights) < 100:
            notes.append(f"beste Antwort hat nur {percent(max(weights), 5, fixed=False)}")
        if weights.count(100.0) > 1:
            notes.append("mehrere Antworten mit 100 %: nur die erste ist als richtig markiert")
    else:
        correct = [w > 0 for w in weights]
        k = sum(correct) or 1
        defaults = [100 / k if c else -100 / k for c in correct]
    differs = [not math.isclose(w, d, abs_tol=1e-3) for w, d in zip(weights, defaults)]
    options = []
    for (text, weight, feedback), is_correct, differ in zip(rows, correct, differs):
        option: dict = {"text": text, "correct": is_correct, "feedback": feedback}
        if (single and differ) or (not single and any(differs)):
            option["weight"] = weight
        options.append(option)
    return {"type": "single_choice" if single else "multiple_choice", "options": options}, notes


def append_explanation(data: dict, text: str) -> None:
    """Add a paragraph to a draft's explanation (content that has no other place)."""
    data["explanation"] = "\n\n".join(t for t in (data.get("explanation"), text) if t)


# --- ids -------------------------------------------------------------------------------

_TRANSLIT = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
             "ẞ": "SS", "æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "Oe",
             "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th"}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def slugify(text: str, max_length: int = 64) -> str:
    """ASCII slug: umlauts written out (Führung -> fuehrung), other accents dropped."""
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:max_length].rstrip("-")


def unique_slug(text: str, taken: set[str], fallback: str = "frage") -> str:
    base = slugify(text, 56) or fallback
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
