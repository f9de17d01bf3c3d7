"""People: consent, language, role."""

from __future__ import annotations

from bot.clock import Clock
from storage.dto import UserDTO
from storage.repositories import Repositories

#: The message keys of the personal-data notice a person agrees to (both languages).
CONSENT_KEYS = ("consent.notice",)
#: Names the exact notice text, stored with each consent and shown by /mydata. Bump it
#: whenever a text under ``CONSENT_KEYS`` changes in any language:
#: tests/unit/test_consent_version.py pins a hash of the texts per version and fails
#: otherwise. 2025-11.1: the first notice; 2026-03.1: names /mydata, /profile and
#: /deleteme, and that published links stay under an anonymous name.
CONSENT_VERSION = "2026-03.1"


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
