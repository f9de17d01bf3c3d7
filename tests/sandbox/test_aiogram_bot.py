"""A real aiogram bot (AiohttpSession, Dispatcher) against the emulator: errors and roundtrips."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox import Emulator


def demo_router() -> Router:
    """A small bot: /start shows a button, pressing it edits the message and says thanks."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        markup = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="Join", callback_data="join")]]
        )
        args = message.text.partition(" ")[2] if message.text else ""
        await message.answer(
            f"Welcome, <b>{message.from_user.first_name}</b>! {args}".strip(),
            parse_mode="HTML",
            reply_markup=markup,
        )

    @router.callback_query(F.data == "join")
    async def join(query: CallbackQuery) -> None:
        await query.message.edit_text("You joined.")
        await query.answer("Done", show_alert=False)
        await query.message.answer("Next step: send your CV.")

    @router.message(Command("help"))
    async def help_(message: Message) -> None:
        await message.reply("Help is here")

    return router


async def test_aiogram_raises_the_right_exceptions(emu: Emulator, bot: Bot):
    user = emu.user(1001, "Lan")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(404, "x")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1001, "")
    with pytest.raises(TelegramBadRequest, match=r"can't parse entities: Unsupported start tag"):
        await bot.send_message(1001, "<x>", parse_mode="HTML")
    await user.block_bot()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "x")
    owner = emu.user(1, "Owner")
    group = emu.group("Old", type="group")
    await owner.add_bot_to(group)
    supergroup = await emu.migrate_group(group)
    with pytest.raises(TelegramMigrateToChat) as info:
        await bot.send_message(group.id, "x")
    assert info.value.migrate_to_chat_id == supergroup.id
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()
    await bot.delete_webhook()


async def test_wrong_token_is_unauthorized(emu: Emulator):
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    stranger = Bot("42:wrong-token", session=session)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await session.close()


async def test_polling_dispatcher_conversation(emu: Emulator, bot: Bot):
    user = emu.user(1001, "Lan", username="lan", language_code="vi")
    dp = Dispatcher()
    dp.include_router(demo_router())
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=1)
    )
    try:
        await user.send("/start ref42")
        welcome = await user.expect_message(timeout=5)
        assert welcome.text == "Welcome, Lan! ref42"
        assert welcome.entities == [{"type": "bold", "offset": 9, "length": 3}]
        answer = await user.press("Join")
        assert answer.text == "Done"
        assert (await user.expect_edit(timeout=5)).text == "You joined."
        assert (await user.expect_message(timeout=5)).text == "Next step: send your CV."

        group = emu.group("Hanoi founders")
        await user.add_bot_to(group)
        asked = await user.send("/help@in2spire_test_bot", chat=group)
        reply = await user.expect_message(timeout=5, chat=group)
        assert reply.text == "Help is here" and reply.reply_to is asked
    finally:
        await dp.stop_polling()
        await polling
    assert emu.stats["getUpdates"] >= 1
    assert emu.stats["answerCallbackQuery"] == 1


async def test_webhook_dispatcher_with_secret_token(emu: Emulator, bot: Bot):
    user = emu.user(1001, "Lan")
    dp = Dispatcher()
    dp.include_router(demo_router())
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="hook-secret").register(app, path="/tg")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
        await bot.set_webhook(url, secret_token="hook-secret")
        await user.send("/start")
        assert (await user.expect_message(timeout=5)).text == "Welcome, Lan!"
        assert (await user.press("Join")).text == "Done"
        await bot.delete_webhook()
    finally:
        await runner.cleanup()
