"""/mydata and /deleteme (issue #7): anyone, in a private chat, in any state."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import BaseStorage
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.filters import PrivateChat
from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import notify_closed, send_offers
from bot.reminder_notifications import notify_released
from bot.services import Services
from bot.services.privacy import Erasure
from bot.services.users import CONSENT_KEYS, CONSENT_VERSION
from bot.ui.callbacks import PrivacyCB
from bot.ui.cards import ROLE_KEYS
from storage.dto import UserDTO
from storage.fsm import conversations_in

T = Callable[..., str]

#: How long the /deleteme confirmation buttons stay valid.
CONFIRM_TTL = timedelta(minutes=10)


def export_document(data: dict[str, Any], user_id: int) -> BufferedInputFile:
    """UTF-8 JSON, Vietnamese as written, indented for reading."""
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return BufferedInputFile(body.encode("utf-8"), filename=f"mydata-{user_id}.json")


async def on_mydata(
    message: Message,
    bot: Bot,
    services: Services,
    translator: Translator,
    fsm_storage: BaseStorage,
    t: T,
) -> None:
    assert message.from_user
    uid = message.from_user.id
    data = await services.privacy.export(uid, conversations_in(fsm_storage))
    consent = data.get("consent")
    if isinstance(consent, dict) and consent.get("version") == CONSENT_VERSION:
        # The exact notice the person agreed to, in every language it was offered in.
        consent["text"] = {
            lang: "\n\n".join(translator.t(lang, key) for key in CONSENT_KEYS)
            for lang in translator.catalogs
        }
    await bot.send_document(
        uid, export_document(data, uid), caption=t("privacy.export.caption", id=uid)
    )


def confirm_kb(uid: int, at: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("privacy.btn.confirm"), callback_data=PrivacyCB(action="yes", uid=uid, at=at))
    kb.button(text=t("privacy.btn.cancel"), callback_data=PrivacyCB(action="no", uid=uid, at=at))
    kb.adjust(1)
    return kb.as_markup()


async def on_deleteme(message: Message, services: Services, user: UserDTO | None, t: T) -> None:
    assert message.from_user
    if user is None:
        await message.answer(t("privacy.delete.nothing"))
        return
    at = int(services.privacy.clock().timestamp())
    await message.answer(t("privacy.delete.ask"), reply_markup=confirm_kb(user.id, at, t))


async def on_confirm(
    callback: CallbackQuery,
    callback_data: PrivacyCB,
    bot: Bot,
    state: FSMContext,
    fsm_storage: BaseStorage,
    services: Services,
    translator: Translator,
    user: UserDTO | None,
    t: T,
) -> None:
    """Only the person who asked, only for ``CONFIRM_TTL``; then erase, answer, tell."""
    uid = callback.from_user.id
    if callback_data.uid != uid:
        await callback.answer(t("error.not_allowed"), show_alert=True)
        return
    message = callback.message if isinstance(callback.message, Message) else None
    if callback_data.action == "no":
        await callback.answer()
        if message:
            await message.edit_text(t("privacy.delete.cancelled"))
        return
    if callback_data.action != "yes":
        await callback.answer(t("error.stale_button"), show_alert=True)
        return
    age = services.privacy.clock().timestamp() - callback_data.at
    if age > CONFIRM_TTL.total_seconds() or age < -60:
        await callback.answer(t("privacy.delete.expired"), show_alert=True)
        if message:
            await message.edit_reply_markup(reply_markup=None)
        return
    if user is None:
        await callback.answer(t("privacy.delete.nothing"), show_alert=True)
        return
    # Every conversation of theirs goes too (all chats and bots; Redis keys included).
    erasure = await services.privacy.erase(uid, conversations_in(fsm_storage))
    await state.clear()  # already gone: this keeps the update's own view in step
    await callback.answer()
    if message:
        await message.edit_text(t("privacy.delete.done"))
    await tell_others(bot, services, translator, uid, erasure)


async def tell_others(
    bot: Bot, services: Services, translator: Translator, uid: int, erasure: Erasure
) -> None:
    """Organizers hear who (by role and anonymous name); the work the person left is
    handed on: replacements offered, startups told, ambassadors of cancelled requests told."""
    ids = [i for i in await services.organizers.all_ids() if i != uid]
    languages = await services.users.languages(ids, translator.default)
    for org_id in ids:
        t = translator.bind(languages[org_id])
        if erasure.role is None:
            text = t("privacy.organizer.erased_no_profile")
        else:
            text = t(
                "privacy.organizer.erased",
                role=t(ROLE_KEYS[erasure.role]),
                name=erasure.anonymized_name or "—",
            )
        await safe_send(bot, org_id, text)
    for released in erasure.released:
        story = await services.reminders.story(released.assignment.id)
        await notify_released(bot, services, translator, story)
    for closed in (*erasure.withdrawn, *erasure.released):
        await send_offers(bot, services, translator, closed.refill)
    for cancelled in erasure.cancelled:
        await notify_closed(
            bot, services, translator, cancelled.closed, "request.cancelled.ambassador"
        )


def build_router() -> Router:
    """A fresh router for /mydata, /deleteme and the confirmation, in any state."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_mydata, Command("mydata"))
    router.message.register(on_deleteme, Command("deleteme"))
    router.callback_query.register(on_confirm, PrivacyCB.filter())
    return router
