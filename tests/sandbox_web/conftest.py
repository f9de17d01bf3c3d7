"""A real LocalSandbox (emulator + the real bot polling it + the page) on a temporary
database and free ports, and an HTTP client for its page and API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from sandbox.local import LocalSandbox
from tests.conftest import FakeClock

EVENT_TIMEOUT = 10.0


class Api:
    """JSON calls against the sandbox's page server (real HTTP)."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session = session
        self.base = base.rstrip("/")

    async def get(self, path: str, **params: Any) -> tuple[int, Any]:
        async with self.session.get(self.base + path, params=params) as resp:
            return resp.status, await resp.json()

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.session.post(self.base + path, json=body) as resp:
            return resp.status, await resp.json()

    async def ok(self, path: str, body: Any = None) -> Any:
        status, data = await self.post(path, body)
        assert status in (200, 201), (status, data)
        return data

    def events(self, persona: int) -> EventStream:
        return EventStream(self.session, f"{self.base}/events?persona={persona}")


class EventStream:
    """Server-Sent Events read with aiohttp: ``async with api.events(p) as ev``."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.resp: aiohttp.ClientResponse | None = None

    async def __aenter__(self) -> EventStream:
        self.resp = await self.session.get(self.url)
        assert self.resp.status == 200
        assert self.resp.headers["Content-Type"].startswith("text/event-stream")
        line = await asyncio.wait_for(self.resp.content.readline(), EVENT_TIMEOUT)
        assert line.startswith(b": connected")  # subscribed: events from now on
        await self.resp.content.readline()
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.resp is not None
        self.resp.close()

    async def _next(self) -> tuple[str, dict[str, Any]]:
        assert self.resp is not None
        kind, data = "", ""
        while True:
            raw = await self.resp.content.readline()
            if not raw:
                raise AssertionError("the event stream ended")
            line = raw.decode().rstrip("\n")
            if not line:
                if kind:
                    return kind, json.loads(data)
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(": ")
            if field == "event":
                kind = value
            elif field == "data":
                data += value

    async def next(self, within: float = EVENT_TIMEOUT) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self._next(), within)

    async def wait_for(
        self, kind: str, within: float = EVENT_TIMEOUT, **match: Any
    ) -> dict[str, Any]:
        """The next event of ``kind`` whose data has these values (others are skipped)."""

        async def find() -> dict[str, Any]:
            while True:
                got, data = await self._next()
                if got == kind and all(data.get(k) == v for k, v in match.items()):
                    return data

        return await asyncio.wait_for(find(), within)


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[LocalSandbox]:
    box = LocalSandbox(tmp_path / "sandbox.db", port=0, clock=FakeClock(), out=lambda line: None)
    await box.start()
    yield box
    await box.stop()


@pytest.fixture
async def api(sandbox: LocalSandbox) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, sandbox.url)
