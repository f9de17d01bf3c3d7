"""Handlers for sending, editing, deleting, copying and forwarding messages."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.api_common import (
    Params,
    common_fields,
    consume_quota,
    editable_message,
    markup_param,
    reply_target,
)
from sandbox.errors import bad_request
from sandbox.models import CallbackAnswer, SimMessage
from sandbox.text import format_text
from sandbox.world import World

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


def send_message(w: World, p: Params) -> dict[str, Any]:
    chat = w.writable_chat(p["chat_id"])
    parse_mode = p.get("parse_mode")
    text, entities = format_text(
        p["text"], parse_mode, p.get("entities"), user_lookup=w.user_lookup
    )
    markup = markup_param(p)
    reply_to = reply_target(w, chat, p)
    consume_quota(w, chat, p)
    msg = w.new_message(
        chat,
        w.bot,
        from_bot=True,
        text=text,
        entities=entities,
        html=p["text"] if (parse_mode or "").lower() == "html" else None,
        parse_mode=parse_mode,
        reply_markup=markup,
        reply_to=reply_to,
        link_preview_options=p.get("link_preview_options"),
        **common_fields(p),
    )
    w.emit("message", msg)
    return msg.to_api()


def _current_inline(msg: SimMessage) -> dict[str, Any] | None:
    markup = msg.reply_markup
    return markup if markup and "inline_keyboard" in markup else None


def _apply_markup(msg: SimMessage, markup: dict[str, Any] | None) -> None:
    # An edit without reply_markup removes the inline keyboard, as on Telegram.
    if markup is not None or _current_inline(msg) is not None:
        msg.reply_markup = markup


def _finish_edit(w: World, msg: SimMessage) -> dict[str, Any]:
    msg.edit_date = int(w.now())
    msg.edited = True
    w.emit("edit", msg)
    return msg.to_api()


def edit_message_text(w: World, p: Params) -> dict[str, Any]:
    if "text" not in p:
        raise bad_request("message text is empty")
    msg = editable_message(w, p)
    if msg.media or msg.is_caption:
        raise bad_request("there is no text in the message to edit")
    parse_mode = p.get("parse_mode")
    text, entities = format_text(
        p["text"], parse_mode, p.get("entities"), user_lookup=w.user_lookup
    )
    markup = markup_param(p, inline_only=True)
    if text == msg.text and entities == msg.entities and markup == _current_inline(msg):
        raise bad_request(NOT_MODIFIED)
    consume_quota(w, msg.chat)
    msg.text, msg.entities, msg.parse_mode = text, entities, parse_mode
    msg.html = p["text"] if (parse_mode or "").lower() == "html" else None
    if "link_preview_options" in p:
        msg.link_preview_options = p["link_preview_options"]
    _apply_markup(msg, markup)
    return _finish_edit(w, msg)


def edit_message_caption(w: World, p: Params) -> dict[str, Any]:
    msg = editable_message(w, p)
    if not msg.media:
        raise bad_request("there is no caption in the message to edit")
    parse_mode = p.get("parse_mode")
    text, entities = format_text(
        p.get("caption", ""),
        parse_mode,
        p.get("caption_entities"),
        caption=True,
        user_lookup=w.user_lookup,
    )
    markup = markup_param(p, inline_only=True)
    if text == msg.text and entities == msg.entities and markup == _current_inline(msg):
        raise bad_request(NOT_MODIFIED)
    consume_quota(w, msg.chat)
    msg.text, msg.entities, msg.parse_mode, msg.is_caption = text, entities, parse_mode, True
    msg.html = p.get("caption") if (parse_mode or "").lower() == "html" else None
    _apply_markup(msg, markup)
    return _finish_edit(w, msg)


def edit_message_reply_markup(w: World, p: Params) -> dict[str, Any]:
    msg = editable_message(w, p)
    markup = markup_param(p, inline_only=True)
    if markup == _current_inline(msg):
        raise bad_request(NOT_MODIFIED)
    consume_quota(w, msg.chat)
    _apply_markup(msg, markup)
    return _finish_edit(w, msg)


def _delete(w: World, msg: SimMessage) -> None:
    chat = msg.chat
    own = msg.from_bot
    if not (own or chat.is_private or chat.bot_status == "administrator"):
        raise bad_request("message can't be deleted")
    msg.deleted = True
    if msg.message_id in chat.pinned:
        chat.pinned.remove(msg.message_id)
    w.emit("delete", msg)


def delete_message(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    msg = w.find_message(chat, p["message_id"])
    if msg is None:
        raise bad_request("message to delete not found")
    _delete(w, msg)
    return True


def delete_messages(w: World, p: Params) -> bool:
    ids = p["message_ids"]
    if not ids:
        raise bad_request("message_ids is empty")
    if len(ids) > 100 or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise bad_request("invalid message_ids specified")
    chat = w.writable_chat(p["chat_id"])
    found = [m for m in (w.find_message(chat, i) for i in ids) if m is not None]
    if not found:
        raise bad_request("message to delete not found")
    deletable = [
        m for m in found if m.from_bot or chat.is_private or chat.bot_status == "administrator"
    ]
    if not deletable:
        raise bad_request("message can't be deleted")
    for msg in deletable:
        _delete(w, msg)
    return True


def _source_message(w: World, p: Params, verb: str) -> SimMessage:
    source_chat = w.resolve_chat(p["from_chat_id"])
    if not source_chat.is_private and not source_chat.bot_present:
        raise bad_request("chat not found")
    msg = w.find_message(source_chat, p["message_id"])
    if msg is None:
        raise bad_request(f"message to {verb} not found")
    if msg.protect_content:
        raise bad_request("message has protected content and can't be forwarded")
    if msg.service is not None:
        raise bad_request(
            "message can't be copied" if verb == "copy" else "message can't be forwarded"
        )
    return msg


def copy_message(w: World, p: Params) -> dict[str, int]:
    chat = w.writable_chat(p["chat_id"])
    src = _source_message(w, p, "copy")
    text, entities, is_caption = src.text, copy.deepcopy(src.entities), src.is_caption
    if "caption" in p and src.media:
        text, entities = format_text(
            p["caption"],
            p.get("parse_mode"),
            p.get("caption_entities"),
            caption=True,
            user_lookup=w.user_lookup,
        )
        is_caption = True
    markup = markup_param(p)
    reply_to = reply_target(w, chat, p)
    consume_quota(w, chat, p)
    msg = w.new_message(
        chat,
        w.bot,
        from_bot=True,
        text=text,
        entities=entities,
        is_caption=is_caption,
        media=copy.deepcopy(src.media),
        reply_markup=markup,
        reply_to=reply_to,
        **common_fields(p),
    )
    w.emit("message", msg)
    return {"message_id": msg.message_id}


def forward_message(w: World, p: Params) -> dict[str, Any]:
    chat = w.writable_chat(p["chat_id"])
    src = _source_message(w, p, "forward")
    origin = src.forward_origin or {
        "type": "user",
        "sender_user": src.sender.to_api(),
        "date": src.date,
    }
    consume_quota(w, chat)
    msg = w.new_message(
        chat,
        w.bot,
        from_bot=True,
        text=src.text,
        entities=copy.deepcopy(src.entities),
        is_caption=src.is_caption,
        media=copy.deepcopy(src.media),
        forward_origin=origin,
        **common_fields(p),
    )
    w.emit("message", msg)
    return msg.to_api()


def send_chat_action(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.note(f"bot chat action {p['action']}")
    return True


def answer_callback_query(w: World, p: Params) -> bool:
    text = p.get("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    url = p.get("url")
    if url is not None and not url.startswith(("https://t.me/", "http://t.me/", "tg://")):
        raise bad_request("URL_INVALID")
    answer = CallbackAnswer(
        text=text or None,
        show_alert=bool(p.get("show_alert", False)),
        url=url,
        cache_time=p.get("cache_time", 0),
    )
    w.answer_callback(p["callback_query_id"], answer)
    return True
