"""Commands everyone has, in any state: /cancel, /help, /language."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot.filters import PrivateChat
from bot.ui.keyboards import language_kb
from storage.dto import UserDTO

T = Callable[..., str]


async def on_cancel(message: Message, state: FSMContext, user: UserDTO | None, t: T) -> None:
    """Leave any conversation; answers already saved stay saved."""
    current = await state.get_state()
    if user is None:
        await state.clear()
        await message.answer(t("cancel.before_consent"))
        return
    await state.clear()
    await message.answer(t("cancel.done") if current else t("cancel.nothing"))


async def on_help(message: Message, user: UserDTO | None, is_organizer: bool, t: T) -> None:
    parts = [t("help.everyone")]
    if user is not None and user.role == "startup":
        parts.append(t("help.startup"))
    elif user is not None and user.role == "ambassador":
        parts.append(t("help.ambassador"))
    if is_organizer:
        parts.append(t("help.organizer"))
    await message.answer("\n\n".join(parts))


async def on_language_command(message: Message, lang: str, t: T) -> None:
    await message.answer(t("language.choose"), reply_markup=language_kb(lang))


def build_router() -> Router:
    """A fresh router for /cancel, /help, /language in any state."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.message.register(on_cancel, Command("cancel"))
    router.message.register(on_help, Command("help"))
    router.message.register(on_language_command, Command("language"))
    return router
