"""German formatting for everything a user reads: dates, times in Europe/Berlin, numbers,
percentages and plurals, all through Babel (locale de_DE, CLDR data shipped in its wheel).

The one place for it: pages, ui helpers, the core, PDFs and exports call these functions, and
``tests/test_german_format.py`` fails on hand-made month names, decimal commas, ``strftime`` dates
or a second Berlin time zone anywhere else. The store (``progress/``) formats nothing for people.

Stored times are ISO strings in UTC (naive ones are read as UTC); they are shown in Berlin time.
Percentages keep a plain space before the sign ("82,5 %"), as Lotse always wrote them: DIN 5008
asks for a space, and CSV exports and PDF fonts stay free of the no-break space.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

LOCALE = "de_DE"
BERLIN = ZoneInfo("Europe/Berlin")
_GERMAN = Locale.parse(LOCALE)


# --- dates and times ---------------------------------------------------------------------------

def berlin(moment: datetime | str) -> datetime:
    """A stored moment (ISO text or datetime; naive means UTC) in Berlin time."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(BERLIN)


def local_today(now: datetime | None = None) -> date:
    """Today in Berlin (a learner at 00:30 is already on the next day)."""
    return berlin(now or datetime.now(timezone.utc)).date()


def _day(value: date | datetime | str) -> date:
    if isinstance(value, datetime):
        return berlin(value).date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10]) if len(value) <= 10 else berlin(value).date()
    return value


def date_long(day: date | datetime | str, weekday: bool = False) -> str:
    """'7. Dezember 2026', with ``weekday`` 'Montag, 7. Dezember 2026'."""
    return format_date(_day(day), "EEEE, d. MMMM y" if weekday else "d. MMMM y", locale=LOCALE)


def date_short(day: date | datetime | str | None) -> str:
    """'07.12.2026' (empty for no date)."""
    return format_date(_day(day), "dd.MM.y", locale=LOCALE) if day else ""


def time_short(moment: datetime | str, seconds: bool = False) -> str:
    """'09:30' ('09:30:15' with ``seconds``) in Berlin time."""
    return format_time(berlin(moment), "HH:mm:ss" if seconds else "HH:mm", locale=LOCALE)


def datetime_short(moment: datetime | str, sep: str = ", ", seconds: bool = False) -> str:
    """'07.12.2026, 09:30' in Berlin time."""
    local = berlin(moment)
    return f"{date_short(local.date())}{sep}{time_short(local, seconds)}"


def datetime_long(moment: datetime | str) -> str:
    """'7. Dezember 2026, 09:30 Uhr' in Berlin time."""
    local = berlin(moment)
    return f"{date_long(local.date())}, {time_short(local)} Uhr"


def month_names(width: str = "wide") -> list[str]:
    """January first: 'Januar' … 'Dezember' (``abbreviated``: 'Jan.' …)."""
    names = get_month_names(width, locale=LOCALE)
    return [names[number] for number in range(1, 13)]


def day_names(width: str = "wide") -> list[str]:
    """Monday first: 'Montag' … 'Sonntag' (``abbreviated``: 'Mo.' …)."""
    names = get_day_names(width, locale=LOCALE)
    return [names[number] for number in range(7)]


# --- numbers -----------------------------------------------------------------------------------

def _pattern(digits: int, fixed: bool) -> str:
    return "#,##0" + ("." + ("0" if fixed else "#") * digits if digits else "")


def decimal(value: float, digits: int = 2, fixed: bool = False, grouping: bool = True) -> str:
    """'2,5', '1.234', '0,33': at most ``digits`` decimals (exactly that many with ``fixed``);
    ``grouping=False`` leaves out the thousands dots (text a person types, CSV cells)."""
    return format_decimal(value, _pattern(digits, fixed), locale=LOCALE, group_separator=grouping)


def percent(points: float | None, digits: int = 0, fixed: bool = True) -> str:
    """Percentage points (0-100) as '82 %', '82,5 %' (``fixed=False``: '82 %' for 82.0); '–' for None."""
    if points is None:
        return "–"
    return f"{decimal(points, digits, fixed)} %"


def share(fraction: float | None, digits: int = 0, fixed: bool = True) -> str:
    """A share (0-1) as a percentage: 0.825 -> '82,5 %' with one digit; '–' for None."""
    return "–" if fraction is None else percent(100 * fraction, digits, fixed)


def plural_word(count: float, one: str, many: str) -> str:
    """The noun form for ``count`` by the German plural rule (CLDR): 1 Lektion, 2 Lektionen, 1,5 Stunden."""
    return one if _GERMAN.plural_form(count) == "one" else many


def plural(count: float, one: str, many: str) -> str:
    """'1 Lektion', '3 Lektionen', '2,5 Stunden'."""
    return f"{decimal(count)} {plural_word(count, one, many)}"
