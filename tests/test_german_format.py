"""German formatting (lotse.german_format, Babel de_DE) and the rule that it is the only place for it.

The scan reads the syntax tree of every source file in lotse/, ui/, app_pages/ and progress/ and
fails, naming file:line, on hand-made German formatting: month or weekday names as their own
string literals (lesson prose inside longer strings is fine), the Berlin time zone, decimal commas
by ``.replace(".", ",")`` on a formatted number, human-readable ``strftime`` or f-string date
formats, ``:.0%`` percents, a number followed by a hand-written " %", and ``:g`` / ``:.1f`` decimal
points. A number written for a machine or in English (a file format, an author message) carries the
comment ``# not German text`` on its line.
"""

from __future__ import annotations

import ast
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from lotse.german_format import (BERLIN, berlin, date_long, date_short, datetime_long, datetime_short, day_names,
                                 decimal, local_today, month_names, percent, plural, share, time_short)

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("lotse", "ui", "app_pages", "progress")
FORMAT_MODULE = ROOT / "lotse" / "german_format.py"

NAMES = {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
         "Dezember", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"}
DATE_DIRECTIVE = re.compile(r"%[dmBbAaHMe]")
DECIMAL_POINT_SPEC = re.compile(r"\.?[1-9]?g|\.[1-9]f")
NOT_GERMAN = "# not German text"
# Numbers written for machines, where a decimal point is right (path -> why).
DECIMAL_POINT_ALLOWED = {
    "lotse/interop/common.py": "Moodle and GIFT files write grades with a decimal point",
}


def _spec(value: ast.FormattedValue) -> str:
    parts = value.format_spec.values if value.format_spec else []
    return "".join(part.value for part in parts if isinstance(part, ast.Constant))


def _is_formatted_number(node: ast.expr) -> bool:
    """An f-string, ``str(x)``, ``format(x, …)`` or ``"…".format(…)``: text made from a number."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call):
        return (isinstance(node.func, ast.Name) and node.func.id in ("str", "format", "repr")
                or isinstance(node.func, ast.Attribute) and node.func.attr == "format")
    return False


def hand_made_formatting(source: str, path: str = "<snippet>") -> list[tuple[int, str]]:
    """(line, what) for every piece of German formatting written by hand in ``source``."""
    found: list[tuple[int, str]] = []
    lines = source.splitlines()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in NAMES:
                found.append((node.lineno, f"month or weekday name {node.value!r}: use month_names()/date_long()"))
            elif node.value == "Europe/Berlin":
                found.append((node.lineno, "the Berlin time zone: use german_format.BERLIN"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
            formatted = _is_formatted_number(node.func.value)  # typed input may be respelt
            if node.func.attr == "replace" and args[:2] == [".", ","] and formatted:
                found.append((node.lineno, 'decimal comma by .replace(".", ","): use decimal()'))
            elif (node.func.attr == "strftime" and args and isinstance(args[0], str)
                  and DATE_DIRECTIVE.search(args[0]) and re.search(r"[.:, ]", args[0])):
                found.append((node.lineno, f"strftime({args[0]!r}): use date_short()/datetime_short()"))
        elif isinstance(node, ast.JoinedStr):
            for index, part in enumerate(node.values):
                if not isinstance(part, ast.FormattedValue):
                    continue
                spec = _spec(part)
                if DATE_DIRECTIVE.search(spec):
                    found.append((node.lineno, f"date format {spec!r} in an f-string: use date_short()"))
                elif spec.endswith("%"):
                    found.append((node.lineno, f"percent format {spec!r}: use share()"))
                elif (DECIMAL_POINT_SPEC.fullmatch(spec) and path not in DECIMAL_POINT_ALLOWED
                      and NOT_GERMAN not in lines[node.lineno - 1]):
                    found.append((node.lineno, f"decimal point format {spec!r}: use decimal()"))
                after = node.values[index + 1] if index + 1 < len(node.values) else None
                if isinstance(after, ast.Constant) and str(after.value).startswith(" %"):
                    found.append((node.lineno, "a number with a hand-written ' %': use percent()"))
    return sorted(found)


def _sources() -> list[Path]:
    return [path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py")) if path != FORMAT_MODULE]


def test_no_hand_made_german_formatting_outside_the_format_module():
    problems = []
    for path in _sources():
        shown = path.relative_to(ROOT).as_posix()
        problems += [f"{shown}:{line}: {what}"
                     for line, what in hand_made_formatting(path.read_text(encoding="utf-8"), shown)]
    assert not problems, "German formatting belongs in lotse/german_format.py:\n" + "\n".join(problems)


PLANTED = '''
MONTHS = ("Januar", "Februar", "März")
ZONE = ZoneInfo("Europe/Berlin")
def score(x, day, moment, share, hours):
    a = f"{x:.1f}".replace(".", ",") + str(x).replace(".", ",")
    b = day.strftime("%d.%m.%Y")
    c = f"{moment:%H:%M} Uhr"
    d = f"{share:.0%}"
    e = f"{round(x)} %"
    f = f"{hours:g} Stunden"
    return a, b, c, d, e, f
'''


def test_the_scan_finds_each_planted_pattern():
    found = hand_made_formatting(PLANTED)
    lines = [line for line, _ in found]
    assert lines == [2, 2, 2, 3, 5, 5, 5, 6, 7, 8, 9, 10], found


def test_the_scan_leaves_prose_machine_formats_and_the_module_calls_alone():
    clean = '''
text = "Im März 2025 beschloss der Rat die Digitalstrategie."  # prose
accepted = [value, value.strip().replace(".", ",")]  # both spellings of a typed answer, not display
weight = f"{w:g}"  # not German text: Moodle's syntax
name = f"lotse-{now.strftime('%Y%m%dT%H%M%SZ')}.db"  # a file name, not for readers
tooltip = alt.Tooltip("Datum:T", format="%d.%m.%Y")  # a Vega format, read by the browser
shown = f"{percent(x)} · {date_long(day)} · {decimal(y)} · {count:.0f} Min."
'''
    assert hand_made_formatting(clean) == []
    assert hand_made_formatting('x = f"{w:g}"', "lotse/interop/common.py") == []
    assert hand_made_formatting('x = f"{w:g}"', "lotse/other.py") != []


# --- the module's output -------------------------------------------------------------------------

def test_dates_in_german():
    assert date_long(date(2026, 12, 7)) == "7. Dezember 2026"
    assert date_long(date(2025, 3, 14), weekday=True) == "Freitag, 14. März 2025"
    assert date_short(date(2026, 3, 7)) == "07.03.2026"
    assert date_short("2026-03-07") == "07.03.2026"
    assert date_short(None) == date_short("") == ""
    assert month_names()[2] == "März" and len(month_names()) == 12
    assert day_names()[0] == "Montag" and day_names()[-1] == "Sonntag"


@pytest.mark.parametrize("stamp, short, long", [
    ("2025-03-04T09:15:00+00:00", "04.03.2025, 10:15", "4. März 2025, 10:15 Uhr"),   # CET, +1
    ("2025-07-01T22:30:00+00:00", "02.07.2025, 00:30", "2. Juli 2025, 00:30 Uhr"),    # CEST, +2: the next day
    ("2025-07-01T22:30:00", "02.07.2025, 00:30", "2. Juli 2025, 00:30 Uhr"),          # naive = UTC
])
def test_stored_utc_times_are_shown_in_berlin(stamp, short, long):
    assert datetime_short(stamp) == short
    assert datetime_long(stamp) == long
    assert time_short(stamp) == short[-5:]
    assert berlin(stamp).tzinfo is BERLIN


def test_today_is_berlin_today():
    assert local_today(datetime(2025, 3, 1, 23, 30, tzinfo=timezone.utc)) == date(2025, 3, 2)


@pytest.mark.parametrize("value, text", [(1.5, "1,5"), (2.0, "2"), (0.333333, "0,33"), (70, "70"), (0, "0"),
                                         (1234.5, "1.234,5"), (-2.25, "-2,25")])
def test_decimal(value, text):
    assert decimal(value) == text


def test_decimal_options():
    assert decimal(3.14159, 6) == "3,14159"
    assert decimal(2, 1, fixed=True) == "2,0"
    assert decimal(1234.5, grouping=False) == "1234,5"


def test_percent_and_share():
    assert percent(82) == "82 %"
    assert percent(82.46, 1) == "82,5 %"
    assert percent(82.0, 1) == "82,0 %"
    assert percent(82.0, 2, fixed=False) == "82 %"
    assert percent(None) == "–"
    assert share(0.825, 1) == "82,5 %"
    assert share(None) == "–"


@pytest.mark.parametrize("count, text", [(0, "0 Lektionen"), (1, "1 Lektion"), (2, "2 Lektionen"),
                                         (1.0, "1 Lektion"), (1.5, "1,5 Lektionen")])
def test_plural_follows_the_german_rule(count, text):
    assert plural(count, "Lektion", "Lektionen") == text
