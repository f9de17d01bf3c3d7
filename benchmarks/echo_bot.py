"""The framework's floor: a bare aiogram echo bot (no database, no middlewares).

Run by benchmarks/registration.py as a subprocess against the emulator.
"""

from __future__ import annotations

import argparse
import asyncio

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, Message

from bot.response_types import KeepResponseTypesMiddleware


async def main(api: str, token: str, concurrency: int) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(api))
    # Same framework workaround as the real bot (see bot/response_types.py), so the
    # floor is not held down by pydantic rebuilding response models.
    session.middleware(KeepResponseTypesMiddleware())
    bot = Bot(token, session=session)
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    @dp.callback_query()
    async def ack(callback: CallbackQuery) -> None:
        await callback.answer()

    await dp.start_polling(bot, tasks_concurrency_limit=concurrency, handle_signals=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    asyncio.run(main(args.api, args.token, args.concurrency))
