"""Counts for ``in2spire stats``: one SQL aggregate per kind of thing, nothing loaded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Ambassador,
    Assignment,
    Broadcast,
    Campaign,
    Group,
    Link,
    Startup,
    StoryRequest,
    User,
)


@dataclass(frozen=True, slots=True)
class Counts:
    """A total and its parts (by status, or named sub-counts), in a stable order."""

    total: int
    parts: tuple[tuple[str, int], ...] = ()


def _sum_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class StatsRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _by_status(self, table: Table) -> Counts:
        rows = (
            await self.session.execute(
                select(table.c.status, func.count()).group_by(table.c.status)
            )
        ).all()
        parts = tuple(sorted(((str(status), int(n)) for status, n in rows), key=lambda p: p[0]))
        return Counts(sum(n for _, n in parts), parts)

    async def _named(self, table: Table, **conditions: Any) -> Counts:
        columns: list[Any] = [func.count(), *(_sum_if(c) for c in conditions.values())]
        row = (await self.session.execute(select(*columns).select_from(table))).one()
        return Counts(int(row[0]), tuple(zip(conditions, map(int, row[1:]), strict=True)))

    async def users(self) -> Counts:
        u: Table = User.__table__  # type: ignore[assignment]
        return await self._named(
            u,
            startup=u.c.role == "startup",
            ambassador=u.c.role == "ambassador",
            blocked=u.c.blocked_at.is_not(None),
            deleted=u.c.deleted_at.is_not(None),
        )

    async def startups(self) -> Counts:
        return await self._by_status(Startup.__table__)  # type: ignore[arg-type]

    async def ambassadors(self) -> Counts:
        return await self._by_status(Ambassador.__table__)  # type: ignore[arg-type]

    async def requests(self) -> Counts:
        return await self._by_status(StoryRequest.__table__)  # type: ignore[arg-type]

    async def assignments(self) -> Counts:
        return await self._by_status(Assignment.__table__)  # type: ignore[arg-type]

    async def links(self) -> Counts:
        t: Table = Link.__table__  # type: ignore[assignment]
        return await self._named(t, late=t.c.late, sponsored=t.c.sponsored)

    async def groups(self) -> Counts:
        return await self._by_status(Group.__table__)  # type: ignore[arg-type]

    async def broadcasts(self) -> Counts:
        return await self._by_status(Broadcast.__table__)  # type: ignore[arg-type]

    async def campaigns(self) -> Counts:
        t: Table = Campaign.__table__  # type: ignore[assignment]
        return await self._named(t, active=t.c.active)

    async def all(self) -> dict[str, Counts]:
        """Every count, by name, in the order ``in2spire stats`` shows them."""
        return {
            "users": await self.users(),
            "startups": await self.startups(),
            "ambassadors": await self.ambassadors(),
            "requests": await self.requests(),
            "assignments": await self.assignments(),
            "links": await self.links(),
            "groups": await self.groups(),
            "broadcasts": await self.broadcasts(),
            "campaigns": await self.campaigns(),
        }
