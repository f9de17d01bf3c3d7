"""Paid broadcasts: sends with allow_paid_broadcast draw on a 1,000/s overall bucket
instead of the free 30/s one; per-chat limits still apply."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

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


async def test_paid_sends_pass_the_free_overall_limit(limited: tuple[Emulator, RawApi]) -> None:
    emu, api = limited
    for uid in range(2000, 2100):
        emu.user(uid, f"U{uid}")
    for uid in range(2000, 2030):  # the free bucket: 30 at once
        await api.ok("sendMessage", chat_id=uid, text="free")
    status, _ = await api("sendMessage", chat_id=2030, text="free, one too many")
    assert status == 429
    for uid in range(2030, 2100):  # the same second, paid: accepted (JSON and form bodies)
        how = "json" if uid % 2 else "form"
        await api.ok("sendMessage", how=how, chat_id=uid, text="paid", allow_paid_broadcast=True)
    assert emu.error_stats["sendMessage:429"] == 1
    assert emu.chat(2099).messages()[-1].text == "paid"


def test_paid_bucket_is_1000_a_second_and_per_chat_limits_stay(clock: FakeClock) -> None:
    limiter = RateLimiter(RateLimits(), clock)
    for chat in range(1000):
        limiter.consume(chat, True, paid=True)
    with pytest.raises(ApiError) as flood:
        limiter.consume(5000, True, paid=True)
    assert flood.value.code == 429
    limiter.consume(5000, True)  # the free bucket is untouched
    clock.now += 0.5
    for chat in range(1000, 1500):  # refilled at 1,000/s
        limiter.consume(chat, True, paid=True)
    with pytest.raises(ApiError):
        limiter.consume(1500, True, paid=True)
    group = -100
    for _ in range(20):  # a group's 20 a minute (burst 20) holds for paid sends too
        clock.now += 0.01
        limiter.consume(group, False, paid=True)
    with pytest.raises(ApiError):
        limiter.consume(group, False, paid=True)
