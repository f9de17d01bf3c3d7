"""Cross-process use: a bot in a subprocess (the benchmark layout) and `python -m sandbox`."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from sandbox import Emulator

ROOT = Path(__file__).resolve().parents[2]

BOT_SCRIPT = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

async def main(base_url, token):
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))
    await dp.start_polling(bot, handle_signals=False, polling_timeout=2)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


async def _stop(proc: asyncio.subprocess.Process) -> bytes:
    if proc.returncode is None:
        proc.terminate()
    _, stderr = await proc.communicate()
    return stderr or b""


async def test_bot_in_another_process(emu: Emulator):
    user = emu.user(1001, "Lan")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        BOT_SCRIPT,
        emu.base_url,
        emu.token,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await user.send("ping")
        reply = await user.expect_message(timeout=20)
        assert reply.text == "echo: ping"
        await user.send("again")
        assert (await user.expect_message(timeout=5)).text == "echo: again"
    finally:
        stderr = await _stop(proc)
    assert b"Traceback" not in stderr, stderr.decode()


async def test_python_dash_m_sandbox_serves_standalone():
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        "--token",
        "777:standalone",
        "--no-rate-limits",
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 20)
        base_url = line.decode().strip()
        assert base_url.startswith("http://127.0.0.1:")
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"{base_url}/bot777:standalone/getMe") as resp,
        ):
            body = await resp.json()
        assert body["ok"] and body["result"]["id"] == 777
    finally:
        await _stop(proc)
