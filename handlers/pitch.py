"""/pitch: a startup writes a story request, field by field, then submits it.

The walk mirrors registration: ask a field (``ask``), take the answer (text or
button), save it through ``PitchService``, move on (``advance``) or back to the
summary card when one field was being edited; the steps both walks share are in
``handlers/form_walk.py``. The request id lives in FSM data, and every save
re-checks that it is this person's draft.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.ai.assist import AIAssist
from bot.errors import DomainError, InvalidInput
from bot.filters import PrivateChat, TextAnswer
from bot.i18n import Translator
from bot.offer_notifications import notify_organizers_of_pitch, notify_startup_opened, send_offers
from bot.services import Services
from bot.services.forms import FormField, Kind
from bot.services.pitches import Pitch, PitchService, next_pitch_field, pitch_field
from bot.ui.callbacks import PitchCardCB, PitchCB
from bot.ui.cards import error_message
from bot.ui.requests import (
    pitch_card,
    pitch_card_kb,
    pitch_field_kb,
    pitch_fields_kb,
    pitch_question,
    pitch_value,
)
from bot.ui.states import PitchForm
from handlers.form_walk import (
    Asked,
    FormWalk,
    not_text,
    regions_now,
    typed,
    use_buttons,
)

T = Callable[..., str]
TYPED_KINDS = {Kind.LONGTEXT, Kind.DEADLINE, Kind.COUNT, Kind.REGIONS}


async def ask(
    bot: Bot,
    chat_id: int,
    pitch: Pitch,
    field: FormField,
    *,
    services: Services,
    lang: str,
    t: T,
    state: FSMContext,
    editing: bool = False,
) -> None:
    await state.set_state(PitchForm.answering)
    await state.update_data(request_id=pitch.request.id, field=field.name, editing=editing)
    text = pitch_question(pitch.request, field, lang, t, services.pitches.tz, editing=editing)
    await bot.send_message(chat_id, text, reply_markup=pitch_field_kb(pitch, field, lang, t))


async def show_card(
    bot: Bot, chat_id: int, pitch: Pitch, *, services: Services, lang: str, t: T, state: FSMContext
) -> None:
    await state.set_state(PitchForm.summary)
    await state.update_data(request_id=pitch.request.id, field=None, editing=False)
    text = pitch_card(pitch, lang, t, services.pitches.tz)
    await bot.send_message(chat_id, text, reply_markup=pitch_card_kb(pitch.request.id, t))


async def advance(
    bot: Bot,
    chat_id: int,
    pitch: Pitch,
    *,
    after: str | None,
    editing: bool,
    services: Services,
    lang: str,
    t: T,
    state: FSMContext,
) -> None:
    """The next question, or the summary card (also right after editing one field)."""
    nxt = None if editing else next_pitch_field(pitch.request, after)
    if nxt is None:
        await show_card(bot, chat_id, pitch, services=services, lang=lang, t=t, state=state)
        return
    await ask(bot, chat_id, pitch, nxt, services=services, lang=lang, t=t, state=state)


async def on_pitch(
    message: Message, bot: Bot, state: FSMContext, services: Services, lang: str, t: T
) -> None:
    assert message.from_user
    try:
        pitch = await services.pitches.begin(message.from_user.id)
    except DomainError as exc:
        await message.answer(error_message(t, lang, exc))
        return
    if next_pitch_field(pitch.request) == pitch_field("need"):
        await message.answer(t("pitch.intro"))
    await advance(
        bot,
        message.chat.id,
        pitch,
        after=None,
        editing=False,
        services=services,
        lang=lang,
        t=t,
        state=state,
    )


WALK: FormWalk[int] = FormWalk(
    answering=PitchForm.answering,
    key_name="request_id",
    valid_key=lambda request_id: isinstance(request_id, int),
    get_field=lambda _request_id, name: pitch_field(name),
)


async def on_text(
    message: Message,
    bot: Bot,
    state: FSMContext,
    services: Services,
    ai: AIAssist,
    lang: str,
    t: T,
) -> None:
    assert message.from_user and message.text is not None
    asked = await WALK.asked(state)
    request_id, field, uid = asked.key, asked.field, message.from_user.id
    if field.kind not in TYPED_KINDS:
        draft = await services.pitches.draft(uid, request_id)
        await use_buttons(message, t, pitch_field_kb(draft, field, lang, t))
        return
    save = services.pitches.answer_text(uid, request_id, field.name, message.text)
    pitch = await typed(message, save, lang, t)
    if pitch is None:
        return
    if field.kind is Kind.REGIONS:
        value = pitch_value(pitch.request, field, lang, t, services.pitches.tz)
        await regions_now(message, t, value, pitch_field_kb(pitch, field, lang, t))
        return
    await advance(
        bot,
        message.chat.id,
        pitch,
        after=field.name,
        editing=asked.editing,
        services=services,
        lang=lang,
        t=t,
        state=state,
    )
    if field.name == "story":  # after the reply: the story is committed by now
        ai.propose_brief(bot, pitch.request, pitch.startup, lang)


async def on_not_text(message: Message, state: FSMContext, t: T) -> None:
    asked = await WALK.asked(state)
    await not_text(message, t, text_expected=asked.field.kind in TYPED_KINDS)


async def _save_button(pitches: PitchService, uid: int, asked: Asked[int], cb: PitchCB) -> Pitch:
    """The service call for a pick / toggle / done / skip button."""
    request_id, name = asked.key, asked.field.name
    if cb.action == "pick":
        return await pitches.pick(uid, request_id, name, cb.value)
    if cb.action == "toggle":
        return await pitches.toggle(uid, request_id, name, cb.value)
    if cb.action == "done":
        return await pitches.finish_multi(uid, request_id, name)
    if cb.action == "skip":
        return await pitches.skip(uid, request_id, name)
    raise InvalidInput("error.stale_button")


async def on_button(
    callback: CallbackQuery,
    callback_data: PitchCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    lang: str,
    t: T,
) -> None:
    """pick / toggle / done / skip on the field being asked."""
    uid, pitches = callback.from_user.id, services.pitches
    answered = await WALK.press(
        callback,
        callback_data,
        state,
        lang,
        t,
        save=lambda asked: _save_button(pitches, uid, asked, callback_data),
        keyboard=lambda asked, pitch: pitch_field_kb(pitch, asked.field, lang, t),
        shown=lambda asked, pitch: pitch_value(pitch.request, asked.field, lang, t, pitches.tz),
    )
    if answered is None:
        return
    asked, pitch = answered
    await advance(
        bot,
        uid,
        pitch,
        after=asked.field.name,
        editing=asked.editing,
        services=services,
        lang=lang,
        t=t,
        state=state,
    )


async def on_card(
    callback: CallbackQuery,
    callback_data: PitchCardCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    """The summary card: edit (list fields) / field / back / submit / discard."""
    uid = callback.from_user.id
    action, request_id = callback_data.action, callback_data.id
    message = callback.message if isinstance(callback.message, Message) else None
    if action == "edit":
        await services.pitches.draft(uid, request_id)
        await callback.answer()
        if message:
            await message.edit_reply_markup(reply_markup=pitch_fields_kb(request_id, t))
        return
    if action == "back":
        await services.pitches.draft(uid, request_id)
        await callback.answer()
        if message:
            await message.edit_reply_markup(reply_markup=pitch_card_kb(request_id, t))
        return
    if action == "field":
        pitch = await services.pitches.draft(uid, request_id)
        field = pitch_field(callback_data.field)
        await callback.answer()
        if message:
            await message.edit_reply_markup(reply_markup=None)
        await ask(
            bot, uid, pitch, field, services=services, lang=lang, t=t, state=state, editing=True
        )
        return
    if action == "discard":
        await services.pitches.discard(uid, request_id)
        await state.clear()
        await callback.answer()
        if message:
            await message.edit_text(message.html_text + "\n\n" + t("pitch.discarded"))
        return
    if action == "submit":
        await submit(callback, request_id, bot, state, services, translator, lang, t)
        return
    await callback.answer(t("error.stale_button"), show_alert=True)


async def submit(
    callback: CallbackQuery,
    request_id: int,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    uid = callback.from_user.id
    try:
        pitch = await services.pitches.submit(uid, request_id)
    except InvalidInput as exc:
        await callback.answer(error_message(t, lang, exc), show_alert=True)
        return
    await state.clear()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            pitch_card(pitch, lang, t, services.pitches.tz), reply_markup=None
        )
    if pitch.request.status == "pending":
        await bot.send_message(uid, t("pitch.submitted_for_review"))
        await notify_organizers_of_pitch(bot, services, translator, pitch)
        return
    fill = await services.offers.fill(request_id)
    await notify_startup_opened(bot, services, translator, pitch, fill)
    await send_offers(bot, services, translator, fill)


async def on_card_text(message: Message, t: T) -> None:
    """Typing while the summary card is shown: point at its buttons."""
    if message.text and message.text.startswith("/"):
        await message.answer(t("error.unknown_command_in_form"))
    else:
        await message.answer(t("pitch.use_card"))


def build_router() -> Router:
    """A fresh router for /pitch and its form (private chats only)."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    answering = StateFilter(PitchForm.answering)
    router.message.register(on_pitch, Command("pitch"))
    router.message.register(on_text, answering, TextAnswer())
    router.message.register(on_not_text, answering)
    router.callback_query.register(on_button, PitchCB.filter())
    router.callback_query.register(on_card, PitchCardCB.filter())
    router.message.register(on_card_text, StateFilter(PitchForm.summary))
    return router
