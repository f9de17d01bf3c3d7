"""The in-process scheduler: explicit misfire and coalescing settings, a failing pass
does not stop the next, and stop() waits for a pass in flight."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import MISFIRE_GRACE_SECONDS, BotScheduler, ScheduledJob


async def test_jobs_get_explicit_misfire_and_coalescing() -> None:
    async def noop(bot: Any) -> None:
        return None

    scheduler = BotScheduler([ScheduledJob("tick", noop, IntervalTrigger(hours=1))])
    await scheduler.start(bot=object())  # type: ignore[arg-type]
    try:
        assert scheduler._scheduler is not None
        (job,) = scheduler._scheduler.get_jobs()
        assert job.id == "tick"
        assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS  # not APScheduler's 1 s
        assert job.coalesce is True and job.max_instances == 1
    finally:
        await scheduler.stop()
    assert not scheduler.running


async def test_stop_waits_for_a_pass_in_flight_and_failures_are_contained() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow(bot: Any) -> None:
        started.set()
        await release.wait()
        finished.append("slow")

    async def broken(bot: Any) -> None:
        raise RuntimeError("boom")

    now = DateTrigger(run_date=datetime.now(UTC))
    scheduler = BotScheduler([ScheduledJob("slow", slow, now), ScheduledJob("broken", broken, now)])
    await scheduler.start(bot=object())  # type: ignore[arg-type]
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0)  # let stop() begin waiting
    assert not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished == ["slow"]
