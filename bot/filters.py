"""Router-level filters (role gating, group addressing)."""

from __future__ import annotations

import re
from typing import Any

from aiogram import Bot
from aiogram.filters import Filter
from aiogram.types import Message


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
