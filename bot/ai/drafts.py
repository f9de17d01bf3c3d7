"""Draft posts written by the model, in the background (issue #6).

The handler re-checks the press and reads everything a draft needs in the update's
transaction (``PostDraftService.context``), sends a placeholder ("Drafting…") and
hands over here: the call runs as a task of ``AIAssist.tasks`` (an empty context, no
session; at most ``AIAssist``'s concurrency at once), then a short transaction of
its own stores the draft and the placeholder is edited into it.

Whatever goes wrong with the model (a timeout, an error, output that fails
validation, a "shorter" that is not shorter) the ambassador gets the template draft
instead, with a quiet note; with no key the handler writes the template itself
(``template``), at once. One draft per assignment is written at a time.
"""

from __future__ import annotations

import logging
import weakref

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.ai.assist import AIAssist
from bot.ai.schemas import PostDraft
from bot.services.post_drafts import (
    DraftContext,
    DraftText,
    PostDraftService,
    template_draft,
)
from bot.ui.post_drafts import draft_kb, draft_text
from storage.dto import PostDraftDTO
from storage.repositories import Repositories

log = logging.getLogger(__name__)

FEATURE = "post_draft"

#: Assignments whose draft is being written, per AIAssist (so per dispatcher).
_IN_FLIGHT: weakref.WeakKeyDictionary[AIAssist, set[int]] = weakref.WeakKeyDictionary()


def _in_flight(ai: AIAssist) -> set[int]:
    return _IN_FLIGHT.setdefault(ai, set())


def busy(ai: AIAssist, assignment_id: int) -> bool:
    """A draft of this assignment is being written right now."""
    return assignment_id in _in_flight(ai)


def start(ai: AIAssist, bot: Bot, ctx: DraftContext, action: str, message_id: int) -> bool:
    """Write the draft in the background into the placeholder ``message_id``; False
    when no task could be started (shutting down)."""
    flight = _in_flight(ai)
    flight.add(ctx.assignment_id)
    task = ai.tasks.spawn(_write(ai, bot, ctx, action, message_id))
    if task is None:
        flight.discard(ctx.assignment_id)
        return False
    return True


def accept(ctx: DraftContext, action: str, value: object) -> DraftText | None:
    """The model's draft, if it is usable for this press."""
    if not isinstance(value, PostDraft):
        return None
    previous = ctx.latest.text if ctx.latest is not None else ""
    if action == "shorter" and previous and len(value.text) >= len(previous):
        return None  # asked for shorter, got longer: the template cuts it instead
    return DraftText(value.angle, value.hook, value.text)


async def _write(ai: AIAssist, bot: Bot, ctx: DraftContext, action: str, message_id: int) -> None:
    t = ai.translator.bind(ctx.ui_lang)
    try:
        result = await ai.generate(
            "post_draft", ctx.variables(action), PostDraft, feature=FEATURE, user_id=ctx.user_id
        )
        draft = accept(ctx, action, result.value) if result.ok else None
        note = draft is None and result.status != "disabled"
        async with ai.sessionmaker() as session, session.begin():
            service = PostDraftService(Repositories.bind(session))
            if draft is not None:
                stored = await service.store(
                    ctx, draft, source="ai", prompt_version=result.prompt_version
                )
            else:
                stored = await template(service, ctx, action)
        await show(
            bot,
            ctx.user_id,
            message_id,
            draft_text(stored, ctx.ui_lang, t, template_note=note),
            draft_kb(ctx.assignment_id, t),
        )
    except TelegramAPIError as exc:
        log.warning("draft not delivered", extra={"error": str(exc)})
    except Exception:
        log.exception("draft failed", extra={"assignment_id": ctx.assignment_id})
    finally:
        _in_flight(ai).discard(ctx.assignment_id)


async def show(
    bot: Bot, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup
) -> None:
    """Edit the placeholder into the draft (a new message if it is gone)."""
    try:
        await bot.edit_message_text(
            text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except TelegramBadRequest:
        await bot.send_message(chat_id, text, reply_markup=markup)


async def template(service: PostDraftService, ctx: DraftContext, action: str) -> PostDraftDTO:
    """The template draft, stored (no key configured: written in the handler)."""
    return await service.store(
        ctx, template_draft(ctx, action), source="template", prompt_version=None
    )
