"""Checking links after they are recorded, in the background, again later, and
waiting for those checks at shutdown.

``LinkChecks.schedule`` starts one asyncio task per confirmed batch, after the
update's transaction has committed (the handler calls it after its first Bot API
call, which commits: ``CommitBeforeSendMiddleware``). The task runs in an empty
``contextvars.Context``, so it never sees, let alone holds, the update's session:
it fetches each link (``check_link``, SSRF-guarded, at most ``concurrency`` at once
across the process) and then opens its own unit of work (``bot.jobs.unit_of_work``)
to store what it found, plan the next check and, when a link looks broken
(``bot.services.links.looks_broken``), to tell the ambassador, with a button to
send the right link. A link deleted meanwhile (replaced) is skipped. A failure is
logged; it never reaches the person who sent the links.

``LinkChecks.recheck_due`` is the scheduled pass (``link-rechecks``): it claims the
links due a check again (``bot/services/link_rechecks.py``: a failing link 1 h, 6 h
and 24 h after its failures, every link once about 7 days after it was submitted)
and checks them the same way, through the same ``concurrency`` slots and guard; the
ambassador hears when a link told broken works again, or a working one no longer
opens.

The registry keeps the running tasks: ``wait`` returns when all are done (tests),
``close`` stops new ones and waits up to ``grace`` seconds before cancelling the
rest (shutdown, after the updates in flight are done). ``install`` puts one in the
dispatcher's workflow data as ``link_checks`` (handlers receive it by that name).
First checks cancelled at shutdown, or refused because it had begun, leave their
links unchecked (``checked_at`` NULL, no ``next_check_at``): nothing retries them
later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

import aiohttp
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.background import TaskRegistry
from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translator
from bot.jobs import unit_of_work
from bot.link_notifications import notify_recheck
from bot.services.link_check import LinkCheck, Resolver, check_link, system_resolver
from bot.services.link_rechecks import LinkRechecks
from bot.services.links import CheckTarget

log = logging.getLogger(__name__)

#: Links fetched at once by the whole process.
CONCURRENCY = 4
#: Seconds one check may take (resolving, redirects, reading the page).
CHECK_TIMEOUT = 15.0
#: Seconds ``close`` waits for checks in flight before cancelling them.
SHUTDOWN_GRACE = 10.0
#: Links claimed at a time by the re-check pass (well within ``LEASE`` to check).
RECHECK_BATCH = 40
#: Seconds between re-check passes.
RECHECK_POLL_SECONDS = 300


class LinkChecks:
    """The background link checker and the registry of its tasks."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        translator: Translator,
        clock: Clock,
        *,
        resolver: Resolver = system_resolver,
        allow_hosts: frozenset[str] | None = None,
        concurrency: int = CONCURRENCY,
        timeout: float = CHECK_TIMEOUT,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.translator = translator
        self.clock = clock
        self.resolver = resolver
        self.allow_hosts = (
            frozenset(settings.link_check_allow_hosts) if allow_hosts is None else allow_hosts
        )
        self.enabled = settings.link_check
        self.timeout = timeout
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks = TaskRegistry("link-check")

    @property
    def pending(self) -> int:
        """Batches still being checked."""
        return self._tasks.pending

    def schedule(self, bot: Bot, targets: Sequence[CheckTarget]) -> asyncio.Task[None] | None:
        """Check ``targets`` in the background (nothing when checks are off or closing).

        Call it after the links are committed: the task reads and writes them in its
        own transaction."""
        if not self.enabled or not targets:
            return None
        return self._tasks.spawn(self._run(bot, list(targets)))

    async def _run(self, bot: Bot, targets: list[CheckTarget]) -> None:
        try:
            jar = aiohttp.DummyCookieJar()
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                await asyncio.gather(*(self._check(bot, http, target) for target in targets))
        except Exception:
            log.exception("link check failed", extra={"links": [t.link_id for t in targets]})

    async def _check(self, bot: Bot, http: aiohttp.ClientSession, target: CheckTarget) -> LinkCheck:
        async with self._slots:
            result = await check_link(
                target.url,
                session=http,
                resolver=self.resolver,
                allow_hosts=self.allow_hosts,
                company_names=target.company_names,
                timeout=self.timeout,
            )
        log.info(
            "link checked",
            extra={"link_id": target.link_id, "status": result.status, "error": result.error},
        )
        async with unit_of_work(self.sessionmaker, self.settings, self.clock) as services:
            rechecks = LinkRechecks(services.links.repos, self.clock)
            before = await rechecks.before_check(target.link_id)
            link = await services.links.record_check(target.link_id, result)
            if before is None or link is None:
                return result
            plan = await rechecks.after_check(before, link, result)
            if plan.notice is not None:
                story = await services.links.link_story(link)
                await notify_recheck(bot, services, self.translator, story, link, plan.notice)
        return result

    async def recheck_due(self, bot: Bot) -> int:
        """The scheduled pass: check again every link due now (in batches of
        ``RECHECK_BATCH``); how many were checked. Nothing while checks are off or
        the process is shutting down."""
        checked = 0
        while self.enabled and not self._tasks.closed:
            async with unit_of_work(self.sessionmaker, self.settings, self.clock) as services:
                due = await LinkRechecks(services.links.repos, self.clock).claim_due(RECHECK_BATCH)
            if not due:
                break
            jar = aiohttp.DummyCookieJar()
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                outcomes = await asyncio.gather(
                    *(self._check(bot, http, target) for target in due), return_exceptions=True
                )
            for target, outcome in zip(due, outcomes, strict=True):
                if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                    raise outcome
                if isinstance(outcome, Exception):
                    log.error(
                        "link re-check failed",
                        exc_info=outcome,
                        extra={"link_id": target.link_id},
                    )
            checked += len(due)
            if len(due) < RECHECK_BATCH:
                break
        if checked:
            log.info("links re-checked", extra={"count": checked})
        return checked

    async def wait(self) -> None:
        """Until every check scheduled so far (and any they lead to) is done."""
        await self._tasks.wait()

    async def close(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Take no new checks; wait up to ``grace`` seconds, then cancel what is left."""
        await self._tasks.close(grace)


def install(
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    translator: Translator,
    clock: Clock,
    *,
    resolver: Resolver = system_resolver,
    allow_hosts: frozenset[str] | None = None,
) -> LinkChecks:
    """A ``LinkChecks`` in the dispatcher's workflow data as ``link_checks`` (handlers
    receive it by that name). Close it on shutdown *after* the updates in flight are
    done, since one of them may still schedule a check: ``await checks.close()``."""
    checks = LinkChecks(
        sessionmaker, settings, translator, clock, resolver=resolver, allow_hosts=allow_hosts
    )
    dispatcher["link_checks"] = checks
    return checks
