"""Bot API request middleware: commit the update's database work before talking to Telegram.

Two reasons. The person is never told "saved" about something a later failure
could still roll back. And on SQLite the write lock is released before the
network round trip, so one slow Telegram call does not hold every other
person's update waiting on the database. Work after the call continues in a new
transaction on the same session, committed (or rolled back) at the end of the
update as usual.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware

from storage.db import current_session

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
    from aiogram.methods import TelegramMethod
    from aiogram.methods.base import Response, TelegramType


class CommitBeforeSendMiddleware(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        session = current_session.get()
        if session is not None and session.in_transaction():
            await session.commit()
        return await make_request(bot, method)
