"""python-telegram-bot 22 as a second client, to show the emulator is not shaped to aiogram.

PTB sends urlencoded forms (multipart only for uploads) through httpx, unlike aiogram.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from sandbox import Emulator


@pytest.fixture
async def ptb(emu: Emulator) -> AsyncIterator[Bot]:
    bot = Bot(
        emu.token,
        base_url=f"{emu.base_url}/bot",
        base_file_url=f"{emu.base_url}/file/bot",
    )
    async with bot:  # initialize() calls getMe; shutdown() closes the httpx clients
        yield bot


async def test_get_me_and_send_message_with_keyboard(emu: Emulator, ptb: Bot):
    user = emu.user(1001, "Lan")
    me = await ptb.get_me()
    assert me.username == "in2spire_test_bot" and me.is_bot
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    sent = await ptb.send_message(1001, "Hi <b>there</b>", parse_mode="HTML", reply_markup=markup)
    assert sent.text == "Hi there"
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup == markup
    received = await user.expect_message(timeout=1)
    assert received.message_id == sent.message_id and received.button_texts == ["Yes"]


async def test_updates_and_callback_answer(emu: Emulator, ptb: Bot):
    user = emu.user(1001, "Lan")
    await user.send("hello from Lan")
    updates = await ptb.get_updates(timeout=1)
    assert [u.message.text for u in updates] == ["hello from Lan"]
    assert updates[0].effective_user.id == 1001

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Approve", callback_data="appr:1")]])
    await ptb.send_message(1001, "Decide", reply_markup=markup)
    press = asyncio.create_task(user.press("Approve"))
    updates = await ptb.get_updates(offset=updates[-1].update_id + 1, timeout=2)
    query = updates[0].callback_query
    assert query.data == "appr:1" and query.message.text == "Decide"
    assert await ptb.answer_callback_query(query.id, text="Approved", show_alert=True)
    answer = await press
    assert (answer.text, answer.show_alert) == ("Approved", True)


async def test_send_document_upload_and_download(emu: Emulator, ptb: Bot):
    emu.user(1001, "Lan")
    sent = await ptb.send_document(1001, document=b"report body", filename="report.txt")
    assert sent.document.file_name == "report.txt"
    assert sent.document.mime_type == "text/plain"
    file = await ptb.get_file(sent.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"report body"


async def test_ptb_error_mapping(emu: Emulator, ptb: Bot):
    user = emu.user(1001, "Lan")
    with pytest.raises(BadRequest, match="Chat not found"):
        await ptb.send_message(404, "x")
    await user.block_bot()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb.send_message(1001, "x")
