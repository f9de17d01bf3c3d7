"""The 429 request middleware waits Telegram's retry_after and tries again, within limits."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.telegram_retry import RetryAfterMiddleware, caller_handles_retry_after

METHOD = SendMessage(chat_id=1, text="hi")


class Flaky:
    def __init__(self, failures: int, retry_after: int = 2) -> None:
        self.failures = failures
        self.retry_after = retry_after
        self.calls = 0

    async def __call__(self, bot: Any, method: Any) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise TelegramRetryAfter(method, "Too Many Requests", self.retry_after)
        return "ok"


async def test_waits_and_retries() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    request = Flaky(failures=2)
    result = await RetryAfterMiddleware(sleep=sleep)(request, None, METHOD)  # type: ignore[arg-type]
    assert result == "ok"
    assert request.calls == 3
    assert waits == [2, 2]


async def test_gives_up_after_max_attempts() -> None:
    async def sleep(seconds: float) -> None:
        return None

    request = Flaky(failures=5)
    with pytest.raises(TelegramRetryAfter):
        await RetryAfterMiddleware(max_attempts=3, sleep=sleep)(request, None, METHOD)  # type: ignore[arg-type]
    assert request.calls == 3


async def test_long_flood_wait_is_not_slept_through() -> None:
    async def sleep(seconds: float) -> None:
        raise AssertionError("must not sleep")

    request = Flaky(failures=1, retry_after=300)
    with pytest.raises(TelegramRetryAfter):
        await RetryAfterMiddleware(max_wait=30, sleep=sleep)(request, None, METHOD)  # type: ignore[arg-type]
    assert request.calls == 1


async def test_callers_that_reschedule_get_the_429_at_once() -> None:
    async def sleep(seconds: float) -> None:
        raise AssertionError("must not sleep")

    request = Flaky(failures=1, retry_after=2)
    with caller_handles_retry_after(), pytest.raises(TelegramRetryAfter):
        await RetryAfterMiddleware(sleep=sleep)(request, None, METHOD)  # type: ignore[arg-type]
    assert request.calls == 1
