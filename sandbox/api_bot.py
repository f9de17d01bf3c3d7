"""Handlers for the bot's own identity: getMe, commands, name and descriptions."""

from __future__ import annotations

import re
from typing import Any

from sandbox.api_common import Params
from sandbox.errors import bad_request
from sandbox.world import World

_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANG_RE = re.compile(r"[a-z]{2}")
_SIMPLE_SCOPES = ("default", "all_private_chats", "all_group_chats", "all_chat_administrators")
_TEXT_LIMITS = {"description": 512, "short_description": 120, "name": 64}


def get_me(w: World, p: Params) -> dict[str, Any]:
    d = w.bot.to_api()
    d.update(
        can_join_groups=True,
        can_read_all_group_messages=not w.privacy_mode,
        supports_inline_queries=False,
        can_connect_to_business=False,
        has_main_web_app=False,
    )
    return d


def log_out(w: World, p: Params) -> bool:
    return True


def close(w: World, p: Params) -> bool:
    return True


def scope_key(w: World, scope: dict[str, Any] | None) -> tuple[Any, ...]:
    """Normalise a BotCommandScope so equal scopes share one key (chat "@name" -> id)."""
    if not scope:
        return ("default",)
    kind = scope.get("type")
    if kind in _SIMPLE_SCOPES:
        return (kind,)
    if kind in ("chat", "chat_administrators", "chat_member"):
        if scope.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        chat = w.resolve_chat(_chat_ref(scope["chat_id"]))
        if kind == "chat_administrators" and chat.is_private:
            raise bad_request("can't use chat_administrators scope in private chats")
        if kind == "chat_member":
            user_id = scope.get("user_id")
            if not isinstance(user_id, int) or user_id not in w.users:
                raise bad_request("user not found")
            return (kind, chat.id, user_id)
        return (kind, chat.id)
    raise bad_request("wrong bot command scope type specified")


def _chat_ref(value: Any) -> int | str:
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _language(p: Params) -> str:
    lang = p.get("language_code", "")
    if lang and not _LANG_RE.fullmatch(lang):
        raise bad_request("invalid language code specified")
    return lang


def set_my_commands(w: World, p: Params) -> bool:
    commands = []
    if len(p["commands"]) > 100:
        raise bad_request("too many commands specified")
    for item in p["commands"]:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command, description = item.get("command"), item.get("description")
        if not isinstance(command, str) or not _COMMAND_RE.fullmatch(command.removeprefix("/")):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        commands.append({"command": command.removeprefix("/"), "description": description})
    key = (scope_key(w, p.get("scope")), _language(p))
    if commands:
        w.commands[key] = commands
    else:
        w.commands.pop(key, None)
    return True


def get_my_commands(w: World, p: Params) -> list[dict[str, str]]:
    key = (scope_key(w, p.get("scope")), _language(p))
    return [dict(c) for c in w.commands.get(key, [])]


def delete_my_commands(w: World, p: Params) -> bool:
    w.commands.pop((scope_key(w, p.get("scope")), _language(p)), None)
    return True


def _set_text(w: World, p: Params, kind: str) -> bool:
    value = p.get(kind, "")
    if len(value) > _TEXT_LIMITS[kind]:
        raise bad_request(f"bot {kind.replace('_', ' ')} is too long")
    key = (kind, _language(p))
    if value:
        w.bot_texts[key] = value
    else:
        w.bot_texts.pop(key, None)
    return True


def _get_text(w: World, p: Params, kind: str) -> str:
    lang = _language(p)
    value = w.bot_texts.get((kind, lang))
    if value is None:
        value = w.bot_texts.get((kind, ""))
    if value is None:
        value = w.bot.first_name if kind == "name" else ""
    return value


def set_my_description(w: World, p: Params) -> bool:
    return _set_text(w, p, "description")


def get_my_description(w: World, p: Params) -> dict[str, str]:
    return {"description": _get_text(w, p, "description")}


def set_my_short_description(w: World, p: Params) -> bool:
    return _set_text(w, p, "short_description")


def get_my_short_description(w: World, p: Params) -> dict[str, str]:
    return {"short_description": _get_text(w, p, "short_description")}


def set_my_name(w: World, p: Params) -> bool:
    return _set_text(w, p, "name")


def get_my_name(w: World, p: Params) -> dict[str, str]:
    return {"name": _get_text(w, p, "name")}
