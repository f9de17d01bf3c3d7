"""Delivery semantics: per-user ordering, flood control, one log line per update."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.logging_setup import JsonFormatter
from sandbox import Emulator, RateLimits
from storage.models import Startup
from tests.conftest import FakeClock
from tests.e2e.conftest import BOT_USERNAME, TOKEN, RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import expect, onboard


async def test_two_quick_messages_do_not_both_pass_one_step(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    u = emulator.user(id=7_900_000_001, first_name="Vy", language_code="en")
    await onboard(u, "en", "startup")
    await expect(u, "en", "ask.company_name")
    # Sent back to back, before the bot answered the first.
    await asyncio.gather(u.send("First Name Co"), u.send("Second Name Co"))
    await expect(u, "en", "ask.sectors")
    await expect(u, "en", "error.use_buttons")  # the second met the next step
    async with running_bot.engine.connect() as conn:
        names = (await conn.execute(select(Startup.company_name))).scalars().all()
    assert names == ["First Name Co"]


async def test_one_structured_log_line_per_update(
    emulator: Emulator, running_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    u = emulator.user(id=7_900_000_002, first_name="Xuân", language_code="vi")
    with caplog.at_level(logging.INFO, logger="in2spire.updates"):
        await u.send("/help")
        await u.expect_message()
        await u.send("/cancel")
        await u.expect_message()
        # One person's updates run one after another (the log line is written
        # inside the per-user lock), so once this third reply arrives, the line
        # for the second update has been written.
        await u.send("/help")
        await u.expect_message()
    records = [r for r in caplog.records if r.name == "in2spire.updates" and r.user_id == u.id]
    handlers = [r.handler for r in records][:2]
    assert handlers == ["handlers.common.on_help", "handlers.common.on_cancel"]
    for record in records:
        line = json.loads(JsonFormatter(secrets=(TOKEN,)).format(record))
        assert line["update_id"] > 0
        assert line["duration_ms"] >= 0
        assert line["outcome"] == "ok"
        assert TOKEN not in json.dumps(line)


@pytest.fixture
async def strict_emulator() -> AsyncIterator[Emulator]:
    # Two messages in a burst, then one per second, per private chat.
    limits = RateLimits(private_rate=1.0, private_burst=2)
    async with Emulator(token=TOKEN, bot_username=BOT_USERNAME, rate_limits=limits) as emu:
        yield emu


async def test_bot_waits_out_flood_control(
    strict_emulator: Emulator, migrated_url: str, clock: FakeClock
) -> None:
    """Telegram's 429 retry_after is honoured: the reply arrives late, not never."""
    runner = RunningBot(make_settings(strict_emulator, migrated_url), clock)
    await runner.start()
    try:
        await open_organizer_chats(strict_emulator)
        u = strict_emulator.user(id=7_900_000_003, first_name="Yến", language_code="en")
        await onboard(u, "en", None)  # language edit, consent edit + role question...
        for _ in range(3):
            await u.send("/help")
        for _ in range(3):
            reply = await u.expect_message(timeout=10)
            assert reply.text.startswith("Commands")
        flood = sum(n for key, n in strict_emulator.error_stats.items() if key.endswith(":429"))
        assert flood > 0, "the strict limits should have produced at least one 429"
    finally:
        await runner.stop()


async def test_unexpected_error_is_answered_logged_and_rolled_back(
    emulator: Emulator,
    running_bot: RunningBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.services.registration import RegistrationService

    u = emulator.user(id=7_900_000_004, first_name="Zung", language_code="en")
    await onboard(u, "en", "startup")
    await expect(u, "en", "ask.company_name")

    original = RegistrationService.answer_text

    async def broken(self: RegistrationService, *args: object, **kwargs: object) -> object:
        await original(self, *args, **kwargs)  # the write happens, then something breaks
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(RegistrationService, "answer_text", broken)
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        await u.send("Half Saved Co")
        await expect(u, "en", "error.internal")
    assert any("disk on fire" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
    async with running_bot.engine.connect() as conn:
        names = (await conn.execute(select(Startup.company_name))).scalars().all()
    assert names == [None]  # rolled back

    monkeypatch.setattr(RegistrationService, "answer_text", original)
    await u.send("Whole Co")
    await expect(u, "en", "ask.sectors")  # same step, nothing lost
