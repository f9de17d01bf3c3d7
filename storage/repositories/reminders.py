"""Planned reminders: written when a story is accepted, claimed when due.

Claiming is one atomic UPDATE ... RETURNING of rows that are due and still planned
(or claimed by a process that died: its claim is older than the lease). On
PostgreSQL the inner SELECT takes ``FOR UPDATE SKIP LOCKED``, so two bot processes
claiming at the same moment get disjoint rows instead of waiting for each other; on
SQLite the single writer serializes claims and the outer WHERE re-checks the
status. Either way a row is sent by one process only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dto import ReminderDTO
from storage.models import Reminder
from storage.repositories.claims import picked_ids
from storage.repositories.rows import dto_from_row

_RM: Table = Reminder.__table__  # type: ignore[assignment]

#: Kinds that are messages to the ambassador (``mark_overdue`` is an action).
MESSAGE_KINDS = ("before", "deadline", "overdue", "snooze")


def _dto(row: Row[Any]) -> ReminderDTO:
    return dto_from_row(ReminderDTO, row)


class ReminderRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def plan(
        self, assignment_id: int, items: Iterable[tuple[str, int, datetime, bool]]
    ) -> int:
        """Insert planned reminders (kind, seq, due_at, loud); ones already known for
        this assignment (same kind and seq) are left as they are."""
        found = await self.session.execute(
            select(_RM.c.kind, _RM.c.seq).where(_RM.c.assignment_id == assignment_id)
        )
        known = {(kind, seq) for kind, seq in found}
        rows = [
            {"assignment_id": assignment_id, "kind": k, "seq": s, "due_at": d, "loud": loud}
            for k, s, d, loud in items
            if (k, s) not in known
        ]
        if rows:
            await self.session.execute(insert(_RM), rows)
        return len(rows)

    async def for_assignment(self, assignment_id: int) -> list[ReminderDTO]:
        rows = await self.session.execute(
            select(_RM).where(_RM.c.assignment_id == assignment_id).order_by(_RM.c.due_at, _RM.c.id)
        )
        return [_dto(r) for r in rows]

    async def get(self, reminder_id: int) -> ReminderDTO | None:
        row = (await self.session.execute(select(_RM).where(_RM.c.id == reminder_id))).first()
        return _dto(row) if row is not None else None

    async def cancel_for_assignment(self, assignment_id: int) -> int:
        """Stop everything still to come for this story (a link came, it was released...)."""
        result = await self.session.execute(
            update(_RM)
            .where(_RM.c.assignment_id == assignment_id, _RM.c.status.in_(("planned", "claimed")))
            .values(status="cancelled")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def skip_messages_before(self, assignment_id: int, before: datetime) -> int:
        """Planned messages due before ``before`` are superseded (a snooze, a catch-up)."""
        result = await self.session.execute(
            update(_RM)
            .where(
                _RM.c.assignment_id == assignment_id,
                _RM.c.status == "planned",
                _RM.c.kind.in_(MESSAGE_KINDS),
                _RM.c.due_at < before,
            )
            .values(status="skipped")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def claim_due(
        self, *, now: datetime, token: str, limit: int, stale_before: datetime
    ) -> list[ReminderDTO]:
        """Claim up to ``limit`` due rows for this process (``token``), oldest first."""
        claimable = or_(
            and_(_RM.c.status == "planned", _RM.c.due_at <= now),
            and_(_RM.c.status == "claimed", _RM.c.claimed_at < stale_before),
        )
        inner = select(_RM.c.id).where(claimable).order_by(_RM.c.due_at, _RM.c.id).limit(limit)
        picked = picked_ids(self.session, inner, _RM)
        statement = (
            update(_RM)
            .where(_RM.c.id.in_(picked), claimable)
            .values(status="claimed", claimed_by=token, claimed_at=now, attempts=_RM.c.attempts + 1)
            .returning(*_RM.c)
        )
        rows = (await self.session.execute(statement)).all()
        return sorted((_dto(r) for r in rows), key=lambda r: (r.due_at, r.id))

    async def finish(
        self, reminder_id: int, *, token: str, status: str, when: datetime, error: str | None = None
    ) -> bool:
        """Close a claimed row (sent, skipped, cancelled, failed) if we still hold it."""
        result = await self.session.execute(
            update(_RM)
            .where(_RM.c.id == reminder_id, _RM.c.status == "claimed", _RM.c.claimed_by == token)
            .values(
                status=status,
                sent_at=when if status == "sent" else None,
                last_error=error[:200] if error else None,
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def retry_later(
        self, reminder_id: int, *, token: str, due_at: datetime, error: str
    ) -> bool:
        result = await self.session.execute(
            update(_RM)
            .where(_RM.c.id == reminder_id, _RM.c.status == "claimed", _RM.c.claimed_by == token)
            .values(status="planned", due_at=due_at, claimed_by=None, last_error=error[:200])
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def count(self, statuses: Iterable[str]) -> int:
        statement = select(func.count()).where(_RM.c.status.in_(list(statuses)))
        return int((await self.session.execute(statement)).scalar_one())
