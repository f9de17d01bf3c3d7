"""Organizers: approve / reject registrations, /pending, /invite.

Every handler is gated by ``IsOrganizer``; a non-organizer's press on an Approve
button (real or forged) falls through to ``refuse_review``, the last one.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import DomainError, InvalidInput
from bot.filters import IsOrganizer, PrivateChat, TextAnswer
from bot.i18n import Translator
from bot.notifications import notify_applicant_of_decision
from bot.services import Services
from bot.ui.callbacks import ReviewCB
from bot.ui.cards import STATUS_KEYS, applicant_name, error_message, review_card
from bot.ui.keyboards import review_kb
from bot.ui.states import Review

T = Callable[..., str]
PENDING_SHOWN = 10


async def on_approve(
    callback: CallbackQuery,
    callback_data: ReviewCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    try:
        decision = await services.review.decide(
            actor_id=callback.from_user.id,
            role=callback_data.role,
            profile_id=callback_data.id,
            approve=True,
        )
    except DomainError as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    await callback.answer(t("review.approved_toast"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            callback.message.html_text
            + "\n\n"
            + t("review.approved_by", name=callback.from_user.full_name),
            reply_markup=None,
        )
    await notify_applicant_of_decision(
        bot, services, translator, decision.role, decision.profile, True, None
    )


async def on_reject(
    callback: CallbackQuery,
    callback_data: ReviewCB,
    state: FSMContext,
    services: Services,
    lang: str,
    t: T,
) -> None:
    try:
        item = await services.review.get(callback_data.role, callback_data.id)
    except DomainError as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    if item.profile.status != "pending":
        await callback.answer(
            t("review.already_decided", status=t(STATUS_KEYS[item.profile.status])), show_alert=True
        )
        return
    await callback.answer()
    await state.set_state(Review.reason)
    await state.set_data({"role": callback_data.role, "id": callback_data.id})
    if isinstance(callback.message, Message):
        await callback.message.answer(t("review.ask_reason"))


async def on_reject_reason(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    assert message.from_user and message.text is not None
    data = await state.get_data()
    try:
        decision = await services.review.decide(
            actor_id=message.from_user.id,
            role=str(data.get("role")),
            profile_id=int(data.get("id", 0)),
            approve=False,
            reason=message.text,
        )
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    except DomainError as exc:
        await state.clear()
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    await message.answer(t("review.rejected_done"))
    await notify_applicant_of_decision(
        bot, services, translator, decision.role, decision.profile, False, decision.reason
    )


async def on_reject_reason_not_text(message: Message, t: T) -> None:
    await message.answer(t("review.ask_reason"))


async def on_pending(message: Message, services: Services, lang: str, t: T) -> None:
    items, total = await services.review.pending(limit=PENDING_SHOWN)
    if not items:
        await message.answer(t("review.pending_none"))
        return
    await message.answer(t("review.pending_header", total=total, shown=len(items)))
    for item in items:
        person = await services.users.get(item.profile.user_id)
        applicant = applicant_name(
            person.first_name if person else None,
            person.username if person else None,
            item.profile.user_id,
        )
        await message.answer(
            review_card(item.role, item.profile, lang, t, applicant=applicant),
            reply_markup=review_kb(item.role, item.profile.id, t),
        )


async def on_invite(message: Message, bot: Bot, services: Services, t: T) -> None:
    assert message.from_user
    invite = await services.organizers.create_invite(message.from_user.id)
    me = await bot.me()
    link = f"https://t.me/{me.username}?start={invite.payload}"
    await message.answer(
        t(
            "org.invite_created",
            link=link,
            hours=int(services.organizers.invite_ttl.total_seconds() // 3600),
        )
    )


async def refuse_review(callback: CallbackQuery, t: T) -> None:
    """Anyone else pressing Approve/Reject (or forging the data) changes nothing."""
    await callback.answer(t("error.not_allowed"), show_alert=True)


async def refuse_organizer_command(message: Message, t: T) -> None:
    await message.answer(t("error.organizers_only"))


def build_router() -> Router:
    """Organizer decisions, /pending, /invite (organizers only, checked per handler so
    this stays one router), then the refusals for everyone else."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    org = IsOrganizer()
    router.callback_query.register(on_approve, ReviewCB.filter(F.action == "approve"), org)
    router.callback_query.register(on_reject, ReviewCB.filter(F.action == "reject"), org)
    router.message.register(on_reject_reason, StateFilter(Review.reason), org, TextAnswer())
    router.message.register(on_reject_reason_not_text, StateFilter(Review.reason), org)
    router.message.register(on_pending, Command("pending"), org)
    router.message.register(on_invite, Command("invite"), org)
    # Everyone else pressing Approve/Reject (or forging the data) or typing these.
    router.callback_query.register(refuse_review, ReviewCB.filter())
    router.message.register(refuse_organizer_command, Command("pending", "invite"))
    return router
