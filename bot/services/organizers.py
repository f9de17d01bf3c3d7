"""Who organizes: ORGANIZER_IDS from the configuration plus people invited by link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from storage.repositories import Repositories

INVITE_PREFIX = "org_"


class RedeemResult(StrEnum):
    OK = "ok"
    ALREADY = "already"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    payload: str  # what goes after ?start=


class OrganizerService:
    def __init__(
        self, repos: Repositories, clock: Clock, configured: tuple[int, ...], invite_ttl_hours: int
    ) -> None:
        self.repos = repos
        self.clock = clock
        self.configured = frozenset(configured)
        self.invite_ttl = timedelta(hours=invite_ttl_hours)

    def is_configured(self, user_id: int) -> bool:
        return user_id in self.configured

    async def is_organizer(self, user_id: int) -> bool:
        return user_id in self.configured or await self.repos.organizers.is_organizer(user_id)

    async def all_ids(self) -> list[int]:
        return sorted(self.configured | set(await self.repos.organizers.list_ids()))

    async def create_invite(self, created_by: int) -> Invite:
        code = secrets.token_urlsafe(16)
        await self.repos.organizers.create_invite(
            code, created_by=created_by, expires_at=self.clock() + self.invite_ttl
        )
        return Invite(code=code, payload=INVITE_PREFIX + code)

    async def redeem(self, payload: str, user_id: int) -> RedeemResult:
        """Use a one-time invite; a used, expired or unknown code changes nothing."""
        code = payload.removeprefix(INVITE_PREFIX)
        if await self.is_organizer(user_id):
            return RedeemResult.ALREADY
        invite = await self.repos.organizers.get_invite(code)
        if invite is None:
            return RedeemResult.INVALID
        if not await self.repos.organizers.claim_invite(code, user_id=user_id, now=self.clock()):
            return RedeemResult.INVALID
        await self.repos.organizers.add(user_id, invited_by=invite.created_by, invite_code=code)
        return RedeemResult.OK
