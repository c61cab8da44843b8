"""Ids from the outside world (query parameters, form values, imported files).

``str.isdigit`` is true for "²" and "٣", which ``int`` then refuses or reads as another number, so
ids are accepted only as plain ASCII digits of sensible length.
"""

from __future__ import annotations

import re

MAX_DIGITS = 9  # ids stay far below a billion; longer input is not an id
_ID = re.compile(r"[0-9]{1,%d}" % MAX_DIGITS)


def parse_id(raw: object) -> int | None:
    """The number in ``raw`` if it is 1-9 ASCII digits (surrounding spaces allowed), else None."""
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    return int(text) if _ID.fullmatch(text) else None


def is_ascii_number(text: str) -> bool:
    """True for text of ASCII digits only (any length), unlike ``str.isdigit``."""
    return bool(text) and text.isascii() and text.isdigit()
