"""/report's chart and the weekly report over the emulator: the report arrives as the
message then one PNG photo (1080×1350) with 🔔/🔕 under it; the organizer turns the
weekly report on and off (a startup's forged press is refused); every Monday 08:00
local the subscribed organizers (only them, and only organizers) get the last 7 days'
report with the chart, once per ISO week whatever the runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.ui.callbacks import ReportCB
from bot.ui.report_chart import HEIGHT, WIDTH
from sandbox import Emulator
from storage.db import create_sessionmaker
from storage.repositories import Repositories
from tests.e2e.conftest import RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import seed
from tests.e2e.test_campaigns import LANG, organizer

#: Monday 23/03/2026 08:00 in Asia/Ho_Chi_Minh.
MONDAY_8 = datetime(2026, 3, 23, 1, 0, tzinfo=UTC)


async def test_report_chart_toggle_and_weekly_job(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    running_bot.clock.now = MONDAY_8 - timedelta(days=2)
    world = await seed(running_bot, emulator, ambassadors=1)
    org = organizer(emulator)
    await org.send("/start")
    await org.expect_message()
    await org.send("/report")
    chooser = await org.expect_message()
    await org.press(t(LANG, "report.btn.month"), message=chooser)
    text = await org.expect_message()
    assert t(LANG, "report.links", count=0) in (text.html or "").split("\n")
    chart = await org.expect_message()
    assert chart.photo is not None
    big = chart.photo[-1]
    assert (big["width"], big["height"]) == (WIDTH, HEIGHT) and big["file_size"] < 300_000
    assert chart.button_texts == [t(LANG, "report.sub.btn.off")]

    # On, then off, then on again (the button shows the state).
    for subscribed in (True, False, True):
        answer = await org.press_data(ReportCB(kind="sub").pack(), message=chart)
        assert answer.text == t(LANG, "report.sub.on" if subscribed else "report.sub.off")
        chart = await org.expect_edit()
        key = "report.sub.btn.on" if subscribed else "report.sub.btn.off"
        assert chart.button_texts == [t(LANG, key)]

    # A startup cannot subscribe, even with a forged button.
    forged = await world.founder.press_data(ReportCB(kind="sub").pack(), message=chart)
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    sessionmaker = create_sessionmaker(running_bot.engine)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assert await repos.report_subscriptions.subscribers() == [org.id]
        # A subscription row left for someone who is not an organizer: never sent.
        await repos.report_subscriptions.subscribe(world.founder.id, MONDAY_8)

    assert running_bot.parts is not None and running_bot.bot is not None
    job = running_bot.parts.weekly_report
    running_bot.clock.now = MONDAY_8
    assert await job.run_once(running_bot.bot) == 1
    weekly = await org.expect_message()
    assert (weekly.html or "").startswith(
        t(LANG, "report.title.week", start="16/03/2026", end="22/03/2026")
    )
    photo = await org.expect_message()
    assert photo.photo is not None and photo.photo[-1]["width"] == WIDTH
    assert photo.button_texts == [t(LANG, "report.sub.btn.on")]
    # Once per ISO week: later the same week (another process, say) sends nothing.
    running_bot.clock.advance(timedelta(hours=3))
    assert await job.run_once(running_bot.bot) == 0
    running_bot.clock.now = MONDAY_8 + timedelta(days=6)
    assert await job.run_once(running_bot.bot) == 0
    # The next Monday: again; after unsubscribing: nothing.
    running_bot.clock.now = MONDAY_8 + timedelta(weeks=1)
    assert await job.run_once(running_bot.bot) == 1
    await org.expect_message()
    await org.expect_message()
    await org.press_data(ReportCB(kind="sub").pack(), message=photo)
    await org.expect_edit()
    running_bot.clock.now = MONDAY_8 + timedelta(weeks=2)
    assert await job.run_once(running_bot.bot) == 0
    assert world.founder.last_bot_message() is not None
    assert world.founder.last_bot_message().photo is None  # type: ignore[union-attr]
