"""Handlers for sendDocument, sendPhoto and getFile."""

from __future__ import annotations

from typing import Any

from sandbox.api_common import Params, common_fields, consume_quota, markup_param, reply_target
from sandbox.errors import ApiError, bad_request
from sandbox.media import document_json, photo_sizes, resolve_input_file
from sandbox.params import Upload
from sandbox.text import format_text
from sandbox.world import World

MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile refuses bigger files, like the cloud Bot API
#: Bots may upload files of up to 50 MB; the cloud Bot API answers a bigger upload
#: with 413 Request Entity Too Large (and sends nothing).
MAX_UPLOAD = 50 * 1024 * 1024


def _send_media(w: World, p: Params, kind: str) -> dict[str, Any]:
    upload = p.get(kind)
    if isinstance(upload, Upload) and len(upload.data) > MAX_UPLOAD:  # refused up front
        raise ApiError(413, "Request Entity Too Large")
    chat = w.writable_chat(p["chat_id"])
    parse_mode = p.get("parse_mode")
    caption, entities = format_text(
        p.get("caption", ""),
        parse_mode,
        p.get("caption_entities"),
        caption=True,
        user_lookup=w.user_lookup,
    )
    markup = markup_param(p)
    reply_to = reply_target(w, chat, p)
    stored = resolve_input_file(w, p[kind], kind)
    media: dict[str, Any]
    if kind == "photo":
        media = {"photo": photo_sizes(w, stored)}
        if p.get("has_spoiler"):
            media["has_media_spoiler"] = True
    else:
        media = {"document": document_json(stored)}
    consume_quota(w, chat, p)
    msg = w.new_message(
        chat,
        w.bot,
        from_bot=True,
        text=caption,
        entities=entities,
        is_caption=True,
        html=p.get("caption") if (parse_mode or "").lower() == "html" else None,
        parse_mode=parse_mode,
        media=media,
        reply_markup=markup,
        reply_to=reply_to,
        **common_fields(p),
    )
    w.emit("message", msg)
    return msg.to_api()


def send_document(w: World, p: Params) -> dict[str, Any]:
    return _send_media(w, p, "document")


def send_photo(w: World, p: Params) -> dict[str, Any]:
    return _send_media(w, p, "photo")


def get_file(w: World, p: Params) -> dict[str, Any]:
    stored = w.files.get(p["file_id"])
    if stored is None:
        raise bad_request("wrong file_id or the file is temporarily unavailable")
    if stored.size > MAX_DOWNLOAD:
        raise bad_request("file is too big")
    return stored.to_api_file()
