"""The emulator's own declaration of the methods it implements, written by hand.

Parameter names, types (Bot API spelling) and required flags are checked against the
published spec by tests/sandbox/test_api_spec.py, so a typo or drift fails a test. Declared
parameters are the ones the emulator acts on; anything else a client sends is ignored, as
Telegram ignores unknown parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox import api_bot, api_chats, api_media, api_messages, api_updates
from sandbox.params import Param, param

Handler = Callable[..., Any]


@dataclass(frozen=True)
class Method:
    name: str
    params: tuple[Param, ...]
    handler: Handler


_REPLY_MARKUP_TYPES = (
    "InlineKeyboardMarkup or ReplyKeyboardMarkup or ReplyKeyboardRemove or ForceReply"
)

CHAT_ID = param("chat_id", "Integer or String", True)
OPT_CHAT_ID = param("chat_id", "Integer or String")
THREAD = param("message_thread_id", "Integer")
PARSE_MODE = param("parse_mode", "String")
ENTITIES = param("entities", "Array of MessageEntity")
CAPTION = param("caption", "String")
CAPTION_ENTITIES = param("caption_entities", "Array of MessageEntity")
SILENT = param("disable_notification", "Boolean")
PROTECT = param("protect_content", "Boolean")
REPLY_PARAMETERS = param("reply_parameters", "ReplyParameters")
REPLY_MARKUP = param("reply_markup", _REPLY_MARKUP_TYPES)
INLINE_MARKUP = param("reply_markup", "InlineKeyboardMarkup")
EDIT_TARGET = (
    OPT_CHAT_ID,
    param("message_id", "Integer"),
    param("inline_message_id", "String"),
)
MESSAGE_ID = param("message_id", "Integer", True, missing="message identifier is not specified")
LANGUAGE = param("language_code", "String")
SCOPE = param("scope", "BotCommandScope")
USER_ID = param("user_id", "Integer", True, missing="invalid user_id specified")
PAID_BROADCAST = param("allow_paid_broadcast", "Boolean")
SEND_OPTIONS = (SILENT, PROTECT, PAID_BROADCAST, REPLY_PARAMETERS, REPLY_MARKUP)


def _m(name: str, handler: Handler, *params: Param) -> Method:
    return Method(name, params, handler)


_TABLE = (
    _m("getMe", api_bot.get_me),
    _m("logOut", api_bot.log_out),
    _m("close", api_bot.close),
    _m(
        "getUpdates",
        api_updates.get_updates,
        param("offset", "Integer"),
        param("limit", "Integer"),
        param("timeout", "Integer"),
        param("allowed_updates", "Array of String"),
    ),
    _m(
        "setWebhook",
        api_updates.set_webhook,
        param("url", "String", True, allow_empty=True),
        param("ip_address", "String"),
        param("max_connections", "Integer"),
        param("allowed_updates", "Array of String"),
        param("drop_pending_updates", "Boolean"),
        param("secret_token", "String"),
    ),
    _m("deleteWebhook", api_updates.delete_webhook, param("drop_pending_updates", "Boolean")),
    _m("getWebhookInfo", api_updates.get_webhook_info),
    _m(
        "sendMessage",
        api_messages.send_message,
        CHAT_ID,
        THREAD,
        param("text", "String", True, missing="message text is empty"),
        PARSE_MODE,
        ENTITIES,
        param("link_preview_options", "LinkPreviewOptions"),
        *SEND_OPTIONS,
    ),
    _m(
        "editMessageText",
        api_messages.edit_message_text,
        *EDIT_TARGET,
        param("text", "String"),
        PARSE_MODE,
        ENTITIES,
        param("link_preview_options", "LinkPreviewOptions"),
        INLINE_MARKUP,
    ),
    _m(
        "editMessageCaption",
        api_messages.edit_message_caption,
        *EDIT_TARGET,
        CAPTION,
        PARSE_MODE,
        CAPTION_ENTITIES,
        INLINE_MARKUP,
    ),
    _m(
        "editMessageReplyMarkup",
        api_messages.edit_message_reply_markup,
        *EDIT_TARGET,
        INLINE_MARKUP,
    ),
    _m("deleteMessage", api_messages.delete_message, CHAT_ID, MESSAGE_ID),
    _m(
        "deleteMessages",
        api_messages.delete_messages,
        CHAT_ID,
        param("message_ids", "Array of Integer", True),
    ),
    _m(
        "copyMessage",
        api_messages.copy_message,
        CHAT_ID,
        THREAD,
        param("from_chat_id", "Integer or String", True),
        MESSAGE_ID,
        CAPTION,
        PARSE_MODE,
        CAPTION_ENTITIES,
        *SEND_OPTIONS,
    ),
    _m(
        "forwardMessage",
        api_messages.forward_message,
        CHAT_ID,
        THREAD,
        param("from_chat_id", "Integer or String", True),
        SILENT,
        PROTECT,
        MESSAGE_ID,
    ),
    _m(
        "sendChatAction",
        api_messages.send_chat_action,
        CHAT_ID,
        THREAD,
        param("action", "String", True, missing="wrong parameter action in request"),
    ),
    _m(
        "answerCallbackQuery",
        api_messages.answer_callback_query,
        param(
            "callback_query_id",
            "String",
            True,
            missing="query is too old and response timeout expired or query ID is invalid",
        ),
        param("text", "String"),
        param("show_alert", "Boolean"),
        param("url", "String"),
        param("cache_time", "Integer"),
    ),
    _m(
        "sendDocument",
        api_media.send_document,
        CHAT_ID,
        THREAD,
        param(
            "document", "InputFile or String", True, missing="there is no document in the request"
        ),
        CAPTION,
        PARSE_MODE,
        CAPTION_ENTITIES,
        *SEND_OPTIONS,
    ),
    _m(
        "sendPhoto",
        api_media.send_photo,
        CHAT_ID,
        THREAD,
        param("photo", "InputFile or String", True, missing="there is no photo in the request"),
        CAPTION,
        PARSE_MODE,
        CAPTION_ENTITIES,
        param("has_spoiler", "Boolean"),
        *SEND_OPTIONS,
    ),
    _m("getFile", api_media.get_file, param("file_id", "String", True)),
    _m(
        "setMyCommands",
        api_bot.set_my_commands,
        param("commands", "Array of BotCommand", True),
        SCOPE,
        LANGUAGE,
    ),
    _m("getMyCommands", api_bot.get_my_commands, SCOPE, LANGUAGE),
    _m("deleteMyCommands", api_bot.delete_my_commands, SCOPE, LANGUAGE),
    _m("setMyDescription", api_bot.set_my_description, param("description", "String"), LANGUAGE),
    _m("getMyDescription", api_bot.get_my_description, LANGUAGE),
    _m(
        "setMyShortDescription",
        api_bot.set_my_short_description,
        param("short_description", "String"),
        LANGUAGE,
    ),
    _m("getMyShortDescription", api_bot.get_my_short_description, LANGUAGE),
    _m("setMyName", api_bot.set_my_name, param("name", "String"), LANGUAGE),
    _m("getMyName", api_bot.get_my_name, LANGUAGE),
    _m("getChat", api_chats.get_chat, CHAT_ID),
    _m("getChatMember", api_chats.get_chat_member, CHAT_ID, USER_ID),
    _m("getChatMemberCount", api_chats.get_chat_member_count, CHAT_ID),
    _m("getChatAdministrators", api_chats.get_chat_administrators, CHAT_ID),
    _m("leaveChat", api_chats.leave_chat, CHAT_ID),
    _m("pinChatMessage", api_chats.pin_chat_message, CHAT_ID, MESSAGE_ID, SILENT),
    _m("unpinChatMessage", api_chats.unpin_chat_message, CHAT_ID, param("message_id", "Integer")),
    _m("unpinAllChatMessages", api_chats.unpin_all_chat_messages, CHAT_ID),
    _m(
        "banChatMember",
        api_chats.ban_chat_member,
        CHAT_ID,
        USER_ID,
        param("until_date", "Integer"),
        param("revoke_messages", "Boolean"),
    ),
    _m(
        "unbanChatMember",
        api_chats.unban_chat_member,
        CHAT_ID,
        USER_ID,
        param("only_if_banned", "Boolean"),
    ),
)

METHODS: dict[str, Method] = {m.name: m for m in _TABLE}
# Telegram matches method names case-insensitively.
METHODS_BY_LOWER: dict[str, Method] = {m.name.lower(): m for m in _TABLE}
