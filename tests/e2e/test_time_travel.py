"""The time jump the local sandbox offers ("+1 hour", "+1 day"): move the clock, then
``run_scheduled_passes`` runs the bot's scheduled jobs once. The real bot against the
emulator: a reminder falls due and arrives; the passes tied to a time of day run only
when the jump crossed their time, and never send twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.time_travel import jump as time_travel
from bot.time_travel import run_scheduled_passes
from sandbox import Emulator
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, A, seed
from tests.e2e.test_reminders import accepted


async def only_on_demand(runner: RunningBot) -> None:
    """Stop the scheduler's own timers: what is sent here is sent by the jump."""
    assert runner.parts is not None
    await runner.parts.scheduler.stop()


async def jump(runner: RunningBot, delta: timedelta) -> dict[str, bool]:
    """The sandbox's time jump (``bot/time_travel.jump``) on the test's clock."""
    assert runner.parts is not None and runner.bot is not None
    results = await time_travel(runner.clock, delta, runner.parts, runner.bot)
    assert [r.error for r in results if r.error] == []
    return {r.name: r.ran for r in results}


async def test_jump_sends_the_due_reminder(running_bot: RunningBot, emulator: Emulator) -> None:
    await only_on_demand(running_bot)
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)  # deadline: the end of 9 March (Vietnam); 48 h reminder due then
    lan = world.ambassadors[A]
    clock = running_bot.clock
    clock.now = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # 19:00 on the 7th: nothing due yet
    await jump(running_bot, timedelta(hours=1))
    await lan.expect_silence()
    # 48 h before the deadline is inside quiet hours: it goes at 07:00 on the 8th.
    ran = await jump(running_bot, timedelta(days=1))
    assert ran["reminders"]
    reminder = await lan.expect_message()
    assert reminder.text.startswith("⏰ Nhắc việc")
    assert t(LANG, "reminder.btn.snooze") in reminder.button_texts
    await jump(running_bot, timedelta(hours=1))  # already sent: not again
    await lan.expect_silence()


async def test_time_of_day_passes_run_when_crossed_and_once(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    await only_on_demand(running_bot)
    organizer = emulator.user(id=ORGANIZER_ID)
    clock = running_bot.clock
    clock.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Vietnam
    ran = await jump(running_bot, timedelta(hours=1))  # 09:00 -> 10:00: outcome questions
    assert ran == {
        "offer-expiry": True,
        "reminders": True,
        "broadcasts": True,
        "broadcast-progress": True,
        "link-rechecks": True,
        "daily-digest": False,
        "outcome-questions": True,
        "weekly-report": False,
    }
    await organizer.expect_silence()
    ran = await jump(running_bot, timedelta(days=1))  # past Tuesday 08:00: the digest
    assert ran["daily-digest"] and not ran["weekly-report"]
    digest = await organizer.expect_message()
    assert "03/03/2026" in digest.text  # Tuesday's
    # Run everything again on the same day (as a restart or a second process would):
    # the digest's claim on the local date holds, nothing is sent twice.
    assert running_bot.parts is not None and running_bot.bot is not None
    results = await run_scheduled_passes(running_bot.parts, running_bot.bot)
    assert all(r.ran for r in results)
    await organizer.expect_silence()
    ran = await jump(running_bot, timedelta(days=6))  # past Monday 08:00 again
    assert ran["weekly-report"] and ran["daily-digest"]
    assert "09/03/2026" in (await organizer.expect_message()).text
    await organizer.expect_silence()  # one digest for six days skipped
