"""getUpdates long polling and webhook delivery."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from sandbox import Emulator
from tests.sandbox.conftest import RawApi


async def test_long_poll_returns_as_soon_as_an_update_arrives(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    started = time.monotonic()
    poll = asyncio.create_task(api.ok("getUpdates", timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await user.send("hello")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 2
    assert [u["message"]["text"] for u in updates] == ["hello"]


async def test_empty_poll_times_out_with_empty_list(emu: Emulator, api: RawApi):
    assert await api.ok("getUpdates", timeout=0) == []
    started = time.monotonic()
    assert await api.ok("getUpdates", timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_offset_confirms_earlier_updates(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    for text in ("a", "b", "c"):
        await user.send(text)
    first = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["a", "b"]
    again = await api.ok("getUpdates")  # nothing confirmed yet
    assert [u["update_id"] for u in again] == [u["update_id"] for u in first] + [
        first[-1]["update_id"] + 1
    ]
    rest = await api.ok("getUpdates", offset=first[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["c"]
    assert await api.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []
    await user.send("d")
    await user.send("e")
    last = await api.ok("getUpdates", offset=-1)
    assert [u["message"]["text"] for u in last] == ["e"]


async def test_allowed_updates_filters_new_updates(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    await api.ok("getUpdates", allowed_updates=["callback_query"])
    await user.send("ignored")
    assert await api.ok("getUpdates") == []
    await api.ok("getUpdates", allowed_updates=[])  # back to the default set
    await user.send("seen")
    assert [u["message"]["text"] for u in await api.ok("getUpdates")] == ["seen"]


async def test_second_poller_terminates_the_first_with_409(emu: Emulator, api: RawApi):
    first = asyncio.create_task(api("getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(api("getUpdates", timeout=1))
    status, body = await asyncio.wait_for(first, 2)
    assert status == 409
    assert body["description"].startswith("Conflict: terminated by other getUpdates request")
    await emu.user(1, "A").send("wake the second poller")
    status, body = await asyncio.wait_for(second, 2)
    assert status == 200 and len(body["result"]) == 1


@dataclass
class Receiver:
    """A tiny webhook endpoint that fails the first `fail` requests."""

    fail: int = 0
    reply: dict[str, Any] | None = None
    received: asyncio.Queue[tuple[dict[str, Any], str | None]] = field(
        default_factory=asyncio.Queue
    )
    attempts: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        if self.attempts <= self.fail:
            return web.Response(status=500)
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        await self.received.put((await request.json(), secret))
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.Response(status=200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    rec.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        yield rec
    finally:
        await runner.cleanup()


async def test_webhook_delivery_with_secret_and_409_on_get_updates(
    emu: Emulator, api: RawApi, receiver: Receiver
):
    user = emu.user(1001, "Lan")
    await user.send("queued before the webhook")
    status, body = await api("setWebhook", url=receiver.url, secret_token="s3cr3t_-X")
    assert (status, body) == (200, {"ok": True, "result": True, "description": "Webhook was set"})
    status, body = await api("setWebhook", url=receiver.url, secret_token="s3cr3t_-X")
    assert body["description"] == "Webhook is already set"
    update, secret = await asyncio.wait_for(receiver.received.get(), 2)
    assert update["message"]["text"] == "queued before the webhook"
    assert secret == "s3cr3t_-X"
    await user.send("live")
    update, _ = await asyncio.wait_for(receiver.received.get(), 2)
    assert update["message"]["text"] == "live"

    status, body = await api("getUpdates")
    assert (status, body["description"]) == (
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )
    info = await api.ok("getWebhookInfo")
    assert info["url"] == receiver.url and info["pending_update_count"] == 0
    assert emu.webhook_info == info
    await api.ok("deleteWebhook")
    assert await api.ok("getUpdates") == []


async def test_webhook_retries_failed_deliveries(emu: Emulator, api: RawApi, receiver: Receiver):
    emu.set_webhook_delivery(retry_delay=0.01, max_attempts=4)
    receiver.fail = 2
    user = emu.user(1001, "Lan")
    await api.ok("setWebhook", url=receiver.url)
    await user.send("eventually")
    update, secret = await asyncio.wait_for(receiver.received.get(), 2)
    assert update["message"]["text"] == "eventually" and secret is None
    assert receiver.attempts == 3
    info = emu.webhook_info
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )


async def test_webhook_reply_method_is_executed(emu: Emulator, api: RawApi, receiver: Receiver):
    user = emu.user(1001, "Lan")
    receiver.reply = {"method": "sendMessage", "chat_id": 1001, "text": "answered in the reply"}
    await api.ok("setWebhook", url=receiver.url)
    await user.send("/start")
    msg = await user.expect_message(timeout=2)
    assert msg.text == "answered in the reply"


async def test_set_webhook_validation(emu: Emulator, api: RawApi):
    status, body = await api("setWebhook", url="https://example.com/h", secret_token="bad token!")
    assert (status, body["description"]) == (
        400,
        "Bad Request: secret token contains unallowed characters",
    )
    status, body = await api("setWebhook", url="ftp://example.com")
    assert status == 400 and body["description"].startswith("Bad Request: bad webhook")
    status, body = await api("setWebhook")
    assert (status, body["description"]) == (400, "Bad Request: url is empty")
    # An empty url removes the webhook, like deleteWebhook.
    status, body = await api("setWebhook", how="form", url="")
    assert (status, body["description"]) == (200, "Webhook is already deleted")


async def test_delete_webhook_keeps_undelivered_updates(emu: Emulator, api: RawApi):
    emu.set_webhook_delivery(retry_delay=5, max_attempts=2)
    user = emu.user(1001, "Lan")
    await api.ok("setWebhook", url="http://127.0.0.1:9/unreachable", max_connections=1)
    await user.send("one")
    await user.send("two")
    await asyncio.sleep(0.05)
    await api.ok("deleteWebhook")
    texts = [u["message"]["text"] for u in await api.ok("getUpdates")]
    assert texts == ["one", "two"]
    body = json.dumps(emu.webhook_info)
    assert '"url": ""' in body
