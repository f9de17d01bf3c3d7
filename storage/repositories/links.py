"""Published links: recorded once per normalized URL, checked later, listed and exported.

``normalized_url`` is unique, so the database decides between two people recording
the same link at the same moment: ``add`` inserts inside a savepoint and answers
None when the URL is already there (the rest of the caller's transaction goes on),
on SQLite (one writer) and on PostgreSQL (the second insert waits for the first
one's commit on the unique index, then fails).

Lists are newest first (``recent``, offset pages for the organizers' /links);
``between`` walks a period by id (keyset), so an export sees each link exactly once
even while new ones arrive.

Re-checks (``bot/services/link_rechecks.py``): ``claim_due`` claims links whose
``next_check_at`` has come, the way reminders are claimed (``claims.picked_ids``: FOR
UPDATE SKIP LOCKED on PostgreSQL, the single writer on SQLite), by moving
``next_check_at`` to the end of a lease: two processes never check the same link at
once, and a process that dies mid-check leaves it due again once the lease ends.
``schedule`` then stores when it is due next (or NULL: never).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import LinkDTO
from storage.models import Link
from storage.repositories.claims import picked_ids
from storage.repositories.rows import dto_from_row, insert_or_none

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


@dataclass(frozen=True, slots=True)
class RecheckState:
    """A link with what its re-checks need besides the stored check."""

    link: LinkDTO
    #: Checks in a row that found it failing.
    failures: int
    #: The ambassador was told it looks broken (and not since that it works).
    told: bool
    next_check_at: datetime | None


def _dto(row: Row[Any]) -> LinkDTO:
    return dto_from_row(LinkDTO, row)


def _state(row: Row[Any]) -> RecheckState:
    return RecheckState(_dto(row), row.check_failures, row.broken_told, row.next_check_at)


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
        row = await insert_or_none(self.session, statement)
        return _dto(row) if row is not None else None

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

    async def recheck_state(self, link_id: int) -> RecheckState | None:
        row = (await self.session.execute(_BY_ID, {"id": link_id})).first()
        return _state(row) if row is not None else None

    async def schedule(
        self, link_id: int, *, next_check_at: datetime | None, failures: int, told: bool
    ) -> bool:
        """When the link is checked next (None: never), the failing checks in a row,
        whether its ambassador was told it looks broken; False when the link is gone."""
        result = await self.session.execute(
            update(_L)
            .where(_L.c.id == link_id)
            .values(next_check_at=next_check_at, check_failures=failures, broken_told=told)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def claim_due(
        self, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[RecheckState]:
        """Claim up to ``limit`` links due a check at ``now`` (the longest waiting
        first): their ``next_check_at`` moves to ``lease_until``."""
        due = and_(_L.c.next_check_at.is_not(None), _L.c.next_check_at <= now)
        inner = select(_L.c.id).where(due).order_by(_L.c.next_check_at, _L.c.id).limit(limit)
        statement = (
            update(_L)
            .where(_L.c.id.in_(picked_ids(self.session, inner, _L)), due)
            .values(next_check_at=lease_until)
            .returning(*_L.c)
        )
        rows = (await self.session.execute(statement)).all()
        return sorted((_state(r) for r in rows), key=lambda s: s.link.id)

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
