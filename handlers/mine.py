"""/myreport (approved startups) and /mystats (approved ambassadors), with the
leaderboard toggle under /mystats. Role checks live in ``bot/services/mine.py``
(``NotAllowed``, answered by the error handlers), re-checked on every press."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.config import Settings
from bot.filters import PrivateChat
from bot.services import Services
from bot.ui.callbacks import MineCB
from bot.ui.mine import leaderboard_kb, myreport_text, mystats_text

T = Callable[..., str]


async def on_myreport(
    message: Message, services: Services, settings: Settings, lang: str, t: T
) -> None:
    report = await services.mine.startup_report(message.chat.id)
    await message.answer(myreport_text(report, t, lang, settings.tz))


async def on_mystats(message: Message, services: Services, lang: str, t: T) -> None:
    stats = await services.mine.ambassador_stats(message.chat.id)
    await message.answer(mystats_text(stats, t, lang), reply_markup=leaderboard_kb(stats, t))


async def on_toggle(callback: CallbackQuery, services: Services, lang: str, t: T) -> None:
    stats = await services.mine.toggle_leaderboard(callback.from_user.id)
    await callback.answer(t("mine.lb.on" if stats.leaderboard else "mine.lb.off"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            mystats_text(stats, t, lang), reply_markup=leaderboard_kb(stats, t)
        )


def build_router() -> Router:
    """A fresh router for /myreport and /mystats."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_myreport, Command("myreport"))
    router.message.register(on_mystats, Command("mystats"))
    router.callback_query.register(on_toggle, MineCB.filter())
    return router
