"""A draft post as the ambassador sees it: always labelled a draft to edit, with the
platform, the version and the angle, then the text (escaped: it came from a model
or from the startup's own words), cut so the message fits Telegram's limit.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import escape
from bot.reference import label
from bot.ui.callbacks import DraftCB
from bot.ui.cards import T
from storage.dto import PostDraftDTO

#: Characters of a draft message, markup included (Telegram's limit is 4096 visible
#: ones; the same margin as ``bot.ui.requests.MESSAGE_MAX``, which imports this module).
MESSAGE_MAX = 4000


def draft_button(assignment_id: int, t: T) -> InlineKeyboardButton:
    """ "✍️ Draft a post", under an accepted story."""
    return InlineKeyboardButton(
        text=t("draft.btn.new"), callback_data=DraftCB(action="new", id=assignment_id).pack()
    )


def draft_kb(assignment_id: int, t: T) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("draft.btn.again"),
                    callback_data=DraftCB(action="again", id=assignment_id).pack(),
                ),
                InlineKeyboardButton(
                    text=t("draft.btn.shorter"),
                    callback_data=DraftCB(action="shorter", id=assignment_id).pack(),
                ),
            ]
        ]
    )


def placeholder_text(t: T) -> str:
    return t("draft.placeholder")


def _escaped_within(text: str, budget: int) -> str:
    """``text`` escaped, cut (at a word boundary, with an ellipsis) so that the escaped
    form is at most ``budget`` characters."""
    body = escape(text)
    limit = len(text)
    while len(body) > budget and limit > 1:
        limit = max(1, limit - max(len(body) - budget, 1))
        head = text[: limit - 1]
        space = head.rfind(" ")
        if space >= limit // 2:
            head = head[:space]
        body = escape(head.rstrip() + "…")
    return body


def draft_text(draft: PostDraftDTO, lang: str, t: T, *, template_note: bool = False) -> str:
    """The header (a draft to edit, platform, version, angle), an optional quiet note
    that AI was unavailable, and the text, within one message."""
    header = t(
        "draft.header", platform=label("platforms", draft.platform, lang), version=draft.version
    )
    lines = [header, t("draft.angle", angle=draft.angle)]
    if template_note:
        lines.append(t("draft.ai_unavailable"))
    head = "\n".join(lines) + "\n\n"
    return head + _escaped_within(draft.text, MESSAGE_MAX - len(head))
