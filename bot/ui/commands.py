"""The command menu (setMyCommands): per language, and per chat for organizers."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.i18n import Translator

log = logging.getLogger(__name__)

#: (command, i18n key of its description)
EVERYONE = (
    ("start", "cmd.start"),
    ("profile", "cmd.profile"),
    ("pitch", "cmd.pitch"),
    ("requests", "cmd.requests"),
    ("assignments", "cmd.assignments"),
    ("myreport", "cmd.myreport"),
    ("mystats", "cmd.mystats"),
    ("submit", "cmd.submit"),
    ("pause", "cmd.pause"),
    ("resume", "cmd.resume"),
    ("settings", "cmd.settings"),
    ("mydata", "cmd.mydata"),
    ("deleteme", "cmd.deleteme"),
    ("language", "cmd.language"),
    ("help", "cmd.help"),
    ("cancel", "cmd.cancel"),
)
ORGANIZER = (
    ("pending", "cmd.pending"),
    ("invite", "cmd.invite"),
    ("ai_usage", "cmd.ai_usage"),
    ("links", "cmd.links"),
    ("export", "cmd.export"),
    ("groups", "cmd.groups"),
    ("broadcast", "cmd.broadcast"),
    ("broadcasts", "cmd.broadcasts"),
    ("policy", "cmd.policy"),
    ("campaigns", "cmd.campaigns"),
    ("report", "cmd.report"),
)


def commands_for(translator: Translator, lang: str, *, organizer: bool) -> list[BotCommand]:
    items = EVERYONE + (ORGANIZER if organizer else ())
    return [BotCommand(command=c, description=translator.t(lang, key)) for c, key in items]


async def set_default_commands(bot: Bot, translator: Translator) -> None:
    """Default scope in the default language, plus one list per language code."""
    scope = BotCommandScopeDefault()
    await bot.set_my_commands(commands_for(translator, translator.default, organizer=False), scope)
    for lang in translator.catalogs:
        await bot.set_my_commands(
            commands_for(translator, lang, organizer=False), scope, language_code=lang
        )


async def set_chat_commands(
    bot: Bot, translator: Translator, chat_id: int, lang: str, *, organizer: bool
) -> None:
    """The menu of one private chat, in the person's chosen language (best effort)."""
    try:
        await bot.set_my_commands(
            commands_for(translator, lang, organizer=organizer),
            BotCommandScopeChat(chat_id=chat_id),
        )
    except TelegramAPIError as exc:
        log.warning("could not set chat commands", extra={"chat_id": chat_id, "error": str(exc)})
