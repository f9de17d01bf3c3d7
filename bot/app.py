"""Running the bot: long polling, or an aiohttp webhook server when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web
from sqlalchemy.orm import configure_mappers

from bot.config import Settings
from bot.dispatcher import DispatcherParts, create_bot, create_dispatcher
from bot.i18n import default_translator
from bot.logging_setup import setup_logging
from bot.ui.commands import set_chat_commands, set_default_commands
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 30.0


#: Allocations between young-generation collections (CPython's default is 700).
GC_GEN0_THRESHOLD = 20_000


def settle_heap() -> None:
    """Keep the garbage collector's full passes short once the bot is up.

    At startup aiogram, pydantic and SQLAlchemy build a million-odd long-lived
    objects (API types, schemas, mappers). CPython's full collections scan all of
    them: 120-220 ms pauses of the whole event loop every few seconds under load,
    which were the entire p99 of the registration benchmark (docs/benchmarks.md).
    ``gc.freeze()`` moves what exists now out of the collector's sight, the way
    long-running Python services do after start-up; a higher young-generation
    threshold makes the frequent small passes rarer. Cycles created later are
    still collected.
    """
    configure_mappers()  # done once now rather than on the first query
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


async def _settle_heap_after_startup() -> None:
    settle_heap()


def register_lifecycle(parts: DispatcherParts, settings: Settings) -> None:
    dp = parts.dispatcher
    translator = default_translator(settings.default_language)

    async def on_startup(bot: Bot) -> None:
        await set_default_commands(bot, translator)
        for organizer_id in settings.organizer_ids:
            await set_chat_commands(
                bot, translator, organizer_id, settings.default_language, organizer=True
            )
        me = await bot.me()
        log.info("bot started", extra={"username": me.username, "bot_id": me.id})

    async def on_shutdown() -> None:
        log.info("stopping: waiting for updates in flight", extra={"count": parts.inflight.count})
        if not await parts.inflight.wait_idle(SHUTDOWN_GRACE_SECONDS):
            log.warning("updates still running at shutdown", extra={"count": parts.inflight.count})
        await parts.link_checks.close()  # after the updates: one may still start a check
        await parts.ai.close()  # likewise: an update may have started an AI call

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)


async def run(settings: Settings, *, migrate: bool = True) -> None:
    ai_key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
    setup_logging(settings.log_level, secrets=(settings.bot_token, ai_key))
    if migrate:
        await upgrade(settings.database_url)
    engine = create_engine(settings.database_url, pool_size=settings.max_concurrent_updates + 4)
    redis = None
    if settings.redis_url:
        from redis.asyncio import Redis

        redis = Redis.from_url(settings.redis_url)
    try:
        parts = create_dispatcher(
            settings,
            create_sessionmaker(engine),
            redis=redis,
            webhook=bool(settings.webhook_url),
        )
        register_lifecycle(parts, settings)
        parts.dispatcher.startup.register(_settle_heap_after_startup)  # after on_startup
        bot = create_bot(settings)
        if settings.webhook_url:
            await run_webhook(parts.dispatcher, bot, settings)
        else:
            await run_polling(parts.dispatcher, bot, settings)
    finally:
        if redis is not None:
            await redis.aclose()
        await engine.dispose()


async def run_polling(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    await bot.delete_webhook(drop_pending_updates=False)
    await dp.start_polling(
        bot,
        allowed_updates=dp.resolve_used_update_types(),
        tasks_concurrency_limit=settings.max_concurrent_updates,
        handle_signals=True,
    )


def build_webhook_app(dp: Dispatcher, bot: Bot, settings: Settings) -> web.Application:
    """aiohttp app: the webhook path (secret checked on every request) and /healthz."""
    assert settings.webhook_url
    path = urlsplit(settings.webhook_url).path or "/webhook"
    app = web.Application()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def set_webhook(bot: Bot) -> None:
        await bot.set_webhook(
            settings.webhook_url or "",
            secret_token=settings.webhook_secret,
            allowed_updates=dp.resolve_used_update_types(),
        )

    dp.startup.register(set_webhook)
    app.router.add_get("/healthz", healthz)
    # Dispatcher hooks first, so on shutdown in-flight updates finish before the
    # request handler closes the bot's HTTP session.
    setup_application(app, dp, bot=bot)
    SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=settings.webhook_secret, handle_in_background=True
    ).register(app, path=path)
    return app


async def run_webhook(dp: Dispatcher, bot: Bot, settings: Settings) -> None:
    app = build_webhook_app(dp, bot, settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, settings.listen_host, settings.listen_port)
    await site.start()
    log.info("webhook server listening", extra={"listen": settings.webhook_listen})
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    if sys.platform != "win32":  # the loop has no signal handlers on Windows
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        # Stops accepting requests first, then runs the shutdown hooks.
        await runner.cleanup()
