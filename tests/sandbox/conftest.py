"""Fixtures for the emulator's own tests: a running Emulator, a raw HTTP caller, an aiogram Bot."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from sandbox import Emulator, RateLimits


class RawApi:
    """Calls the emulator over HTTP in any of the encodings Telegram accepts."""

    def __init__(self, session: aiohttp.ClientSession, emu: Emulator) -> None:
        self.session = session
        self.emu = emu

    async def __call__(
        self, method: str, *, how: str = "json", token: str | None = None, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        url = f"{self.emu.base_url}/bot{token or self.emu.token}/{method}"
        if how == "json":
            request = self.session.post(url, json=params)
        elif how == "form":
            request = self.session.post(url, data={k: _form(v) for k, v in params.items()})
        elif how == "query":
            request = self.session.get(url, params={k: _form(v) for k, v in params.items()})
        elif how == "multipart":
            form = aiohttp.FormData()
            for key, value in params.items():
                if isinstance(value, tuple):  # (filename, bytes, content_type)
                    form.add_field(key, value[1], filename=value[0], content_type=value[2])
                else:
                    form.add_field(key, _form(value))
            request = self.session.post(url, data=form)
        else:
            raise ValueError(how)
        async with request as resp:
            return resp.status, await resp.json()

    async def ok(self, method: str, **params: Any) -> Any:
        status, body = await self(method, **params)
        assert status == 200, body
        assert body["ok"] is True, body
        return body["result"]


def _form(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(rate_limits=RateLimits.off()) as emulator:
        yield emulator


@pytest.fixture
async def api(emu: Emulator) -> AsyncIterator[RawApi]:
    async with aiohttp.ClientSession() as session:
        yield RawApi(session, emu)


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    aiogram_bot = Bot(emu.token, session=session)
    try:
        yield aiogram_bot
    finally:
        await session.close()
