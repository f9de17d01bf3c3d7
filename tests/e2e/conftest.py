"""End-to-end harness: the real bot (aiogram's real HTTP session, the production
factories) polling the Bot API emulator from ``sandbox/`` over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.dispatcher import DispatcherParts, create_dispatcher
from bot.embedded import EmbeddedBot
from sandbox import Emulator, RateLimits
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
class RunningBot(EmbeddedBot):
    """The bot under test, in-process (``bot/embedded.py``, shared with the local
    sandbox), on the test's fake clock."""

    clock: FakeClock

    def create_parts(self, sessionmaker: async_sessionmaker[AsyncSession]) -> DispatcherParts:
        # Looked up in this module when called: a test may monkeypatch create_dispatcher.
        return create_dispatcher(self.settings, sessionmaker, clock=self.clock, redis=self.redis)


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
