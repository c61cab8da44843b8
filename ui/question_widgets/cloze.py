"""Cloze: Streamlit cannot put inputs inside a text, so the text is shown with numbered gaps
"(1) ____" and below it one labelled field per gap ("Frage 2, Lücke 1"): a radio group for a select gap
(labels wrap on a 390 px phone, WCAG 1.4.10), a text input for a text gap. Keys: -g<n> per gap.
Value: the chosen option text or the typed text per gap."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lotse.learning import shuffled
from lotse.question_types.cloze import filled_text

from .common import MAX_TEXT_CHARS, Callback, preset


def render(q: Any, key: str, seed: int, draft: Any, on_change: Callback, label: str) -> None:
    values = draft if isinstance(draft, list) else []
    marks = [f"**({n})\u00a0\\_\\_\\_\\_**" for n in range(1, len(q.gaps) + 1)]
    st.markdown(filled_text(q, marks))
    st.caption(f"{label}: Füllen Sie jede Lücke unten aus; die Nummern entsprechen denen im Text.")
    for n, gap in enumerate(q.gaps):
        value = values[n] if n < len(values) and isinstance(values[n], str) else None
        if gap.kind == "select":
            order = [gap.options[i] for i in shuffled(len(gap.options), seed, f"{q.id}:gap{n}")]
            preset(f"{key}-g{n}", value if value in gap.options else None)
            st.radio(f"{label}, Lücke {n + 1}: Ihre Auswahl", order, index=None, key=f"{key}-g{n}", on_change=on_change)
        else:
            preset(f"{key}-g{n}", value[:MAX_TEXT_CHARS] if value else None)
            st.text_input(f"{label}, Lücke {n + 1}: Ihre Antwort", key=f"{key}-g{n}", on_change=on_change,
                          max_chars=MAX_TEXT_CHARS, help=_text_help(gap))


def _text_help(gap: Any) -> str:
    if gap.case_sensitive:
        return "Groß- und Kleinschreibung zählt; zusätzliche Leerzeichen spielen keine Rolle."
    return "Groß- und Kleinschreibung und zusätzliche Leerzeichen spielen keine Rolle."


def read(q: Any, key: str) -> Any:
    values = [st.session_state.get(f"{key}-g{n}") for n in range(len(q.gaps))]
    return [v if isinstance(v, str) and v != "" else None for v in values]
