"""How a broadcast's stored content becomes one Telegram message.

The sender and the organizer's preview both call ``send_content``, so the preview
is exactly what recipients get: the same text and entities (or caption), the same
"Got it" button, the same notification setting.

Content taken from an organizer's message keeps its ``entities`` (formatting as the
organizer typed it) and is sent with no parse mode, so nothing in the text is
re-interpreted; content without entities (tests, older rows) uses ``parse_mode``.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity

from bot.ui.callbacks import AckCB

#: The acknowledgement button, in both languages: a group's members read either.
ACK_LABEL = "✅ Đã nhận · Got it"


def content_from_message(message: Message) -> dict[str, Any] | None:
    """What to broadcast, from the organizer's message: text, or one photo or
    document with its caption; ``None`` for anything else."""

    def entities(items: list[MessageEntity] | None) -> list[dict[str, Any]]:
        return [e.model_dump(mode="json", exclude_none=True) for e in items or ()]

    if message.text:
        return {"text": message.text, "entities": entities(message.entities)}
    caption = {"caption": message.caption or "", "entities": entities(message.caption_entities)}
    if message.photo:
        return {"photo": message.photo[-1].file_id, **caption}
    if message.document:
        return {
            "document": message.document.file_id,
            "file_name": message.document.file_name or "",
            **caption,
        }
    return None


def ack_markup(broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=ACK_LABEL, callback_data=AckCB(id=broadcast_id).pack())]
        ]
    )


def _formatting(content: dict[str, Any], *, caption: bool) -> dict[str, Any]:
    if "entities" not in content:
        return {"parse_mode": content.get("parse_mode", "HTML")}
    entities = [MessageEntity.model_validate(e) for e in content["entities"]]
    return {"parse_mode": None, ("caption_entities" if caption else "entities"): entities or None}


async def send_content(
    bot: Bot,
    chat_id: int,
    broadcast_id: int,
    content: dict[str, Any],
    options: dict[str, Any],
    *,
    paid: bool = False,
) -> Message:
    """Send the broadcast's message to one chat (no pinning: the sender does that)."""
    common: dict[str, Any] = {"disable_notification": bool(options.get("silent"))}
    if options.get("ack"):
        common["reply_markup"] = ack_markup(broadcast_id)
    if paid:
        common["allow_paid_broadcast"] = True
    media = content.get("photo") or content.get("document")
    if not media:
        return await bot.send_message(
            chat_id, content["text"], **_formatting(content, caption=False), **common
        )
    caption = content.get("caption") or content.get("text") or None
    markup = _formatting(content, caption=True)
    if content.get("photo"):
        return await bot.send_photo(chat_id, media, caption=caption, **markup, **common)
    return await bot.send_document(chat_id, media, caption=caption, **markup, **common)
