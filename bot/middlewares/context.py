"""Who is writing: their stored profile row, language, translator and role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, User

from bot.i18n import Translator
from bot.services import Services
from storage.repositories import Repositories


def _in_private_chat(data: dict[str, Any]) -> bool:
    chat = data.get("event_chat")
    return chat is not None and chat.type == "private"


class UserContextMiddleware(BaseMiddleware):
    """Sets ``user`` (UserDTO or None before consent), ``lang``, ``t``, ``is_organizer``.

    The lookup runs in the update's transaction, right after the FSM state: one
    connection and one transaction per update (docs/benchmarks.md).
    """

    def __init__(self, translator: Translator) -> None:
        self.translator = translator

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
            repos: Repositories = data["repos"]
            user, invited = await repos.users.with_organizer_flag(tg_user.id)
            if user is not None:
                lang = user.language
                if user.blocked_at is not None and _in_private_chat(data):
                    # They blocked the bot once (reminders stopped); writing again
                    # means they are back: reminders resume.
                    await repos.users.set_blocked(user.id, None)
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
