"""Bot API request middleware: wait and retry when Telegram answers 429.

Telegram's flood control says how long to wait (``retry_after``). A short wait is
worth taking so the person still gets their reply; a long one is not (the update
would hold a worker for minutes), so it is re-raised for the caller to handle.

Callers that schedule their own retries (the broadcast sender puts the row back
with ``not_before``) turn the waiting off for their requests with
``caller_handles_retry_after()``: a sender must not hold a send slot for 30 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType

log = logging.getLogger(__name__)

_caller_handles = ContextVar("caller_handles_retry_after", default=False)


@contextlib.contextmanager
def caller_handles_retry_after() -> Iterator[None]:
    """Within this block (this task and tasks it starts), 429s are raised at once."""
    token = _caller_handles.set(True)
    try:
        yield
    finally:
        _caller_handles.reset(token)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        *,
        max_attempts: int = 3,
        max_wait: float = 30.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if _caller_handles.get():
                    raise
                if attempt >= self.max_attempts or exc.retry_after > self.max_wait:
                    raise
                log.warning(
                    "flood control: retrying",
                    extra={
                        "method": type(method).__name__,
                        "retry_after": exc.retry_after,
                        "attempt": attempt,
                    },
                )
                await self.sleep(exc.retry_after)
                attempt += 1
