"""Work the bot does on its own, outside any update: for now, expiring offers.

``OfferExpiryJob.run_once`` is one pass in its own transaction (the same unit of
work an update gets: services on a session, commit before each Bot API call);
``start`` runs it every ``interval`` seconds until ``stop``. The reminders issue
brings a persistent scheduler; moving this there means scheduling ``run_once``
instead of looping here. Tests call ``run_once`` after moving the fake clock.

Expiry is also checked when a button is pressed (``OfferService._check_open``), so
an offer is never accepted late just because this job has not run yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiolimiter import AsyncLimiter
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import notify_expired, recipient
from bot.reminder_notifications import (
    notify_blocked,
    notify_overdue,
    send_organizer_digest,
)
from bot.services import Services
from bot.services.reminders import DueMessage, OrganizerDigest
from bot.ui.links import submit_button
from bot.ui.reminders import digest_numbers, digest_text, reminder_kb, reminder_text
from storage.db import current_session
from storage.repositories import Repositories

if TYPE_CHECKING:  # bot.ai.assist imports this module (unit_of_work)
    from bot.ai.assist import AIAssist

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, clock: Clock
) -> AsyncIterator[Services]:
    """Services on one session, committed at the end (rolled back on error)."""
    async with sessionmaker() as session:
        token = current_session.set(session)
        try:
            yield Services.build(Repositories.bind(session), settings, clock)
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
        finally:
            current_session.reset(token)


class ScheduledPass:
    """What every scheduled pass holds: the settings, the translator for its messages,
    the clock, and its own units of work (``services()``: one transaction each)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.translator = translator
        self.clock = clock

    def services(self) -> contextlib.AbstractAsyncContextManager[Services]:
        return unit_of_work(self.sessionmaker, self.settings, self.clock)


class OfferExpiryJob(ScheduledPass):
    """Expire offers past their time; the next candidates are asked."""

    async def run_once(self, bot: Bot) -> int:
        """Expire every offer past its time, tell those ambassadors, ask the next ones."""
        async with self.services() as services:
            closed = await services.offers.expire_due()
            await notify_expired(bot, services, self.translator, closed)
        if closed:
            log.info("offers expired", extra={"count": len(closed)})
        return len(closed)


#: Rows claimed per pass, and sends in flight at once.
REMINDER_BATCH = 200
REMINDER_CONCURRENCY = 20
#: Reminders go out at most this many per second: under Telegram's ~30 messages a
#: second per bot, leaving room for the replies people are waiting for meanwhile
#: (a burst of 429s would slow everyone, and RetryAfterMiddleware gives up after 3).
REMINDER_RATE = 25


class ReminderJob(ScheduledPass):
    """Claim due reminders and send them; each outcome is recorded in its own small
    transaction, so a crash mid-batch leaves the rest claimed (and re-claimable after
    the lease) rather than lost or sent twice."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        *,
        token: str | None = None,
    ) -> None:
        super().__init__(sessionmaker, settings, translator, clock)
        self.token = token or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.pace = AsyncLimiter(REMINDER_RATE, 1)

    async def run_once(self, bot: Bot) -> int:
        """Send everything due now (in batches); returns how many messages went out."""
        sent = 0
        while True:
            async with self.services() as services:
                claimed = await services.reminders.claim(self.token, limit=REMINDER_BATCH)
                for story in claimed.overdue:
                    await notify_overdue(bot, services, self.translator, story)
            if not claimed.messages and not claimed.overdue:
                return sent
            results = await self._send_all(bot, claimed.messages)
            sent += sum(results)
            if len(claimed.messages) + len(claimed.overdue) < REMINDER_BATCH:
                return sent

    async def _send_all(self, bot: Bot, messages: list[DueMessage]) -> list[bool]:
        gate = asyncio.Semaphore(REMINDER_CONCURRENCY)

        async def send(message: DueMessage) -> bool:
            async with gate, self.pace:
                return await self._send(bot, message)

        return list(await asyncio.gather(*(send(m) for m in messages)))

    async def _send(self, bot: Bot, message: DueMessage) -> bool:
        story = message.story
        user_id = story.ambassador.user_id
        async with self.services() as services:
            lang, t = await recipient(services, self.translator, user_id)
        text = reminder_text(message.reminder, story, t, lang, self.settings.tz, self.clock())
        markup = reminder_kb(story.assignment.id, t, submit_button(story.assignment.id, t))
        try:
            await bot.send_message(
                user_id, text, reply_markup=markup, disable_notification=message.silent
            )
        except TelegramForbiddenError:
            async with self.services() as services:
                await services.reminders.blocked(message.reminder, self.token, user_id)
                await notify_blocked(bot, services, self.translator, story)
            return False
        except TelegramBadRequest as exc:
            async with self.services() as services:
                await services.reminders.failed(message.reminder, self.token, str(exc)[:200])
            return False
        except (TelegramNetworkError, TelegramServerError, TelegramRetryAfter) as exc:
            log.warning("reminder not sent: will retry", extra={"error": str(exc)})
            async with self.services() as services:
                await services.reminders.retry(message.reminder, self.token, str(exc)[:200])
            return False
        async with self.services() as services:
            await services.reminders.sent(message.reminder, self.token)
        return True


class DigestJob(ScheduledPass):
    """Once a day at ``DIGEST_AT`` (local time): each ambassador who chose the digest
    gets one message with their stories; organizers get what is due soon and what
    is overdue. The ``job_runs`` row makes sure only one process sends it."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        *,
        ai: AIAssist | None = None,
    ) -> None:
        super().__init__(sessionmaker, settings, translator, clock)
        #: Writes the organizers' generated summary (none without a key or on failure).
        self.ai = ai

    async def run_once(self, bot: Bot) -> bool:
        async with self.services() as services:
            if not await services.reminders.claim_daily("daily-digest"):
                return False
            people = await services.reminders.digest_people()
            digest = await services.reminders.organizer_digest()
            organizers = await services.organizers.all_ids()
            languages = await services.users.languages(organizers, self.translator.default)
        # The AI call between the units of work: no transaction is held while it runs.
        narratives = await self._narratives(digest, languages.values())
        tz, now = self.settings.tz, self.clock()
        async with self.services() as services:
            for user_id, stories in people:
                lang, t = await recipient(services, self.translator, user_id)
                await safe_send(bot, user_id, digest_text(stories, t, lang, tz, now))
            await send_organizer_digest(bot, services, self.translator, digest, narratives)
        return True

    async def _narratives(
        self, digest: OrganizerDigest, languages: Iterable[str]
    ) -> dict[str, str]:
        if self.ai is None or not self.ai.enabled:
            return {}
        from bot.ai.insights import digest_narratives  # bot.ai imports this module

        return await digest_narratives(self.ai, digest_numbers(digest), languages)
