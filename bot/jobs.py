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

import contextlib
import logging
from collections.abc import AsyncIterator

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.offer_notifications import notify_expired
from bot.services import Services
from storage.db import current_session
from storage.repositories import Repositories

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


class OfferExpiryJob:
    """Expire offers past their time; the next candidates are asked."""

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

    async def run_once(self, bot: Bot) -> int:
        """Expire every offer past its time, tell those ambassadors, ask the next ones."""
        async with unit_of_work(self.sessionmaker, self.settings, self.clock) as services:
            closed = await services.offers.expire_due()
            await notify_expired(bot, services, self.translator, closed)
        if closed:
            log.info("offers expired", extra={"count": len(closed)})
        return len(closed)
