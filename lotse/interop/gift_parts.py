"""GIFT pieces shared by the GIFT writer and the question type modules: escaping as Moodle's
repchar() does, texts and feedback, and the refusal for what GIFT cannot hold.

Imports neither lotse.question_types nor the format modules (gift_writer imports the registry):
the type modules use these helpers without an import circle.
"""

from __future__ import annotations


class NotRepresentable(Exception):
    """This question cannot be written in GIFT (reason in German)."""


def gift_escape(text: str) -> str:
    """Moodle's repchar(): escape control characters, newlines as \\n."""
    for char in "\\#=~{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def gift_text(text: str, prefix_format: bool = True) -> str:
    """Markdown text inside a [markdown] question; guard a leading [format] look-alike."""
    escaped = gift_escape(text)
    return "[markdown]" + escaped if prefix_format and escaped.startswith("[") else escaped


def gift_feedback(text: str | None) -> str:
    return "#" + gift_text(text) if text else ""
