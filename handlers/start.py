"""/start: organizer invites, language, personal-data consent, role choice."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import Conflict
from bot.filters import PrivateChat
from bot.i18n import Translator
from bot.services import Services
from bot.services.organizers import INVITE_PREFIX, RedeemResult
from bot.ui.callbacks import ConsentCB, LangCB, RoleCB
from bot.ui.cards import ROLE_KEYS, STATUS_KEYS, error_message
from bot.ui.commands import set_chat_commands
from bot.ui.keyboards import consent_kb, language_kb, role_kb
from bot.ui.states import Onboarding
from handlers.registration import resume
from storage.dto import UserDTO

T = Callable[..., str]


INVITE_REPLIES = {
    RedeemResult.OK: "org.invite_accepted",
    RedeemResult.ALREADY: "org.invite_already",
    RedeemResult.INVALID: "org.invite_invalid",
}


async def on_start(
    message: Message,
    command: CommandObject,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    user: UserDTO | None,
    is_organizer: bool,
    lang: str,
    t: T,
) -> None:
    assert message.from_user
    uid = message.from_user.id
    if command.args and command.args.startswith(INVITE_PREFIX):
        result = await services.organizers.redeem(command.args, uid)
        await message.answer(t(INVITE_REPLIES[result]))
        is_organizer = is_organizer or result is RedeemResult.OK
    if is_organizer:
        # Organizers' menu lives in their own chat; it can only be set once they
        # have opened the chat, so every /start (re)sets it.
        await set_chat_commands(bot, translator, uid, lang, organizer=True)
    if user is None:
        await state.set_state(Onboarding.language)
        await state.set_data({"lang": lang})
        await message.answer(t("start.choose_language"), reply_markup=language_kb(lang))
        return
    await state.clear()
    await continue_after_consent(
        bot, uid, services, is_organizer=is_organizer, lang=lang, t=t, state=state
    )


async def continue_after_consent(
    bot: Bot,
    chat_id: int,
    services: Services,
    *,
    is_organizer: bool,
    lang: str,
    t: T,
    state: FSMContext,
) -> None:
    """Where a consented person goes next: their registration, or the role choice."""
    current = await services.registration.current(chat_id)
    if current is not None:
        role, profile = current
        if profile.status == "draft":
            await bot.send_message(chat_id, t("start.resume"))
            await resume(bot, chat_id, role, profile, lang=lang, t=t, state=state)
            return
        await bot.send_message(
            chat_id,
            t("start.welcome_back", role=t(ROLE_KEYS[role]), status=t(STATUS_KEYS[profile.status])),
        )
        return
    if is_organizer:
        await bot.send_message(chat_id, t("start.organizer_welcome"))
        return
    await state.set_state(Onboarding.role)
    await bot.send_message(chat_id, t("start.choose_role"), reply_markup=role_kb(t))


async def on_language(
    callback: CallbackQuery,
    callback_data: LangCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    user: UserDTO | None,
    is_organizer: bool,
) -> None:
    lang = callback_data.code
    if lang not in translator.catalogs:
        await callback.answer(
            translator.t(translator.default, "error.stale_button"), show_alert=True
        )
        return
    t = translator.bind(lang)
    await callback.answer()
    if user is not None:
        # /language for a registered person: stored at once, menu follows.
        await services.users.set_language(user.id, lang)
        await set_chat_commands(bot, translator, user.id, lang, organizer=is_organizer)
        if isinstance(callback.message, Message):
            await callback.message.edit_text(t("language.changed"))
        return
    if await state.get_state() not in (Onboarding.language.state, None):
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    await state.set_state(Onboarding.consent)
    await state.set_data({"lang": lang})
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("consent.notice"), reply_markup=consent_kb(t))


async def on_consent(
    callback: CallbackQuery,
    callback_data: ConsentCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    user: UserDTO | None,
    is_organizer: bool,
    lang: str,
    t: T,
) -> None:
    if user is not None:
        await callback.answer(t("consent.already"))
        return
    if await state.get_state() != Onboarding.consent.state:
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    await callback.answer()
    message = callback.message if isinstance(callback.message, Message) else None
    if not callback_data.accept:
        await state.clear()
        if message:
            await message.edit_text(t("consent.declined"))
        return
    tg_user = callback.from_user
    await services.users.accept_consent(
        user_id=tg_user.id, language=lang, first_name=tg_user.first_name, username=tg_user.username
    )
    if message:
        await message.edit_text(t("consent.notice") + "\n\n" + t("consent.accepted"))
    await set_chat_commands(bot, translator, tg_user.id, lang, organizer=is_organizer)
    await state.clear()
    await continue_after_consent(
        bot, tg_user.id, services, is_organizer=is_organizer, lang=lang, t=t, state=state
    )


async def on_role(
    callback: CallbackQuery,
    callback_data: RoleCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    user: UserDTO | None,
    lang: str,
    t: T,
) -> None:
    if user is None:
        await callback.answer(t("start.consent_first"), show_alert=True)
        return
    role = callback_data.role
    if role not in ROLE_KEYS:
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    try:
        profile = await services.registration.begin(user.id, role)
    except Conflict as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("start.role_chosen", role=t(ROLE_KEYS[role])))
    await resume(bot, user.id, role, profile, lang=lang, t=t, state=state)


def build_router() -> Router:
    """A fresh router for /start, language, consent and role."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_start, CommandStart())
    router.callback_query.register(on_language, LangCB.filter())
    router.callback_query.register(on_consent, ConsentCB.filter())
    router.callback_query.register(on_role, RoleCB.filter())
    return router
