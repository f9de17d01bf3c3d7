"""Reminders for accepted stories: policy syntax, quiet hours, plans, snoozes, digests."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import Conflict
from bot.services.reminder_policy import (
    DEFAULT_POLICY,
    DEFAULT_POLICY_TEXT,
    DEFAULT_QUIET,
    MAX_SNOOZES,
    SNOOZE,
    SNOOZE_HORIZON,
    PlannedReminder,
    QuietHours,
    ReminderKind,
    ReminderPolicy,
    next_local_time,
    plan,
    snooze,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)
D = timedelta(days=1)


def vn(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VN)


def berlin(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, fold: int = 0
) -> datetime:
    """In UTC: aware datetimes in a repeated hour never equal another zone's (PEP 495)."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold).astimezone(UTC)


def rows(steps: list[PlannedReminder], tz: ZoneInfo = VN) -> list[tuple[str, str, int, bool]]:
    """(kind, local time, seq, loud): easy to read in a table."""
    return [(s.kind.value, f"{s.due_at.astimezone(tz):%d %H:%M:%S}", s.seq, s.loud) for s in steps]


# ---------------------------------------------------------------- policy syntax


def test_the_default_string_is_the_default_policy() -> None:
    policy = ReminderPolicy.parse(DEFAULT_POLICY_TEXT)
    assert policy == DEFAULT_POLICY == ReminderPolicy()
    assert policy.before == (48 * H, 24 * H, 2 * H)
    assert policy.at_deadline
    assert (policy.overdue_every, policy.overdue_count) == (D, 3)
    assert policy.text() == DEFAULT_POLICY_TEXT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" 2H, 0 ,48h ,1d, +24h*3 ", DEFAULT_POLICY),
        ("2d,1d,2h,0,+1d*3", DEFAULT_POLICY),
        ("1d12h", ReminderPolicy(before=(36 * H,), at_deadline=False, overdue_count=0)),
        ("0", ReminderPolicy(before=(), at_deadline=True, overdue_count=0)),
        ("24h,+12h", ReminderPolicy((24 * H,), False, 12 * H, 1)),
        ("+1d*0", ReminderPolicy(before=(), at_deadline=False, overdue_count=0)),
        ("720h,+7d*10", ReminderPolicy((30 * D,), False, 7 * D, 10)),
    ],
)
def test_parse_accepts(text: str, expected: ReminderPolicy) -> None:
    assert ReminderPolicy.parse(text) == expected
    assert ReminderPolicy.parse(expected.text()) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("48h,,24h", "empty item"),
        ("48h,24h,", "empty item"),
        ("soon", "'soon' is not a reminder"),
        ("90m", "'90m' is not a reminder"),
        ("-2h", "'-2h' is not a reminder"),
        ("2h1d", "'2h1d' is not a reminder"),
        ("1.5h", "'1.5h' is not a reminder"),
        ("0h", "at least 1h"),
        ("48h,2d", "duplicate reminder 48h"),
        ("0,0", "deadline reminder (0) twice"),
        ("+1d*3,+2d", "more than one overdue item"),
        ("+1d*", "overdue count"),
        ("+1d*x", "overdue count"),
        ("+1d*-1", "overdue count"),
        ("+1d*11", "overdue count must be between 0 and 10, got 11"),
        ("+0h*2", "overdue interval must be between 1h and 7d, got 0h"),
        ("+8d", "overdue interval must be between 1h and 7d, got 8d"),
        ("+*3", "'+*3' is not a reminder"),
        ("721h", "reminder 721h is too early: at most 30d"),
        ("99999999h", "too long a duration"),
        (",".join(f"{h}h" for h in range(1, 12)), "at most 10 reminders"),
        ("1h" * 150, "longer than 200 characters"),
    ],
)
def test_parse_rejects_with_the_problem_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        ReminderPolicy.parse(text)


def test_direct_construction_is_checked_and_normalized() -> None:
    assert ReminderPolicy(before=(2 * H, 48 * H, 24 * H)).before == (48 * H, 24 * H, 2 * H)
    with pytest.raises(ValueError, match="whole hours"):
        ReminderPolicy(before=(timedelta(minutes=90),))
    with pytest.raises(ValueError, match="duplicate reminder 2h"):
        ReminderPolicy(before=(2 * H, 2 * H))
    with pytest.raises(ValueError, match="at least 1h"):
        ReminderPolicy(before=(-H,))
    with pytest.raises(ValueError, match="overdue count"):
        ReminderPolicy(overdue_count=True)
    with pytest.raises(ValueError, match="whole hours"):
        ReminderPolicy(overdue_every=timedelta(minutes=30))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("22:00-07:00", QuietHours(time(22), time(7))),
        (" 13:00 - 14:00 ", QuietHours(time(13), time(14))),
        ("7:30-8:00", QuietHours(time(7, 30), time(8))),
        ("off", QuietHours(time(0), time(0))),
        ("00:00-00:00", QuietHours(time(0), time(0))),
    ],
)
def test_quiet_hours_parse(text: str, expected: QuietHours) -> None:
    assert QuietHours.parse(text) == expected
    assert QuietHours.parse(expected.text()) == expected
    assert QuietHours.parse("22:00-07:00") == DEFAULT_QUIET


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "is not a range"),
        ("22:00", "is not a range"),
        ("22-07", "'22' is not a time of day"),
        ("25:00-07:00", "'25:00' is not a time of day (00:00 to 23:59)"),
        ("22:00-07:60", "'07:60' is not a time of day"),
        ("22:00-07:00-08:00", "'07:00-08:00' is not a time of day"),
    ],
)
def test_quiet_hours_parse_rejects(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        QuietHours.parse(text)


# ---------------------------------------------------------------- quiet hours


@pytest.mark.parametrize(
    ("quiet", "local", "expected"),
    [
        (DEFAULT_QUIET, vn(2026, 3, 1, 23, 30), vn(2026, 3, 2, 7, 0)),
        (DEFAULT_QUIET, vn(2026, 3, 1, 22, 0), vn(2026, 3, 2, 7, 0)),
        (DEFAULT_QUIET, vn(2026, 3, 2, 0, 0), vn(2026, 3, 2, 7, 0)),
        (DEFAULT_QUIET, vn(2026, 3, 2, 6, 59), vn(2026, 3, 2, 7, 0)),
        (DEFAULT_QUIET, vn(2026, 3, 2, 6, 59, 59), vn(2026, 3, 2, 7, 0)),
        (DEFAULT_QUIET, vn(2026, 3, 2, 7, 0), vn(2026, 3, 2, 7, 0)),  # the end is not quiet
        (DEFAULT_QUIET, vn(2026, 3, 1, 21, 59), vn(2026, 3, 1, 21, 59)),
        (DEFAULT_QUIET, vn(2026, 3, 1, 12, 0), vn(2026, 3, 1, 12, 0)),
        (QuietHours(time(13), time(14)), vn(2026, 3, 1, 13, 0), vn(2026, 3, 1, 14, 0)),
        (QuietHours(time(13), time(14)), vn(2026, 3, 1, 13, 30), vn(2026, 3, 1, 14, 0)),
        (QuietHours(time(13), time(14)), vn(2026, 3, 1, 12, 59), vn(2026, 3, 1, 12, 59)),
        (QuietHours(time(13), time(14)), vn(2026, 3, 1, 14, 0), vn(2026, 3, 1, 14, 0)),
        (QuietHours(time(13), time(14)), vn(2026, 3, 1, 23, 30), vn(2026, 3, 1, 23, 30)),
        (QuietHours.parse("off"), vn(2026, 3, 1, 3, 0), vn(2026, 3, 1, 3, 0)),
    ],
)
def test_a_quiet_moment_moves_to_the_end_of_its_quiet_period(
    quiet: QuietHours, local: datetime, expected: datetime
) -> None:
    moved = quiet.next_allowed(local, VN)
    assert moved == expected
    assert moved.tzinfo is UTC


def test_quiet_hours_across_daylight_saving_changes() -> None:
    quiet = QuietHours(time(1), time(2, 30))
    # 29 March 2026: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night and
    # is read as zoneinfo does (shifted forward by the jump).
    assert quiet.next_allowed(berlin(2026, 3, 29, 1, 30), BERLIN) == berlin(2026, 3, 29, 3, 30)
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:00-02:30 happens twice.
    first, second = berlin(2026, 10, 25, 2, 15), berlin(2026, 10, 25, 2, 15, fold=1)
    assert quiet.next_allowed(first, BERLIN) == berlin(2026, 10, 25, 2, 30)
    assert quiet.next_allowed(second, BERLIN) == berlin(2026, 10, 25, 2, 30, fold=1)
    assert quiet.next_allowed(second, BERLIN) - quiet.next_allowed(first, BERLIN) == H


# ---------------------------------------------------------------- plans


def test_default_plan_for_a_deadline_five_days_out() -> None:
    deadline = vn(2026, 3, 10, 23, 59, 59)  # the end of a local day, as deadlines are
    steps = plan(deadline, deadline - 5 * D, VN, DEFAULT_POLICY, DEFAULT_QUIET)
    assert rows(steps) == [
        ("before", "09 07:00:00", 48, False),  # 23:59:59 on the 8th is quiet
        ("before", "10 07:00:00", 24, False),
        ("before", "10 21:59:59", 2, True),  # the last one on the deadline's day: loud
        ("deadline", "11 07:00:00", 0, False),  # "please send your link", in the morning
        ("overdue", "12 07:00:00", 1, False),
        ("overdue", "13 07:00:00", 2, False),
        ("overdue", "14 07:00:00", 3, False),
        # raw: deadline + 4 days (14 23:59:59), but at least a day after the last reminder
        ("mark_overdue", "15 07:00:00", 0, False),
    ]
    assert all(s.due_at.tzinfo is UTC for s in steps)
    assert plan(deadline, deadline - 5 * D, VN) == steps  # the defaults


def test_a_deadline_in_the_afternoon_gets_every_reminder_on_time() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    assert rows(plan(deadline, deadline - 5 * D, VN)) == [
        ("before", "08 17:00:00", 48, False),
        ("before", "09 17:00:00", 24, False),
        ("before", "10 15:00:00", 2, False),
        ("deadline", "10 17:00:00", 0, True),  # at the deadline, on its day: loud
        ("overdue", "11 17:00:00", 1, False),
        ("overdue", "12 17:00:00", 2, False),
        ("overdue", "13 17:00:00", 3, False),
        ("mark_overdue", "14 17:00:00", 0, False),
    ]


def test_a_deadline_in_30_hours_skips_the_48_hour_reminder() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    steps = plan(deadline, deadline - 30 * H, VN)
    assert [(s.kind.value, s.seq) for s in steps] == [
        ("before", 24),
        ("before", 2),
        ("deadline", 0),
        ("overdue", 1),
        ("overdue", 2),
        ("overdue", 3),
        ("mark_overdue", 0),
    ]


def test_only_moments_strictly_after_now_are_planned() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    steps = plan(deadline, deadline - 2 * H, VN)  # the 2-hour reminder is due right now
    assert steps[0].kind is ReminderKind.DEADLINE


def test_a_reminder_held_back_for_the_night_is_still_sent() -> None:
    deadline = vn(2026, 3, 10, 23, 59, 59)
    # At 06:00 the 24-hour reminder (due 23:59:59 last night) is waiting for 07:00.
    steps = plan(deadline, vn(2026, 3, 10, 6, 0), VN)
    assert rows(steps)[0] == ("before", "10 07:00:00", 24, False)


def test_reminders_moved_to_the_same_morning_keep_the_later_kind() -> None:
    deadline = vn(2026, 3, 10, 7, 30)
    # 8h before = 23:30 and 2h before = 05:30: both quiet, both moved to 07:00.
    steps = plan(deadline, deadline - 2 * D, VN, ReminderPolicy.parse("8h,2h,0,+1d*0"))
    assert rows(steps) == [
        ("before", "10 07:00:00", 2, False),
        ("deadline", "10 07:30:00", 0, True),
        ("mark_overdue", "11 07:30:00", 0, False),
    ]


def test_overdue_reminders_moved_together_keep_the_last_one() -> None:
    deadline = vn(2026, 3, 10, 23, 0)
    steps = plan(deadline, deadline - D, VN, ReminderPolicy.parse("+1h*3"))
    # 00:00, 01:00, 02:00 are quiet: only overdue 3 at 07:00 remains, and the assignment
    # is marked overdue one interval after it (not at 03:00, before the reminder).
    assert rows(steps) == [
        ("overdue", "11 07:00:00", 3, False),
        ("mark_overdue", "11 08:00:00", 0, False),
    ]


def test_a_before_reminder_held_back_past_the_deadline_is_dropped() -> None:
    deadline = vn(2026, 3, 10, 23, 30)
    steps = plan(deadline, deadline - D, VN, ReminderPolicy.parse("1h,+1d*0"))
    # 1h before is 22:30, quiet until 07:00 after the deadline: "due in 1 hour" is stale.
    assert rows(steps) == [("mark_overdue", "11 23:30:00", 0, False)]


def test_mark_overdue_is_an_action_and_ignores_quiet_hours() -> None:
    deadline = vn(2026, 3, 10, 23, 0)
    steps = plan(deadline, deadline - D, VN, ReminderPolicy.parse("+1d*0"))
    assert rows(steps) == [("mark_overdue", "11 23:00:00", 0, False)]
    assert DEFAULT_QUIET.contains(steps[0].due_at.astimezone(VN).time())


def test_an_out_of_order_reminder_after_a_daylight_saving_jump_is_dropped() -> None:
    quiet = QuietHours(time(1), time(2, 30))
    deadline = berlin(2026, 3, 29, 4, 10)  # CEST
    steps = plan(deadline, deadline - D, BERLIN, ReminderPolicy.parse("2h,1h,+1d*0"), quiet)
    # 2h before is 01:10 CET (quiet), held back to 03:30 CEST; 1h before is 03:10 CEST.
    # "2 hours left" after "1 hour left" would be stale, so it goes.
    assert rows(steps, BERLIN) == [
        ("before", "29 03:10:00", 1, True),
        ("mark_overdue", "30 04:10:00", 0, False),
    ]


@pytest.mark.parametrize(
    ("deadline", "policy", "loud"),
    [
        (vn(2026, 3, 10, 23, 59, 59), "48h,24h,2h,0", ("before", 2)),
        (vn(2026, 3, 10, 17, 0), "48h,24h,2h,0", ("deadline", 0)),
        (vn(2026, 3, 10, 17, 0), "48h,24h,2h", ("before", 2)),
        (vn(2026, 3, 10, 17, 0), "24h,8h", ("before", 8)),
        (vn(2026, 3, 10, 17, 0), "48h,24h", None),  # nothing on the deadline's day
        (vn(2026, 3, 10, 0, 30), "48h,0", ("deadline", 0)),  # moved to 07:00 the same day
        (vn(2026, 3, 10, 23, 59, 59), "48h", None),  # nothing on the deadline's day
        (vn(2026, 3, 10, 23, 59, 59), "+1d*3", None),  # overdue reminders are never loud
    ],
)
def test_the_loud_reminder(deadline: datetime, policy: str, loud: tuple[str, int] | None) -> None:
    steps = plan(deadline, deadline - 5 * D, VN, ReminderPolicy.parse(policy))
    assert [(s.kind.value, s.seq) for s in steps if s.loud] == ([loud] if loud else [])


def test_a_past_deadline_plans_only_the_overdue_steps_ahead() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    steps = plan(deadline, deadline + D + 2 * H, VN)
    assert rows(steps) == [
        ("overdue", "12 17:00:00", 2, False),
        ("overdue", "13 17:00:00", 3, False),
        ("mark_overdue", "14 17:00:00", 0, False),
    ]


def test_when_everything_is_past_the_assignment_is_marked_overdue_now() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    now = deadline + 10 * D
    assert plan(deadline, now, VN) == [PlannedReminder(ReminderKind.MARK_OVERDUE, now, 0)]
    exactly = deadline + 4 * D  # the mark-overdue moment itself is no longer ahead
    assert plan(deadline, exactly, VN) == [PlannedReminder(ReminderKind.MARK_OVERDUE, exactly, 0)]


def test_naive_datetimes_are_refused() -> None:
    aware, naive = vn(2026, 3, 10, 17, 0), datetime(2026, 3, 10, 17, 0)
    with pytest.raises(ValueError, match="deadline must be a timezone-aware"):
        plan(naive, aware, VN)
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        plan(aware, naive, VN)
    with pytest.raises(ValueError, match="instant must be a timezone-aware"):
        DEFAULT_QUIET.next_allowed(naive, VN)
    with pytest.raises(ValueError, match="due_at must be a timezone-aware"):
        snooze(naive, aware, aware, 0, tz=VN)
    with pytest.raises(ValueError, match="now must be a timezone-aware"):
        next_local_time(naive, VN, time(8))


# ---------------------------------------------------------------- snooze


def test_snooze_moves_the_reminder_a_day_from_now() -> None:
    deadline = vn(2026, 3, 10, 23, 59, 59)
    now = vn(2026, 3, 8, 10, 15)
    assert snooze(vn(2026, 3, 8, 12, 0), now, deadline, 0, tz=VN) == now + SNOOZE
    assert snooze(vn(2026, 3, 8, 12, 0), now, deadline, MAX_SNOOZES - 1, tz=VN) == now + SNOOZE


def test_snooze_never_brings_a_reminder_forward_and_leaves_quiet_hours() -> None:
    deadline = vn(2026, 3, 10, 23, 59, 59)
    later = vn(2026, 3, 10, 21, 59, 59)
    assert snooze(later, vn(2026, 3, 8, 10, 0), deadline, 0, tz=VN) == later
    assert snooze(later, vn(2026, 3, 8, 23, 0), deadline, 0, tz=VN) == later
    # Snoozed at 23:00 with the next reminder sooner: tomorrow 23:00 is quiet, so 07:00.
    moved = snooze(vn(2026, 3, 9, 7, 0), vn(2026, 3, 8, 23, 0), deadline, 0, tz=VN)
    assert moved == vn(2026, 3, 10, 7, 0)


def test_the_third_snooze_is_refused() -> None:
    deadline = vn(2026, 3, 10, 23, 59, 59)
    now = vn(2026, 3, 8, 10, 0)
    with pytest.raises(Conflict) as caught:
        snooze(now + H, now, deadline, MAX_SNOOZES, tz=VN)
    assert caught.value.code == "reminder.error.snooze_limit"
    assert caught.value.params == {"max": 2}


def test_a_snooze_past_deadline_plus_three_days_is_refused() -> None:
    deadline = vn(2026, 3, 10, 17, 0)
    horizon = deadline + SNOOZE_HORIZON
    assert snooze(horizon, horizon - SNOOZE, deadline, 0, tz=VN) == horizon
    with pytest.raises(Conflict) as caught:
        snooze(horizon, horizon - SNOOZE + timedelta(seconds=1), deadline, 0, tz=VN)
    assert caught.value.code == "reminder.error.snooze_too_late"
    assert caught.value.params == {"days": 3}
    # Within the horizon by the clock, but quiet hours would push it past: refused too.
    late = vn(2026, 3, 13, 23, 59, 59)
    with pytest.raises(Conflict, match="snooze_too_late"):
        snooze(late, late - SNOOZE, late - SNOOZE_HORIZON, 0, tz=VN)


# ---------------------------------------------------------------- digest


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (vn(2026, 3, 1, 23, 30), vn(2026, 3, 2, 8, 0)),
        (vn(2026, 3, 2, 0, 0), vn(2026, 3, 2, 8, 0)),
        (vn(2026, 3, 2, 7, 59, 59), vn(2026, 3, 2, 8, 0)),
        (vn(2026, 3, 2, 8, 0), vn(2026, 3, 3, 8, 0)),  # strictly after now
        (vn(2026, 12, 31, 9, 0), vn(2027, 1, 1, 8, 0)),
    ],
)
def test_next_digest_in_vietnam(now: datetime, expected: datetime) -> None:
    at = next_local_time(now, VN, time(8))
    assert at == expected
    assert at.tzinfo is UTC


def test_next_digest_across_daylight_saving_changes_in_berlin() -> None:
    # Spring forward (29 March 2026): 08:00 to 08:00 is 23 hours.
    first = next_local_time(berlin(2026, 3, 28, 8, 0), BERLIN, time(8))
    assert first == berlin(2026, 3, 29, 8, 0) == datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert first - berlin(2026, 3, 28, 8, 0) == 23 * H
    # Fall back (25 October 2026): 25 hours.
    second = next_local_time(berlin(2026, 10, 24, 8, 0), BERLIN, time(8))
    assert second == datetime(2026, 10, 25, 7, 0, tzinfo=UTC)
    assert second - berlin(2026, 10, 24, 8, 0) == 25 * H
    # 02:30 is skipped on 29 March: it comes at 03:30 CEST that day.
    skipped = next_local_time(berlin(2026, 3, 29, 0, 0), BERLIN, time(2, 30))
    assert skipped == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # 02:30 happens twice on 25 October: once per day, the first time.
    assert next_local_time(berlin(2026, 10, 25, 0, 0), BERLIN, time(2, 30)) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    between = datetime(2026, 10, 25, 1, 0, tzinfo=UTC)  # 02:00 CET, after the first 02:30
    assert next_local_time(between, BERLIN, time(2, 30)) == berlin(2026, 10, 26, 2, 30)


# ---------------------------------------------------------------- properties

ZONES = [
    ZoneInfo(name)
    for name in (
        "Asia/Ho_Chi_Minh",
        "Europe/Berlin",
        "America/Sao_Paulo",  # until 2019, clocks jumped at midnight
        "Australia/Lord_Howe",  # 30-minute daylight saving
        "Pacific/Apia",  # skipped 30 December 2011 entirely
        "America/St_Johns",
    )
]


def _transitions(tz: ZoneInfo, year: int) -> list[datetime]:
    start = datetime(year, 1, 1, tzinfo=UTC)
    hours = [(start + n * H).astimezone(tz) for n in range(366 * 24)]
    return [
        b.astimezone(UTC) for a, b in itertools.pairwise(hours) if a.utcoffset() != b.utcoffset()
    ]


TRANSITIONS = sorted(
    {t for tz in ZONES for year in (2011, 2018, 2026) for t in _transitions(tz, year)}
)

moments = st.one_of(
    st.datetimes(
        min_value=datetime(2010, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    st.builds(
        lambda t, minutes: t + timedelta(minutes=minutes),
        st.sampled_from(TRANSITIONS),
        st.integers(-6 * 24 * 60, 6 * 24 * 60),
    ),
)
walls = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))
quiet_hours = st.one_of(st.just(DEFAULT_QUIET), st.builds(QuietHours, walls, walls))
policies = st.builds(
    ReminderPolicy,
    before=st.lists(st.integers(1, 720), max_size=10, unique=True).map(
        lambda hours: tuple(h * H for h in hours)
    ),
    at_deadline=st.booleans(),
    overdue_every=st.integers(1, 168).map(lambda h: h * H),
    overdue_count=st.integers(0, 10),
)
offsets = st.integers(-20 * 24 * 60, 40 * 24 * 60).map(lambda m: timedelta(minutes=m))


@settings(max_examples=400)
@given(moments, offsets, st.sampled_from(ZONES), policies, quiet_hours)
def test_plan_properties(
    deadline: datetime, before: timedelta, tz: ZoneInfo, policy: ReminderPolicy, quiet: QuietHours
) -> None:
    now = deadline - before
    steps = plan(deadline, now, tz, policy, quiet)

    assert steps == plan(deadline, now, tz, policy, quiet)  # deterministic
    assert steps[-1].kind is ReminderKind.MARK_OVERDUE
    assert [s.kind for s in steps].count(ReminderKind.MARK_OVERDUE) == 1
    if steps == [PlannedReminder(ReminderKind.MARK_OVERDUE, now, 0)]:
        return  # everything was past: marked overdue at once
    assert all(s.due_at > now for s in steps)
    assert all(s.due_at.tzinfo is UTC for s in steps)
    assert all(a.due_at < b.due_at for a, b in itertools.pairwise(steps))
    assert len({(s.kind, s.seq) for s in steps}) == len(steps)
    for s in steps:
        if s.is_message:
            assert not quiet.contains(s.due_at.astimezone(tz).time())
        if s.kind is ReminderKind.BEFORE:
            assert s.due_at < deadline
            assert timedelta(hours=s.seq) in policy.before
        if s.kind is ReminderKind.OVERDUE:
            assert 1 <= s.seq <= policy.overdue_count
            assert s.due_at >= deadline + s.seq * policy.overdue_every
    loud = [s for s in steps if s.loud]
    assert len(loud) <= 1
    for s in loud:
        assert s.kind in {ReminderKind.BEFORE, ReminderKind.DEADLINE}
        assert s.due_at.astimezone(tz).date() == deadline.astimezone(tz).date()
    messages = [s for s in steps if s.is_message]
    if messages:
        assert steps[-1].due_at >= messages[-1].due_at + policy.overdue_every


@given(moments, offsets, st.integers(0, 30 * 24 * 60), st.sampled_from(ZONES), policies,
       quiet_hours)  # fmt: skip
def test_planning_again_later_gives_the_rest_of_the_plan(
    deadline: datetime,
    before: timedelta,
    minutes: int,
    tz: ZoneInfo,
    policy: ReminderPolicy,
    quiet: QuietHours,
) -> None:
    earlier = deadline - before
    later = earlier + timedelta(minutes=minutes)
    rest = [s for s in plan(deadline, earlier, tz, policy, quiet) if s.due_at > later]
    if rest:
        assert plan(deadline, later, tz, policy, quiet) == rest
    else:
        assert plan(deadline, later, tz, policy, quiet) == [
            PlannedReminder(ReminderKind.MARK_OVERDUE, later, 0)
        ]


@given(moments, st.sampled_from(ZONES), quiet_hours)
def test_next_allowed_properties(instant: datetime, tz: ZoneInfo, quiet: QuietHours) -> None:
    moved = quiet.next_allowed(instant, tz)
    assert moved.tzinfo is UTC
    assert not quiet.contains(moved.astimezone(tz).time())
    if quiet.contains(instant.astimezone(tz).time()):
        assert instant < moved <= instant + 2 * D
    else:
        assert moved == instant


@given(moments, st.sampled_from(ZONES), walls)
def test_next_local_time_properties(now: datetime, tz: ZoneInfo, at: time) -> None:
    nxt = next_local_time(now, tz, at)
    assert nxt.tzinfo is UTC
    assert now < nxt <= now + 2 * D
    wall = datetime.combine(nxt.astimezone(tz).date(), at, tzinfo=tz)
    if wall.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall.replace(tzinfo=None):
        assert nxt.astimezone(tz).time() == at  # the wall time exists that day: exactly it


@given(policies)
def test_policy_text_round_trips(policy: ReminderPolicy) -> None:
    assert ReminderPolicy.parse(policy.text()) == policy


@given(st.text(max_size=30))
def test_parse_either_reads_or_names_the_problem(text: str) -> None:
    try:
        policy = ReminderPolicy.parse(text)
    except ValueError as exc:
        problem = str(exc)
    else:
        assert ReminderPolicy.parse(policy.text()) == policy
        return
    assert problem
