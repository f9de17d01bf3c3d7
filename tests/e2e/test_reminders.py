"""Reminders end to end: the real bot and its scheduler's passes, the emulator, a
fake clock. Accept → the clock moves → reminders arrive at the planned local times,
in the ambassador's language, with their buttons; snooze; give the story back; a
restart with reminders due sends one; two processes never send the same one."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from bot.i18n import default_translator
from bot.jobs import ReminderJob
from sandbox import Emulator, SimMessage
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, A, B, World, seed, submit_pitch

#: The pitch's "7 days" deadline is the end of 9 March in Vietnam (16:59:59 UTC).
DEADLINE = datetime(2026, 3, 9, 16, 59, 59, tzinfo=UTC)


async def accepted(world: World) -> SimMessage:
    """The founder pitches (7 days, one ambassador); Lan accepts. Returns her brief."""
    await submit_pitch(world.founder, wanted=1)
    lan = world.ambassadors[A]
    offer = await lan.expect_message()
    await lan.press(t(LANG, "offer.btn.accept"), message=offer)
    await lan.expect_edit()
    brief = await lan.expect_message()
    await world.founder.expect_message()  # "Lan accepted"
    return brief


async def run_reminders(runner: RunningBot) -> int:
    assert runner.parts is not None and runner.bot is not None
    return await runner.parts.reminders.run_once(runner.bot)


async def test_reminders_arrive_on_time_with_buttons(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=2)
    await accepted(world)
    lan = world.ambassadors[A]
    clock = running_bot.clock
    # 48 h before is 23:59:59 on the 7th: quiet hours, so 07:00 on the 8th (00:00 UTC).
    clock.now = datetime(2026, 3, 7, 23, 59, tzinfo=UTC)
    assert await run_reminders(running_bot) == 0
    await lan.expect_silence()
    clock.now = datetime(2026, 3, 8, 0, 0, 30, tzinfo=UTC)
    assert await run_reminders(running_bot) == 1
    reminder = await lan.expect_message()
    assert reminder.text.startswith("⏰ Nhắc việc")  # in her language
    assert "23:59 09/03/2026" in reminder.text
    assert reminder.button_texts == [
        t(LANG, "link.btn.submit"),
        t(LANG, "reminder.btn.snooze"),
        t(LANG, "reminder.btn.release"),
    ]
    assert not reminder.disable_notification
    assert await run_reminders(running_bot) == 0  # sent once
    # Snooze: nothing more until a day later (the 24 h reminder is skipped).
    answer = await lan.press(t(LANG, "reminder.btn.snooze"), message=reminder)
    assert answer.text is not None and "09/03/2026" in answer.text
    await lan.expect_edit()
    clock.advance(timedelta(hours=23))
    assert await run_reminders(running_bot) == 0
    clock.advance(timedelta(hours=1, minutes=1))
    assert await run_reminders(running_bot) == 1
    snoozed = await lan.expect_message()
    assert "Nhắc lại như bạn hẹn" in snoozed.text
    # Can't do it: confirm, the startup hears, Minh is asked instead.
    await lan.press(t(LANG, "reminder.btn.release"), message=snoozed)
    confirm = await lan.expect_edit()
    await lan.press(t(LANG, "reminder.btn.release_yes"), message=confirm)
    await lan.expect_edit()
    told = await world.founder.expect_message()
    assert "Lan" in told.text
    replacement = await world.ambassadors[B].expect_message()
    assert t(LANG, "offer.btn.accept") in replacement.button_texts
    clock.now = DEADLINE + timedelta(days=2)
    assert await run_reminders(running_bot) == 0  # her reminders stopped
    await lan.expect_silence()


async def test_silent_mode_and_overdue(running_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    lan = world.ambassadors[A]
    await lan.send("/settings")
    menu = await lan.expect_message()
    await lan.press(t(LANG, "settings.mode.silent"), message=menu)
    await lan.expect_edit()
    clock = running_bot.clock
    clock.now = datetime(2026, 3, 8, 0, 1, tzinfo=UTC)
    await run_reminders(running_bot)
    assert (await lan.expect_message()).disable_notification
    clock.now = DEADLINE - timedelta(hours=2) + timedelta(minutes=1)  # the loud one
    await run_reminders(running_bot)
    assert not (await lan.expect_message()).disable_notification
    clock.now = DEADLINE + timedelta(days=6)
    await run_reminders(running_bot)
    organizer = emulator.user(id=ORGANIZER_ID)
    notice = await organizer.expect_message()
    assert "Quá hạn" in notice.text and "Lan" in notice.text


async def test_restart_sends_due_reminders_once(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    lan = world.ambassadors[A]
    await running_bot.stop()
    running_bot.clock.now = DEADLINE - timedelta(hours=1)  # 48 h, 24 h and 2 h all fell due
    await running_bot.start()
    assert await run_reminders(running_bot) == 1
    latest = await lan.expect_message()
    assert "Nhắc việc" in latest.text
    assert await run_reminders(running_bot) == 0
    await lan.expect_silence()


async def test_blocked_ambassador_stops_and_organizers_hear(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    await world.ambassadors[A].block_bot()
    running_bot.clock.now = datetime(2026, 3, 8, 0, 1, tzinfo=UTC)
    assert await run_reminders(running_bot) == 0
    notice = await emulator.user(id=ORGANIZER_ID).expect_message()
    assert "Lan" in notice.text and "🚫" in notice.text
    running_bot.clock.advance(timedelta(days=1))
    assert await run_reminders(running_bot) == 0


async def test_two_processes_never_send_the_same_reminder(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    """Two scheduler instances (different claim tokens) on the same database."""
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    assert running_bot.parts is not None and running_bot.bot is not None
    other = ReminderJob(
        world.sessionmaker,
        running_bot.settings,
        default_translator("vi"),
        running_bot.clock,
        token="second-process",
    )
    running_bot.clock.now = datetime(2026, 3, 8, 0, 1, tzinfo=UTC)
    counts = await asyncio.gather(run_reminders(running_bot), other.run_once(running_bot.bot))
    assert sorted(counts) == [0, 1]
    await world.ambassadors[A].expect_message()
    await world.ambassadors[A].expect_silence()
    async with world.sessionmaker() as session:
        repos = Repositories.bind(session)
        assert await repos.reminders.count(["sent"]) == 1


async def test_daily_digest_once_a_day(running_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    lan = world.ambassadors[A]
    await lan.send("/settings")
    menu = await lan.expect_message()
    await lan.press(t(LANG, "settings.mode.digest"), message=menu)
    await lan.expect_edit()
    running_bot.clock.now = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam
    assert running_bot.parts is not None and running_bot.bot is not None
    assert await run_reminders(running_bot) == 0  # digest people get no single reminders
    assert await running_bot.parts.digest.run_once(running_bot.bot)
    digest = await lan.expect_message()
    assert "Bài của bạn hôm nay" in digest.text and "Nông Trại Số" in digest.text
    organizer = await emulator.user(id=ORGANIZER_ID).expect_message()
    assert "Tóm tắt hằng ngày" in organizer.text and "Lan" in organizer.text  # due within 48 h
    assert not await running_bot.parts.digest.run_once(running_bot.bot)  # once a day
    await lan.expect_silence()


async def test_submit_from_a_reminder_stops_them_and_exports_once(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    """accept → reminder → Submit link on it → confirm → no more reminders → CSV once."""
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    lan = world.ambassadors[A]
    clock = running_bot.clock
    clock.now = datetime(2026, 3, 8, 0, 1, tzinfo=UTC)
    assert await run_reminders(running_bot) == 1
    reminder = await lan.expect_message()
    await lan.press(t(LANG, "link.btn.submit"), message=reminder)
    await lan.expect_message()  # "send me the links"
    url = "https://www.tiktok.com/@lan.review/video/7390000000000000001?is_from_webapp=1"
    await lan.send(f"Đây ạ {url}")
    card = await lan.expect_message()
    await lan.press(t(LANG, "link.btn.confirm"), message=card)
    await lan.expect_edit()
    await world.founder.expect_message()  # the startup gets the link
    for hours in (24, 48, 24 * 5):  # past 24 h, 2 h, the deadline and overdue
        clock.now = DEADLINE + timedelta(hours=hours - 24)
        assert await run_reminders(running_bot) == 0
    await lan.expect_silence()
    organizer = emulator.user(id=ORGANIZER_ID)
    await organizer.send("/export")
    question = await organizer.expect_message()
    await organizer.press(t(LANG, "links.export.all"), message=question)
    sent = await organizer.expect_message()
    assert sent.document is not None
    csv_text = emulator.world.files[sent.document["file_id"]].data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))[1:]
    normalized = "https://www.tiktok.com/@lan.review/video/7390000000000000001"
    assert [row[5] for row in rows] == [normalized]  # exactly once, tracking dropped


async def test_writing_again_after_blocking_resumes_reminders(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await accepted(world)
    lan = world.ambassadors[A]
    await lan.block_bot()
    running_bot.clock.now = datetime(2026, 3, 8, 0, 1, tzinfo=UTC)
    assert await run_reminders(running_bot) == 0
    await emulator.user(id=ORGANIZER_ID).expect_message()  # "Lan blocked the bot"
    await lan.unblock_bot()
    await lan.send("/assignments")
    await lan.expect_message()
    running_bot.clock.now = DEADLINE - timedelta(hours=2) + timedelta(minutes=1)
    assert await run_reminders(running_bot) == 1
    assert "Nhắc việc" in (await lan.expect_message()).text
