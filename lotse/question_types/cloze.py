"""Cloze (Lückentext): a text with numbered gaps, each a choice from a list (select) or typed text.

Quiz YAML::

    type: cloze
    prompt: Ergänzen Sie den Satz.
    text: Den Haushalt beschließt {1}; die Satzung wird {2} bekannt gemacht.
    gaps:
      - kind: select            # a choice from a list
        options: [der Rat, die Kämmerei, der Landkreis]
        correct: der Rat
      - kind: text              # typed text, one of the answers
        answers: [öffentlich, ortsüblich]
        case_sensitive: false   # default
        weight: 2               # default 1: share of this gap in the question's points

Every gap `{n}` (n = 1, 2, ...) appears exactly once in `text`. Partial credit: the weight of the
right gaps over the weight of all gaps. Response: the chosen option text or the typed text per gap
(None where nothing was given). Moodle: multianswer ("Eingebettete Antworten (Cloze)"), read and
written; ILIAS: "CLOZE QUESTION" (QTI 1.2), read. GIFT cannot express several gaps: not written.
"""

from __future__ import annotations

import html
import itertools
import re
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from lotse.german_format import decimal

from .base import (Grade, QuestionBase, QuestionType, Strict, Text, as_list, make_grade,
                   normalise_text)

GAP = re.compile(r"\{(\d{1,3})\}")
MAX_GAPS = 50
MAX_XAPI_PATTERNS = 20
RULE = "So wird gezählt: Sie erhalten für jede richtig gefüllte Lücke ihren Anteil der Punkte."


class Gap(Strict):
    kind: Literal["select", "text"]
    options: list[Text] = []  # select
    correct: str | None = None  # select: the right option's text
    answers: list[Text] = []  # text: accepted answers
    case_sensitive: bool = False  # text
    weight: float = Field(default=1, gt=0, le=100)
    feedback: str | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> Gap:
        if self.kind == "select":
            if self.answers or self.case_sensitive:
                raise ValueError("a select gap takes options and correct, not answers")
            if len(self.options) < 2 or len({o.strip() for o in self.options}) != len(self.options):
                raise ValueError("a select gap needs at least two distinct options")
            if self.correct not in self.options:
                raise ValueError("the correct option of a select gap must be one of its options")
        else:
            if self.options or self.correct is not None:
                raise ValueError("a text gap takes answers, not options")
            if not self.answers:
                raise ValueError("a text gap needs at least one answer")
        return self

    @property
    def right(self) -> list[str]:
        return [self.correct or ""] if self.kind == "select" else list(self.answers)

    def accepts(self, value: Any) -> bool:
        if not isinstance(value, str) or not value.strip():
            return False
        if self.kind == "select":
            return value == self.correct
        given = normalise_text(value, self.case_sensitive)
        return any(normalise_text(a, self.case_sensitive) == given for a in self.answers)


class Cloze(QuestionBase):
    type: Literal["cloze"]
    text: Text
    gaps: list[Gap] = Field(min_length=1, max_length=MAX_GAPS)

    @field_validator("gaps")
    @classmethod
    def _gaps_in_text(cls, gaps: list[Gap], info: ValidationInfo) -> list[Gap]:
        """Reported at `gaps:` (the text is checked first; without a valid text there is nothing to match)."""
        if "text" not in info.data:
            return gaps
        found = [int(n) for n in GAP.findall(info.data["text"])]
        wanted = list(range(1, len(gaps) + 1))
        if sorted(found) != wanted:
            shown = ", ".join("{%d}" % n for n in wanted)
            raise ValueError(f"the text must contain each gap once: {shown}")
        return gaps


# --- grading and words -----------------------------------------------------------------


def _values(question: Cloze, response: Any) -> list[Any]:
    values = as_list(response)[: len(question.gaps)]
    return values + [None] * (len(question.gaps) - len(values))


def _verdict(gap: Gap, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return "nicht ausgefüllt"
    return "richtig" if gap.accepts(value) else "falsch"


def grade(question: Cloze, response: Any) -> Grade:
    """Share of the gap weights filled rightly; feedback names every gap's verdict in words."""
    values = _values(question, response)
    total = sum(g.weight for g in question.gaps)
    right = sum(g.weight for g, v in zip(question.gaps, values) if g.accepts(v))
    feedback = []
    for n, (gap, value) in enumerate(zip(question.gaps, values), 1):
        verdict = _verdict(gap, value)
        extra = f" {gap.feedback}" if gap.feedback and verdict != "nicht ausgefüllt" else ""
        feedback.append(f"Lücke {n}: {verdict}.{extra}")
    return make_grade(question, right / total, feedback)


def answered(question: Cloze, response: Any) -> bool:
    return any(isinstance(v, str) and v.strip() for v in as_list(response))


def response_text(question: Cloze, response: Any) -> str | None:
    if not answered(question, response):
        return None
    values = _values(question, response)
    return "; ".join(f"({n}) " + (" ".join(v.split()) if isinstance(v, str) and v.strip() else "–")
                     for n, v in enumerate(values, 1))


def correct_answer(question: Cloze) -> str:
    return "; ".join(f"({n}) " + " oder ".join(f"„{a}“" for a in gap.right)
                     for n, gap in enumerate(question.gaps, 1))


def filled_text(question: Cloze, values: list[str]) -> str:
    """The text with each gap `{n}` replaced by ``values[n - 1]``."""
    return GAP.sub(lambda m: values[int(m.group(1)) - 1], question.text)


def solution_lines(question: Cloze) -> list[str]:
    return [filled_text(question, [gap.right[0] for gap in question.gaps])]


def wrong_response(question: Cloze) -> list[str]:
    return [next(o for o in g.options if o != g.correct) if g.kind == "select" else "falsch-" + g.answers[0]
            for g in question.gaps]


# --- xAPI ------------------------------------------------------------------------------


def xapi_interaction(question: Cloze, lang: str) -> dict:
    """fill-in with one answer per gap, joined by `[,]` (xAPI 1.0.3); one pattern per combination of
    accepted answers (at most MAX_XAPI_PATTERNS)."""
    case = "true" if any(g.case_sensitive for g in question.gaps) else "false"
    combos = itertools.islice(itertools.product(*(g.right for g in question.gaps)), MAX_XAPI_PATTERNS)
    return {"interactionType": "fill-in",
            "correctResponsesPattern": [f"{{case_matters={case}}}" + "[,]".join(c) for c in combos]}


def xapi_response(question: Cloze, response: Any) -> str:
    return "[,]".join(" ".join(v.split()) if isinstance(v, str) else "" for v in _values(question, response))


# --- Moodle XML (multianswer) ----------------------------------------------------------

_MOODLE_SPECIAL = re.compile(r'([\\}~#/"])')


def _moodle_escape(text: str) -> str:
    return _MOODLE_SPECIAL.sub(r"\\\1", text)


def moodle_gap(gap: Gap) -> str:
    """One gap in Moodle's embedded-answer syntax: {weight:MULTICHOICE:=right~wrong} etc."""
    weight = f"{gap.weight:g}"  # not German text: Moodle's syntax
    if gap.kind == "select":
        answers = [("=" if o == gap.correct else "") + _moodle_escape(o) for o in gap.options]
        return "{" + weight + ":MULTICHOICE:" + "~".join(answers) + "}"
    kind = "SHORTANSWER_C" if gap.case_sensitive else "SHORTANSWER"
    return "{" + weight + f":{kind}:" + "~".join("=" + _moodle_escape(a) for a in gap.answers) + "}"


def moodle_write(question: Cloze, q: Any, warnings: list[str]) -> None:
    """The embedded text replaces Moodle's question text (the prompt stays its first paragraph)."""
    from lotse.interop import moodle_xml_parts as mx

    embedded = filled_text(question, [moodle_gap(g) for g in question.gaps])
    text_node = q.find("questiontext")
    text_node.find("text").text = mx.clean(f"{question.prompt}\n\n{embedded}")
    if any(g.feedback for g in question.gaps):
        warnings.append(f"{question.id}: Rückmeldungen zu einzelnen Lücken schreibt Lotse nicht nach Moodle")
    total = sum(g.weight for g in question.gaps)
    if abs(total - question.points) > 1e-9:
        warnings.append(f"{question.id}: Moodle gibt einem Lückentext die Summe der Lückengewichte als Punkte "
                        f"({decimal(total, 6)} statt {decimal(question.points, 6)})")


# A body stops at the next unescaped brace: an unclosed `{1:SA:` costs one scan to the next brace,
# so hostile text cannot make the search quadratic.
MOODLE_SUBQUESTION = re.compile(r"\{(\d{0,3}):([A-Z_]{1,20}):((?:\\.|[^\\{}])*)\}", re.DOTALL)
_SELECT = {"MULTICHOICE", "MC", "MULTICHOICE_S", "MCS", "MULTICHOICE_V", "MCV", "MULTICHOICE_VS", "MCVS",
           "MULTICHOICE_H", "MCH", "MULTICHOICE_HS", "MCHS"}
_TEXT = {"SHORTANSWER": False, "SA": False, "MW": False, "SHORTANSWER_C": True, "SAC": True, "MWC": True}
_NUMBER = {"NUMERICAL", "NM"}
_TOKEN = "LOTSEGAP{}X"
_TEXT_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain", "markdown": "markdown",
                 "wiki_like": "plain"}


def _split_unescaped(text: str, separator: str) -> list[str]:
    return re.split(r"(?<!\\)" + re.escape(separator), text)


def _moodle_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _moodle_answers(body: str, is_html: bool) -> list[tuple[float, str, str]]:
    """'=right#fb~%50%half~wrong' -> [(100, 'right', 'fb'), (50, 'half', ''), (0, 'wrong', '')]."""
    answers = []
    for part in _split_unescaped(body, "~"):
        text, *rest = _split_unescaped(part, "#")
        feedback = "#".join(rest)
        weight = 0.0
        if text.startswith("="):
            weight, text = 100.0, text[1:]
        elif (match := re.match(r"%(-?\d+(?:\.\d+)?)%", text)) is not None:
            weight, text = float(match.group(1)), text[match.end():]
        text, feedback = _moodle_unescape(text), _moodle_unescape(feedback)
        if is_html:  # the gap sits in HTML: &amp; is "&"
            text, feedback = html.unescape(text), html.unescape(feedback)
        answers.append((weight, text, feedback))
    return answers


def _moodle_gap(n: int, weight: str, kind: str, body: str, notes: list[str], is_html: bool) -> dict:
    from lotse.interop.common import Refused

    answers = _moodle_answers(body, is_html)
    right = [text for w, text, _ in answers if w >= 100 and text]
    if any(0 < w < 100 for w, _, _ in answers):
        notes.append(f"Lücke {n}: Teilpunkte für einzelne Antworten nicht übernommen (nur 100 % zählt)")
    gap: dict = {"weight": float(weight) if weight else 1.0}
    if kind in _SELECT:
        if len(right) != 1:
            raise Refused(f"Lücke {n}: eine Auswahllücke braucht genau eine Antwort mit 100 %")
        return gap | {"kind": "select", "options": list(dict.fromkeys(t for _, t, _ in answers if t)),
                      "correct": right[0]}
    if kind in _NUMBER:
        return gap | {"kind": "text", "answers": _numbers(n, right)}
    if kind not in _TEXT:
        raise Refused(f"Lücke {n}: Lückenart „{kind}“ kennt Lotse nicht (nur Auswahl, Kurzantwort und Zahl "
                      "ohne Toleranz)")
    if "*" in "".join(right):
        raise Refused(f"Lücke {n}: Platzhalter * in Antworten kennt Lotse nicht")
    if not right:
        raise Refused(f"Lücke {n}: keine Antwort mit 100 %")
    return gap | {"kind": "text", "answers": right, "case_sensitive": _TEXT[kind]}


def _numbers(n: int, right: list[str]) -> list[str]:
    """NUMERICAL gaps without tolerance become text gaps accepting the number (point and comma)."""
    from lotse.interop.common import Refused

    accepted = []
    for text in right:
        value, _, tolerance = text.partition(":")
        if tolerance.strip() not in ("", "0"):
            raise Refused(f"Lücke {n}: Zahlenlücke mit Toleranz ({text}) kann Lotse nicht übernehmen; "
                          "bitte als Zahl-Frage anlegen")
        accepted += list(dict.fromkeys([value.strip(), value.strip().replace(".", ",")]))
    if not accepted:
        raise Refused(f"Lücke {n}: keine Zahl mit 100 %")
    return accepted


def moodle_read(q: Any, fmt: str, notes: list[str], data: dict) -> dict:
    """Moodle's multianswer: gaps are cut out of the raw question text before it becomes Markdown."""
    from lotse.interop.common import Refused
    from lotse.interop.text_formats import to_markdown

    node = q.find("questiontext")
    raw = (node.findtext("text") or "") if node is not None else ""
    text_format = _TEXT_FORMATS.get(node.get("format", "html") if node is not None else "html", "html")
    gaps: list[dict] = []

    def cut(match: re.Match) -> str:
        if len(gaps) >= MAX_GAPS:
            raise Refused(f"mehr als {MAX_GAPS} Lücken")
        gaps.append(_moodle_gap(len(gaps) + 1, *match.groups(), notes, text_format in ("html", "moodle")))
        return _TOKEN.format(len(gaps))

    marked = MOODLE_SUBQUESTION.sub(cut, raw)
    if not gaps:
        raise Refused("Lückentext ohne Lücken")
    text = to_markdown(marked, text_format, notes)
    return _split_prompt(text, len(gaps), data) | {"type": "cloze", "gaps": gaps}


def _split_prompt(text: str, count: int, data: dict) -> dict:
    """Paragraphs before the first gap are the prompt (Lotse's export writes it so); else a default."""
    for n in range(count, 0, -1):
        text = text.replace(_TOKEN.format(n), "{%d}" % n)
    paragraphs = text.split("\n\n")
    first = next(i for i, p in enumerate(paragraphs) if GAP.search(p))
    prompt = "\n\n".join(paragraphs[:first]).strip() or "Füllen Sie die Lücken aus."
    return {"prompt": prompt, "text": "\n\n".join(paragraphs[first:]).strip()}


def ilias_read(item: Any, data: dict) -> dict:
    """ILIAS' CLOZE QUESTION (QTI 1.2): the flow holds the question text, then text parts and gaps
    (response_str with render_choice or render_fib, response_num); points per answer in
    `<varequal respident="gap_N">answer</varequal>` conditions."""
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused

    flow = item.node.find("presentation/flow")
    if flow is None:
        raise Refused("Lückentext ohne <flow>")
    parts, gaps = [], []
    for child in flow:
        if child.tag == "material":
            parts.append(iq.material(child, item.notes))
        elif child.tag in ("response_str", "response_num"):
            if len(gaps) >= MAX_GAPS:
                raise Refused(f"mehr als {MAX_GAPS} Lücken")
            gaps.append(_ilias_gap(item, child, len(gaps) + 1))
            parts.append("{%d}" % len(gaps))
    if not gaps:
        raise Refused("Lückentext ohne Lücken")
    prompt, text = (parts[0], parts[1:]) if parts and not GAP.fullmatch(parts[0]) else ("", parts)
    iq.set_points(data, sum(g["weight"] for g in gaps), item.notes)
    joined = re.sub(r" ([.,;:!?)])", r"\1", " ".join(p.strip() for p in text if p.strip()))
    return {"type": "cloze", "prompt": prompt.strip() or "Füllen Sie die Lücken aus.", "text": joined, "gaps": gaps}


def _ilias_points(item: Any, ident: str) -> dict[str, float]:
    from lotse.interop import qti_parts as iq

    points: dict[str, float] = {}
    for test, negated, condition in iq.tests(item, ident, ("varequal",)):
        value = iq.points(condition)
        answer = (test.text or "").strip()
        if not negated and value is not None and answer:
            points[answer] = max(points.get(answer, value), value)
    return points


def _ilias_gap(item: Any, response: Any, n: int) -> dict:
    from lotse.interop import qti_parts as iq
    from lotse.interop.common import Refused

    points = _ilias_points(item, response.get("ident", ""))
    best = max(points.values(), default=0.0)
    if best <= 0:
        raise Refused(f"Lücke {n}: keine Antwort gibt Punkte")
    right = [a for a, p in points.items() if p == best]
    if any(0 < p < best for p in points.values()):
        item.notes.append(f"Lücke {n}: Teilpunkte für einzelne Antworten nicht übernommen")
    choice = response.find("render_choice")
    if choice is not None:
        options = [iq.material(label, item.notes) for label in choice.iter("response_label")]
        if len(right) > 1:
            item.notes.append(f"Lücke {n}: mehrere richtige Auswahlen, nur „{right[0]}“ übernommen")
        return {"kind": "select", "options": list(dict.fromkeys(o for o in options if o)),
                "correct": right[0], "weight": best}
    if response.tag == "response_num":
        fib = response.find("render_fib")
        low, high = (fib.get("minnumber"), fib.get("maxnumber")) if fib is not None else (None, None)
        if low not in (None, "") and low != high:
            raise Refused(f"Lücke {n}: Zahlenlücke mit Bereich {low} bis {high} kann Lotse nicht "
                             "übernehmen; bitte als Zahl-Frage anlegen")
        right = list(dict.fromkeys(v for a in right for v in (a, a.replace(".", ","))))
    rating = item.meta.get("textgaprating", "ci").lower()
    if rating.startswith("l"):
        item.notes.append(f"Lücke {n}: ILIAS akzeptiert Tippfehler, Lotse nur die genaue Schreibweise")
    return {"kind": "text", "answers": right, "case_sensitive": rating == "cs", "weight": best}


# --- registration ----------------------------------------------------------------------


def example() -> dict:
    return {"id": "beispiel-lueckentext", "type": "cloze", "objective": "ziel",
            "prompt": "Ergänzen Sie den Satz.",
            "text": "Den Haushalt beschließt {1}; bekannt gemacht wird die Satzung {2}.",
            "explanation": "Der Rat beschließt die Haushaltssatzung, sie wird öffentlich bekannt gemacht.",
            "gaps": [{"kind": "select", "options": ["der Rat", "die Kämmerei"], "correct": "der Rat"},
                     {"kind": "text", "answers": ["öffentlich", "ortsüblich"], "weight": 2}]}


TYPE = QuestionType(
    name="cloze", label="Lückentext", model=Cloze, grade=grade, answered=answered,
    response_text=response_text, correct_answer=correct_answer, solution_lines=solution_lines,
    right_response=lambda q: [g.right[0] for g in q.gaps], wrong_response=wrong_response,
    xapi_interaction=xapi_interaction, xapi_response=xapi_response,
    moodle_qtype="cloze", moodle_write=moodle_write, gift_write=None,
    gift_refusal="Lückentexte (cloze) sind in GIFT nicht darstellbar; bitte Moodle XML verwenden "
                 "(Fragetyp „Eingebettete Antworten (Cloze)“)",
    example=example, counting_rule=RULE,
    moodle_readers={"cloze": moodle_read, "multianswer": moodle_read},
    ilias_readers={"cloze question": ilias_read, "assclozetest": ilias_read},
    yaml_keys=("text", "gaps"), yaml_entry_keys=("kind", "options", "answers", "case_sensitive"),
    field_words={"gaps": "Lücken", "kind": "Art der Lücke"},
    entry_words={"gaps": "Lücke"},
    value_errors=(
        (r"a select gap takes options and correct, not answers",
         "Eine Auswahllücke (kind: select) hat options und correct, keine answers."),
        (r"a select gap needs at least two distinct options",
         "Eine Auswahllücke braucht mindestens zwei verschiedene Antwortmöglichkeiten (options)."),
        (r"the correct option of a select gap must be one of its options",
         "Die richtige Antwort (correct) einer Auswahllücke muss genau so unter options stehen."),
        (r"a text gap takes answers, not options",
         "Eine Textlücke (kind: text) hat answers, keine options oder correct."),
        (r"a text gap needs at least one answer", "Eine Textlücke braucht mindestens eine Antwort (answers)."),
        (r"the text must contain each gap once: (.+)",
         r"Der Text muss jede Lücke genau einmal enthalten: \1 (eine je Eintrag unter gaps)."),
    ),
)
