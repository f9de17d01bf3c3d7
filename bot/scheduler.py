"""APScheduler inside the bot process: it decides *when* to look; the application's
own tables decide *what* is due.

Every job here is a short pass that claims due rows atomically from the database and
acts on them (``bot/jobs.py``), so the scheduler keeps no state worth persisting: its
in-memory job store is rebuilt at start, and a restart or a second bot process
loses or doubles nothing. Defaults are explicit because APScheduler's are wrong for
a busy event loop: a ``misfire_grace_time`` of 1 s silently drops a run that starts
late, so runs may start up to ``MISFIRE_GRACE_SECONDS`` late, late runs coalesce into
one, and one instance of a job runs at a time.

Jobs get the ``Bot`` when the dispatcher starts (``start(bot)``), and ``stop()``
waits for passes in flight, so shutdown never cuts a send in half.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 300
STOP_GRACE_SECONDS = 30.0

JobFunc = Callable[[Bot], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A pass to run on a trigger: ``func(bot)`` (it opens its own transaction)."""

    name: str
    func: JobFunc
    trigger: BaseTrigger


class BotScheduler:
    def __init__(self, jobs: list[ScheduledJob]) -> None:
        self.jobs = jobs
        self._scheduler: AsyncIOScheduler | None = None
        self._running: set[asyncio.Task[Any]] = set()

    async def _run(self, job: ScheduledJob, bot: Bot) -> None:
        """One pass, tracked so ``stop`` can wait for it; a failure is logged, and
        the next pass runs as planned."""
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            await job.func(bot)
        except Exception:
            log.exception("scheduled job failed", extra={"job": job.name})
        finally:
            self._running.discard(task)

    async def start(self, bot: Bot) -> None:
        """Dispatcher startup hook."""
        if self._scheduler is not None:
            return
        scheduler = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )
        for job in self.jobs:
            scheduler.add_job(self._run, job.trigger, args=(job, bot), id=job.name, name=job.name)
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        """Dispatcher shutdown hook: no new passes; wait for those running, then shut
        down (APScheduler's own shutdown would cancel a pass mid-send)."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        self._scheduler = None
        scheduler.pause()
        if self._running:
            _, pending = await asyncio.wait(set(self._running), timeout=STOP_GRACE_SECONDS)
            for task in pending:
                log.warning("scheduled job still running at shutdown: cancelled")
                task.cancel()
        scheduler.shutdown(wait=False)

    @property
    def running(self) -> bool:
        return self._scheduler is not None
