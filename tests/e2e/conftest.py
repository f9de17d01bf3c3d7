"""End-to-end harness: the real bot (aiogram's real HTTP session, the production
factories) polling the Bot API emulator from ``sandbox/`` over loopback HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot

from bot.app import register_lifecycle
from bot.config import Settings
from bot.dispatcher import DispatcherParts, create_bot, create_dispatcher
from sandbox import Emulator, RateLimits
from storage.db import create_engine, create_sessionmaker
from tests.conftest import FakeClock

TOKEN = "123456:TEST-token-for-e2e"
BOT_USERNAME = "in2spire_test_bot"
ORGANIZER_ID = 900_000_000_001
SECOND_ORGANIZER_ID = 900_000_000_002


def make_settings(emulator: Emulator, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_base": emulator.base_url,
        "database_url": database_url,
        "organizer_ids": (ORGANIZER_ID, SECOND_ORGANIZER_ID),
        "max_concurrent_updates": 16,
        # Never fetch the internet from tests: link checks run only where a test
        # points them at its own loopback server (tests/e2e/test_links.py).
        "link_check": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class RunningBot:
    """One bot process, simulated in-process; ``restart`` builds everything anew."""

    settings: Settings
    clock: FakeClock
    redis: Any = None
    parts: DispatcherParts | None = None
    bot: Bot | None = None
    engine: Any = None
    task: asyncio.Task[None] | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        self.engine = create_engine(self.settings.database_url, pool_size=20)
        self.parts = create_dispatcher(
            self.settings,
            create_sessionmaker(self.engine),
            clock=self.clock,
            redis=self.redis,
        )
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
                polling_timeout=1,
                allowed_updates=dp.resolve_used_update_types(),
                tasks_concurrency_limit=self.settings.max_concurrent_updates,
            )
        )
        await asyncio.wait_for(self.started.wait(), 10)

    async def stop(self) -> None:
        if self.parts is not None and self.task is not None and not self.task.done():
            await self.parts.dispatcher.stop_polling()
            await asyncio.wait_for(self.task, 10)
        if self.engine is not None:
            await self.engine.dispose()
        self.task = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


#: Telegram's flood limits as met in practice: ~1 message/s per private chat on
#: average, but a conversation's short bursts (an edit plus the next question,
#: several quick answers in a row) are allowed. ``test_flood_control`` uses strict
#: limits to show the bot waits and retries on 429.
E2E_LIMITS = RateLimits(private_burst=40)


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, bot_username=BOT_USERNAME, rate_limits=E2E_LIMITS) as emu:
        yield emu


@pytest.fixture
async def running_bot(
    emulator: Emulator, migrated_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    runner = RunningBot(make_settings(emulator, migrated_url), clock)
    await runner.start()
    await open_organizer_chats(emulator)
    yield runner
    await runner.stop()


async def open_organizer_chats(emulator: Emulator) -> None:
    """Telegram lets a bot write only to people who started it: organizers do /start."""
    for organizer_id in (ORGANIZER_ID, SECOND_ORGANIZER_ID):
        organizer = emulator.user(id=organizer_id, first_name="Organizer", language_code="vi")
        await organizer.send("/start")
        await organizer.expect_message()
