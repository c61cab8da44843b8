"""Moodle GIFT import (the writer is gift_writer.py).

Follows Moodle's own importer (question/format/gift/format.php): questions are separated by
blank lines, lines are trimmed, lines starting with `//` are comments, `\\~ \\= \\# \\{ \\} \\:`
and `\\n` are escapes, `::name::`, `[markdown|html|plain|moodle]` text formats, `####` general
feedback, `%weight%` grades, `$CATEGORY:` blocks, and the type detection order
(numerical `#`, multichoice `~`, matching `=`+`->`, true/false, short answer). The
qtype_ordering syntax `{>N ...}` is read, but not written (it cannot carry the explanation).
`// lotse: {...}` comments written by our export restore ids, objectives, sections, points
and categories.
"""

from __future__ import annotations

import json
import re

from lotse.ids import is_ascii_number
from lotse.interop.common import Draft, ImportResult, Skipped, append_explanation, choice_data
from lotse.interop.text_formats import to_markdown
from lotse.question_types import get

_ESCAPES = {"\\:": "\ue001", "\\#": "\ue002", "\\=": "\ue003", "\\{": "\ue004", "\\}": "\ue005",
            "\\~": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": ":", "\ue002": "#", "\ue003": "=", "\ue004": "{",
            "\ue005": "}", "\ue006": "~", "\ue007": "\n"}
_WEIGHT_RE = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_FORMATS = {"markdown", "html", "plain", "moodle"}
_ABSOLUTE = {"ABS", "ABSOLUTE", "ABSOLUTE_POSITION"}
_GRADING_PREFIXES = ("ABS", "ALL_OR", "REL", "LONGEST")


class _Invalid(Exception):
    """This question cannot be imported (reason in German)."""


# --- reading ---------------------------------------------------------------------------


def _protect(text: str) -> str:
    text = text.replace("\\\\", "\ue000")
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(ch, ch) for ch in text)


def _blocks(text: str):
    """Yield (first line number, lines, comment lines) for each blank-line separated block."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, body, comments = 0, [], []
    for number, raw in enumerate(lines + [""], start=1):
        line = raw.strip()
        if not line:
            if body or comments:
                yield start, body, comments
            start, body, comments = 0, [], []
        elif line.startswith("//"):
            comments.append(line[2:].strip())
        else:
            start = start or number
            body.append(line)


def _meta(comments: list[str], key: str) -> dict:
    for comment in comments:
        if comment.startswith(key + ":"):
            try:
                value = json.loads(comment[len(key) + 1:])
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return {}


def _split_format(text: str, default: str) -> tuple[str, str]:
    text = text.strip()
    if text.startswith("[") and "]" in text:
        name = text[1:text.index("]")]
        if name in _FORMATS:
            return name, text[text.index("]") + 1:]
    return default, text


def _rich(text: str, default: str, notes: list[str]) -> str:
    fmt, body = _split_format(text, default)
    return to_markdown(_restore(body), fmt, notes)


def _plain(text: str) -> str:
    return _restore(_split_format(text, "plain")[1]).strip()


def _weight(answer: str, default: float) -> tuple[float, str]:
    if not _WEIGHT_RE.match(answer):
        return default, answer
    end = answer.index("%", 1)
    try:
        weight = float(answer[1:end])
    except ValueError:
        weight = 0.0
    return weight, answer[end + 1:]


def _comment(answer: str, fmt: str, notes: list[str]) -> tuple[str, str | None]:
    text, _, feedback = answer.partition("#")
    return text.strip(), (_rich(feedback, fmt, notes) or None)


def _parts(answertext: str, sep: str, minimum: int) -> list[str]:
    parts = answertext.split(sep)
    if parts and not parts[0].strip():
        parts = parts[1:]
    if len(parts) < minimum:
        raise _Invalid(f"mindestens {minimum} Antwort(en) nötig")
    return [p.strip() for p in parts]


def _choice(answertext: str, fmt: str, notes: list[str]) -> dict:
    rows = []
    for part in _parts(answertext.replace("=", "~="), "~", 2):
        if part.startswith("="):
            weight, part = 100.0, part[1:]
        else:
            weight, part = _weight(part, 0.0)
        text, feedback = _comment(part, fmt, notes)
        rows.append((_rich(text, fmt, notes), weight, feedback))
    data, more = choice_data(rows, single="=" in answertext)
    notes.extend(more)
    return data


def _matching(answertext: str, fmt: str, notes: list[str]) -> dict:
    pairs, distractors = [], []
    for part in _parts(answertext, "=", 2):
        if "->" not in part:
            raise _Invalid("Zuordnung ohne „->“")
        left, _, right = part.partition("->")
        left, right = _rich(left, fmt, notes), _restore(right).strip()
        if left:
            pairs.append({"left": left, "right": right})
        else:
            distractors.append(right)
    return {"type": "matching", "pairs": pairs, "distractors": distractors}


def _true_false(answertext: str, fmt: str, notes: list[str]) -> dict:
    bits = answertext.split("#", 2) + ["", ""]
    wrong, right = _rich(bits[1], fmt, notes), _rich(bits[2], fmt, notes)
    answer = bits[0].strip() in ("T", "TRUE")
    return {"type": "true_false", "answer": answer,
            "feedback_true": right if answer else wrong,
            "feedback_false": wrong if answer else right}


def _short_answer(answertext: str, fmt: str, notes: list[str]) -> dict:
    answers = []
    for part in _parts(answertext, "=", 1):
        weight, part = _weight(part, 100.0)
        text, feedback = _comment(part, fmt, notes)
        if _plain(text) == "*":
            notes.append("Moodle-Platzhalter * wird in Lotse wörtlich verglichen")
        answers.append({"text": _plain(text), "weight": weight, "feedback": feedback})
    return {"type": "short_answer", "answers": answers}


def _number(text: str) -> float:
    text = text.strip()
    if not _NUMBER_RE.match(text):
        raise _Invalid(f"„{text}“ ist keine Zahl")
    return float(text)


def _numeric_value(text: str) -> tuple[float, float]:
    if text.find("..") > 0:
        low, _, high = text.partition("..")
        low_value, high_value = _number(low), _number(high)
        middle = (low_value + high_value) / 2
        return middle, high_value - middle
    if text.find(":") > 0:
        value, _, tolerance = text.partition(":")
        return _number(value), _number(tolerance)
    return _number(text), 0.0


def _numeric(answertext: str, fmt: str, notes: list[str], draft: dict) -> dict:
    answertext, tilde, wrong = answertext[1:].partition("~")
    answers = []
    for part in _parts(answertext, "=", 1):
        weight, part = _weight(part, 100.0)
        text, feedback = _comment(part, fmt, notes)
        value, tolerance = _numeric_value(_plain(text))
        answers.append({"value": value, "tolerance": tolerance, "weight": weight,
                        "feedback": feedback})
    if tilde:
        _, feedback = _comment(wrong, fmt, notes)
        if feedback:
            append_explanation(draft, f"Bei anderen Antworten: {feedback}")
            notes.append("Rückmeldung für andere Antworten in die Erläuterung übernommen")
    return {"type": "numeric", "answers": answers}


def _ordering(answertext: str, fmt: str, notes: list[str]) -> dict:
    header, _, rest = answertext[1:].partition("\n")
    tokens = header.upper().split()
    count = int(tokens[0]) if tokens and is_ascii_number(tokens[0]) and len(tokens[0]) < 10 else None
    items = [_rich(line, "moodle", notes) for line in rest.split("\n") if line.strip()]
    grading = next((t for t in tokens[1:] if t.startswith(_GRADING_PREFIXES)),
                   "RELATIVE_NEXT_EXCLUDE_LAST")
    if grading not in _ABSOLUTE:
        notes.append(f"Moodle bewertet mit {grading}, Lotse nach absoluter Position")
    if count is not None and 2 < count < len(items):
        notes.append(f"Moodle zeigt nur {count} von {len(items)} Elementen, Lotse alle")
    return {"type": "ordering", "items": items}


def _question(body: str, line: int, meta: dict) -> Draft:
    """One protected GIFT block (not a category) -> Draft. Raises _Invalid."""
    name = None
    if body.startswith("::"):
        body = body[2:]
        end = body.find("::")
        if end >= 0:
            name, body = _restore(body[:end]).strip(), body[end + 2:].strip()
    start, finish = body.find("{"), body.find("}")
    if start < 0 and finish < 0:
        raise _Invalid("Beschreibung ohne Antworten (description) wird nicht unterstützt")
    if start < 0 or finish < start:
        raise _Invalid("Klammerfehler: „{“ und „}“ passen nicht zusammen")
    answertext = body[start + 1:finish].strip()
    after = body[finish + 1:].strip()
    prompt = body[:start] + ("_____" + body[finish + 1:] if after else "")
    answertext, hashes, general = answertext.rpartition("####") if "####" in answertext \
        else (answertext, "", "")
    answertext = answertext.strip()
    fmt, _ = _split_format(prompt, "moodle")
    notes: list[str] = []
    data: dict = {"prompt": _rich(prompt, "moodle", notes).replace("_____", r"\_\_\_\_\_"),
                  "explanation": _rich(general, fmt, notes) if hashes else None}
    name = name or _restore(_split_format(prompt, "moodle")[1])[:40].strip() or "Frage"
    if not answertext:
        raise _Invalid("Freitext (essay) wird nicht unterstützt")
    if answertext.startswith(">"):
        data.update(_ordering(answertext, fmt, notes))
    elif answertext.startswith("#"):
        data.update(_numeric(answertext, fmt, notes, data))
    elif "~" in answertext:
        data.update(_choice(answertext, fmt, notes))
    elif "=" in answertext and "->" in answertext:
        data.update(_matching(answertext, fmt, notes))
    elif answertext.split("#", 1)[0].strip() in ("T", "TRUE", "F", "FALSE"):
        data.update(_true_false(answertext, fmt, notes))
    else:
        data.update(_short_answer(answertext, fmt, notes))
    for key in ("points", "section", *get(data["type"]).gift_meta):
        if meta.get(key) is not None:
            data[key] = meta[key]
    return Draft(name=name, line=line, data=data, meta=meta, notes=notes)


def _name_of(body: str) -> str:
    end = body.find("::", 2)
    name = body[2:end] if body.startswith("::") and end > 0 else body[:40]
    return _restore(name).strip() or "Frage"


def parse_gift(text: str) -> ImportResult:
    """GIFT text -> drafts and skipped questions (never raises for a bad question)."""
    result = ImportResult()
    category: str | None = None
    for line, lines, comments in _blocks(text):
        result.quiz_meta = result.quiz_meta or _meta(comments, "lotse-quiz")
        if not lines:
            continue
        body = _protect("\n".join(lines))
        if body.startswith("$CATEGORY:"):
            category = _restore(body[10:]).strip() or None
            continue
        meta = _meta(comments, "lotse")
        try:
            draft = _question(body, line, meta)
        except _Invalid as err:
            result.skipped.append(Skipped(_name_of(body), line, str(err)))
            continue
        draft.data["category"] = meta["category"] if "category" in meta else category
        result.drafts.append(draft)
    return result
