"""Filters for routers and handlers, all of them coroutines.

aiogram runs a *synchronous* filter (a magic ``F`` expression, a ``State`` used as a
filter, a plain function) in a worker thread (``asyncio.to_thread``), once per
handler tried, for every update. Under load those thread hand-offs cost more than
the handlers themselves (docs/benchmarks.md), so the routers use only the async
filters below, aiogram's own async filters (``Command``, ``StateFilter``,
``CallbackData.filter``) and ``tests/unit/test_routing.py`` keeps it that way.
"""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

_GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


def _chat_type(event: Any) -> str | None:
    if isinstance(event, Message):
        return event.chat.type
    if isinstance(event, CallbackQuery) and event.message is not None:
        return event.message.chat.type
    return None


class PrivateChat(Filter):
    """A message in, or a button under a message in, a private chat with the bot."""

    async def __call__(self, event: Any) -> bool:
        return _chat_type(event) == ChatType.PRIVATE


class GroupChat(Filter):
    """A message in a group or supergroup."""

    async def __call__(self, event: Any) -> bool:
        return _chat_type(event) in _GROUP_TYPES


class TextAnswer(Filter):
    """Typed text that is not a command: an answer to the question being asked."""

    async def __call__(self, message: Message) -> bool:
        return bool(message.text) and not (message.text or "").startswith("/")


class CommandLike(Filter):
    """Text that starts with a slash (a command, known or not)."""

    async def __call__(self, message: Message) -> bool:
        return (message.text or "").startswith("/")


class IsOrganizer(Filter):
    """Passes for organizers (ORGANIZER_IDS or invited); set by UserContextMiddleware."""

    async def __call__(self, event: Any, is_organizer: bool = False) -> bool:
        return is_organizer


class AddressedCommand(Filter):
    """In groups: a command written as /command@this_bot (the bot ignores everything else)."""

    _re = re.compile(r"^/[A-Za-z0-9_]{1,32}@([A-Za-z0-9_]{3,64})\b")

    async def __call__(self, message: Message, bot: Bot) -> bool:
        match = self._re.match(message.text or message.caption or "")
        if not match:
            return False
        me = await bot.me()
        return bool(me.username) and match.group(1).lower() == (me.username or "").lower()
