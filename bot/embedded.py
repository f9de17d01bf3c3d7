"""The bot running inside another program's event loop: long polling a Bot API
server (the emulator) as a task that can be stopped and started again.

The local sandbox (``sandbox/local.py``) and the end-to-end tests
(``tests/e2e/conftest.py``) run the bot this way: the production factories
(``create_dispatcher``, ``create_bot``, ``register_lifecycle``) and aiogram's real
HTTP session, with the clock they control; nothing is stubbed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import register_lifecycle
from bot.clock import Clock
from bot.config import Settings
from bot.dispatcher import DispatcherParts, create_bot, create_dispatcher
from storage.db import create_engine, create_sessionmaker

START_TIMEOUT = 10.0


@dataclass
class EmbeddedBot:
    """One bot process, simulated in-process; ``restart`` builds everything anew."""

    settings: Settings
    clock: Clock
    redis: Any = None
    #: Seconds a getUpdates call may wait (short: stopping waits for the one in flight).
    polling_timeout: int = 1
    parts: DispatcherParts | None = None
    bot: Bot | None = None
    engine: Any = None
    task: asyncio.Task[None] | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    def create_parts(self, sessionmaker: async_sessionmaker[AsyncSession]) -> DispatcherParts:
        """The production dispatcher (a test harness may wrap it)."""
        return create_dispatcher(self.settings, sessionmaker, clock=self.clock, redis=self.redis)

    async def start(self) -> None:
        self.engine = create_engine(self.settings.database_url, pool_size=20)
        self.parts = self.create_parts(create_sessionmaker(self.engine))
        register_lifecycle(self.parts, self.settings)
        self.started = asyncio.Event()

        async def mark_started() -> None:
            self.started.set()

        self.parts.dispatcher.startup.register(mark_started)
        self.bot = create_bot(self.settings)
        dp = self.parts.dispatcher
        self.task = asyncio.create_task(
            dp.start_polling(
                self.bot,
                handle_signals=False,
                polling_timeout=self.polling_timeout,
                allowed_updates=dp.resolve_used_update_types(),
                tasks_concurrency_limit=self.settings.max_concurrent_updates,
            )
        )
        started = asyncio.ensure_future(self.started.wait())
        done, _ = await asyncio.wait(
            {started, self.task}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if started not in done:
            started.cancel()
            if self.task in done:
                self.task.result()  # raises why polling ended before start-up finished
            raise TimeoutError(f"the bot did not start within {START_TIMEOUT:g}s")

    async def stop(self) -> None:
        """Stop polling: shutdown hooks run (updates in flight finish, the scheduler
        stops), the bot's HTTP session closes; then the database engine."""
        if self.parts is not None and self.task is not None and not self.task.done():
            await self.parts.dispatcher.stop_polling()
            await asyncio.wait_for(self.task, 10)
        if self.engine is not None:
            await self.engine.dispose()
        self.task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()
