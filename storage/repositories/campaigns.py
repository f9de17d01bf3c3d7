"""Campaigns (issue #7): named periods of work, at most one active.

"At most one active" is the partial unique index ``uq_campaigns_one_active``;
``activate`` clears the others and sets the one in the same transaction (two
statements: a single ``SET active = (id = :id)`` could meet the index half-way on
PostgreSQL, which checks a unique index row by row).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import CampaignDTO
from storage.models import Campaign, StoryRequest
from storage.repositories.rows import dto_from_row, insert_or_none

_C: Table = Campaign.__table__  # type: ignore[assignment]
_R: Table = StoryRequest.__table__  # type: ignore[assignment]


def _dto(row: Row[Any]) -> CampaignDTO:
    return dto_from_row(CampaignDTO, row)


class CampaignRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(
        self, *, name: str, starts_on: date, ends_on: date, created_by: int | None, now: datetime
    ) -> CampaignDTO | None:
        """A new inactive campaign; None when the name is taken (a savepoint keeps the
        transaction usable)."""
        statement = (
            insert(_C)
            .values(
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
                active=False,
                created_by=created_by,
                created_at=now,
            )
            .returning(*_C.c)
        )
        row = await insert_or_none(self.session, statement)
        return _dto(row) if row is not None else None

    async def get(self, campaign_id: int) -> CampaignDTO | None:
        row = (await self.session.execute(select(_C).where(_C.c.id == campaign_id))).first()
        return _dto(row) if row is not None else None

    async def all(self, limit: int = 100) -> list[CampaignDTO]:
        """The active one first, then the latest by start date."""
        rows = await self.session.execute(
            select(_C)
            .order_by(_C.c.active.desc(), _C.c.starts_on.desc(), _C.c.id.desc())
            .limit(limit)
        )
        return [_dto(r) for r in rows]

    async def active(self) -> CampaignDTO | None:
        row = (await self.session.execute(select(_C).where(_C.c.active.is_(True)))).first()
        return _dto(row) if row is not None else None

    async def activate(self, campaign_id: int) -> CampaignDTO | None:
        """Make this campaign the only active one; None if it does not exist."""
        await self.session.execute(
            update(_C).where(_C.c.active.is_(True), _C.c.id != campaign_id).values(active=False)
        )
        row = (
            await self.session.execute(
                update(_C).where(_C.c.id == campaign_id).values(active=True).returning(*_C.c)
            )
        ).first()
        return _dto(row) if row is not None else None

    async def deactivate(self, campaign_id: int) -> CampaignDTO | None:
        row = (
            await self.session.execute(
                update(_C).where(_C.c.id == campaign_id).values(active=False).returning(*_C.c)
            )
        ).first()
        return _dto(row) if row is not None else None

    async def move_request(self, request_id: int, campaign_id: int | None) -> bool:
        """Put a request in a campaign (None: in none); False if there is no such request."""
        result = await self.session.execute(
            update(_R).where(_R.c.id == request_id).values(campaign_id=campaign_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]
