"""Validation of step contents against the canvas (``canvas.SPECS``).

Pages autosave on every change, so validation must never lose text: length limits and wrong types
are refused with a German ``ProjectError``, but an entry with a required field still empty is kept
and reported as a hint, to be completed later. Entries with every field empty are dropped.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

from lotse.ids import is_ascii_number

from .canvas import (RATING_KEYS, RATING_LABELS, RATING_MAX, RATING_MIN, MAX_RATINGS, SECTIONS, SPECS, STATUSES,
                     SUBJECT_MAX, TITLE_MAX, Field, ListSpec, ProjectError)

UNKNOWN_STEP = "Unbekannter Schritt."


def require_section(step: str) -> None:
    """Refuse a step name that is not one of ``SECTIONS`` (it may come from a page or a URL)."""
    if step not in SECTIONS:
        raise ProjectError(UNKNOWN_STEP)


def clean_text(value: object, label: str, limit: int, multiline: bool) -> str:
    """NFC-normalised text without control characters; single-line text has its spaces collapsed."""
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise ProjectError(f"«{label}»: bitte einen Text eingeben.")
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    # Control characters (other than line breaks and tabs) only cause trouble in exports.
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = "\n".join(line.rstrip() for line in text.strip().split("\n")) if multiline else " ".join(text.split())
    if len(text) > limit:
        raise ProjectError(f"«{label}» darf höchstens {limit} Zeichen lang sein (jetzt: {len(text)}).")
    return text


def _clean_date(value: object, label: str) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise ProjectError(f"«{label}»: bitte ein Datum im Format TT.MM.JJJJ angeben.") from None


def _clean_rating(value: object, label: str) -> int | None:
    """1 … 5, or None for "not rated yet" (0 and empty count as not rated; True/False are refused)."""
    problem = f"«{label}»: bitte eine Zahl von {RATING_MIN} bis {RATING_MAX} wählen."
    if isinstance(value, bool):
        raise ProjectError(problem)
    if value is None or value == "" or value == 0:
        return None
    if isinstance(value, str) and is_ascii_number(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not RATING_MIN <= value <= RATING_MAX:
        raise ProjectError(problem)
    return value


def clean_id(value: object) -> int | None:
    """A positive integer id, or None for anything else (ids come from widgets and URLs)."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 and not isinstance(value, bool) else None


def empty_content(step: str) -> dict:
    if step == "rahmen":
        return {"title": "", "subject": ""}
    spec = SPECS[step]
    content: dict = {lst.key: [] for lst in spec.lists}
    content.update({f.key: "" for f in spec.texts})
    if step == "priorisierung":
        content["ratings"] = {}
    if spec.lists:
        content["next_id"] = 1
    return content


def _clean_field(f: Field, value: object, label: str) -> object:
    if f.kind == "date":
        return _clean_date(value, label)
    if f.kind == "ref":
        return clean_id(value)
    text = clean_text(value, label, f.limit, multiline=f.kind == "long")
    if f.kind == "choice" and text and text not in f.choices:
        raise ProjectError(f"«{label}»: bitte einen der Werte {', '.join(f.choices)} wählen.")
    return text


def _is_blank(values: dict) -> bool:
    """An entirely empty entry (a fresh "Offen" measure counts as empty too)."""
    return not any(v for k, v in values.items() if not (k == "status" and v == STATUSES[0]))


def _missing_hint(spec: ListSpec, values: dict, number: int) -> str | None:
    missing = [f.label for f in spec.fields if f.required and not values[f.key]]
    if not missing:
        return None
    return f"{spec.item} {number}: Bitte ergänzen Sie {', '.join('«' + m + '»' for m in missing)}."


def _clean_list(spec: ListSpec, items: object, next_id: int) -> tuple[list[dict], list[str], int]:
    if items is None:
        items = []
    if not isinstance(items, (list, tuple)):
        raise ProjectError(f"«{spec.label}»: ungültige Eingabe.")
    cleaned, hints, seen = [], [], set()
    for item in items:
        if not isinstance(item, dict):
            raise ProjectError(f"«{spec.label}»: ungültige Eingabe.")
        number = len(cleaned) + 1
        values = {f.key: _clean_field(f, item.get(f.key), f"{spec.item} {number}: {f.label}") for f in spec.fields}
        if _is_blank(values):
            continue
        if len(cleaned) == spec.max_items:
            raise ProjectError(f"«{spec.label}»: höchstens {spec.max_items} Einträge.")
        item_id = clean_id(item.get("id"))
        if item_id is None or item_id in seen:
            item_id = next_id
        seen.add(item_id)
        next_id = max(next_id, item_id + 1)
        if "status" in values and not values["status"]:
            values["status"] = STATUSES[0]
        hint = _missing_hint(spec, values, number)
        if hint:
            hints.append(hint)
        cleaned.append({"id": item_id, **values})
    return cleaned, hints, next_id


def _clean_ratings(ratings: object) -> dict[str, dict]:
    if ratings is None:
        return {}
    if not isinstance(ratings, dict) or len(ratings) > MAX_RATINGS:
        raise ProjectError("«Bewertungen»: ungültige Eingabe.")
    cleaned = {}
    for key, values in ratings.items():
        need_id = clean_id(key)
        if need_id is None or not isinstance(values, dict):
            raise ProjectError("«Bewertungen»: ungültige Eingabe.")
        row = {k: _clean_rating(values.get(k), RATING_LABELS[k]) for k in RATING_KEYS}
        if any(v is not None for v in row.values()):
            cleaned[str(need_id)] = row
    return dict(sorted(cleaned.items(), key=lambda kv: int(kv[0])))


def _clean_basics(content: dict) -> dict:
    title = clean_text(content.get("title"), "Titel", TITLE_MAX, multiline=False)
    if not title:
        raise ProjectError("Bitte geben Sie Ihrem Projekt einen Titel.")
    return {"title": title, "subject": clean_text(content.get("subject"), "Vorgang oder Leistung",
                                                  SUBJECT_MAX, multiline=False)}


def clean_step(step: str, content: object, previous: dict | None = None) -> tuple[dict, list[str]]:
    """Validated, normalised content of one step and the hints about incomplete entries.

    Raises ProjectError for what cannot be stored (too long, wrong type, unknown choice, bad date).
    ``previous`` (the current content) keeps item ids unique across deletions: an id once used in
    this step is never given to a new entry, so ratings and measures never jump to another need.
    """
    require_section(step)
    if not isinstance(content, dict):
        raise ProjectError("Ungültige Eingabe.")
    if step == "rahmen":
        return _clean_basics(content), []
    spec = SPECS[step]
    result, hints = empty_content(step), []
    next_id = max(clean_id(content.get("next_id")) or 1, clean_id((previous or {}).get("next_id")) or 1)
    for lst in spec.lists:
        result[lst.key], found, next_id = _clean_list(lst, content.get(lst.key), next_id)
        hints += found
    for f in spec.texts:
        result[f.key] = _clean_field(f, content.get(f.key), f.label)
    if step == "priorisierung":
        result["ratings"] = _clean_ratings(content.get("ratings"))
    if spec.lists:
        result["next_id"] = next_id
    return result, hints
