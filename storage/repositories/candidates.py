"""Candidates for a story request: the facts matching needs about ambassadors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import CandidateFactsDTO
from storage.models import Ambassador, Assignment, Channel, StoryRequest

_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_AMB: Table = Ambassador.__table__  # type: ignore[assignment]
_CH: Table = Channel.__table__  # type: ignore[assignment]


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class CandidateRepo:
    """The facts matching needs about every ambassador who could be offered a story.

    Three statements whatever the number of ambassadors: the available ambassadors,
    their channels, and one aggregate over their assignments. Filtering by topic or
    region happens in the matching service (JSON lists stay dialect-neutral).
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def available(
        self, *, startup_id: int, month_start: datetime, fairness_since: datetime
    ) -> list[CandidateFactsDTO]:
        available = and_(_AMB.c.status == "approved", _AMB.c.paused.is_(False))
        people = (
            await self.session.execute(
                select(_AMB.c.id, _AMB.c.topics, _AMB.c.regions, _AMB.c.languages, _AMB.c.capacity)
                .where(available)
                .order_by(_AMB.c.id)
            )
        ).all()
        if not people:
            return []
        channels: dict[int, list[tuple[str, int]]] = {}
        found = await self.session.execute(
            select(_CH.c.ambassador_id, _CH.c.platform, _CH.c.audience)
            .join(_AMB, _AMB.c.id == _CH.c.ambassador_id)
            .where(available)
            .order_by(_CH.c.id)
        )
        for amb_id, platform, audience in found:
            channels.setdefault(amb_id, []).append((platform, int(audience or 0)))
        stats = await self._stats(startup_id, month_start, fairness_since)
        return [
            CandidateFactsDTO(
                ambassador_id=row.id,
                topics=tuple(row.topics or ()),
                regions=tuple(row.regions or ()),
                languages=tuple(row.languages or ()),
                channels=tuple(channels.get(row.id, ())),
                capacity=row.capacity,
                **stats.get(row.id, {}),
            )
            for row in people
        ]

    async def _stats(
        self, startup_id: int, month_start: datetime, since: datetime
    ) -> dict[int, dict[str, int]]:
        holds = _A.c.status.in_(("accepted", "published", "overdue"))
        statement = (
            select(
                _A.c.ambassador_id,
                _count_if(and_(holds, _A.c.answered_at >= month_start)).label("taken_this_month"),
                _count_if(_A.c.status.in_(("published", "overdue"))).label("accepted_due"),
                _count_if(
                    and_(_A.c.status == "published", _A.c.published_at <= _R.c.deadline)
                ).label("published_on_time"),
                _count_if(_A.c.status == "accepted").label("open_load"),
                _count_if(_A.c.offered_at >= since).label("recent_offers"),
                _count_if(and_(_A.c.offered_at >= since, _R.c.startup_id == startup_id)).label(
                    "recent_same_startup"
                ),
            )
            .join(_R, _R.c.id == _A.c.request_id)
            .group_by(_A.c.ambassador_id)
        )
        rows = await self.session.execute(statement)
        return {
            row.ambassador_id: {k: int(v) for k, v in row._mapping.items() if k != "ambassador_id"}
            for row in rows
        }
