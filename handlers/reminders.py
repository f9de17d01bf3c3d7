"""The buttons on a reminder (Snooze 1 day, Can't do it) and /settings (how reminders
reach me). "Submit link" belongs to handlers/links.py."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.filters import PrivateChat
from bot.i18n import Translator
from bot.offer_notifications import send_offers
from bot.reminder_notifications import notify_released
from bot.services import Services
from bot.ui.callbacks import ReminderCB, SettingsCB
from bot.ui.reminders import MODE_KEYS, confirm_release_kb, settings_kb
from bot.ui.requests import local_time
from storage.dto import UserDTO

T = Callable[..., str]


async def on_snooze(
    callback: CallbackQuery, callback_data: ReminderCB, services: Services, t: T
) -> None:
    moved = await services.reminders.snooze(callback.from_user.id, callback_data.id)
    await callback.answer(
        t("reminder.snoozed_toast", time=local_time(moved, services.reminders.tz))
    )
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


async def on_release(
    callback: CallbackQuery, callback_data: ReminderCB, services: Services, t: T
) -> None:
    """Ask before giving the story back: it cannot be undone."""
    await services.reminders.own_story(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(
            reply_markup=confirm_release_kb(callback_data.id, t)
        )


async def on_release_confirmed(
    callback: CallbackQuery,
    callback_data: ReminderCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    story = await services.reminders.own_story(callback.from_user.id, callback_data.id)
    closed = await services.offers.release(callback_data.id, story.ambassador.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            callback.message.html_text + "\n\n" + t("reminder.released_note"), reply_markup=None
        )
    await notify_released(bot, services, translator, story)
    await send_offers(bot, services, translator, closed.refill)


async def on_settings(message: Message, user: UserDTO | None, t: T) -> None:
    if user is None:
        await message.answer(t("fallback.hint_new"))
        return
    await message.answer(
        t("settings.title", mode=t(MODE_KEYS[user.reminder_mode])),
        reply_markup=settings_kb(user.reminder_mode, t),
    )


async def on_mode(
    callback: CallbackQuery, callback_data: SettingsCB, services: Services, t: T
) -> None:
    await services.reminders.set_mode(callback.from_user.id, callback_data.mode)
    await callback.answer(t("settings.saved"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            t("settings.title", mode=t(MODE_KEYS[callback_data.mode])),
            reply_markup=settings_kb(callback_data.mode, t),
        )


def build_router() -> Router:
    """A fresh router for reminder buttons and /settings (private chats)."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(on_snooze, ReminderCB.filter(F.action == "snooze"))
    router.callback_query.register(on_release, ReminderCB.filter(F.action == "release"))
    router.callback_query.register(
        on_release_confirmed, ReminderCB.filter(F.action == "release_yes")
    )
    router.message.register(on_settings, Command("settings"))
    router.callback_query.register(on_mode, SettingsCB.filter())
    return router
