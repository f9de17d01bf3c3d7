"""Factories: bot, storage, dispatcher. The entrypoint and the tests use the same ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation, SimpleEventIsolation
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ai.assist import AIAssist
from bot.ai.client import AIClient
from bot.broadcast_progress import PROGRESS_SECONDS, BroadcastProgress
from bot.broadcast_sender import BroadcastSender
from bot.clock import Clock, system_clock
from bot.config import Settings
from bot.i18n import Translator, default_translator
from bot.jobs import DigestJob, OfferExpiryJob, ReminderJob
from bot.link_checks import RECHECK_POLL_SECONDS, LinkChecks
from bot.link_checks import install as install_link_checks
from bot.middlewares.commit_before_send import CommitBeforeSendMiddleware
from bot.middlewares.context import UserContextMiddleware
from bot.middlewares.db import DbSessionMiddleware
from bot.middlewares.delivery import (
    ConcurrencyLimitMiddleware,
    DbSeenUpdates,
    DeduplicateMiddleware,
    RedisSeenUpdates,
    SeenUpdates,
)
from bot.middlewares.inflight import InFlightMiddleware
from bot.middlewares.isolation import EventIsolationMiddleware
from bot.middlewares.logging import HandlerNameMiddleware, UpdateLogMiddleware
from bot.outcome_job import ASK_AT, OutcomeJob
from bot.report_job import WEEKLY_AT, WEEKLY_DAY, WeeklyReportJob
from bot.response_types import KeepResponseTypesMiddleware
from bot.scheduler import BotScheduler, ScheduledJob
from bot.telegram_retry import RetryAfterMiddleware
from handlers import build_root_router
from storage.fsm import SQLAlchemyStorage


def create_bot(settings: Settings, *, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    session.middleware(KeepResponseTypesMiddleware())
    session.middleware(CommitBeforeSendMiddleware())
    session.middleware(RetryAfterMiddleware())
    return Bot(
        token=token or settings.bot_token,
        session=session,
        default=DefaultBotProperties(
            parse_mode=ParseMode.HTML,
            link_preview_is_disabled=True,
        ),
    )


#: How often the scheduler looks for offers past their time (a press on an expired
#: offer is refused at once anyway: ``OfferService._check_open``).
OFFER_EXPIRY_SECONDS = 60
#: How often due reminders are claimed (one indexed UPDATE when nothing is due).
REMINDER_POLL_SECONDS = 10
#: How often the broadcast sender looks for rows to send (scheduled ones start then).
BROADCAST_POLL_SECONDS = 5


@dataclass
class DispatcherParts:
    """What the runner needs besides the dispatcher itself."""

    dispatcher: Dispatcher
    inflight: InFlightMiddleware
    seen: SeenUpdates | None
    offer_expiry: OfferExpiryJob
    reminders: ReminderJob
    digest: DigestJob
    scheduler: BotScheduler
    link_checks: LinkChecks
    broadcasts: BroadcastSender
    broadcast_progress: BroadcastProgress
    ai: AIAssist
    outcomes: OutcomeJob
    weekly_report: WeeklyReportJob


def create_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    translator: Translator | None = None,
    clock: Clock = system_clock,
    redis: Any = None,
    webhook: bool = False,
) -> DispatcherParts:
    """Build the dispatcher with storage, middlewares (in order) and routers.

    ``redis`` (a redis.asyncio client) switches FSM storage, event isolation and
    update de-duplication to Redis; otherwise the database and in-process locks.
    """
    translator = translator or default_translator(settings.default_language)
    storage: BaseStorage
    isolation: BaseEventIsolation
    if redis is not None:
        from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage

        key_builder = DefaultKeyBuilder(with_bot_id=True)
        storage = RedisStorage(redis, key_builder=key_builder)
        isolation = RedisEventIsolation(redis, key_builder=key_builder)
    else:
        storage = SQLAlchemyStorage(sessionmaker)
        isolation = SimpleEventIsolation()

    # aiogram's FSM middleware is registered below, inside the update's transaction,
    # and the isolation lock around both (bot/middlewares/isolation.py).
    dp = Dispatcher(
        storage=storage,
        events_isolation=DisabledEventIsolation(),
        disable_fsm=True,
        settings=settings,
    )
    dp.shutdown.register(isolation.close)
    inflight = InFlightMiddleware()
    dp.update.outer_middleware(inflight)
    dp.update.outer_middleware(UpdateLogMiddleware())
    seen: SeenUpdates | None = None
    if webhook:
        seen = RedisSeenUpdates(redis) if redis is not None else DbSeenUpdates(sessionmaker, clock)
        dp.update.outer_middleware(DeduplicateMiddleware(seen))
        dp.update.outer_middleware(ConcurrencyLimitMiddleware(settings.max_concurrent_updates))
    dp.update.outer_middleware(EventIsolationMiddleware(dp.fsm, isolation))
    dp.update.outer_middleware(DbSessionMiddleware(sessionmaker, settings, clock))
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(UserContextMiddleware(translator))
    for name, observer in dp.observers.items():
        if name not in ("update", "error"):
            observer.middleware(HandlerNameMiddleware())
    dp.include_router(build_root_router())
    offer_expiry = OfferExpiryJob(sessionmaker, settings, translator, clock)
    reminders = ReminderJob(sessionmaker, settings, translator, clock)
    ai = AIAssist(
        AIClient(settings, sessionmaker, clock), sessionmaker, settings, translator, clock
    )
    digest = DigestJob(sessionmaker, settings, translator, clock, ai=ai)
    broadcasts = BroadcastSender(sessionmaker, settings, clock)
    progress = BroadcastProgress(sessionmaker, settings, translator, clock)
    outcomes = OutcomeJob(sessionmaker, settings, translator, clock)
    weekly_report = WeeklyReportJob(sessionmaker, settings, translator, clock)
    link_checks = install_link_checks(dp, sessionmaker, settings, translator, clock)
    at = settings.digest_at
    scheduler = BotScheduler(
        [
            ScheduledJob(
                "offer-expiry",
                offer_expiry.run_once,
                IntervalTrigger(seconds=OFFER_EXPIRY_SECONDS),
            ),
            ScheduledJob(
                "reminders", reminders.run_once, IntervalTrigger(seconds=REMINDER_POLL_SECONDS)
            ),
            ScheduledJob(
                "broadcasts", broadcasts.run_once, IntervalTrigger(seconds=BROADCAST_POLL_SECONDS)
            ),
            ScheduledJob(
                "broadcast-progress",
                progress.run_once,
                IntervalTrigger(seconds=PROGRESS_SECONDS),
            ),
            ScheduledJob(
                "link-rechecks",
                link_checks.recheck_due,
                IntervalTrigger(seconds=RECHECK_POLL_SECONDS),
            ),
            ScheduledJob(
                "daily-digest",
                digest.run_once,
                CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.tz),
            ),
            ScheduledJob(
                "outcome-questions",
                outcomes.run_once,
                CronTrigger(hour=ASK_AT.hour, minute=ASK_AT.minute, timezone=settings.tz),
            ),
            ScheduledJob(
                "weekly-report",
                weekly_report.run_once,
                CronTrigger(
                    day_of_week=WEEKLY_DAY,
                    hour=WEEKLY_AT.hour,
                    minute=WEEKLY_AT.minute,
                    timezone=settings.tz,
                ),
            ),
        ]
    )
    dp.startup.register(scheduler.start)
    dp.shutdown.register(scheduler.stop)
    dp["ai"] = ai  # handlers receive it as ``ai``; closed at shutdown after the updates
    return DispatcherParts(
        dp,
        inflight,
        seen,
        offer_expiry,
        reminders,
        digest,
        scheduler,
        link_checks,
        broadcasts,
        progress,
        ai,
        outcomes,
        weekly_report,
    )
