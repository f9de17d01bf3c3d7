"""Last router: nobody is left without an answer in a private chat."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.filters import CommandLike, PrivateChat
from storage.dto import UserDTO

T = Callable[..., str]


async def on_unknown_command(message: Message, t: T) -> None:
    await message.answer(t("fallback.unknown_command"))


async def on_anything(message: Message, user: UserDTO | None, t: T) -> None:
    await message.answer(t("fallback.hint") if user else t("fallback.hint_new"))


async def on_unknown_button(callback: CallbackQuery, t: T) -> None:
    """Buttons from old messages, or data the bot never made."""
    await callback.answer(t("error.stale_button"), show_alert=True)


def build_router() -> Router:
    """A fresh router for hints for anything no other router took."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.message.register(on_unknown_command, CommandLike())
    router.message.register(on_anything)
    router.callback_query.register(on_unknown_button)
    return router
