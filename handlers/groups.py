"""Groups: the bot stays quiet unless a command is addressed to it (/help@bot).

Everything else in a group is left unhandled on purpose. The group registry and
broadcasts come with a later feature; until then an addressed command gets a
pointer to the private chat, where everything happens.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.types import Message

from bot.filters import AddressedCommand, GroupChat

T = Callable[..., str]


async def on_group_command(message: Message, bot: Bot, t: T) -> None:
    me = await bot.me()
    await message.reply(t("group.talk_in_private", link=f"https://t.me/{me.username}"))


def build_router() -> Router:
    """A fresh router for groups: addressed commands only."""
    router = Router(name=__name__)
    router.message.filter(GroupChat())
    router.message.register(on_group_command, AddressedCommand())
    return router
