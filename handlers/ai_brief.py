"""The suggested brief of a pitch: Use this brief / Edit a field / Keep my own text.

The proposal arrives in its own message while the startup goes on with /pitch
(``bot/ai/assist.py``). Editing a field asks for the new value as text and shows
the proposal again; using it makes it the brief ambassadors read (the summary card
shows it too). Every press re-checks that the request is this person's draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import InvalidInput
from bot.filters import CommandLike, PrivateChat, TextAnswer
from bot.services import Services
from bot.ui.ai_brief import ASK_KEYS, FIELD_KEYS, fields_kb, proposal_kb, proposal_text
from bot.ui.callbacks import BriefCB
from bot.ui.cards import error_message
from bot.ui.states import BriefEdit, PitchForm

T = Callable[..., str]


async def on_use(
    callback: CallbackQuery, callback_data: BriefCB, services: Services, lang: str, t: T
) -> None:
    brief = await services.briefs.use(callback.from_user.id, callback_data.id)
    await callback.answer(t("brief.ai.used"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            proposal_text(brief, lang, t) + "\n\n" + t("brief.ai.used_note"), reply_markup=None
        )


async def on_own(callback: CallbackQuery, callback_data: BriefCB, services: Services, t: T) -> None:
    await services.briefs.keep_own(callback.from_user.id, callback_data.id)
    await callback.answer(t("brief.ai.kept_own"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("brief.ai.kept_own"), reply_markup=None)


async def on_edit(
    callback: CallbackQuery, callback_data: BriefCB, services: Services, t: T
) -> None:
    await services.briefs.current(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=fields_kb(callback_data.id, t))


async def on_back(
    callback: CallbackQuery, callback_data: BriefCB, services: Services, t: T
) -> None:
    await services.briefs.current(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=proposal_kb(callback_data.id, t))


async def on_field(
    callback: CallbackQuery, callback_data: BriefCB, services: Services, state: FSMContext, t: T
) -> None:
    field = callback_data.field
    if field not in FIELD_KEYS:
        raise InvalidInput("error.stale_button")
    await services.briefs.current(callback.from_user.id, callback_data.id)
    # Remember where /pitch was, to go back there once the field is typed.
    previous = await state.get_state()
    data = await state.get_data()
    await state.set_state(BriefEdit.typing)
    await state.set_data(
        {
            "request_id": callback_data.id,
            "brief_field": field,
            "resume": previous,
            "resume_data": data,
        }
    )
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
        await callback.message.answer(t(ASK_KEYS[field]))


async def on_typed(
    message: Message, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    assert message.from_user is not None and message.text is not None
    data = await state.get_data()
    try:
        brief = await services.briefs.edit(
            message.from_user.id, int(data["request_id"]), str(data["brief_field"]), message.text
        )
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    resume = data.get("resume")
    if resume in (PitchForm.answering.state, PitchForm.summary.state):
        await state.set_state(resume)
        await state.set_data(dict(data.get("resume_data") or {}))
    else:
        await state.clear()
    await message.answer(
        proposal_text(brief, lang, t), reply_markup=proposal_kb(int(data["request_id"]), t)
    )
    if resume == PitchForm.answering.state:
        await message.answer(t("brief.ai.resume"))


async def on_not_text(message: Message, t: T) -> None:
    await message.answer(t("error.expected_text"))


def build_router() -> Router:
    """A fresh router for suggested briefs (private chats only)."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    typing = StateFilter(BriefEdit.typing)
    router.message.register(on_typed, typing, TextAnswer())
    router.message.register(on_not_text, typing, ~CommandLike())
    actions: dict[str, Callable[..., Any]] = {
        "use": on_use,
        "own": on_own,
        "edit": on_edit,
        "back": on_back,
        "field": on_field,
    }
    for action, handler in actions.items():
        router.callback_query.register(handler, BriefCB.filter(F.action == action))
    return router
