from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import InviteDTO, OrganizerDTO
from storage.models import Organizer, OrganizerInvite, User


class OrganizerRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_organizer(self, user_id: int) -> bool:
        return await self.session.get(Organizer, user_id) is not None

    async def list_ids(self) -> list[int]:
        rows = await self.session.execute(select(Organizer.user_id).order_by(Organizer.user_id))
        return list(rows.scalars())

    async def add(self, user_id: int, *, invited_by: int | None, invite_code: str | None) -> bool:
        """Add an organizer; False if they already were one."""
        if await self.session.get(Organizer, user_id) is not None:
            return False
        self.session.add(Organizer(user_id=user_id, invited_by=invited_by, invite_code=invite_code))
        await self.session.flush()
        return True

    async def remove(self, user_id: int) -> bool:
        """Remove a stored organizer; False if there was none."""
        result = await self.session.execute(delete(Organizer).where(Organizer.user_id == user_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def list_all(self) -> list[OrganizerDTO]:
        """Stored organizers by id, with their name from ``users`` when they have one."""
        rows = await self.session.execute(
            select(
                Organizer.user_id,
                Organizer.invited_by,
                Organizer.invite_code,
                Organizer.created_at,
                User.first_name,
                User.username,
            )
            .outerjoin(User, User.id == Organizer.user_id)
            .order_by(Organizer.user_id)
        )
        return [OrganizerDTO(*row) for row in rows]

    async def create_invite(self, code: str, *, created_by: int, expires_at: datetime) -> None:
        self.session.add(OrganizerInvite(code=code, created_by=created_by, expires_at=expires_at))
        await self.session.flush()

    async def get_invite(self, code: str) -> InviteDTO | None:
        row = await self.session.get(OrganizerInvite, code)
        if row is None:
            return None
        return InviteDTO(row.code, row.created_by, row.expires_at, row.used_by)

    async def claim_invite(self, code: str, *, user_id: int, now: datetime) -> bool:
        """Mark an unused, unexpired invite as used by ``user_id`` (atomic compare-and-set)."""
        result = await self.session.execute(
            update(OrganizerInvite)
            .where(
                OrganizerInvite.code == code,
                OrganizerInvite.used_by.is_(None),
                OrganizerInvite.expires_at > now,
            )
            .values(used_by=user_id, used_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
