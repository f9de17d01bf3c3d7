"""/ai_usage (organizers): AI calls, tokens and estimated cost of the last days, per
day and feature. Everyone else is told it is not allowed."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.config import Settings
from bot.filters import IsOrganizer, PrivateChat
from bot.services import Services
from bot.ui.ai_usage import USAGE_DAYS, usage_text

T = Callable[..., str]


async def on_ai_usage(
    message: Message, services: Services, settings: Settings, lang: str, t: T
) -> None:
    report = await services.ai_usage.usage(USAGE_DAYS)
    await message.answer(usage_text(report, settings, t, lang))


async def refuse(message: Message, t: T) -> None:
    await message.answer(t("error.not_allowed"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.message.register(on_ai_usage, Command("ai_usage"), IsOrganizer())
    router.message.register(refuse, Command("ai_usage"))
    return router
