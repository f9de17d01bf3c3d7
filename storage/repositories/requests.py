"""Story requests and their assignments (offers, then stories).

Every status change is a compare-and-set (``UPDATE ... WHERE status IN (...)``), and
a request's slots are taken by a conditional increment
(``UPDATE ... SET accepted = accepted + 1 WHERE accepted < wanted``): two people
pressing Accept for the last slot at the same moment cannot both get it, on SQLite
(one writer) and on PostgreSQL (the row lock makes the second UPDATE re-check its
WHERE against the first one's result). The rules of which change is allowed live
in ``bot/services/assignment_states.py``; this module only applies them atomically.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, and_, bindparam, func, insert, select, update

from storage.dto import AssignmentDTO, StoryRequestDTO
from storage.models import Assignment, StoryRequest
from storage.repositories.rows import StatusRepo, dto_from_row, editable_values, insert_or_none

_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]

_REQUEST_BY_ID = select(_R).where(_R.c.id == bindparam("id"))
_ASSIGNMENT_BY_ID = select(_A).where(_A.c.id == bindparam("id"))
_TAKE_SLOT = (
    update(_R)
    .where(
        _R.c.id == bindparam("rid"),
        _R.c.status == "open",
        _R.c.accepted < _R.c.wanted,
    )
    .values(accepted=_R.c.accepted + 1)
    .returning(*_R.c)
)
_RELEASE_SLOT = (
    update(_R)
    .where(_R.c.id == bindparam("rid"), _R.c.accepted > 0)
    .values(accepted=_R.c.accepted - 1)
)


def _request_dto(row: Row[Any]) -> StoryRequestDTO:
    return dto_from_row(StoryRequestDTO, row)


def _assignment_dto(row: Row[Any]) -> AssignmentDTO:
    reasons = tuple((str(code), tuple(args)) for code, args in (row.reasons or ()))
    return dto_from_row(AssignmentDTO, row, reasons=reasons)


class StoryRequestRepo(StatusRepo):
    table = _R
    editable = frozenset(
        {
            "need",
            "story",
            "audiences",
            "platforms",
            "regions",
            "languages",
            "deadline",
            "wanted",
            "skipped",
            "brief",
            "brief_source",
            "brief_prompt_version",
        }
    )

    async def create_draft(
        self, startup_id: int, *, campaign_id: int | None = None, **values: Any
    ) -> StoryRequestDTO:
        """A new draft; ``campaign_id`` is the campaign it belongs to (the active one)."""
        clean = editable_values(values, self.editable)
        statement = insert(_R).values(
            startup_id=startup_id, status="draft", campaign_id=campaign_id, **clean
        )
        row = (await self.session.execute(statement.returning(*_R.c))).one()
        return _request_dto(row)

    async def get(self, request_id: int) -> StoryRequestDTO | None:
        row = (await self.session.execute(_REQUEST_BY_ID, {"id": request_id})).first()
        return _request_dto(row) if row is not None else None

    async def latest_draft(self, startup_id: int) -> StoryRequestDTO | None:
        """The pitch this startup is still writing, if any (the newest one)."""
        row = (
            await self.session.execute(
                select(_R)
                .where(_R.c.startup_id == startup_id, _R.c.status == "draft")
                .order_by(_R.c.id.desc())
                .limit(1)
            )
        ).first()
        return _request_dto(row) if row is not None else None

    async def take_slot(self, request_id: int) -> StoryRequestDTO | None:
        """Count one more accepted story if the request is open and not yet full.

        Returns the request as the update left it (None when no slot was free), so
        the caller sees the count its own update produced, not a second read.
        """
        row = (await self.session.execute(_TAKE_SLOT, {"rid": request_id})).first()
        return _request_dto(row) if row is not None else None

    async def release_slot(self, request_id: int) -> None:
        await self.session.execute(_RELEASE_SLOT, {"rid": request_id})

    async def list_by_startup(
        self, startup_id: int, *, limit: int = 10, offset: int = 0
    ) -> list[StoryRequestDTO]:
        rows = await self.session.execute(
            select(_R)
            .where(_R.c.startup_id == startup_id, _R.c.status != "draft")
            .order_by(_R.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_request_dto(r) for r in rows]

    async def list_filtered(
        self, flt: str, *, now: datetime, limit: int = 10, offset: int = 0
    ) -> list[StoryRequestDTO]:
        """Organizers' lists: ``open``; ``short`` (open, and accepted stories plus open
        offers fall short of the wanted number); ``overdue`` (past the deadline with
        stories not yet all published, or an assignment marked overdue); ``all``."""
        open_offers = (
            select(func.count())
            .where(_A.c.request_id == _R.c.id, _A.c.status == "offered")
            .scalar_subquery()
        )
        overdue_assignment = (
            select(_A.c.id)
            .where(_A.c.request_id == _R.c.id, _A.c.status.in_(("overdue", "accepted")))
            .exists()
        )
        conditions: dict[str, Any] = {
            "open": _R.c.status == "open",
            "short": and_(_R.c.status == "open", _R.c.accepted + open_offers < _R.c.wanted),
            "overdue": and_(
                _R.c.status.in_(("open", "filled")), _R.c.deadline < now, overdue_assignment
            ),
            "all": _R.c.status != "draft",
        }
        rows = await self.session.execute(
            select(_R)
            .where(conditions[flt])
            .order_by(_R.c.deadline, _R.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [_request_dto(r) for r in rows]

    async def with_need(
        self, need: str, *, since: datetime | None = None, limit: int = 100
    ) -> list[StoryRequestDTO]:
        """Submitted pitches (any status but draft) with this need, oldest first: the
        newest ``limit`` of them, submitted (or created) at ``since`` or later."""
        statement = select(_R).where(_R.c.need == need, _R.c.status != "draft")
        if since is not None:
            statement = statement.where(func.coalesce(_R.c.submitted_at, _R.c.created_at) >= since)
        rows = await self.session.execute(statement.order_by(_R.c.id.desc()).limit(limit))
        return [_request_dto(r) for r in reversed(rows.all())]


class AssignmentRepo(StatusRepo):
    table = _A
    editable = frozenset({"decline_reason", "snoozes"})

    async def offer(
        self,
        *,
        request_id: int,
        ambassador_id: int,
        score: float,
        reasons: Sequence[Sequence[Any]],
        offered_at: datetime,
        expires_at: datetime,
        offered_by: int | None = None,
    ) -> AssignmentDTO | None:
        """A new offer, or None if this ambassador was already offered this request."""
        statement = (
            insert(_A)
            .values(
                request_id=request_id,
                ambassador_id=ambassador_id,
                status="offered",
                score=score,
                reasons=[list(r) for r in reasons],
                offered_at=offered_at,
                expires_at=expires_at,
                offered_by=offered_by,
            )
            .returning(*_A.c)
        )
        row = await insert_or_none(self.session, statement)
        return _assignment_dto(row) if row is not None else None

    async def get(self, assignment_id: int) -> AssignmentDTO | None:
        row = (await self.session.execute(_ASSIGNMENT_BY_ID, {"id": assignment_id})).first()
        return _assignment_dto(row) if row is not None else None

    async def for_request(self, request_id: int) -> list[AssignmentDTO]:
        rows = await self.session.execute(
            select(_A).where(_A.c.request_id == request_id).order_by(_A.c.id)
        )
        return [_assignment_dto(r) for r in rows]

    async def for_ambassador(
        self, ambassador_id: int, statuses: Iterable[str], *, limit: int = 10, offset: int = 0
    ) -> list[AssignmentDTO]:
        rows = await self.session.execute(
            select(_A)
            .where(_A.c.ambassador_id == ambassador_id, _A.c.status.in_(list(statuses)))
            .order_by(_A.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_assignment_dto(r) for r in rows]

    async def stories(
        self, statuses: Iterable[str], *, deadline_before: datetime | None = None, limit: int = 50
    ) -> list[AssignmentDTO]:
        """Stories in ``statuses`` (optionally due before a moment), soonest deadline first."""
        statement = (
            select(_A)
            .join(_R, _R.c.id == _A.c.request_id)
            .where(_A.c.status.in_(list(statuses)))
            .order_by(_R.c.deadline, _A.c.id)
            .limit(limit)
        )
        if deadline_before is not None:
            statement = statement.where(_R.c.deadline <= deadline_before)
        return [_assignment_dto(r) for r in await self.session.execute(statement)]

    async def offered_ambassadors(self, request_id: int) -> frozenset[int]:
        rows = await self.session.execute(
            select(_A.c.ambassador_id).where(_A.c.request_id == request_id)
        )
        return frozenset(rows.scalars())

    async def count(self, request_id: int, statuses: Iterable[str]) -> int:
        statement = select(func.count()).where(
            _A.c.request_id == request_id, _A.c.status.in_(list(statuses))
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def taken_since(self, ambassador_id: int, since: datetime) -> int:
        """Stories this ambassador accepted since ``since`` (and still holds)."""
        statement = select(func.count()).where(
            _A.c.ambassador_id == ambassador_id,
            _A.c.status.in_(("accepted", "published", "overdue")),
            _A.c.answered_at >= since,
        )
        return int((await self.session.execute(statement)).scalar_one())

    async def expired_offers(self, now: datetime, *, limit: int = 100) -> list[AssignmentDTO]:
        """Open offers whose time is up, oldest first (for the expiry job)."""
        rows = await self.session.execute(
            select(_A)
            .where(_A.c.status == "offered", _A.c.expires_at <= now)
            .order_by(_A.c.expires_at, _A.c.id)
            .limit(limit)
        )
        return [_assignment_dto(r) for r in rows]
