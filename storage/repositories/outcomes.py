"""What came of a request (issue #7): which requests are due to be asked, the claim
that asks each once, and the startup's answers. Reports count the answers in
``storage/repositories/reports.py`` (``ReportRepo.outcomes``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import OutcomeDTO
from storage.models import Assignment, Link, RequestOutcome, Startup, StoryRequest
from storage.repositories.rows import dto_from_row

_O: Table = RequestOutcome.__table__  # type: ignore[assignment]
_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_L: Table = Link.__table__  # type: ignore[assignment]
_S: Table = Startup.__table__  # type: ignore[assignment]

#: Assignments that may still bring links: a request with one of these is not "in".
STILL_COMING = ("offered", "accepted", "overdue")


@dataclass(frozen=True, slots=True)
class DueOutcome:
    request_id: int
    user_id: int
    company: str | None
    story: str | None
    links: int


class OutcomeRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def due(self, links_before: datetime, limit: int = 100) -> list[DueOutcome]:
        """Requests whose links are in (at least one; none still coming) and whose
        last link is older than ``links_before``, never asked yet."""
        last = (
            select(
                _L.c.request_id, func.max(_L.c.submitted_at).label("last"), func.count().label("n")
            )
            .group_by(_L.c.request_id)
            .subquery("last_links")
        )
        coming = exists().where(_A.c.request_id == _R.c.id, _A.c.status.in_(STILL_COMING))
        asked = exists().where(_O.c.request_id == _R.c.id)
        rows = await self.session.execute(
            select(_R.c.id, _S.c.user_id, _S.c.company_name, _R.c.story, last.c.n)
            .join(last, last.c.request_id == _R.c.id)
            .join(_S, _S.c.id == _R.c.startup_id)
            .where(last.c.last <= links_before, ~coming, ~asked)
            .order_by(_R.c.id)
            .limit(limit)
        )
        return [
            DueOutcome(rid, uid, company, story, int(n)) for rid, uid, company, story, n in rows
        ]

    async def claim(self, request_id: int, now: datetime) -> bool:
        """Mark the request asked; False if another process asked it first."""
        postgres = self.session.get_bind().dialect.name == "postgresql"
        make = pg_insert if postgres else sqlite_insert
        statement = (
            make(_O)
            .values(request_id=request_id, asked_at=now, kinds=[])
            .on_conflict_do_nothing(index_elements=["request_id"])
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def get(self, request_id: int) -> OutcomeDTO | None:
        row = (await self.session.execute(select(_O).where(_O.c.request_id == request_id))).first()
        return dto_from_row(OutcomeDTO, row) if row is not None else None

    async def update(self, request_id: int, **values: object) -> None:
        await self.session.execute(update(_O).where(_O.c.request_id == request_id).values(**values))
