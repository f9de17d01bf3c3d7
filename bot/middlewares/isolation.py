"""One person's updates run one at a time: the event-isolation lock, outermost.

aiogram normally takes this lock inside its FSM middleware, which it registers
before any of ours, so the FSM state was read before the update's database
transaction existed (a second connection and transaction per update). Here the
lock is taken first, then the transaction opens (``DbSessionMiddleware``), then
aiogram's FSM middleware reads the state inside it. The lock is held until the
transaction has committed, so the next update of the same person always sees
this one's writes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.fsm.storage.base import BaseEventIsolation
from aiogram.types import TelegramObject


class EventIsolationMiddleware(BaseMiddleware):
    def __init__(self, fsm: FSMContextMiddleware, isolation: BaseEventIsolation) -> None:
        self.fsm = fsm  # resolves the same key (user in chat) the FSM state uses
        self.isolation = isolation

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot = data["bot"]
        context = self.fsm.resolve_event_context(bot, data)
        if context is None:
            return await handler(event, data)
        async with self.isolation.lock(key=context.key):
            return await handler(event, data)
