"""/profile and the summary card's buttons: edit a field, submit."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import Conflict, InvalidInput, NotFound
from bot.filters import PrivateChat
from bot.i18n import Translator
from bot.notifications import notify_organizers_of_submission
from bot.services import Services
from bot.services.forms import form_for, get_field
from bot.ui.callbacks import ProfileCB
from bot.ui.cards import FIELD_LABELS, error_message, field_labels
from bot.ui.keyboards import fields_kb, profile_kb
from handlers.registration import ask_field, show_summary
from storage.dto import UserDTO

T = Callable[..., str]


async def on_profile(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    user: UserDTO | None,
    lang: str,
    t: T,
) -> None:
    if user is None:
        await message.answer(t("start.consent_first"))
        return
    current = await services.registration.current(user.id)
    if current is None:
        await message.answer(t("profile.none"))
        return
    role, profile = current
    await show_summary(bot, message.chat.id, role, profile, lang=lang, t=t, state=state)


async def on_profile_button(
    callback: CallbackQuery,
    callback_data: ProfileCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    user: UserDTO | None,
    lang: str,
    t: T,
) -> None:
    """Acts only on the presser's own profile: the callback carries no profile id."""
    if user is None:
        await callback.answer(t("start.consent_first"), show_alert=True)
        return
    current = await services.registration.current(user.id)
    if current is None:
        await callback.answer(t("profile.none"), show_alert=True)
        return
    role, profile = current
    message = callback.message if isinstance(callback.message, Message) else None
    action = callback_data.action
    if action == "edit":
        await callback.answer()
        if message:
            await message.edit_reply_markup(
                reply_markup=fields_kb(form_for(role), field_labels(t), t)
            )
    elif action == "back":
        await callback.answer()
        if message:
            await message.edit_reply_markup(reply_markup=profile_kb(profile.status, t))
    elif action == "field":
        try:
            field = get_field(role, callback_data.field)
        except KeyError:
            await callback.answer(t("error.stale_button"), show_alert=True)
            return
        await callback.answer(t(FIELD_LABELS[field.name]))
        if message:
            await message.edit_reply_markup(reply_markup=None)
        await ask_field(
            bot, user.id, role, profile, field, lang=lang, t=t, state=state, editing=True
        )
    elif action == "submit":
        try:
            submitted = await services.registration.submit(user.id, role)
        except (InvalidInput, Conflict, NotFound) as exc:
            await callback.answer(error_message(t, lang, exc), show_alert=True)
            return
        await callback.answer()
        if message:
            await message.edit_reply_markup(reply_markup=None)
        await state.clear()
        await bot.send_message(user.id, t("reg.submitted"))
        await notify_organizers_of_submission(bot, services, translator, role, submitted)
    else:
        await callback.answer(t("error.stale_button"), show_alert=True)


def build_router() -> Router:
    """A fresh router for /profile and the summary card."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_profile, Command("profile"))
    router.callback_query.register(on_profile_button, ProfileCB.filter())
    return router
