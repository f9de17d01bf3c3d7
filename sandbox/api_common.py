"""Helpers shared by the method handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.errors import bad_request
from sandbox.keyboards import normalize_markup
from sandbox.models import ChatRecord, SimMessage
from sandbox.world import World

Params = dict[str, Any]


@dataclass(frozen=True)
class Described:
    """A result that Telegram returns together with a "description" (setWebhook & co)."""

    result: Any
    description: str


def markup_param(p: Params, *, inline_only: bool = False) -> dict[str, Any] | None:
    markup = p.get("reply_markup")
    if markup is None:
        return None
    normalized = normalize_markup(markup, inline_only=inline_only)
    # An inline keyboard without buttons is no keyboard at all, as on Telegram.
    return None if normalized.get("inline_keyboard") == [] else normalized


def reply_target(w: World, chat: ChatRecord, p: Params) -> SimMessage | None:
    """Resolve reply_parameters the way Telegram does (same chat unless chat_id is given)."""
    rp = p.get("reply_parameters")
    if not rp:
        return None
    message_id = rp.get("message_id")
    if not isinstance(message_id, int):
        raise bad_request("can't parse reply parameters JSON object")
    target_chat = chat
    if rp.get("chat_id") is not None:
        target_chat = w.resolve_chat(rp["chat_id"])
    msg = w.find_message(target_chat, message_id)
    if msg is None and not rp.get("allow_sending_without_reply"):
        raise bad_request("message to be replied not found")
    return msg


def common_fields(p: Params) -> dict[str, Any]:
    """Options every send method stores on the message."""
    return {
        "disable_notification": bool(p.get("disable_notification", False)),
        "protect_content": bool(p.get("protect_content", False)),
        "message_thread_id": p.get("message_thread_id"),
    }


def consume_quota(w: World, chat: ChatRecord, p: Params | None = None) -> None:
    """One message's worth of flood limits; a send with allow_paid_broadcast (``p``)
    counts against the paid overall limit instead of the free one."""
    paid = bool(p and p.get("allow_paid_broadcast"))
    w.limiter.consume(chat.id, chat.is_private, paid)


def editable_message(w: World, p: Params) -> SimMessage:
    """Target of an edit*: must exist, be the bot's own and not be a service message."""
    if "chat_id" not in p:
        if p.get("inline_message_id"):
            raise bad_request("message to edit not found")
        raise bad_request("chat_id is empty")
    if "message_id" not in p:
        raise bad_request("message identifier is not specified")
    chat = w.writable_chat(p["chat_id"])
    msg = w.find_message(chat, p["message_id"])
    if msg is None:
        raise bad_request("message to edit not found")
    if not msg.from_bot or msg.service is not None or msg.forward_origin is not None:
        raise bad_request("message can't be edited")
    return msg
