"""The broadcast sender (issue #5): claims delivery rows and sends them within
Telegram's limits, recording each outcome in its own small transaction.

**Pacing.** One overall limiter (aiolimiter, ``BROADCAST_RATE``, 29/s by default
under Telegram's ~30, leaving a message a second for replies and progress edits;
with ``BROADCAST_PAID`` every send carries ``allow_paid_broadcast`` and the
ceiling is ``BROADCAST_PAID_RATE``, up to 1,000/s),
plus in-memory next-allowed times per chat: 1 s between messages to one private
chat, 3 s to one group (20 a minute). A 429 puts that row back with
``not_before = now + retry_after`` (the attempt is not counted) and keeps the chat
quiet for that long; three 429s within ``SLOWDOWN_WINDOW`` halve the overall rate
for ``SLOWDOWN_FOR``.

**Failures.** 5xx, network errors and timeouts: the row is planned again after an
exponential back-off with jitter (``BACKOFF_BASE * 2**(attempt-1)``, ×0.5–1.5),
failed ``other`` after ``MAX_ATTEMPTS``. 403: a person is marked blocked
(``users.blocked_at``, failed ``blocked``), a group is marked inactive
(``GroupService.bot_removed``, failed ``removed``). 400 "chat not found": failed
``not_found``; any other 400: failed ``other``. 400 with ``migrate_to_chat_id``:
``GroupService.migrate(old, new)``, the row moves to the new id and is re-sent
there once.

**At-least-once boundary.** A row is claimed (committed) before its send, and its
outcome is committed right after the send returns (shielded from cancellation),
so a delivered row is never sent again. Only rows whose send was in flight when the
process died can be sent twice: after the lease (``LEASE``, 5 min) another sender
re-claims them without knowing whether Telegram delivered. That window is at most
``CONCURRENCY`` rows; the rest of a claimed batch (``BATCH``) was not sent and is
simply re-claimed. Two processes never hold the same row (the claim is the
reminders' one: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL).

**Wiring** (not done here): build ``BroadcastSender(sessionmaker, settings, clock)``
once and schedule ``sender.run_once`` on ``BotScheduler`` with an interval trigger
(e.g. every 5 s, like the reminder pass: ``coalesce`` and ``max_instances=1`` keep
one pass at a time per process). ``run_once`` returns when nothing is claimable
now, so a pass ends by itself; ``BotScheduler.stop()`` waits for it at shutdown
(then cancels after 30 s: rows then in flight are the at-least-once window above,
the rest are re-claimed after the lease). Its sends run inside
``caller_handles_retry_after()``: the bot's ``RetryAfterMiddleware`` would otherwise
wait up to 30 s in place, holding a send slot; the sender reschedules the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import Message
from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast_message import send_content
from bot.clock import Clock
from bot.config import Settings
from bot.jobs import unit_of_work
from bot.services import Services
from bot.telegram_retry import caller_handles_retry_after
from storage.dto import BroadcastDTO, DeliveryDTO

log = logging.getLogger(__name__)

#: Rows claimed per round trip to the database (the claimed-but-unsent window).
BATCH = 50
#: Sends in flight at once (the at-least-once window after a crash). Paid broadcasts
#: need more to reach their ceiling: each slot is held for a round trip plus the
#: outcome's commit (~12 ms), so 10 in flight top out near 850/s (benchmarks/broadcast.py).
CONCURRENCY = 10
PAID_CONCURRENCY = 20
#: Attempts before a row fails ``other`` (5xx, network errors, timeouts).
MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=5)
#: Seconds between two messages to one private chat / one group.
PRIVATE_GAP = 1.0
GROUP_GAP = 3.0
#: Three 429s within this many seconds halve the overall rate for SLOWDOWN_FOR seconds.
SLOWDOWN_AFTER = 3
SLOWDOWN_WINDOW = 10.0
SLOWDOWN_FOR = 30.0
#: A send that takes longer than this is a timeout (retried like a 5xx).
SEND_TIMEOUT = 30.0
#: How stale the sender's knowledge that a broadcast is still sending may be: after
#: Stop, rows already claimed go out for at most this long (then they are dropped).
STATUS_TTL = 1.0


def _smooth(rate: float) -> AsyncLimiter:
    """``rate`` a second with bursts of at most a tenth of a second's worth: a full
    second's burst at start-up, on top of requests bunched by the network, is what
    trips Telegram's overall limit."""
    return AsyncLimiter(max(rate / 10, 1), 0.1)


class BroadcastSender:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock,
        *,
        token: str | None = None,
        batch: int = BATCH,
        concurrency: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock
        self.token = token or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.batch = batch
        self.concurrency = concurrency or (
            PAID_CONCURRENCY if settings.broadcast_paid else CONCURRENCY
        )
        self.monotonic = monotonic
        self.jitter = jitter
        self.paid = settings.broadcast_paid
        self.rate = settings.broadcast_ceiling
        self._limiter = _smooth(self.rate)
        self._slow_limiter = _smooth(max(self.rate / 2, 1))
        self._slow_until = 0.0
        self._floods: deque[float] = deque(maxlen=SLOWDOWN_AFTER)
        self._next_allowed: dict[int, float] = {}
        self._broadcasts: dict[int, BroadcastDTO] = {}
        self._checked: dict[int, tuple[float, bool]] = {}
        #: Counters for logs and tests.
        self.stats: dict[str, int] = {"sent": 0, "retry_after": 0, "retried": 0, "failed": 0}

    def _services(self) -> contextlib.AbstractAsyncContextManager[Services]:
        return unit_of_work(self.sessionmaker, self.settings, self.clock)

    @property
    def slowed(self) -> bool:
        return self.monotonic() < self._slow_until

    # -- the pass ---------------------------------------------------------------------

    async def run_once(self, bot: Bot) -> int:
        """Send every row claimable now, in batches; returns how many were delivered.
        Broadcasts with nothing left are marked done."""
        with caller_handles_retry_after():
            delivered = await self._drain(bot)
        async with self._services() as services:
            await services.broadcasts.finish_done()
        return delivered

    async def _drain(self, bot: Bot) -> int:
        delivered = 0
        while True:
            async with self._services() as services:
                rows = await services.broadcasts.claim(self.token, self.batch)
                for broadcast_id in {r.broadcast_id for r in rows} - set(self._broadcasts):
                    self._broadcasts[broadcast_id] = await services.broadcasts.get(broadcast_id)
            if rows:
                delivered += sum(await self._send_all(bot, rows))
            if len(rows) < self.batch:
                return delivered

    async def _send_all(self, bot: Bot, rows: list[DeliveryDTO]) -> list[bool]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(row: DeliveryDTO) -> bool:
            async with gate:
                return await self._deliver(bot, row)

        return list(await asyncio.gather(*(one(r) for r in rows)))

    # -- one row ----------------------------------------------------------------------

    async def _still_sending(self, broadcast_id: int) -> bool:
        """Whether the broadcast was not stopped, checked at most every STATUS_TTL s."""
        now = self.monotonic()
        checked = self._checked.get(broadcast_id)
        if checked is None or now - checked[0] >= STATUS_TTL:
            async with self._services() as services:
                sending = await services.broadcasts.is_sending(broadcast_id)
            checked = self._checked[broadcast_id] = (now, sending)
        return checked[1]

    async def _deliver(self, bot: Bot, row: DeliveryDTO) -> bool:
        broadcast = self._broadcasts[row.broadcast_id]
        chat_id = row.chat_id
        if not await self._still_sending(row.broadcast_id):
            await self._record(self._drop(row))
            return False
        try:
            try:
                message = await self._send(bot, broadcast, chat_id, row.kind)
            except TelegramMigrateToChat as moved:
                chat_id = moved.migrate_to_chat_id
                await self._record(self._moved(row, chat_id))
                message = await self._send(bot, broadcast, chat_id, row.kind)
        except TelegramRetryAfter as exc:
            self._flood(chat_id, exc.retry_after)
            await self._record(
                self._retry(row, timedelta(seconds=exc.retry_after), str(exc), False)
            )
            return False
        except TelegramForbiddenError as exc:
            await self._record(self._forbidden(row, chat_id, str(exc)))
            return False
        except TelegramMigrateToChat as exc:  # migrated twice: give up on this row
            await self._record(self._failed(row, "other", str(exc)))
            return False
        except TelegramBadRequest as exc:
            reason = "not_found" if "chat not found" in exc.message.lower() else "other"
            await self._record(self._failed(row, reason, str(exc)))
            return False
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            error = str(exc) or type(exc).__name__
            if row.attempts >= MAX_ATTEMPTS:
                await self._record(self._failed(row, "other", error))
            else:
                await self._record(self._retry(row, self._backoff(row.attempts), error, True))
            return False
        await self._record(self._sent(row, message.message_id))
        return True

    async def _send(self, bot: Bot, broadcast: BroadcastDTO, chat_id: int, kind: str) -> Message:
        await self._pace(chat_id, kind)
        async with asyncio.timeout(SEND_TIMEOUT):
            message = await send_content(
                bot, chat_id, broadcast.id, broadcast.content, broadcast.options, paid=self.paid
            )
        if broadcast.options.get("pin") and kind == "group":
            with contextlib.suppress(Exception):  # best effort: the bot may not be admin
                await bot.pin_chat_message(chat_id, message.message_id, disable_notification=True)
        return message

    async def _pace(self, chat_id: int, kind: str) -> None:
        """Wait for this chat's next allowed time, then for the overall limiter."""
        gap = PRIVATE_GAP if kind == "private" else GROUP_GAP
        while True:
            now = self.monotonic()
            ready = self._next_allowed.get(chat_id, 0.0)
            if ready <= now:
                self._next_allowed[chat_id] = now + gap
                break
            await asyncio.sleep(ready - now)
        limiter = self._slow_limiter if self.slowed else self._limiter
        await limiter.acquire()

    def _flood(self, chat_id: int, retry_after: int) -> None:
        """A 429: this chat waits; repeated ones slow everything down for a while."""
        now = self.monotonic()
        self.stats["retry_after"] += 1
        self._next_allowed[chat_id] = max(self._next_allowed.get(chat_id, 0.0), now + retry_after)
        self._floods.append(now)
        if len(self._floods) == SLOWDOWN_AFTER and now - self._floods[0] <= SLOWDOWN_WINDOW:
            if not self.slowed:
                log.warning("broadcast: repeated 429s, half speed", extra={"rate": self.rate / 2})
            self._slow_until = now + SLOWDOWN_FOR
            self._floods.clear()

    def _backoff(self, attempts: int) -> timedelta:
        return BACKOFF_BASE * (2 ** max(attempts - 1, 0)) * (0.5 + self.jitter())

    # -- outcomes, each in its own transaction ------------------------------------------

    async def _record(self, work: Any) -> None:
        """Commit an outcome even if the pass is being cancelled (the send happened)."""
        await asyncio.shield(work)

    async def _sent(self, row: DeliveryDTO, message_id: int) -> None:
        self.stats["sent"] += 1
        async with self._services() as services:
            await services.broadcasts.sent(row, self.token, message_id)

    async def _failed(self, row: DeliveryDTO, reason: str, error: str) -> None:
        self.stats["failed"] += 1
        log.info("broadcast row failed", extra={"reason": reason, "chat": row.chat_id})
        async with self._services() as services:
            await services.broadcasts.failed(row, self.token, reason, error)

    async def _drop(self, row: DeliveryDTO) -> None:
        async with self._services() as services:
            await services.broadcasts.drop(row, self.token)

    async def _retry(
        self, row: DeliveryDTO, delay: timedelta, error: str, count_attempt: bool
    ) -> None:
        self.stats["retried"] += 1
        async with self._services() as services:
            await services.broadcasts.retry_later(
                row, self.token, delay, error, count_attempt=count_attempt
            )

    async def _forbidden(self, row: DeliveryDTO, chat_id: int, error: str) -> None:
        self.stats["failed"] += 1
        async with self._services() as services:
            if row.kind == "private":
                await services.broadcasts.blocked(row, self.token, error)
            else:
                await services.groups.bot_removed(chat_id)
                await services.broadcasts.failed(row, self.token, "removed", error)

    async def _moved(self, row: DeliveryDTO, new_chat_id: int) -> None:
        async with self._services() as services:
            await services.groups.migrate(row.chat_id, new_chat_id)
            await services.broadcasts.moved(row, new_chat_id)
