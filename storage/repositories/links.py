"""Published links: recorded once per normalized URL, checked later, listed and exported.

``normalized_url`` is unique, so the database decides between two people recording
the same link at the same moment: ``add`` inserts inside a savepoint and answers
None when the URL is already there (the rest of the caller's transaction goes on),
on SQLite (one writer) and on PostgreSQL (the second insert waits for the first
one's commit on the unique index, then fails).

Lists are newest first (``recent``, offset pages for the organizers' /links);
``between`` walks a period by id (keyset), so an export sees each link exactly once
even while new ones arrive.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import LinkDTO
from storage.models import Link
from storage.repositories.rows import dto_from_row

_L: Table = Link.__table__  # type: ignore[assignment]

_BY_ID = select(_L).where(_L.c.id == bindparam("id"))
_BY_NORMALIZED = select(_L).where(_L.c.normalized_url == bindparam("url"))

#: What a check stores (``record_check``).
CHECK_FIELDS = frozenset(
    {
        "check_status",
        "check_error",
        "final_url",
        "title",
        "page_published_at",
        "mentions_startup",
        "checked_at",
    }
)


def _dto(row: Row[Any]) -> LinkDTO:
    return dto_from_row(LinkDTO, row)


class LinkRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self,
        *,
        assignment_id: int,
        request_id: int,
        startup_id: int,
        ambassador_id: int,
        submitted_by: int,
        platform: str,
        original_url: str,
        normalized_url: str,
        sponsored: bool,
        late: bool,
        submitted_at: datetime,
    ) -> LinkDTO | None:
        """Record a link; None when its normalized URL is already recorded (by anyone)."""
        statement = (
            insert(_L)
            .values(
                assignment_id=assignment_id,
                request_id=request_id,
                startup_id=startup_id,
                ambassador_id=ambassador_id,
                submitted_by=submitted_by,
                platform=platform,
                original_url=original_url,
                normalized_url=normalized_url,
                sponsored=sponsored,
                late=late,
                submitted_at=submitted_at,
            )
            .returning(*_L.c)
        )
        try:
            async with self.session.begin_nested():
                row = (await self.session.execute(statement)).one()
        except IntegrityError:
            return None
        return _dto(row)

    async def get(self, link_id: int) -> LinkDTO | None:
        row = (await self.session.execute(_BY_ID, {"id": link_id})).first()
        return _dto(row) if row is not None else None

    async def by_normalized(self, url: str) -> LinkDTO | None:
        row = (await self.session.execute(_BY_NORMALIZED, {"url": url})).first()
        return _dto(row) if row is not None else None

    async def by_normalized_many(self, urls: Iterable[str]) -> dict[str, LinkDTO]:
        wanted = list(dict.fromkeys(urls))
        if not wanted:
            return {}
        rows = await self.session.execute(select(_L).where(_L.c.normalized_url.in_(wanted)))
        return {r.normalized_url: _dto(r) for r in rows}

    async def for_assignment(self, assignment_id: int) -> list[LinkDTO]:
        rows = await self.session.execute(
            select(_L).where(_L.c.assignment_id == assignment_id).order_by(_L.c.id)
        )
        return [_dto(r) for r in rows]

    async def delete(self, link_id: int) -> bool:
        result = await self.session.execute(delete(_L).where(_L.c.id == link_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def record_check(self, link_id: int, values: dict[str, Any]) -> bool:
        """Store what a check found; False when the link no longer exists."""
        unknown = set(values) - CHECK_FIELDS
        if unknown:
            raise ValueError(f"not check fields: {sorted(unknown)}")
        result = await self.session.execute(update(_L).where(_L.c.id == link_id).values(**values))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def _filtered(self, startup_id: int | None, ambassador_id: int | None) -> list[Any]:
        conditions = []
        if startup_id is not None:
            conditions.append(_L.c.startup_id == startup_id)
        if ambassador_id is not None:
            conditions.append(_L.c.ambassador_id == ambassador_id)
        return conditions

    async def recent(
        self,
        *,
        limit: int = 10,
        offset: int = 0,
        startup_id: int | None = None,
        ambassador_id: int | None = None,
    ) -> list[LinkDTO]:
        """Newest first, optionally of one startup and/or one ambassador."""
        rows = await self.session.execute(
            select(_L)
            .where(*self._filtered(startup_id, ambassador_id))
            .order_by(_L.c.submitted_at.desc(), _L.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_dto(r) for r in rows]

    async def count(
        self, *, startup_id: int | None = None, ambassador_id: int | None = None
    ) -> int:
        statement = select(func.count()).select_from(_L)
        statement = statement.where(*self._filtered(startup_id, ambassador_id))
        return int((await self.session.execute(statement)).scalar_one())

    async def between(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        after_id: int = 0,
        limit: int = 500,
    ) -> list[LinkDTO]:
        """Links submitted in ``[start, end]`` (None: unbounded) with an id above
        ``after_id``, by id: call again with the last id until it returns fewer than
        ``limit``."""
        conditions = [_L.c.id > after_id]
        if start is not None:
            conditions.append(_L.c.submitted_at >= start)
        if end is not None:
            conditions.append(_L.c.submitted_at <= end)
        rows = await self.session.execute(
            select(_L).where(*conditions).order_by(_L.c.id).limit(limit)
        )
        return [_dto(r) for r in rows]
