"""The framework's floor: a bare aiogram echo bot, and two heavier floors.

Run by benchmarks/registration.py as a subprocess against the emulator.

- ``echo``: one Bot API call per update, nothing else (the floor the target names).
- ``two-calls``: two Bot API calls per update (sendChatAction, then the reply), the
  same number as the registration makes on average (answerCallbackQuery + edit or
  send), so it shows what the call count alone costs.
- ``two-calls-db``: the same plus one SQLite write transaction per update on the
  project's own engine (BEGIN IMMEDIATE, read a row, write it, COMMIT): the least a
  stateful conversation must do, without any of the bot's logic.
"""

from __future__ import annotations

import argparse
import asyncio

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatAction
from aiogram.types import CallbackQuery, Message
from sqlalchemy import text

from bot.response_types import KeepResponseTypesMiddleware
from storage.db import create_engine

FLOORS = ("echo", "two-calls", "two-calls-db")


async def main(api: str, token: str, concurrency: int, floor: str, database_url: str) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api))
    # Same framework workaround as the real bot (see bot/response_types.py), so the
    # floor is not held down by pydantic rebuilding response models.
    session.middleware(KeepResponseTypesMiddleware())
    bot = Bot(token, session=session)
    dp = Dispatcher()
    engine = create_engine(database_url) if floor == "two-calls-db" else None
    if engine is not None:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE IF NOT EXISTS floor (k INTEGER PRIMARY KEY, n)"))

    async def touch_row(user_id: int) -> None:
        assert engine is not None
        async with engine.begin() as conn:
            params = {"k": user_id}
            n = (await conn.execute(text("SELECT n FROM floor WHERE k = :k"), params)).scalar()
            if n is None:
                await conn.execute(text("INSERT INTO floor (k, n) VALUES (:k, 1)"), params)
            else:
                await conn.execute(text("UPDATE floor SET n = n + 1 WHERE k = :k"), params)

    @dp.message()
    async def echo(message: Message) -> None:
        if engine is not None and message.from_user is not None:
            await touch_row(message.from_user.id)
        if floor != "echo":
            await message.bot.send_chat_action(message.chat.id, ChatAction.TYPING)  # type: ignore[union-attr]
        await message.answer(message.text or "?")

    @dp.callback_query()
    async def ack(callback: CallbackQuery) -> None:
        await callback.answer()

    try:
        await dp.start_polling(bot, tasks_concurrency_limit=concurrency, handle_signals=True)
    finally:
        if engine is not None:
            await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--floor", choices=FLOORS, default="echo")
    parser.add_argument("--database-url", default="sqlite+aiosqlite:///floor.db")
    args = parser.parse_args()
    asyncio.run(main(args.api, args.token, args.concurrency, args.floor, args.database_url))
