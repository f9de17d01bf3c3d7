"""People: consent, language, role."""

from __future__ import annotations

from bot.clock import Clock
from storage.dto import UserDTO
from storage.repositories import Repositories

#: Bump when the personal-data notice text changes; stored with each consent.
CONSENT_VERSION = "2025-11.1"


class UserService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def get(self, user_id: int) -> UserDTO | None:
        return await self.repos.users.get(user_id)

    async def accept_consent(
        self, *, user_id: int, language: str, first_name: str | None, username: str | None
    ) -> UserDTO:
        """The first write about a person: only after they accepted the notice."""
        return await self.repos.users.create(
            user_id=user_id,
            language=language,
            first_name=first_name,
            username=username,
            consent_version=CONSENT_VERSION,
            consented_at=self.clock(),
        )

    async def set_language(self, user_id: int, language: str) -> None:
        await self.repos.users.set_language(user_id, language)

    async def languages(self, user_ids: list[int], default: str) -> dict[int, str]:
        known = await self.repos.users.languages(user_ids)
        return {uid: known.get(uid, default) for uid in user_ids}
