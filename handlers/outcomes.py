"""What came of a request: the startup ticks what it led to, adds a note, Done.

The question is sent by ``bot/outcome_job.py``; every press re-checks that the
request is this person's startup's and was asked."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import InvalidInput
from bot.filters import PrivateChat, TextAnswer
from bot.services import Services
from bot.ui.callbacks import OutcomeCB
from bot.ui.cards import error_message
from bot.ui.outcomes import answered_text, question_kb
from bot.ui.states import OutcomeNote

T = Callable[..., str]


async def on_toggle(
    callback: CallbackQuery, callback_data: OutcomeCB, services: Services, t: T
) -> None:
    outcome = await services.outcomes.toggle(
        callback.from_user.id, callback_data.id, callback_data.kind
    )
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=question_kb(outcome, t))


async def on_note(
    callback: CallbackQuery, callback_data: OutcomeCB, services: Services, state: FSMContext, t: T
) -> None:
    await services.outcomes.get(callback.from_user.id, callback_data.id)
    await state.set_state(OutcomeNote.typing)
    await state.set_data({"request_id": callback_data.id})
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(t("outcome.ask_note"))


async def on_note_typed(
    message: Message, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    assert message.from_user is not None
    request_id = int((await state.get_data())["request_id"])
    try:
        outcome = await services.outcomes.note(message.from_user.id, request_id, message.text or "")
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    await message.answer(
        t("outcome.note_saved", note=outcome.note or ""), reply_markup=question_kb(outcome, t)
    )


async def on_done(
    callback: CallbackQuery, callback_data: OutcomeCB, services: Services, t: T
) -> None:
    outcome = await services.outcomes.done(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(answered_text(outcome, t), reply_markup=None)


def build_router() -> Router:
    """A fresh router for outcome questions (private chats)."""
    router = Router(name=__name__)
    router.callback_query.filter(PrivateChat())
    router.message.filter(PrivateChat())
    router.message.register(on_note_typed, StateFilter(OutcomeNote.typing), TextAnswer())
    router.callback_query.register(on_toggle, OutcomeCB.filter(F.action == "toggle"))
    router.callback_query.register(on_note, OutcomeCB.filter(F.action == "note"))
    router.callback_query.register(on_done, OutcomeCB.filter(F.action == "done"))
    return router
