"""One small input per question type, and reading the answers back in the grading shapes.

Ordering and matching use radio groups, not select boxes: a select box shows the chosen value in a
one-line input that cuts long texts on a phone (WCAG 1.4.10); radio labels wrap and stay readable.

Keys: ``quiz-<lesson>-<question>-a<attempt>`` (plus ``-o<i>`` per checkbox, ``-p<n>`` per ordering
position, ``-m<i>`` per matching pair). The attempt number is part of the key, so a new attempt
starts with empty inputs. Option order comes from lotse.learning.shuffled(seed, question id):
the same after a reload, reshuffled for the next attempt. Values are option indexes in the
file's order (see lotse.grading), so the shuffle never reaches grading.
"""

from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from lotse.content.models import (Matching, MultipleChoice, Numeric, Ordering, Question, ShortAnswer,
                                  SingleChoice, TrueFalse)
from lotse.grading import parse_number
from lotse.learning import shuffled
from lotse.quiz_review import MULTIPLE_CHOICE_RULE

from .escape import md_escape

MAX_TEXT_CHARS = 200
TRUE_FALSE_LABELS = {True: "Stimmt", False: "Stimmt nicht"}
Callback = Callable[[], None]


def question_key(lesson_id: str, question_id: str, attempt_no: int) -> str:
    return f"quiz-{lesson_id}-{question_id}-a{attempt_no}"


def _preset(key: str, value: Any) -> None:
    """Restore a draft value once; afterwards the widget owns its state."""
    if key not in st.session_state and value is not None:
        st.session_state[key] = value


def _index(value: Any, count: int) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < count else None


def single_choice(q: SingleChoice, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    order = shuffled(len(q.options), seed, q.id)
    _preset(key, _index(draft, len(q.options)))
    st.radio(f"{label}: Ihre Antwort (eine Auswahl)", order, index=None, key=key, on_change=on_change,
             format_func=lambda i: q.options[i].text)


def multiple_choice(q: MultipleChoice, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    chosen = set(draft) if isinstance(draft, list) else set()
    st.markdown(f"**{label}: Ihre Antwort** (mehrere Antworten können richtig sein)")
    st.caption(MULTIPLE_CHOICE_RULE)
    for i in shuffled(len(q.options), seed, q.id):
        _preset(f"{key}-o{i}", True if i in chosen else None)
        st.checkbox(q.options[i].text, key=f"{key}-o{i}", on_change=on_change)


def true_false(q: TrueFalse, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    _preset(key, draft if isinstance(draft, bool) else None)
    st.radio(f"{label}: Ihre Antwort", [True, False], index=None, key=key, on_change=on_change, horizontal=True,
             format_func=TRUE_FALSE_LABELS.get)


def ordering(q: Ordering, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    order = shuffled(len(q.items), seed, q.id)
    placed = draft if isinstance(draft, list) else []
    st.markdown("**Bringen Sie die Schritte in die richtige Reihenfolge:** "
                "Wählen Sie für jede Position einen Eintrag.")
    for position in range(len(q.items)):
        _preset(f"{key}-p{position}", _index(placed[position] if position < len(placed) else None, len(q.items)))
        st.radio(f"Position {position + 1}", order, index=None, key=f"{key}-p{position}", on_change=on_change,
                 format_func=lambda i: q.items[i])
    values = [st.session_state.get(f"{key}-p{p}") for p in range(len(q.items))]
    chosen = [v for v in values if v is not None]
    if len(chosen) != len(set(chosen)):
        st.caption("Hinweis: Sie haben einen Eintrag mehrfach gewählt. Jeder Eintrag gehört an genau eine Position.")


def matching(q: Matching, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    choices = q.choices
    order = [choices[i] for i in shuffled(len(choices), seed, f"{q.id}:right")]
    chosen = draft if isinstance(draft, list) else []
    st.markdown("**Ordnen Sie zu:** Wählen Sie zu jedem Eintrag das passende Gegenstück.")
    for pair in shuffled(len(q.pairs), seed, f"{q.id}:left"):
        value = chosen[pair] if pair < len(chosen) and chosen[pair] in choices else None
        _preset(f"{key}-m{pair}", value)
        st.radio(q.pairs[pair].left, order, index=None, key=f"{key}-m{pair}", on_change=on_change)


def short_answer(q: ShortAnswer, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    _preset(key, draft[:MAX_TEXT_CHARS] if isinstance(draft, str) else None)
    st.text_input(f"{label}: Ihre Antwort (Text)", key=key, on_change=on_change, max_chars=MAX_TEXT_CHARS,
                  help="Groß- und Kleinschreibung und zusätzliche Leerzeichen spielen keine Rolle.")


def numeric(q: Numeric, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    _preset(key, draft[:40] if isinstance(draft, str) else None)
    unit = f" in {md_escape(q.unit)}" if q.unit else ""
    st.text_input(f"{label}: Ihre Antwort (Zahl{unit})", key=key, on_change=on_change, max_chars=40,
                  help="Nur die Zahl eingeben, ohne Tausenderpunkte: zum Beispiel 72 oder 72,5.")
    typed = st.session_state.get(key) or ""
    if typed.strip() and parse_number(typed) is None:
        st.caption(f"„{md_escape(typed)}“ ist keine Zahl. Bitte nur Ziffern eingeben, "
                   "mit Dezimalkomma oder -punkt (zum Beispiel 72,5).")
    else:
        st.caption("Dezimalkomma oder -punkt sind beide erlaubt, zum Beispiel 72,5.")


RENDERERS: dict[str, Callable[..., None]] = {
    "single_choice": single_choice, "multiple_choice": multiple_choice, "true_false": true_false,
    "ordering": ordering, "matching": matching, "short_answer": short_answer, "numeric": numeric,
}


def render_input(question: Question, key: str, seed: int, draft: Any, on_change: Callback,
                 label: str = "Frage") -> None:
    """``label`` names the question ("Frage 3") in the input labels, so a screen reader moving
    from field to field knows which question an input belongs to."""
    RENDERERS[question.type](question, key, seed, draft, on_change, label)


def response_of(question: Question, key: str) -> Any:
    """The current answer in the shape lotse.grading expects."""
    state = st.session_state
    if question.type in ("single_choice", "true_false"):
        return state.get(key)
    if question.type == "multiple_choice":
        return sorted(i for i in range(len(question.options)) if state.get(f"{key}-o{i}"))
    if question.type == "ordering":
        return [state.get(f"{key}-p{p}") for p in range(len(question.items))]
    if question.type == "matching":
        return [state.get(f"{key}-m{i}") for i in range(len(question.pairs))]
    value = state.get(key)
    return value if isinstance(value, str) else None


def answered(question: Question, response: Any) -> bool:
    if isinstance(response, list):
        return any(v is not None for v in response) if question.type in ("ordering", "matching") else bool(response)
    return response is not None and response != ""


def response_text(question: Question, response: Any) -> str:
    """The learner's answer in words, plain text (escape it for the place it is shown)."""
    none = "keine Antwort"
    if question.type == "single_choice":
        index = _index(response, len(question.options))
        return question.options[index].text if index is not None else none
    if question.type == "multiple_choice":
        picked = [question.options[i].text for i in response or [] if _index(i, len(question.options)) is not None]
        return "; ".join(picked) or "keine Auswahl"
    if question.type == "true_false":
        return TRUE_FALSE_LABELS[response] if isinstance(response, bool) else none
    if question.type == "ordering":
        if not isinstance(response, list) or all(_index(i, len(question.items)) is None for i in response):
            return none
        texts = [question.items[i] if _index(i, len(question.items)) is not None else "–" for i in response]
        return "; ".join(f"{n}. {t}" for n, t in enumerate(texts, 1))
    if question.type == "matching":
        chosen = list(response) if isinstance(response, list) else []
        if not any(chosen):
            return none
        chosen += [None] * len(question.pairs)
        pairs = zip(question.pairs, chosen)
        return "; ".join(f"{p.left} → {r if isinstance(r, str) and r else '–'}" for p, r in pairs)
    return f"„{' '.join(response.split())}“" if isinstance(response, str) and response.strip() else none


def describe_response(question: Question, response: Any) -> str:
    """The learner's answer in words, as Markdown-safe text."""
    return md_escape(response_text(question, response))
