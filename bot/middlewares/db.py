"""One database transaction per update.

The session is opened here and put in ``current_session`` so the FSM storage
shares it; repositories and services are built on it for the handlers. If a
handler failed (even when an error handler answered the person), the transaction
is rolled back, so a half-done change is never committed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.middlewares.logging import TRACE_KEY
from bot.services import Services
from storage.db import current_session
from storage.repositories import Repositories


class DbSessionMiddleware(BaseMiddleware):
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.sessionmaker() as session:
            token = current_session.set(session)
            try:
                repos = Repositories.bind(session)
                data["session"] = session
                data["repos"] = repos
                data["services"] = Services.build(repos, self.settings, self.clock)
                result = await handler(event, data)
                trace = data.get(TRACE_KEY) or {}
                if trace.get("failed"):
                    await session.rollback()
                else:
                    await session.commit()
                return result
            except BaseException:
                await session.rollback()
                raise
            finally:
                current_session.reset(token)
