"""Run the bot's scheduled passes now, once: after the clock was moved by hand.

``jump`` is the one way to travel: the local sandbox's "+1 hour" / "+1 day" and the
end-to-end tests both call it (it moves the ``ShiftableClock``, then calls
``run_scheduled_passes``).
Every job of ``BotScheduler`` runs in the scheduler's order, each in its own
transactions (the job's ``run_once``), so what is due at the new time — reminders,
expiring offers, scheduled broadcasts and their progress — goes out at once.

Passes tied to a time of day are safe to run on demand: the daily digest claims the
local date and the weekly report the ISO week (``job_runs``), and each outcome
question claims its request, so none is ever sent twice. Given ``since`` (the time
before the jump), a time-of-day pass runs only when its trigger fell due in
``(since, now]``: jumping an hour at 14:00 sends no digest, jumping past 08:00 does
(once, however many days were skipped, as APScheduler coalesces missed runs).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiogram import Bot
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import ShiftableClock
from bot.dispatcher import DispatcherParts
from bot.scheduler import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PassResult:
    name: str
    ran: bool
    error: str | None = None


def fell_due(job: ScheduledJob, since: datetime, now: datetime) -> bool:
    """Whether the job's trigger fires in ``(since, now]``; interval jobs always do."""
    if isinstance(job.trigger, IntervalTrigger):
        return True
    after = since + timedelta(microseconds=1)
    fire = job.trigger.get_next_fire_time(None, after)
    return fire is not None and fire <= now


async def run_scheduled_passes(
    parts: DispatcherParts, bot: Bot, *, since: datetime | None = None
) -> list[PassResult]:
    """Run every scheduled job once, in order; a failing pass is logged and the
    others still run. ``since``: skip time-of-day passes that did not fall due
    between then and the clock's now (all run when None)."""
    now = parts.reminders.clock()
    results = []
    for job in parts.scheduler.jobs:
        if since is not None and not fell_due(job, since, now):
            results.append(PassResult(job.name, ran=False))
            continue
        try:
            await job.func(bot)
        except Exception as exc:
            log.exception("scheduled pass failed", extra={"job": job.name})
            results.append(PassResult(job.name, ran=True, error=f"{type(exc).__name__}: {exc}"))
        else:
            results.append(PassResult(job.name, ran=True))
    return results


async def jump(
    clock: ShiftableClock, delta: timedelta, parts: DispatcherParts, bot: Bot
) -> list[PassResult]:
    """Time travel as the sandbox's "+1 hour" / "+1 day" and the tests do it: move the
    clock forwards, then run every scheduled pass once (those tied to a time of day
    only if the jump crossed it)."""
    before = clock()
    clock.advance(delta)
    return await run_scheduled_passes(parts, bot, since=before)
