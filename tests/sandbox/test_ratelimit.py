"""Flood limits: 429 with retry_after, driven by an injected clock instead of sleeping."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

from sandbox import Emulator, RateLimits
from sandbox.errors import ApiError
from sandbox.ratelimit import RateLimiter
from tests.sandbox.conftest import RawApi


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def limited(clock: FakeClock) -> AsyncIterator[tuple[Emulator, RawApi]]:
    async with (
        Emulator(rate_limits=RateLimits(), clock=clock) as emu,
        aiohttp.ClientSession() as session,
    ):
        yield emu, RawApi(session, emu)


async def test_private_chat_burst_then_429_with_retry_after(
    limited: tuple[Emulator, RawApi], clock: FakeClock
):
    emu, api = limited
    emu.user(1001, "Lan")
    for i in range(10):
        await api.ok("sendMessage", chat_id=1001, text=f"msg {i}")
    status, body = await api("sendMessage", chat_id=1001, text="one too many")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    clock.now += 1.0
    await api.ok("sendMessage", chat_id=1001, text="after waiting")
    assert emu.error_stats["sendMessage:429"] == 1


async def test_a_loop_of_50_messages_hits_the_limit_but_a_conversation_does_not(
    limited: tuple[Emulator, RawApi], clock: FakeClock
):
    emu, api = limited
    emu.user(1, "A")
    # A normal exchange: send a menu, edit it after a press, then two follow-ups.
    sent = await api.ok("sendMessage", chat_id=1, text="menu")
    await api.ok("editMessageText", chat_id=1, message_id=sent["message_id"], text="chosen")
    await api.ok("sendMessage", chat_id=1, text="follow-up 1")
    await api.ok("sendMessage", chat_id=1, text="follow-up 2")
    statuses = [(await api("sendMessage", chat_id=1, text="spam"))[0] for _ in range(50)]
    assert 429 in statuses
    assert statuses.count(200) == 6  # the burst of 10 minus the 4 above


async def test_global_limit_spans_chats(limited: tuple[Emulator, RawApi]):
    emu, api = limited
    for uid in range(1, 41):
        emu.user(uid, f"U{uid}")
    statuses = [(await api("sendMessage", chat_id=uid, text="hi"))[0] for uid in range(1, 41)]
    assert statuses[:30] == [200] * 30
    assert set(statuses[30:]) == {429}


async def test_group_limit_is_per_minute(limited: tuple[Emulator, RawApi], clock: FakeClock):
    emu, api = limited
    owner = emu.user(1, "Owner")
    group = emu.group("G")
    await owner.add_bot_to(group)
    for _ in range(20):
        await api.ok("sendMessage", chat_id=group.id, text="x")
    status, body = await api("sendMessage", chat_id=group.id, text="x")
    assert status == 429 and body["parameters"]["retry_after"] == 3  # 20/min -> 3 s a token
    clock.now += 3
    await api.ok("sendMessage", chat_id=group.id, text="x")


async def test_rate_limits_off_never_429(emu: Emulator, api: RawApi):
    emu.user(1, "A")
    statuses = {(await api("sendMessage", chat_id=1, text="x"))[0] for _ in range(60)}
    assert statuses == {200}


async def test_aiogram_sees_telegram_retry_after(
    limited: tuple[Emulator, RawApi], clock: FakeClock
):
    emu, _ = limited
    emu.user(1, "A")
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    bot = Bot(emu.token, session=session)
    try:
        for _ in range(10):
            await bot.send_message(1, "x")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(1, "x")
        assert info.value.retry_after == 1
    finally:
        await session.close()


def test_limiter_unit_refill_is_continuous(clock: FakeClock):
    limiter = RateLimiter(RateLimits(private_burst=2, private_rate=0.5), clock)
    limiter.consume(5, is_private=True)
    limiter.consume(5, is_private=True)
    with pytest.raises(ApiError) as info:
        limiter.consume(5, is_private=True)
    assert info.value.parameters == {"retry_after": 2}
    clock.now += 1.5
    with pytest.raises(ApiError) as info:
        limiter.consume(5, is_private=True)
    assert info.value.parameters == {"retry_after": 1}
    clock.now += 0.5
    limiter.consume(5, is_private=True)
    limiter.consume(6, is_private=True)  # another chat has its own bucket
