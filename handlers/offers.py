"""Ambassadors answering offers (Accept / Decline / Ask a question), and the question
relay between an ambassador and the startup, through the bot.

Callback data only carries ids. ``OfferService`` re-checks on every press that the
offer is this person's and still open, and that its time has not run out; a refusal
(a domain error) reaches the person as an alert via ``handlers/errors.py`` and rolls
the update back.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot import validators
from bot.errors import InvalidInput
from bot.filters import PrivateChat, TextAnswer
from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import (
    after_closed_offer,
    notify_accepted,
    recipient,
    send_full_brief,
)
from bot.services import Services
from bot.ui.callbacks import OfferCB, QuestionCB
from bot.ui.cards import error_message
from bot.ui.requests import decline_reasons_kb, reply_kb, request_title
from bot.ui.states import Questions

T = Callable[..., str]
QUESTION_MAX = 1000


async def _close_card(callback: CallbackQuery, note: str, reply_markup: object = None) -> None:
    """Append what happened to the offer message and take its buttons away."""
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            callback.message.html_text + "\n\n" + note,
            reply_markup=reply_markup,  # type: ignore[arg-type]
        )


async def on_accept(
    callback: CallbackQuery,
    callback_data: OfferCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    ambassador = await services.offers.ambassador_of(callback.from_user.id)
    result = await services.offers.accept(callback_data.id, ambassador.id)
    await callback.answer(t("offer.accepted_toast"))
    await _close_card(callback, t("offer.accepted_note"))
    await send_full_brief(bot, services, translator, await services.offers.view(result.assignment))
    await notify_accepted(bot, services, translator, result)


async def on_decline(
    callback: CallbackQuery,
    callback_data: OfferCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    ambassador = await services.offers.ambassador_of(callback.from_user.id)
    closed = await services.offers.decline(callback_data.id, ambassador.id)
    await callback.answer()
    await _close_card(
        callback, t("offer.declined_note"), reply_markup=decline_reasons_kb(callback_data.id, t)
    )
    await after_closed_offer(bot, services, translator, closed)


async def on_reason(
    callback: CallbackQuery, callback_data: OfferCB, services: Services, t: T
) -> None:
    ambassador = await services.offers.ambassador_of(callback.from_user.id)
    await services.offers.set_decline_reason(callback_data.id, ambassador.id, callback_data.value)
    await callback.answer(t("offer.reason_thanks"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)


async def on_ask(
    callback: CallbackQuery, callback_data: OfferCB, state: FSMContext, services: Services, t: T
) -> None:
    ambassador = await services.offers.ambassador_of(callback.from_user.id)
    await services.offers.question_route(callback_data.id, ambassador.id)
    await callback.answer()
    await state.set_state(Questions.asking)
    await state.set_data({"assignment_id": callback_data.id})
    if isinstance(callback.message, Message):
        await callback.message.answer(t("question.ask"))


async def _relayed_text(message: Message, state: FSMContext) -> tuple[int, str]:
    assert message.text is not None
    assignment_id = (await state.get_data()).get("assignment_id")
    if not isinstance(assignment_id, int):
        await state.clear()
        raise InvalidInput("error.stale_button")
    return assignment_id, validators.clean_text(message.text, max_len=QUESTION_MAX, field="text")


async def _relay(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
    *,
    from_startup: bool,
) -> None:
    """Pass a question (ambassador → startup, with a Reply button) or an answer
    (startup → ambassador) through the bot, after re-checking who may write to whom."""
    assert message.from_user
    try:
        assignment_id, text = await _relayed_text(message, state)
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    offers = services.offers
    if from_startup:
        view = await offers.answer_route(assignment_id, message.from_user.id)
        to = view.ambassador.user_id
    else:
        ambassador = await offers.ambassador_of(message.from_user.id)
        view = await offers.question_route(assignment_id, ambassador.id)
        to = view.startup.user_id
    await state.clear()
    to_lang, to_t = await recipient(services, translator, to)
    title = request_title(view.request, view.startup.company_name, to_t, to_lang)
    if from_startup:
        company = view.startup.company_name or "—"
        relayed = to_t("question.to_ambassador", company=company, title=title, text=text)
        markup = None
    else:
        name = view.ambassador.display_name or "—"
        relayed = to_t("question.to_startup", name=name, title=title, text=text)
        markup = reply_kb(assignment_id, to_t)
    delivered = await safe_send(bot, to, relayed, reply_markup=markup)
    await message.answer(t("question.sent") if delivered else t("question.not_delivered"))


async def on_question(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    """The ambassador's question goes to the startup."""
    await _relay(message, bot, state, services, translator, lang, t, from_startup=False)


async def on_reply(
    callback: CallbackQuery, callback_data: QuestionCB, state: FSMContext, services: Services, t: T
) -> None:
    await services.offers.answer_route(callback_data.id, callback.from_user.id)
    await callback.answer()
    await state.set_state(Questions.answering)
    await state.set_data({"assignment_id": callback_data.id})
    if isinstance(callback.message, Message):
        await callback.message.answer(t("question.ask_answer"))


async def on_answer(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    """The startup's answer goes back to the ambassador who asked."""
    await _relay(message, bot, state, services, translator, lang, t, from_startup=True)


async def on_not_text(message: Message, t: T) -> None:
    await message.answer(t("error.expected_text"))


def build_router() -> Router:
    """A fresh router for offer buttons and the question relay (private chats)."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(on_accept, OfferCB.filter(F.action == "accept"))
    router.callback_query.register(on_decline, OfferCB.filter(F.action == "decline"))
    router.callback_query.register(on_reason, OfferCB.filter(F.action == "reason"))
    router.callback_query.register(on_ask, OfferCB.filter(F.action == "ask"))
    router.callback_query.register(on_reply, QuestionCB.filter())
    asking, answering = StateFilter(Questions.asking), StateFilter(Questions.answering)
    router.message.register(on_question, asking, TextAnswer())
    router.message.register(on_answer, answering, TextAnswer())
    router.message.register(on_not_text, asking)
    router.message.register(on_not_text, answering)
    return router
