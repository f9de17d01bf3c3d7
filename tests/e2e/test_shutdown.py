"""SIGTERM: the bot process stops taking updates, finishes what is in flight, exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.middlewares.inflight import InFlightMiddleware
from sandbox import Emulator
from tests.e2e.conftest import TOKEN
from tests.e2e.flows import expect

ROOT = Path(__file__).resolve().parents[2]


async def test_sigterm_exits_cleanly(emulator: Emulator, migrated_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": emulator.base_url,
        "DATABASE_URL": migrated_url,
        "ORGANIZER_IDS": "",
        "REDIS_URL": "",
        "WEBHOOK_URL": "",
        "LOG_LEVEL": "INFO",
    }
    log = (tmp_path / "bot.log").open("w")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path, stdout=log, stderr=log
    )
    try:
        # A cold interpreter imports aiogram, migrates and starts polling: on a loaded
        # machine that alone can take seconds, so wait for it rather than for a reply.
        await emulator.wait_for_polls(alive=lambda: proc.returncode is None)
        user = emulator.user(id=7_950_000_001, first_name="Term", language_code="en")
        await user.send("/cancel")
        await expect(user, "en", "cancel.before_consent")  # the bot is up and answering
        await user.send("/help")
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
    output = (tmp_path / "bot.log").read_text()
    assert "Traceback" not in output
    assert "stopping: waiting for updates in flight" in output
    assert TOKEN not in output


async def test_shutdown_waits_for_updates_in_flight() -> None:
    inflight = InFlightMiddleware()
    release = asyncio.Event()

    async def handler(event: object, data: dict[str, object]) -> str:
        await release.wait()
        return "done"

    task = asyncio.create_task(inflight(handler, object(), {}))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    assert inflight.count == 1
    assert not await inflight.wait_idle(0)  # still running: not idle
    waiter = asyncio.create_task(inflight.wait_idle(5))
    release.set()
    assert await waiter
    assert await task == "done"
    assert inflight.count == 0
