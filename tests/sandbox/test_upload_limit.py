"""Uploads over the Bot API's 50 MB limit are refused like Telegram does: 413
Request Entity Too Large, nothing sent; a file at the limit goes through."""

from __future__ import annotations

import io

from aiogram import Bot
from aiogram.exceptions import TelegramEntityTooLarge
from aiogram.types import BufferedInputFile

from sandbox import Emulator
from sandbox.api_media import MAX_UPLOAD
from tests.sandbox.conftest import RawApi


async def test_a_document_over_50_mb_is_refused_with_413(emu: Emulator, api: RawApi):
    emu.user(1001, "Lan")
    assert MAX_UPLOAD == 50 * 1024 * 1024
    big = b"x" * (MAX_UPLOAD + 1)
    status, body = await api(
        "sendDocument",
        how="multipart",
        chat_id=1001,
        document=("big.zip", io.BytesIO(big), "application/zip"),  # bytes this big: a stream
    )
    assert (status, body) == (
        413,
        {"ok": False, "error_code": 413, "description": "Request Entity Too Large"},
    )
    assert all(f.size <= MAX_UPLOAD for f in emu.world.files.values())
    assert emu.user(1001).last_bot_message() is None  # nothing was sent

    # Exactly at the limit: sent.
    status, body = await api(
        "sendDocument",
        how="multipart",
        chat_id=1001,
        document=("fits.zip", io.BytesIO(big[:MAX_UPLOAD]), "application/zip"),
    )
    assert status == 200, body
    assert body["result"]["document"]["file_size"] == MAX_UPLOAD


async def test_aiogram_sees_entity_too_large(emu: Emulator, bot: Bot):
    user = emu.user(1002, "Minh")
    try:
        await bot.send_document(1002, BufferedInputFile(b"y" * (MAX_UPLOAD + 1), "big.xlsx"))
    except TelegramEntityTooLarge:
        pass
    else:  # pragma: no cover
        raise AssertionError("a 50 MB + 1 byte upload was accepted")
    assert user.last_bot_message() is None
