"""Interoperability: Moodle GIFT and Moodle XML import/export, xAPI statements, LRS client.

This package module holds what the importers share: the error type, the intermediate import
result (``Draft`` questions before ids, objective and placeholders are filled in), turning
Moodle answer fractions into Lotse choice options, and Moodle text formats -> Markdown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser


class InteropError(Exception):
    """A whole file cannot be read (a single bad question is ``Skipped`` instead)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"Zeile {line}: {message}" if line else message)


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
            notes.append(f"beste Antwort hat nur {format_weight(max(weights))} %")
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


# --- text formats ----------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_LOOKS_HTML = re.compile(r"</?[A-Za-z][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def escape_markdown(text: str) -> str:
    """Plain text -> Markdown that renders the same characters."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    return _TAG_LIKE.sub("&lt;", text)


def to_markdown(text: str, fmt: str, notes: list[str] | None = None) -> str:
    """Moodle text (format markdown|html|moodle|plain) -> Lotse Markdown.

    `moodle` (auto-format) is HTML if it contains tags or entities, plain text otherwise.
    Things that cannot be carried over (embedded images, scripts) are added to `notes`.
    """
    text = text.strip()
    if fmt == "markdown":
        return text
    if fmt == "html" or (fmt == "moodle" and _LOOKS_HTML.search(text)):
        return html_to_markdown(text, notes)
    return escape_markdown(text)


_BLOCKS = {"p", "div", "section", "article", "blockquote", "table", "ul", "ol", "pre",
           "h1", "h2", "h3", "h4", "h5", "h6", "figure", "dl"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)


class _HtmlToMarkdown(HTMLParser):
    """Small HTML -> Markdown converter: keeps all text, simple formatting, links, lists."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.notes = notes
        self.lists: list[list] = []  # [tag, counter]
        self.links: list[tuple[int, str | None]] = []
        self.pre = 0
        self.skip = 0
        self.cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
            self.notes.append(f"<{tag}> entfernt")
        elif tag in ("ul", "ol"):
            self._newline(2 if not self.lists else 1)
            self.lists.append([tag, 0])
        elif tag == "li":
            self._li()
        elif tag == "pre":
            self._newline(2)
            self.out.append("```\n")
            self.pre += 1
        elif tag in _BLOCKS:
            self._newline(2)
            if tag[0] == "h" and tag[1:].isdigit():
                self.out.append("**")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "tr":
            self._newline(1)
            self.cells = 0
        elif tag in ("td", "th"):
            self.out.append(" | " if self.cells else "")
            self.cells += 1
        elif tag in _INLINE and not self.pre:
            self.out.append(_INLINE[tag])
        elif tag == "a":
            self.links.append((len(self.out), attr.get("href")))
        elif tag == "img":
            self._image(attr)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._newline(2 if not self.lists else 1)
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.out.append("\n```")
            self._newline(2)
        elif tag in _BLOCKS:
            if tag[0] == "h" and tag[1:].isdigit():
                self.out.append("**")
            self._newline(2)
        elif tag in _INLINE and not self.pre:
            self.out.append(_INLINE[tag])
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            label = "".join(self.out[start:]).strip()
            if href and _SAFE_LINK.match(href):
                del self.out[start:]
                self.out.append(f"[{label or escape_markdown(href)}]({href.replace(')', '%29')})")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if self._at_line_start():
            text = text.lstrip()
        self.out.append(escape_markdown(text))

    def _at_line_start(self) -> bool:
        tail = "".join(self.out[-3:])
        return not tail or tail.endswith(("\n", "- ", ". "))

    def _newline(self, count: int) -> None:
        tail = "".join(self.out[-3:])
        if tail:
            have = len(tail) - len(tail.rstrip("\n"))
            self.out.append("\n" * max(0, count - have))

    def _li(self) -> None:
        if not self.lists:
            self.lists.append(["ul", 0])
        kind = self.lists[-1]
        kind[1] += 1
        self._newline(1)
        marker = f"{kind[1]}. " if kind[0] == "ol" else "- "
        self.out.append("    " * (len(self.lists) - 1) + marker)

    def _image(self, attr: dict[str, str | None]) -> None:
        alt = (attr.get("alt") or "").strip()
        src = (attr.get("src") or "").strip()
        name = src.rsplit("/", 1)[-1]
        self.out.append(escape_markdown(f"[Bild: {alt or name}]"))
        self.notes.append(f"Bild „{name or alt}“ nicht übernommen (bitte in lessons/images/ ablegen)")

    def markdown(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_markdown(text: str, notes: list[str] | None = None) -> str:
    converter = _HtmlToMarkdown(notes if notes is not None else [])
    converter.feed(text)
    converter.close()
    return converter.markdown()


__all__ = ["InteropError", "Skipped", "Draft", "ImportResult", "ExportResult", "choice_data",
           "append_explanation",
           "slugify", "unique_slug", "to_markdown", "html_to_markdown", "escape_markdown",
           "is_moodle_grade", "format_number", "format_weight", "MOODLE_FRACTIONS", "SLUG_RE"]
