"""Who organizes: ORGANIZER_IDS from the configuration plus people invited by link."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.clock import Clock
from storage.dto import OrganizerDTO
from storage.repositories import Repositories

INVITE_PREFIX = "org_"


class RedeemResult(StrEnum):
    OK = "ok"
    ALREADY = "already"
    INVALID = "invalid"


class AddResult(StrEnum):
    ADDED = "added"
    ALREADY = "already"
    #: In ORGANIZER_IDS: an organizer already, from the configuration.
    CONFIGURED = "configured"


class RemoveResult(StrEnum):
    REMOVED = "removed"
    #: In ORGANIZER_IDS: only the environment can take it away.
    CONFIGURED = "configured"
    UNKNOWN = "unknown"


#: Telegram user ids are positive and (today) below 2**52.
MAX_USER_ID = 2**52


@dataclass(frozen=True, slots=True)
class OrganizerEntry:
    """One organizer for the admin list: stored (``record``) and/or configured."""

    user_id: int
    configured: bool
    record: OrganizerDTO | None = None


def check_user_id(user_id: int) -> int:
    """A plausible Telegram user id, or ValueError (the admin command line says so)."""
    if not 0 < user_id < MAX_USER_ID:
        raise ValueError(f"{user_id} is not a Telegram user id (a positive number)")
    return user_id


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

    async def add(self, user_id: int, *, by: int | None = None) -> AddResult:
        """Make ``user_id`` an organizer by hand (the admin command line)."""
        check_user_id(user_id)
        if by is not None:
            check_user_id(by)
        if user_id in self.configured:
            return AddResult.CONFIGURED
        added = await self.repos.organizers.add(user_id, invited_by=by, invite_code=None)
        return AddResult.ADDED if added else AddResult.ALREADY

    async def remove(self, user_id: int) -> RemoveResult:
        """Take a stored organizer away; configured ones stay (they live in ORGANIZER_IDS)."""
        check_user_id(user_id)
        if await self.repos.organizers.remove(user_id):
            return RemoveResult.REMOVED
        if user_id in self.configured:
            return RemoveResult.CONFIGURED
        return RemoveResult.UNKNOWN

    async def entries(self) -> list[OrganizerEntry]:
        """Every organizer, configured and stored, by id."""
        stored = {record.user_id: record for record in await self.repos.organizers.list_all()}
        return [
            OrganizerEntry(user_id, user_id in self.configured, stored.get(user_id))
            for user_id in sorted(self.configured | set(stored))
        ]

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
