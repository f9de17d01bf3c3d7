from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import UserDTO
from storage.models import Organizer, User

_USERS: Table = User.__table__  # type: ignore[assignment]
_ORGANIZERS: Table = Organizer.__table__  # type: ignore[assignment]
_INVITED = select(_ORGANIZERS.c.user_id).where(_ORGANIZERS.c.user_id == bindparam("id")).exists()
# Run for every update (UserContextMiddleware): built once, plain Core.
_WITH_ORGANIZER_FLAG = select(_USERS, _INVITED.label("invited")).where(
    _USERS.c.id == bindparam("id")
)
_INVITED_ONLY = select(_INVITED)


def _dto(row: Any) -> UserDTO:
    return UserDTO(
        id=row.id,
        language=row.language,
        first_name=row.first_name,
        username=row.username,
        role=row.role,
        consent_version=row.consent_version,
        consented_at=row.consented_at,
        reminder_mode=row.reminder_mode or "normal",
        blocked_at=row.blocked_at,
        deleted_at=row.deleted_at,
    )


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> UserDTO | None:
        row = await self.session.get(User, user_id)
        return _dto(row) if row else None

    async def with_organizer_flag(self, user_id: int) -> tuple[UserDTO | None, bool]:
        """The person and whether they are an invited organizer, in one query when registered."""
        params = {"id": user_id}
        row = (await self.session.execute(_WITH_ORGANIZER_FLAG, params)).first()
        if row is not None:
            return _dto(row), bool(row.invited)
        return None, bool((await self.session.execute(_INVITED_ONLY, params)).scalar())

    async def languages(self, user_ids: list[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.language).where(User.id.in_(user_ids))
        )
        return {row[0]: row[1] for row in rows.all()}

    async def create(
        self,
        *,
        user_id: int,
        language: str,
        first_name: str | None,
        username: str | None,
        consent_version: str,
        consented_at: datetime,
    ) -> UserDTO:
        row = await self.session.get(User, user_id)
        if row is None:
            row = User(
                id=user_id,
                language=language,
                first_name=first_name,
                username=username,
                consent_version=consent_version,
                consented_at=consented_at,
            )
            self.session.add(row)
        else:
            row.language = language
            row.consent_version = consent_version
            row.consented_at = consented_at
        await self.session.flush()
        return _dto(row)

    async def set_language(self, user_id: int, language: str) -> None:
        await self.session.execute(update(User).where(User.id == user_id).values(language=language))

    async def set_role(self, user_id: int, role: str) -> None:
        await self.session.execute(update(User).where(User.id == user_id).values(role=role))

    async def set_reminder_mode(self, user_id: int, mode: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(reminder_mode=mode)
        )

    async def set_blocked(self, user_id: int, when: datetime | None) -> None:
        """Telegram said 403 (``when``), or the person came back (None)."""
        await self.session.execute(update(User).where(User.id == user_id).values(blocked_at=when))

    async def with_mode(self, mode: str) -> list[UserDTO]:
        rows = await self.session.execute(
            select(User).where(User.reminder_mode == mode, User.blocked_at.is_(None))
        )
        return [_dto(r) for r in rows.scalars()]
