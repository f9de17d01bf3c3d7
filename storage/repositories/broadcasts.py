"""Broadcasts and their delivery rows (issue #5).

Every recipient is a row of ``broadcast_deliveries`` written with the broadcast,
before anything is sent. Senders claim rows the way reminders are claimed: one
``UPDATE ... RETURNING`` of rows that are planned and due (``not_before``), or
claimed by a process whose claim is older than the lease; on PostgreSQL the inner
SELECT takes ``FOR UPDATE SKIP LOCKED`` so two processes get disjoint rows without
waiting; on SQLite the single writer serializes claims and the outer WHERE
re-checks. Only rows of a broadcast that is ``sending`` are claimable, so stopping
a broadcast also stops rows a retry put back to ``planned``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Table, and_, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.dto import BroadcastDTO, DeliveryCounts, DeliveryDTO, Recipient
from storage.models import (
    Ambassador,
    Broadcast,
    BroadcastDelivery,
    Group,
    Startup,
    User,
)
from storage.repositories.rows import dto_from_row

_B: Table = Broadcast.__table__  # type: ignore[assignment]
_D: Table = BroadcastDelivery.__table__  # type: ignore[assignment]
_G: Table = Group.__table__  # type: ignore[assignment]
_U: Table = User.__table__  # type: ignore[assignment]
_A: Table = Ambassador.__table__  # type: ignore[assignment]
_S: Table = Startup.__table__  # type: ignore[assignment]

#: Rows per INSERT when a broadcast is created (one executemany per chunk).
INSERT_CHUNK = 1000


def _broadcast(row: Row[Any]) -> BroadcastDTO:
    return dto_from_row(BroadcastDTO, row)


def _delivery(row: Row[Any]) -> DeliveryDTO:
    return dto_from_row(DeliveryDTO, row)


class BroadcastRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- broadcasts -------------------------------------------------------------------

    async def create(
        self,
        *,
        created_by: int,
        status: str,
        content: dict[str, Any],
        options: dict[str, Any],
        audience: dict[str, Any],
        recipients: Iterable[Recipient],
        now: datetime,
        scheduled_at: datetime | None = None,
    ) -> BroadcastDTO:
        """The broadcast and one planned delivery row per recipient (``not_before``
        is the start: now, or the scheduled time)."""
        row = (
            await self.session.execute(
                insert(_B)
                .values(
                    created_by=created_by,
                    status=status,
                    content=content,
                    options=options,
                    audience=audience,
                    scheduled_at=scheduled_at,
                    started_at=now if status == "sending" else None,
                    created_at=now,
                    updated_at=now,
                )
                .returning(*_B.c)
            )
        ).one()
        broadcast = _broadcast(row)
        start = scheduled_at or now
        rows = [
            {
                "broadcast_id": broadcast.id,
                "chat_id": r.chat_id,
                "kind": r.kind,
                "group_id": r.group_id,
                "status": "planned",
                "attempts": 0,
                "not_before": start,
            }
            for r in recipients
        ]
        for i in range(0, len(rows), INSERT_CHUNK):
            await self.session.execute(insert(_D), rows[i : i + INSERT_CHUNK])
        return broadcast

    async def get(self, broadcast_id: int) -> BroadcastDTO | None:
        row = (await self.session.execute(select(_B).where(_B.c.id == broadcast_id))).first()
        return _broadcast(row) if row is not None else None

    async def transition(
        self,
        broadcast_id: int,
        *,
        from_statuses: Iterable[str],
        to_status: str,
        now: datetime,
        **values: Any,
    ) -> bool:
        """Compare-and-set the broadcast's status."""
        result = await self.session.execute(
            update(_B)
            .where(_B.c.id == broadcast_id, _B.c.status.in_(list(from_statuses)))
            .values(status=to_status, updated_at=now, **values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def start_scheduled(self, now: datetime) -> list[int]:
        """Scheduled broadcasts whose time came become ``sending``; their ids."""
        rows = await self.session.execute(
            update(_B)
            .where(_B.c.status == "scheduled", _B.c.scheduled_at <= now)
            .values(status="sending", started_at=now, updated_at=now)
            .returning(_B.c.id)
        )
        return [r for (r,) in rows]

    async def sending(self) -> list[BroadcastDTO]:
        """Broadcasts in progress (what a restarted sender resumes)."""
        rows = await self.session.execute(
            select(_B).where(_B.c.status == "sending").order_by(_B.c.id)
        )
        return [_broadcast(r) for r in rows]

    async def finish_if_done(self, broadcast_id: int, now: datetime) -> bool:
        """``sending`` -> ``done`` once no row is planned or claimed; counts cached."""
        if await self._open_rows(broadcast_id):
            return False
        counts = await self.counts(broadcast_id)
        return await self.transition(
            broadcast_id,
            from_statuses=["sending"],
            to_status="done",
            now=now,
            finished_at=now,
            counts=_counts_json(counts),
        )

    async def stop(self, broadcast_id: int, *, now: datetime, stale_before: datetime) -> int:
        """Stop a broadcast: planned rows (and rows a dead sender held) are cancelled;
        rows being sent right now finish. Returns how many rows were cancelled."""
        if not await self.transition(
            broadcast_id,
            from_statuses=["draft", "scheduled", "sending"],
            to_status="stopped",
            now=now,
            finished_at=now,
        ):
            return 0
        result = await self.session.execute(
            update(_D)
            .where(
                _D.c.broadcast_id == broadcast_id,
                or_(
                    _D.c.status == "planned",
                    and_(_D.c.status == "claimed", _D.c.claimed_at < stale_before),
                ),
            )
            .values(status="cancelled", claimed_by=None)
        )
        cancelled = int(result.rowcount)  # type: ignore[attr-defined]
        await self.session.execute(
            update(_B)
            .where(_B.c.id == broadcast_id)
            .values(counts=_counts_json(await self.counts(broadcast_id)))
        )
        return cancelled

    # -- deliveries -------------------------------------------------------------------

    async def deliveries(self, broadcast_id: int) -> list[DeliveryDTO]:
        rows = await self.session.execute(
            select(_D).where(_D.c.broadcast_id == broadcast_id).order_by(_D.c.id)
        )
        return [_delivery(r) for r in rows]

    async def claim_due(
        self, *, now: datetime, token: str, limit: int, stale_before: datetime
    ) -> list[DeliveryDTO]:
        """Claim up to ``limit`` rows for this process (``token``), by id."""
        sending = select(_B.c.id).where(_B.c.status == "sending")
        claimable = and_(
            _D.c.broadcast_id.in_(sending.scalar_subquery()),
            or_(
                and_(_D.c.status == "planned", _D.c.not_before <= now),
                and_(_D.c.status == "claimed", _D.c.claimed_at < stale_before),
            ),
        )
        inner = select(_D.c.id).where(claimable).order_by(_D.c.id).limit(limit)
        picked: Any = inner.scalar_subquery()
        if self.session.get_bind().dialect.name == "postgresql":
            # A materialized CTE: the planner may otherwise re-run a LIMIT subquery
            # inside the UPDATE's join and claim more than ``limit`` rows.
            cte = inner.with_for_update(of=_D, skip_locked=True).cte("picked")
            picked = select(cte.prefix_with("MATERIALIZED").c.id).scalar_subquery()
        statement = (
            update(_D)
            .where(_D.c.id.in_(picked), claimable)
            .values(status="claimed", claimed_by=token, claimed_at=now, attempts=_D.c.attempts + 1)
            .returning(*_D.c)
        )
        rows = (await self.session.execute(statement)).all()
        return sorted((_delivery(r) for r in rows), key=lambda d: d.id)

    async def sent(
        self, delivery_id: int, *, token: str, when: datetime, message_id: int | None
    ) -> bool:
        """A claimed row we still hold was delivered."""
        return await self._close(
            delivery_id, token, status="sent", sent_at=when, message_id=message_id, error=None
        )

    async def failed(self, delivery_id: int, *, token: str, reason: str, error: str) -> bool:
        """A claimed row we still hold will not be delivered (``reason``: blocked,
        removed, not_found, other)."""
        return await self._close(
            delivery_id, token, status="failed", error_reason=reason, error=error[:200]
        )

    async def retry_later(
        self,
        delivery_id: int,
        *,
        token: str,
        not_before: datetime,
        error: str,
        count_attempt: bool = True,
    ) -> bool:
        """Back to planned, not before ``not_before``. A flood wait (429) is not the
        recipient's fault: ``count_attempt=False`` gives the attempt back."""
        values: dict[str, Any] = {
            "status": "planned",
            "claimed_by": None,
            "not_before": not_before,
            "error": error[:200],
        }
        if not count_attempt:
            values["attempts"] = _D.c.attempts - 1
        result = await self.session.execute(
            update(_D)
            .where(_D.c.id == delivery_id, _D.c.status == "claimed", _D.c.claimed_by == token)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def move_chat(self, delivery_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup: the row now names its new id (unless the
        broadcast already has a row for that id)."""
        other = aliased(_D)
        taken = exists().where(
            other.c.broadcast_id == _D.c.broadcast_id, other.c.chat_id == new_chat_id
        )
        result = await self.session.execute(
            update(_D).where(_D.c.id == delivery_id, ~taken).values(chat_id=new_chat_id)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def counts(self, broadcast_id: int) -> DeliveryCounts:
        rows = await self.session.execute(
            select(_D.c.status, _D.c.error_reason, func.count())
            .where(_D.c.broadcast_id == broadcast_id)
            .group_by(_D.c.status, _D.c.error_reason)
        )
        by: dict[str, int] = {}
        failed: dict[str, int] = {}
        for status, reason, n in rows:
            if status == "failed":
                failed[reason or "other"] = failed.get(reason or "other", 0) + int(n)
            else:
                by[status] = by.get(status, 0) + int(n)
        return DeliveryCounts(
            sent=by.get("sent", 0),
            failed=failed,
            planned=by.get("planned", 0),
            claimed=by.get("claimed", 0),
            cancelled=by.get("cancelled", 0),
        )

    async def next_not_before(self) -> datetime | None:
        """When the earliest planned row of a sending broadcast may go."""
        statement = select(func.min(_D.c.not_before)).where(
            _D.c.status == "planned",
            _D.c.broadcast_id.in_(select(_B.c.id).where(_B.c.status == "sending")),
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    # -- recipients -------------------------------------------------------------------

    async def people(self, roles: Iterable[str]) -> list[int]:
        """Telegram ids of approved ambassadors and/or startups (``roles``) who have
        not blocked the bot, in id order."""
        ids: set[int] = set()
        for role in roles:
            profile = {"ambassador": _A, "startup": _S}[role]
            rows = await self.session.execute(
                select(_U.c.id)
                .join(profile, profile.c.user_id == _U.c.id)
                .where(profile.c.status == "approved", _U.c.blocked_at.is_(None))
            )
            ids.update(r for (r,) in rows)
        return sorted(ids)

    async def groups(self) -> list[tuple[int, int, tuple[str, ...]]]:
        """Confirmed active groups: (row id, chat id, tags), by row id. Tags are a JSON
        list, matched by the caller (dialect-neutral)."""
        rows = await self.session.execute(
            select(_G.c.id, _G.c.chat_id, _G.c.tags)
            .where(_G.c.status == "active", _G.c.confirmed.is_(True))
            .order_by(_G.c.id)
        )
        return [(gid, chat, tuple(tags or ())) for gid, chat, tags in rows]

    # -- helpers ----------------------------------------------------------------------

    async def _close(self, delivery_id: int, token: str, **values: Any) -> bool:
        result = await self.session.execute(
            update(_D)
            .where(_D.c.id == delivery_id, _D.c.status == "claimed", _D.c.claimed_by == token)
            .values(**values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _open_rows(self, broadcast_id: int) -> int:
        statement = select(func.count()).where(
            _D.c.broadcast_id == broadcast_id, _D.c.status.in_(("planned", "claimed"))
        )
        return int((await self.session.execute(statement)).scalar_one())


def _counts_json(counts: DeliveryCounts) -> dict[str, Any]:
    return {
        "sent": counts.sent,
        "failed": dict(counts.failed),
        "planned": counts.planned,
        "claimed": counts.claimed,
        "cancelled": counts.cancelled,
    }
