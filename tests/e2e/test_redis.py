"""With Redis: FSM storage and event isolation in Redis; a restart keeps the conversation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from sandbox import Emulator
from tests.conftest import REDIS_URL, FakeClock
from tests.e2e.conftest import RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import expect, onboard

pytestmark = pytest.mark.skipif(
    not REDIS_URL,
    reason="TEST_REDIS_URL is not set: the Redis-backed FSM test needs a Redis server",
)


@pytest.fixture
async def redis_bot(
    emulator: Emulator, migrated_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    from redis.asyncio import Redis

    assert REDIS_URL
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    runner = RunningBot(make_settings(emulator, migrated_url, redis_url=REDIS_URL), clock, redis)
    await runner.start()
    await open_organizer_chats(emulator)
    yield runner
    await runner.stop()
    await redis.flushdb()
    await redis.aclose()


async def test_restart_keeps_conversation_in_redis(
    emulator: Emulator, redis_bot: RunningBot
) -> None:
    user = emulator.user(id=7_700_000_001, first_name="Redis", language_code="en")
    await onboard(user, "en", "startup")
    await expect(user, "en", "ask.company_name")
    assert await redis_bot.redis.keys("fsm:*")
    await redis_bot.restart()
    await user.send("Redis Robotics")
    await expect(user, "en", "ask.sectors")
