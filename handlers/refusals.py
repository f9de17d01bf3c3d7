"""The answers everyone who is not allowed gets: registered last in a router, after
the handlers gated by a role filter, so a refused command or a forged button always
gets a clear answer and changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import CallbackQuery, Message

T = Callable[..., str]


async def refuse_message(message: Message, t: T) -> None:
    await message.answer(t("error.not_allowed"))


async def refuse(callback: CallbackQuery, t: T) -> None:
    await callback.answer(t("error.not_allowed"), show_alert=True)
