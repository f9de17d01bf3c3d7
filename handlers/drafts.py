"""Draft a post (issue #6): "✍️ Draft a post" under an accepted story, then
"🔁 Another version" and "✂️ Shorter" under each draft.

Every press re-checks that the assignment is this ambassador's and accepted (or
overdue); anything else is refused with an alert (``handlers/errors.py``). The
callback is answered at once. With AI configured a placeholder is sent and the
draft is written in the background (``bot/ai/drafts.py``: no transaction is held
during the call); without a key the template draft is written here and sent now.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.ai import drafts
from bot.ai.assist import AIAssist
from bot.errors import InvalidInput
from bot.filters import PrivateChat
from bot.services.post_drafts import ACTIONS, PostDraftService
from bot.ui.callbacks import DraftCB
from bot.ui.post_drafts import draft_kb, draft_text, placeholder_text
from storage.repositories import Repositories

T = Callable[..., str]


async def on_draft(
    callback: CallbackQuery,
    callback_data: DraftCB,
    bot: Bot,
    repos: Repositories,
    ai: AIAssist,
    lang: str,
    t: T,
) -> None:
    action = callback_data.action
    if action not in ACTIONS:
        raise InvalidInput("error.stale_button")
    service = PostDraftService(repos)
    ctx = await service.context(callback.from_user.id, callback_data.id, lang)
    if drafts.busy(ai, ctx.assignment_id):
        await callback.answer(t("draft.error.busy"), show_alert=True)
        return
    await callback.answer()
    chat_id = callback.from_user.id
    if action != "new" and isinstance(callback.message, Message):
        # The new version comes in its own message; the old one keeps its text.
        with contextlib.suppress(TelegramBadRequest):
            await callback.message.edit_reply_markup(reply_markup=None)
    if ai.enabled:
        placeholder = await bot.send_message(chat_id, placeholder_text(t))
        if drafts.start(ai, bot, ctx, action, placeholder.message_id):
            return
        stored = await drafts.template(service, ctx, action)
        await drafts.show(
            bot,
            chat_id,
            placeholder.message_id,
            draft_text(stored, lang, t),
            draft_kb(ctx.assignment_id, t),
        )
        return
    stored = await drafts.template(service, ctx, action)
    await bot.send_message(
        chat_id, draft_text(stored, lang, t), reply_markup=draft_kb(ctx.assignment_id, t)
    )


def build_router() -> Router:
    """A fresh router for draft posts (private chats only)."""
    router = Router(name=__name__)
    router.callback_query.filter(PrivateChat())
    router.callback_query.register(on_draft, DraftCB.filter())
    return router
