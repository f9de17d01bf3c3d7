"""Webhook-mode delivery guards: run each update_id once, and bound work in flight."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from storage.models import ProcessedUpdate

log = logging.getLogger(__name__)
REMEMBER_FOR = timedelta(hours=24)


class SeenUpdates(Protocol):
    async def first_time(self, bot_id: int, update_id: int) -> bool: ...


class DbSeenUpdates:
    """Remembers update ids in the database (a primary key makes the check atomic)."""

    PURGE_EVERY = 1000

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self._since_purge = 0

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        now = self.clock()
        self._since_purge += 1
        if self._since_purge >= self.PURGE_EVERY:
            # Forget ids older than 24 h now and then; no scheduler needed for that.
            self._since_purge = 0
            await self.purge()
        try:
            async with self.sessionmaker() as session, session.begin():
                session.add(ProcessedUpdate(bot_id=bot_id, update_id=update_id, received_at=now))
        except IntegrityError:
            return False
        return True

    async def purge(self) -> int:
        async with self.sessionmaker() as session, session.begin():
            result = await session.execute(
                delete(ProcessedUpdate).where(
                    ProcessedUpdate.received_at < self.clock() - REMEMBER_FOR
                )
            )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class RedisSeenUpdates:
    """SET NX with a 24 h expiry: atomic and self-cleaning."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis

    async def first_time(self, bot_id: int, update_id: int) -> bool:
        key = f"in2spire:update:{bot_id}:{update_id}"
        return bool(await self.redis.set(key, 1, nx=True, ex=int(REMEMBER_FOR.total_seconds())))


class DeduplicateMiddleware(BaseMiddleware):
    def __init__(self, seen: SeenUpdates) -> None:
        self.seen = seen

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if not await self.seen.first_time(data["bot"].id, event.update_id):
            log.info("duplicate update skipped", extra={"update_id": event.update_id})
            return UNHANDLED
        return await handler(event, data)


class ConcurrencyLimitMiddleware(BaseMiddleware):
    """At most ``limit`` updates are handled at once (webhook mode has no other bound)."""

    def __init__(self, limit: int) -> None:
        self.semaphore = asyncio.Semaphore(limit)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.semaphore:
            return await handler(event, data)
