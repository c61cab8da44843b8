"""Stored times (ISO, UTC) and dates as German readers expect them."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

DISPLAY_ZONE = "Europe/Berlin"


def _local(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(ZoneInfo(DISPLAY_ZONE))
    except Exception:  # no time zone data on this machine: show UTC rather than fail
        return moment


def local_time(iso: str) -> str:
    """HH:MM in German local time, for "Gespeichert um …"."""
    return _local(iso).strftime("%H:%M")


def local_datetime(iso: str) -> str:
    return _local(iso).strftime("%d.%m.%Y, %H:%M")


def german_date(iso: str) -> str:
    """TT.MM.JJJJ from an ISO date (empty in, empty out)."""
    return date.fromisoformat(iso).strftime("%d.%m.%Y") if iso else ""
