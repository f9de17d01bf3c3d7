"""The steps that registration and /pitch walk the same way through a form.

Both conversations ask one field at a time (``bot.services.forms.FormField``) and
take the answer typed or by a button (pick / toggle / done / skip). What differs
is declared by each feature: its FSM state for "answering", where the form's
owner lives in FSM data (a role, a request id), how a field is looked up, and its
service calls. The checks, refusals and replies around them live here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.errors import InvalidInput
from bot.i18n import Html
from bot.services.forms import FormField
from bot.ui.callbacks import FormCB, PitchCB
from bot.ui.cards import error_message

T = Callable[..., str]
K = TypeVar("K")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Asked(Generic[K]):
    """The question being asked: whose form (``key``), which field, and whether it
    was opened from the summary card to edit one answer."""

    key: K
    field: FormField
    editing: bool


@dataclass(frozen=True, slots=True)
class FormWalk(Generic[K]):
    """One feature's form conversation, as the shared steps need to know it."""

    #: The state in which a field is being asked.
    answering: State
    #: The FSM data entry that says whose form it is ("role", "request_id").
    key_name: str
    #: Whether that entry is usable (a missing or malformed one is a stale button).
    valid_key: Callable[[Any], bool]
    #: The field of the form by name (the key may choose the form).
    get_field: Callable[[K, str], FormField]

    async def asked(self, state: FSMContext) -> Asked[K]:
        """The field being asked, from FSM data; a stale button otherwise."""
        data = await state.get_data()
        key, name = data.get(self.key_name), data.get("field")
        if not self.valid_key(key) or not name:
            raise InvalidInput("error.stale_button")
        owner = cast(K, key)  # vouched for by valid_key
        return Asked(owner, self.get_field(owner, name), bool(data.get("editing")))

    async def asked_by(
        self, callback: CallbackQuery, state: FSMContext, field: str, t: T
    ) -> Asked[K] | None:
        """Buttons of an earlier question are refused: only the field being asked counts."""
        data = await state.get_data()
        if await state.get_state() != self.answering.state or data.get("field") != field:
            await callback.answer(t("error.stale_button"), show_alert=True)
            return None
        return await self.asked(state)

    async def press(
        self,
        callback: CallbackQuery,
        cb: FormCB | PitchCB,
        state: FSMContext,
        lang: str,
        t: T,
        *,
        save: Callable[[Asked[K]], Awaitable[R]],
        keyboard: Callable[[Asked[K], R], InlineKeyboardMarkup | None],
        shown: Callable[[Asked[K], R], Html],
    ) -> tuple[Asked[K], R] | None:
        """An answer button (pick / toggle / done / skip), checked against the
        question being asked and saved by ``save``; a refusal is shown as an alert.
        A toggle redraws the question's ``keyboard`` and the question stays open;
        any other answer closes it, with the answer (``shown``) under it, and hands
        back what was saved for the next step. ``None``: nothing more to do."""
        asked = await self.asked_by(callback, state, cb.field, t)
        if asked is None:
            return None
        try:
            result = await save(asked)
        except InvalidInput as exc:
            await callback.answer(error_message(t, lang, exc), show_alert=True)
            return None
        await callback.answer()
        if cb.action == "toggle":
            if isinstance(callback.message, Message):
                await callback.message.edit_reply_markup(reply_markup=keyboard(asked, result))
            return None
        await mark_answer(callback, shown(asked, result))
        return asked, result


async def typed(message: Message, save: Awaitable[R], lang: str, t: T) -> R | None:
    """A typed answer saved by ``save``; ``None`` (and the reason shown) if refused."""
    try:
        return await save
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return None


async def mark_answer(callback: CallbackQuery, answer: Html) -> None:
    """Keep the answered question in the chat, with the answer under it."""
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            callback.message.html_text + f"\n\n<b>→</b> {answer}", reply_markup=None
        )


async def use_buttons(message: Message, t: T, markup: InlineKeyboardMarkup | None) -> None:
    """Text typed where only the buttons answer: the buttons again."""
    await message.answer(t("error.use_buttons"), reply_markup=markup)


async def regions_now(
    message: Message, t: T, regions: str, markup: InlineKeyboardMarkup | None
) -> None:
    """A region typed in: added to the selection, which stays open for more."""
    await message.answer(t("reg.regions_now", regions=regions), reply_markup=markup)


async def not_text(message: Message, t: T, *, text_expected: bool) -> None:
    """A sticker, photo, voice... or an unknown /command while a field is asked."""
    if message.text and message.text.startswith("/"):
        await message.answer(t("error.unknown_command_in_form"))
    elif text_expected:
        await message.answer(t("error.expected_text"))
    else:
        await message.answer(t("error.use_buttons"))
