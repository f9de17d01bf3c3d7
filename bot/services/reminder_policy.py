"""When to remind an ambassador of an accepted story: a pure policy (no Telegram, no database).

An accepted assignment has a deadline. ``plan`` turns the configured policy into the
list of steps the scheduler stores: reminders before the deadline, one at the
deadline ("please send your link"), a few overdue reminders, and finally the action
that marks the assignment overdue and tells the organizers. Every datetime going in
must be aware (``ValueError`` otherwise) and every datetime coming out is aware UTC;
the person's time zone only decides what "quiet hours" and "the deadline's day" mean.

Policy syntax (setting ``REMINDER_POLICY``, default ``48h,24h,2h,0,+1d*3``)::

    policy   = item ("," item)*            items in any order, spaces and case ignored
    item     = duration                    a reminder that long before the deadline
             | "0"                         a reminder at the deadline
             | "+" duration ["*" count]    overdue reminders every <duration> after the
                                           deadline, <count> times (default 1, 0 allowed)
    duration = [N "d"] [N "h"]             whole hours: 48h, 2d, 1d12h

Before-reminders are at most 10, distinct, between 1h and 30d (``48h,2d`` is a
duplicate). The overdue interval is between 1h and 7d, the count between 0 and 10;
without a ``+`` item there are no overdue reminders and the interval is one day. The
assignment is marked overdue one interval after the last overdue reminder (with the
default: reminders 1, 2 and 3 days after the deadline, marked overdue after 4 days).
``ReminderPolicy.text()`` writes the canonical form, which ``parse`` reads back.

Rules of ``plan`` (all decided here, in this order):

1. Quiet hours (``QUIET_HOURS``, default ``22:00-07:00`` in the person's time zone; the
   start is quiet, the end is not; a window may cross midnight; start == end means none).
   A message due in quiet hours moves to the end of that quiet period. A wall time
   skipped by a daylight-saving jump is read as zoneinfo does (fold=0: shifted forward by
   the jump); a repeated one is its first occurrence still after the original moment.
2. A before-reminder that moved to or past the deadline is dropped (it would say "due
   in 2 hours" after the fact); the deadline and overdue reminders cover that time.
3. Collisions: messages are taken in policy order (48h, 24h, 2h, deadline, overdue 1,
   2, 3); one that is due at the same moment as, or after, a later one is dropped. Two
   reminders moved to the same 07:00 keep only the later kind (the deadline reminder
   over "2 h left"; overdue 2 over overdue 1), and the survivors are strictly in order.
4. Loud: the last message of kind "before" or "deadline" due on the deadline's local
   day (after moving) is ``loud``: the one reminder that rings even for people who chose
   silent notifications. With the default policy and a deadline at 23:59:59 that is the
   2-hour reminder (the deadline reminder itself moves to 07:00 the next morning). If no
   such message falls on that day, none is loud. Overdue reminders are never loud.
5. "mark_overdue" is an action, not a message: quiet hours do not apply to it. It is due
   one overdue interval after the deadline's last overdue reminder, and never less than
   one interval after the last message actually kept (quiet hours can push reminders
   later), so the ambassador always has that interval to answer the last reminder.
6. Only steps due strictly after ``now`` are returned. The plan is computed without
   ``now`` and then cut, so planning again later returns exactly the remaining steps of
   the earlier plan. A reminder whose raw moment is past but whose quiet-hour moved
   moment is still ahead is kept (it was only held back for the night). When even
   "mark_overdue" is past, the plan is that step alone, due at ``now``.

``seq`` is the hours before the deadline for "before", 0 for "deadline", the overdue
reminder's number (1, 2, 3) for "overdue" and 0 for "mark_overdue"; (kind, seq) is
unique within a plan, so it can key the stored jobs.

Snoozing (``snooze``) moves the next reminder to one day from now (then out of quiet
hours), never earlier than it was due, at most twice per assignment and never past
three days after the deadline. ``next_local_time`` finds the next daily digest moment.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.errors import Conflict

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

DEFAULT_POLICY_TEXT = "48h,24h,2h,0,+1d*3"
DEFAULT_QUIET_TEXT = "22:00-07:00"
#: The daily digest goes out at this local time.
DIGEST_AT = time(8, 0)

#: Bounds of a policy (checked by ``ReminderPolicy`` whether parsed or built directly).
MAX_BEFORE_ITEMS = 10
MAX_LEAD = timedelta(days=30)
MIN_OVERDUE_EVERY = HOUR
MAX_OVERDUE_EVERY = timedelta(days=7)
MAX_OVERDUE_COUNT = 10
_MAX_TEXT = 200

#: Snoozing: at most this many times per assignment, each to one day from now, and
#: never to after the deadline plus the horizon.
MAX_SNOOZES = 2
SNOOZE = timedelta(days=1)
SNOOZE_HORIZON = timedelta(days=3)

_DURATION_RE = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?")
_CLOCK_RE = re.compile(r"(\d{1,2}):(\d{2})")


class ReminderKind(StrEnum):
    BEFORE = "before"
    DEADLINE = "deadline"
    OVERDUE = "overdue"
    MARK_OVERDUE = "mark_overdue"


_LOUD_KINDS = frozenset({ReminderKind.BEFORE, ReminderKind.DEADLINE})


def _require_aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")
    return value.astimezone(UTC)


def _whole_hours(value: timedelta) -> bool:
    return value % HOUR == timedelta(0)


def format_duration(value: timedelta) -> str:
    """``2d`` for whole days, otherwise ``36h`` (whole hours, as the syntax allows)."""
    hours = value // HOUR
    return f"{hours // 24}d" if hours % 24 == 0 and hours else f"{hours}h"


def _parse_duration(text: str, item: str) -> timedelta:
    match = _DURATION_RE.fullmatch(text)
    if not text or not match:
        raise ValueError(
            f"'{item}' is not a reminder: use a duration such as 48h, 2d or 1d12h, "
            "0 for the deadline, or +1d*3 for overdue reminders"
        )
    days, hours = (g or "0" for g in match.groups())
    if len(days) > 4 or len(hours) > 6:
        raise ValueError(f"'{item}' is too long a duration")
    return timedelta(hours=int(days) * 24 + int(hours))


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """Which reminders an accepted story gets (configuration: REMINDER_POLICY).

    ``before`` is normalized to distinct, decreasing offsets (48h, 24h, 2h).
    """

    before: tuple[timedelta, ...] = (timedelta(hours=48), timedelta(hours=24), timedelta(hours=2))
    at_deadline: bool = True
    overdue_every: timedelta = DAY
    overdue_count: int = 3

    def __post_init__(self) -> None:
        for offset in self.before:
            if not isinstance(offset, timedelta):
                raise ValueError(f"reminder offsets are durations, got {offset!r}")
        before = tuple(sorted(self.before, reverse=True))
        if len(before) > MAX_BEFORE_ITEMS:
            raise ValueError(f"at most {MAX_BEFORE_ITEMS} reminders before the deadline")
        for offset in before:
            if offset <= timedelta(0):
                raise ValueError(
                    "a reminder before the deadline must be at least 1h (use 0 for the "
                    "deadline itself)"
                )
            if not _whole_hours(offset):
                raise ValueError(f"reminder offsets are whole hours, got {offset}")
            if offset > MAX_LEAD:
                raise ValueError(
                    f"reminder {format_duration(offset)} is too early: at most "
                    f"{format_duration(MAX_LEAD)} before the deadline"
                )
        for earlier, later in itertools.pairwise(before):
            if earlier == later:
                raise ValueError(f"duplicate reminder {earlier // HOUR}h")
        if not isinstance(self.overdue_every, timedelta) or not _whole_hours(self.overdue_every):
            raise ValueError("the overdue interval is whole hours")
        if not MIN_OVERDUE_EVERY <= self.overdue_every <= MAX_OVERDUE_EVERY:
            raise ValueError(
                f"the overdue interval must be between {format_duration(MIN_OVERDUE_EVERY)} "
                f"and {format_duration(MAX_OVERDUE_EVERY)}, got "
                f"{format_duration(self.overdue_every)}"
            )
        if (
            not isinstance(self.overdue_count, int)
            or isinstance(self.overdue_count, bool)
            or not 0 <= self.overdue_count <= MAX_OVERDUE_COUNT
        ):
            raise ValueError(
                f"the overdue count must be between 0 and {MAX_OVERDUE_COUNT}, "
                f"got {self.overdue_count!r}"
            )
        object.__setattr__(self, "before", before)

    @classmethod
    def parse(cls, text: str) -> ReminderPolicy:
        """Read the policy syntax (see the module docstring); ``ValueError`` names the problem."""
        if len(text) > _MAX_TEXT:
            raise ValueError(f"is longer than {_MAX_TEXT} characters")
        cleaned = re.sub(r"\s+", "", text).lower()
        if not cleaned:
            raise ValueError(f"is empty; the default is {DEFAULT_POLICY_TEXT}")
        before: list[timedelta] = []
        at_deadline = False
        overdue: tuple[timedelta, int] | None = None
        for item in cleaned.split(","):
            if not item:
                raise ValueError(f"has an empty item in '{text.strip()}'")
            if item == "0":
                if at_deadline:
                    raise ValueError("names the deadline reminder (0) twice")
                at_deadline = True
            elif item.startswith("+"):
                if overdue is not None:
                    raise ValueError("has more than one overdue item (+...)")
                every_text, star, count_text = item[1:].partition("*")
                if star and not (count_text.isdigit() and len(count_text) <= 3):
                    raise ValueError(f"'{item}': the overdue count after * must be a whole number")
                every = _parse_duration(every_text, item)
                overdue = (every, int(count_text) if star else 1)
            else:
                offset = _parse_duration(item, item)
                if offset in before:
                    raise ValueError(f"duplicate reminder {offset // HOUR}h")
                before.append(offset)
        every, count = overdue if overdue is not None else (DAY, 0)
        return cls(
            before=tuple(before), at_deadline=at_deadline, overdue_every=every, overdue_count=count
        )

    def text(self) -> str:
        """The canonical policy string (``parse(p.text()) == p``)."""
        items = [f"{offset // HOUR}h" for offset in self.before]
        if self.at_deadline:
            items.append("0")
        items.append(f"+{format_duration(self.overdue_every)}*{self.overdue_count}")
        return ",".join(items)


def parse_clock(text: str) -> time:
    """``HH:MM`` (24-hour) as a ``time``; ``ValueError`` names the problem."""
    match = _CLOCK_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"'{text.strip()}' is not a time of day: use HH:MM, e.g. 07:00")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"'{text.strip()}' is not a time of day (00:00 to 23:59)")
    return time(hour, minute)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """No messages from ``start`` (quiet) to ``end`` (not quiet), local time.

    A window may cross midnight (22:00-07:00); ``start == end`` means no quiet hours.
    Configuration: QUIET_HOURS, e.g. ``22:00-07:00``, or ``off``.
    """

    start: time = time(22, 0)
    end: time = time(7, 0)

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("quiet hours are local wall times, without a time zone")

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        cleaned = text.strip().lower()
        if cleaned in {"off", "none"}:
            return cls(time(0), time(0))
        start, sep, end = cleaned.partition("-")
        if not sep:
            raise ValueError(
                f"'{text.strip()}' is not a range: use HH:MM-HH:MM, e.g. {DEFAULT_QUIET_TEXT}, "
                "or off"
            )
        return cls(parse_clock(start), parse_clock(end))

    def text(self) -> str:
        if self.start == self.end:
            return "off"
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def enabled(self) -> bool:
        return self.start != self.end

    def contains(self, wall: time) -> bool:
        """Is this local wall time quiet?"""
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= wall < self.end
        return wall >= self.start or wall < self.end

    def next_allowed(self, instant: datetime, tz: tzinfo) -> datetime:
        """``instant`` (aware), or the end of the quiet period it falls in, in aware UTC."""
        instant = _require_aware("instant", instant)
        local = instant.astimezone(tz)
        wall = local.time().replace(tzinfo=None)
        if not self.contains(wall):
            return instant
        day = local.date()
        if self.start > self.end and wall >= self.start:
            day += DAY
        # Normally the first candidate of the first day; a daylight-saving jump or a
        # skipped calendar day can make the end's wall time missing or repeated.
        for _ in range(4):
            candidates = [
                c
                for c in (_at_wall(day, self.end, tz, fold) for fold in (0, 1))
                if c > instant and not self.contains(c.astimezone(tz).time().replace(tzinfo=None))
            ]
            if candidates:
                return min(candidates)
            day += DAY
        raise RuntimeError(f"quiet hours {self.text()} never end in {tz}")  # pragma: no cover


DEFAULT_POLICY = ReminderPolicy()
DEFAULT_QUIET = QuietHours()


def _at_wall(day: date, wall: time, tz: tzinfo, fold: int = 0) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).replace(fold=fold).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class PlannedReminder:
    """One step of a plan. ``due_at`` is aware UTC; see the module docstring for ``seq``."""

    kind: ReminderKind
    due_at: datetime
    seq: int
    #: Sent with sound even in the silent notification mode.
    loud: bool = False

    @property
    def is_message(self) -> bool:
        """A message to the ambassador (everything but the mark-overdue action)."""
        return self.kind is not ReminderKind.MARK_OVERDUE


@dataclass(frozen=True, slots=True)
class _Step:
    kind: ReminderKind
    due_at: datetime
    seq: int


def _full_plan(
    deadline: datetime, tz: tzinfo, policy: ReminderPolicy, quiet: QuietHours
) -> list[PlannedReminder]:
    """Every step of the plan, whatever ``now`` is (rules 1-5 of the module docstring)."""
    raw: list[_Step] = [
        _Step(ReminderKind.BEFORE, deadline - offset, offset // HOUR) for offset in policy.before
    ]
    if policy.at_deadline:
        raw.append(_Step(ReminderKind.DEADLINE, deadline, 0))
    raw.extend(
        _Step(ReminderKind.OVERDUE, deadline + n * policy.overdue_every, n)
        for n in range(1, policy.overdue_count + 1)
    )
    moved = [_Step(s.kind, quiet.next_allowed(s.due_at, tz), s.seq) for s in raw]
    # A "before" reminder held back until the deadline or later would be stale.
    moved = [s for s in moved if not (s.kind is ReminderKind.BEFORE and s.due_at >= deadline)]
    # Keep a message only if every later kind is due strictly after it.
    kept: list[_Step] = []
    for step in reversed(moved):
        if not kept or step.due_at < kept[-1].due_at:
            kept.append(step)
    kept.reverse()

    deadline_day = deadline.astimezone(tz).date()
    on_the_day = [
        i
        for i, s in enumerate(kept)
        if s.kind in _LOUD_KINDS and s.due_at.astimezone(tz).date() == deadline_day
    ]
    loud_index = on_the_day[-1] if on_the_day else None
    steps = [
        PlannedReminder(s.kind, s.due_at, s.seq, loud=i == loud_index) for i, s in enumerate(kept)
    ]

    mark_at = deadline + (policy.overdue_count + 1) * policy.overdue_every
    if steps:
        mark_at = max(mark_at, steps[-1].due_at + policy.overdue_every)
    steps.append(PlannedReminder(ReminderKind.MARK_OVERDUE, mark_at, 0))
    return steps


def plan(
    deadline: datetime,
    now: datetime,
    tz: ZoneInfo,
    policy: ReminderPolicy = DEFAULT_POLICY,
    quiet: QuietHours = DEFAULT_QUIET,
) -> list[PlannedReminder]:
    """The steps still ahead for an accepted story, in order (never empty: the last one is
    "mark_overdue"). See the module docstring for the rules."""
    deadline = _require_aware("deadline", deadline)
    now = _require_aware("now", now)
    ahead = [s for s in _full_plan(deadline, tz, policy, quiet) if s.due_at > now]
    if not ahead:
        return [PlannedReminder(ReminderKind.MARK_OVERDUE, now, 0)]
    return ahead


@dataclass(frozen=True, slots=True)
class SnoozeLimits:
    """How far and how often a reminder may be snoozed."""

    max_snoozes: int = MAX_SNOOZES
    step: timedelta = SNOOZE
    horizon: timedelta = SNOOZE_HORIZON


DEFAULT_SNOOZE = SnoozeLimits()


def snooze(
    due_at: datetime,
    now: datetime,
    deadline: datetime,
    snoozed: int,
    *,
    tz: ZoneInfo,
    quiet: QuietHours = DEFAULT_QUIET,
    limits: SnoozeLimits = DEFAULT_SNOOZE,
) -> datetime:
    """When the snoozed reminder (now due at ``due_at``) should come instead, aware UTC.

    One ``step`` from now, out of quiet hours, and never earlier than ``due_at``.
    ``snoozed`` is how many times this assignment was snoozed already. Refused with
    ``Conflict("reminder.error.snooze_limit", max=...)`` after ``max_snoozes`` snoozes,
    and ``Conflict("reminder.error.snooze_too_late", days=...)`` when the new moment
    would be after the deadline plus the horizon.
    """
    due_at = _require_aware("due_at", due_at)
    now = _require_aware("now", now)
    deadline = _require_aware("deadline", deadline)
    if snoozed >= limits.max_snoozes:
        raise Conflict("reminder.error.snooze_limit", max=limits.max_snoozes)
    moved = quiet.next_allowed(max(due_at, now + limits.step), tz)
    if moved > deadline + limits.horizon:
        raise Conflict("reminder.error.snooze_too_late", days=limits.horizon.days)
    return moved


def next_local_time(now: datetime, tz: ZoneInfo, at: time = DIGEST_AT) -> datetime:
    """The first moment strictly after ``now`` when it is ``at`` in ``tz``, aware UTC.

    Once per local day: on a day when ``at`` happens twice (clocks going back) the
    first occurrence counts; on a day when it is skipped (clocks going forward) it is
    read as zoneinfo does, shifted forward by the jump (02:30 -> 03:30).
    """
    now = _require_aware("now", now)
    day = now.astimezone(tz).date() - DAY
    while True:
        candidate = _at_wall(day, at, tz)
        if candidate > now:
            return candidate
        day += DAY
