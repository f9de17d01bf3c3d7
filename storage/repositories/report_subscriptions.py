"""Who gets the weekly report (``report_subscriptions``: one row per organizer)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReportSubscription

_RS: Table = ReportSubscription.__table__  # type: ignore[assignment]
WEEKLY = "weekly"


class ReportSubscriptionRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def is_subscribed(self, user_id: int) -> bool:
        row = await self.session.execute(select(_RS.c.user_id).where(_RS.c.user_id == user_id))
        return row.first() is not None

    async def subscribe(self, user_id: int, when: datetime, kind: str = WEEKLY) -> bool:
        """Subscribe; False if already subscribed."""
        if await self.is_subscribed(user_id):
            return False
        await self.session.execute(insert(_RS).values(user_id=user_id, kind=kind, created_at=when))
        return True

    async def unsubscribe(self, user_id: int) -> bool:
        """Unsubscribe; False if not subscribed."""
        result = await self.session.execute(delete(_RS).where(_RS.c.user_id == user_id))
        return bool(getattr(result, "rowcount", 0))

    async def subscribers(self, kind: str = WEEKLY) -> list[int]:
        rows = await self.session.execute(
            select(_RS.c.user_id).where(_RS.c.kind == kind).order_by(_RS.c.user_id)
        )
        return [r.user_id for r in rows]
