"""Deadlines of story requests: chosen by button (days from today) or typed as a date.

A deadline is the end of a day in the organizers' time zone (``TIMEZONE``,
Asia/Ho_Chi_Minh by default), stored in UTC: "14/03/2026" means an ambassador may
publish until 23:59:59 that day, Vietnamese time. It must be after today and at
most ``MAX_DAYS`` ahead.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput

#: Offered as buttons when a startup picks its deadline.
PRESET_DAYS = (3, 7, 14, 30)
MAX_DAYS = 90
_END_OF_DAY = time(23, 59, 59)
_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})\s*$")


def end_of_local_day(day: date, tz: ZoneInfo) -> datetime:
    """23:59:59 of ``day`` in ``tz``, as an aware datetime (compare and store it in UTC)."""
    return datetime.combine(day, _END_OF_DAY, tzinfo=tz)


def _check(day: date, today: date) -> None:
    if day <= today:
        raise InvalidInput("error.deadline_past")
    if day > today + timedelta(days=MAX_DAYS):
        raise InvalidInput("error.deadline_too_far", max=MAX_DAYS)


def deadline_in_days(days: int, now: datetime, tz: ZoneInfo) -> datetime:
    """The end of the local day ``days`` days from today (a preset button)."""
    today = now.astimezone(tz).date()
    day = today + timedelta(days=days)
    _check(day, today)
    return end_of_local_day(day, tz)


def parse_deadline(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A typed date, day first (14/03/2026, 14-3-26, 14.03.2026), as a deadline."""
    match = _DATE_RE.match(text)
    if not match:
        raise InvalidInput("error.deadline_format")
    d, m, y = (int(g) for g in match.groups())
    year = y + 2000 if y < 100 else y
    try:
        day = date(year, m, d)
    except ValueError:
        raise InvalidInput("error.deadline_format") from None
    _check(day, now.astimezone(tz).date())
    return end_of_local_day(day, tz)
