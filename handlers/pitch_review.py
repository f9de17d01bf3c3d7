"""Organizers approve or reject pitches (only with ``REVIEW_PITCHES=true``), the same
way as registrations: Approve opens the request for matching at once, Reject asks
for a reason that the startup receives."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import DomainError, InvalidInput
from bot.filters import IsOrganizer, PrivateChat, TextAnswer
from bot.i18n import Translator
from bot.offer_notifications import notify_pitch_decision, notify_startup_opened, send_offers
from bot.services import Services
from bot.ui.callbacks import PitchReviewCB
from bot.ui.cards import error_message
from bot.ui.states import PitchForm
from handlers.refusals import refuse

T = Callable[..., str]


async def on_approve(
    callback: CallbackQuery,
    callback_data: PitchReviewCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    pitch = await services.pitches.decide(
        actor_id=callback.from_user.id, request_id=callback_data.id, approve=True
    )
    await callback.answer(t("review.approved_toast"))
    if isinstance(callback.message, Message):
        note = t("review.approved_by", name=callback.from_user.full_name)
        await callback.message.edit_text(
            callback.message.html_text + "\n\n" + note, reply_markup=None
        )
    await notify_pitch_decision(bot, services, translator, pitch, None)
    fill = await services.offers.fill(pitch.request.id)
    await notify_startup_opened(bot, services, translator, pitch, fill)
    await send_offers(bot, services, translator, fill)


async def on_reject(
    callback: CallbackQuery, callback_data: PitchReviewCB, state: FSMContext, t: T
) -> None:
    await callback.answer()
    await state.set_state(PitchForm.reject_reason)
    await state.set_data({"request_id": callback_data.id})
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
    request_id = int((await state.get_data()).get("request_id", 0))
    try:
        pitch = await services.pitches.decide(
            actor_id=message.from_user.id, request_id=request_id, approve=False, reason=message.text
        )
    except InvalidInput as exc:  # the reason itself: ask again
        await message.answer(error_message(t, lang, exc))
        return
    except DomainError as exc:  # decided meanwhile, or gone
        await state.clear()
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    await message.answer(t("review.rejected_done"))
    await notify_pitch_decision(bot, services, translator, pitch, pitch.request.reject_reason)


async def on_reason_not_text(message: Message, t: T) -> None:
    await message.answer(t("review.ask_reason"))


def build_router() -> Router:
    """Organizers' decisions on pitches, then a refusal for anyone else's press (one
    router: organizers are checked per handler)."""
    router = Router(name=__name__)
    org = IsOrganizer()
    router.callback_query.register(on_approve, PitchReviewCB.filter(F.action == "approve"), org)
    router.callback_query.register(on_reject, PitchReviewCB.filter(F.action == "reject"), org)
    router.callback_query.register(refuse, PitchReviewCB.filter())
    reason = StateFilter(PitchForm.reject_reason)
    router.message.register(on_reject_reason, reason, PrivateChat(), org, TextAnswer())
    router.message.register(on_reason_not_text, reason, PrivateChat(), org)
    return router
