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


_MOMENT_RE = re.compile(
    r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?"
    r"\s*(?:,\s*|\s+)(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$"
)
#: How a time is typed (shown in prompts and errors).
MOMENT_FORMAT = "%d/%m/%Y %H:%M"


def parse_local_moment(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A typed local date and time, day first: "25/12/2026 08:30", "25/12 8h30"
    (no year: the next such day from today). Range checks are the caller's."""
    match = _MOMENT_RE.match(text)
    if not match:
        raise InvalidInput("broadcast.error.bad_time", example=_example(now, tz))
    d, m, y, hh, mm = match.groups()
    today = now.astimezone(tz).date()
    year = today.year if y is None else (int(y) + 2000 if int(y) < 100 else int(y))
    try:
        moment = datetime(year, int(m), int(d), int(hh), int(mm), tzinfo=tz)
        if y is None and moment.date() < today:
            moment = moment.replace(year=year + 1)
    except ValueError:
        raise InvalidInput("broadcast.error.bad_time", example=_example(now, tz)) from None
    return moment


def _example(now: datetime, tz: ZoneInfo) -> str:
    return tomorrow_at(now, tz, 8).strftime(MOMENT_FORMAT)


def tomorrow_at(now: datetime, tz: ZoneInfo, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` local time tomorrow (quick picks for scheduling)."""
    day = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=tz)
