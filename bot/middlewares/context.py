"""Who is writing: their stored profile row, language, translator and role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import Translator
from bot.services import Services
from storage.repositories.users import UserRepo


class UserContextMiddleware(BaseMiddleware):
    """Sets ``user`` (UserDTO or None before consent), ``lang``, ``t``, ``is_organizer``.

    The lookup runs on a read-only session, outside the update's transaction: on
    SQLite that keeps it off the single writer connection (docs/benchmarks.md).
    It is still current, because one person's updates run one at a time.
    """

    def __init__(
        self, translator: Translator, read_sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        self.translator = translator
        self.read_sessionmaker = read_sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        tg_user: User | None = data.get("event_from_user")
        services: Services = data["services"]
        user = None
        lang = self.translator.default
        is_organizer = False
        if tg_user is not None and not tg_user.is_bot:
            async with self.read_sessionmaker() as session:
                user, invited = await UserRepo(session).with_organizer_flag(tg_user.id)
            if user is not None:
                lang = user.language
            else:
                lang = await self._pre_consent_language(data, tg_user)
            is_organizer = invited or services.organizers.is_configured(tg_user.id)
        data["user"] = user
        data["lang"] = lang
        data["t"] = self.translator.bind(lang)
        data["translator"] = self.translator
        data["is_organizer"] = is_organizer
        return await handler(event, data)

    async def _pre_consent_language(self, data: dict[str, Any], tg_user: User) -> str:
        """Before consent the chosen language lives only in the conversation state."""
        state: FSMContext | None = data.get("state")
        if state is not None:
            chosen = (await state.get_data()).get("lang")
            if chosen in self.translator.catalogs:
                return str(chosen)
        return self.translator.normalize(tg_user.language_code)
