"""/mydata and /deleteme halfway through a conversation (issue #7), with the FSM in
the database and in Redis: the JSON file holds the person's current conversation
state, and after the erasure none of their FSM keys is left."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import select

from sandbox import Emulator
from storage.models import FsmRecord
from tests.conftest import REDIS_URL, FakeClock
from tests.e2e.conftest import RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import expect, onboard, t
from tests.e2e.test_privacy import ask_deleteme, document_json

LANG = "en"
#: Not the database tests/e2e/test_redis.py empties: the two may run at the same time.
REDIS_DB = 14


def _redis_url() -> str:
    assert REDIS_URL
    parts = urlsplit(REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


@pytest.fixture(params=["database", "redis"])
async def bot_with(
    request: pytest.FixtureRequest, emulator: Emulator, migrated_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    redis: Any = None
    overrides: dict[str, Any] = {}
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set: the Redis FSM needs a Redis server")
        from redis.asyncio import Redis

        overrides["redis_url"] = _redis_url()
        redis = Redis.from_url(overrides["redis_url"])
    runner = RunningBot(make_settings(emulator, migrated_url, **overrides), clock, redis)
    await runner.start()
    await open_organizer_chats(emulator)
    yield runner
    await runner.stop()
    if redis is not None:
        await redis.aclose()


async def fsm_keys(bot: RunningBot, uid: int) -> set[str]:
    """Every FSM key naming ``uid``: the whole table, or a SCAN of Redis."""
    if bot.redis is not None:
        found = bot.redis.scan_iter(match=f"fsm:*{uid}*", count=500)
        return {k.decode() async for k in found if not k.decode().endswith(":lock")}
    async with bot.engine.connect() as conn:
        keys = (await conn.execute(select(FsmRecord.key))).scalars()
        return {k for k in keys if str(uid) in k}


async def test_mydata_holds_the_conversation_and_deleteme_ends_it(
    emulator: Emulator, bot_with: RunningBot
) -> None:
    uid = 7_950_000_000 + random.randrange(10**6)  # a Redis key of its own in every run
    founder = emulator.user(id=uid, first_name="Hà", language_code=LANG)
    await onboard(founder, LANG, "startup")
    await expect(founder, LANG, "ask.company_name")
    assert await fsm_keys(bot_with, uid)  # a conversation under way

    await founder.send("/mydata")
    _, data = document_json(emulator, await founder.expect_message())
    states = data["fsm_states"]
    assert [s["key"] for s in states] == [f"fsm:{emulator.bot_id}:{uid}:{uid}"]
    assert states[0]["state"]  # the question being answered

    ask = await ask_deleteme(founder, LANG)
    await founder.press(t(LANG, "privacy.btn.confirm"), message=ask)
    assert (await founder.expect_edit()).html == t(LANG, "privacy.delete.done")
    assert await fsm_keys(bot_with, uid) == set()
    # Writing again starts over (no form half-filled).
    await founder.send("Công ty Mới")
    again = await founder.expect_message()
    assert again.html != t(LANG, "ask.sectors")
