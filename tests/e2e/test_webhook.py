"""Webhook mode: secret checked on every request, re-sent updates processed once, /healthz."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import build_webhook_app, register_lifecycle
from bot.dispatcher import create_bot, create_dispatcher
from sandbox import Emulator
from storage.db import create_engine, create_sessionmaker
from tests.conftest import FakeClock
from tests.e2e.conftest import make_settings
from tests.e2e.flows import expect

SECRET = "s3cr3t-Token_for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def webhook(emulator: Emulator, migrated_url: str, clock: FakeClock) -> AsyncIterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    settings = make_settings(
        emulator,
        migrated_url,
        webhook_url=url,
        webhook_secret=SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    engine = create_engine(migrated_url, pool_size=20)
    parts = create_dispatcher(settings, create_sessionmaker(engine), clock=clock, webhook=True)
    register_lifecycle(parts, settings)
    app = build_webhook_app(parts.dispatcher, create_bot(settings), settings)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield url
    finally:
        await runner.cleanup()
        await engine.dispose()


def update_json(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    user = {"id": user_id, "is_bot": False, "first_name": "Web", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_767_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Web"},
            "from": user,
            "text": text,
        },
    }


async def test_webhook_is_registered_with_secret(emulator: Emulator, webhook: str) -> None:
    info = emulator.webhook_info
    assert info["url"] == webhook
    assert info.get("has_custom_certificate") is False or "has_custom_certificate" in info


async def test_requests_without_the_secret_are_refused(emulator: Emulator, webhook: str) -> None:
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(
                webhook, json=update_json(1, 7_600_000_001, "/help"), headers=headers
            ) as r:
                assert r.status == 401
    user = emulator.user(id=7_600_000_001, first_name="Web", language_code="en")
    # Nothing was processed: the first reply the user gets is to their own message.
    await user.send("/help")
    reply = await user.expect_message()
    assert reply.html is not None and reply.html.startswith("<b>Commands</b>")
    assert len([m for m in user.messages() if m.from_bot]) == 1


async def test_a_resent_update_is_processed_once(emulator: Emulator, webhook: str) -> None:
    user = emulator.user(id=7_600_000_002, first_name="Web", language_code="en")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        for _ in range(3):
            async with http.post(
                webhook, json=update_json(424242, user.id, "/cancel"), headers=headers
            ) as r:
                assert r.status == 200
    await expect(user, "en", "cancel.before_consent")
    # A later, different update is answered, and it is the second reply in total.
    await user.send("/help")
    await user.expect_message()
    assert len([m for m in user.messages() if m.from_bot]) == 2


async def test_conversation_over_webhook(emulator: Emulator, webhook: str) -> None:
    user = emulator.user(id=7_600_000_003, first_name="Web", language_code="vi")
    await user.send("/start")
    first = await user.expect_message()
    assert "● 🇻🇳 Tiếng Việt" in first.button_texts


async def test_healthz(webhook: str) -> None:
    base = webhook.rsplit("/tg/hook", 1)[0]
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as r:
        assert r.status == 200
        assert (await r.json()) == {"status": "ok"}
