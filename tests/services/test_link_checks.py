"""The background link checker's registry: off when LINK_CHECK is off, tasks tracked
until done, and at shutdown new checks refused and the slow ones cancelled."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.i18n import default_translator
from bot.link_checks import LinkChecks
from bot.services.links import CheckTarget
from storage.db import current_session
from tests.conftest import FakeClock

NO_BOT = cast(Bot, object())  # never reached: nothing here is sent
TARGET = CheckTarget(link_id=1, url="https://slow.example.vn/a", company_names=())


def settings(**values: Any) -> Settings:
    return Settings(_env_file=None, bot_token="123456:TEST-token-for-link-checks", **values)  # type: ignore[call-arg]


async def hang(host: str) -> list[str]:
    await asyncio.sleep(3600)
    return []


async def test_checks_off_schedule_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    checks = LinkChecks(
        sessionmaker, settings(link_check=False), default_translator("vi"), clock, resolver=hang
    )
    assert checks.schedule(Any, [TARGET]) is None  # type: ignore[arg-type]
    assert checks.pending == 0


async def test_close_cancels_what_is_still_running_and_refuses_new_checks(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    checks = LinkChecks(sessionmaker, settings(), default_translator("vi"), clock, resolver=hang)
    task = checks.schedule(NO_BOT, [TARGET])
    assert task is not None and checks.pending == 1
    await asyncio.sleep(0.01)
    await checks.close(grace=0.05)
    assert task.done() and checks.pending == 0
    assert checks.schedule(Any, [TARGET]) is None  # type: ignore[arg-type]


async def test_a_check_runs_outside_the_callers_context(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    """The task does not inherit the update's session (``current_session``)."""
    seen: list[object] = []

    async def resolver(host: str) -> list[str]:
        seen.append(current_session.get())
        return []

    checks = LinkChecks(
        sessionmaker, settings(), default_translator("vi"), clock, resolver=resolver
    )
    async with sessionmaker() as session:
        token = current_session.set(session)
        try:
            checks.schedule(NO_BOT, [TARGET])
        finally:
            current_session.reset(token)
    await checks.wait()
    assert seen == [None]
