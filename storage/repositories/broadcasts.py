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

from sqlalchemy import Row, Table, and_, delete, exists, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.dto import (
    AckCounts,
    BroadcastDTO,
    DeliveryCounts,
    DeliveryDTO,
    DeliveryLine,
    Recipient,
)
from storage.models import (
    Ambassador,
    Broadcast,
    BroadcastAck,
    BroadcastDelivery,
    Group,
    Startup,
    User,
)
from storage.repositories.claims import picked_ids
from storage.repositories.rows import dto_from_row

_B: Table = Broadcast.__table__  # type: ignore[assignment]
_D: Table = BroadcastDelivery.__table__  # type: ignore[assignment]
_K: Table = BroadcastAck.__table__  # type: ignore[assignment]
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
        await self.add_recipients(broadcast.id, recipients, scheduled_at or now)
        return broadcast

    async def add_recipients(
        self, broadcast_id: int, recipients: Iterable[Recipient], start: datetime
    ) -> int:
        """One planned row per recipient, not before ``start``; how many."""
        rows = [
            {
                "broadcast_id": broadcast_id,
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
        return len(rows)

    async def update(self, broadcast_id: int, *, now: datetime, **values: Any) -> None:
        await self.session.execute(
            update(_B).where(_B.c.id == broadcast_id).values(updated_at=now, **values)
        )

    async def page(self, *, offset: int, limit: int) -> list[BroadcastDTO]:
        """Broadcasts that went or will go out, newest first: drafts and discarded
        drafts (cancelled without ever being scheduled or started) left out."""
        discarded = and_(
            _B.c.status == "cancelled", _B.c.scheduled_at.is_(None), _B.c.started_at.is_(None)
        )
        rows = await self.session.execute(
            select(_B)
            .where(_B.c.status != "draft", ~discarded)
            .order_by(_B.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_broadcast(r) for r in rows]

    async def unreported(self) -> list[BroadcastDTO]:
        """What the progress job looks after: sending, or over with no report yet."""
        rows = await self.session.execute(
            select(_B)
            .where(
                or_(
                    _B.c.status == "sending",
                    and_(
                        _B.c.status.in_(("done", "stopped")),
                        _B.c.reported_at.is_(None),
                        _B.c.started_at.is_not(None),
                    ),
                )
            )
            .order_by(_B.c.id)
        )
        return [_broadcast(r) for r in rows]

    async def mark_reported(self, broadcast_id: int, now: datetime) -> bool:
        """Compare-and-set: only one process sends the final report."""
        result = await self.session.execute(
            update(_B)
            .where(_B.c.id == broadcast_id, _B.c.reported_at.is_(None))
            .values(reported_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

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

    async def due_scheduled(self, now: datetime) -> list[BroadcastDTO]:
        """Scheduled broadcasts whose time came, by id."""
        rows = await self.session.execute(
            select(_B).where(_B.c.status == "scheduled", _B.c.scheduled_at <= now).order_by(_B.c.id)
        )
        return [_broadcast(r) for r in rows]

    async def replace_planned(
        self, broadcast_id: int, recipients: Iterable[Recipient], start: datetime
    ) -> int:
        """The planned rows become exactly ``recipients`` (the audience as it is now)."""
        await self.session.execute(
            delete(_D).where(_D.c.broadcast_id == broadcast_id, _D.c.status == "planned")
        )
        return await self.add_recipients(broadcast_id, recipients, start)

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

    async def stop(
        self,
        broadcast_id: int,
        *,
        now: datetime,
        stale_before: datetime,
        status: str = "stopped",
    ) -> int:
        """Stop a broadcast (``status``: stopped, or cancelled before it started):
        planned rows (and rows a dead sender held) are cancelled; rows being sent
        right now finish. Returns how many rows were cancelled."""
        sources = ["scheduled"] if status == "cancelled" else ["draft", "scheduled", "sending"]
        if not await self.transition(
            broadcast_id,
            from_statuses=sources,
            to_status=status,
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
        picked = picked_ids(self.session, inner, _D)
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

    async def drop(self, delivery_id: int, *, token: str) -> bool:
        """A claimed row of a broadcast stopped meanwhile: cancelled, not sent."""
        return await self._close(delivery_id, token, status="cancelled")

    async def status(self, broadcast_id: int) -> str | None:
        statement = select(_B.c.status).where(_B.c.id == broadcast_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

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

    # -- acknowledgements ------------------------------------------------------------

    async def delivered_row(
        self, broadcast_id: int, chat_id: int, message_id: int
    ) -> DeliveryDTO | None:
        """The sent row this exact message is (a forged press names no such row)."""
        row = (
            await self.session.execute(
                select(_D).where(
                    _D.c.broadcast_id == broadcast_id,
                    _D.c.chat_id == chat_id,
                    _D.c.status == "sent",
                    _D.c.message_id == message_id,
                )
            )
        ).first()
        return _delivery(row) if row is not None else None

    async def add_ack(self, delivery_id: int, user_id: int, now: datetime) -> bool:
        """Record a press; False if this person already pressed under this message."""
        values = {"delivery_id": delivery_id, "user_id": user_id, "acked_at": now}
        # Both supported dialects spell "insert or ignore" the same way.
        postgres = self.session.get_bind().dialect.name == "postgresql"
        make = pg_insert if postgres else sqlite_insert
        statement = (
            make(_K)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["delivery_id", "user_id"])
        )
        result = await self.session.execute(statement)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def ack_counts(self, broadcast_id: int) -> AckCounts:
        row = (
            await self.session.execute(
                select(
                    func.count(func.distinct(_K.c.delivery_id)),
                    func.count(func.distinct(_K.c.user_id)),
                )
                .select_from(_K.join(_D, _D.c.id == _K.c.delivery_id))
                .where(_D.c.broadcast_id == broadcast_id)
            )
        ).one()
        return AckCounts(recipients=int(row[0]), people=int(row[1]))

    async def lines(
        self, broadcast_id: int, *, only_failed: bool = False, limit: int | None = None
    ) -> list[DeliveryLine]:
        """Recipients with a name (the group's title; the person's first name or
        @username) and their ack count, by row id."""
        acks = (
            select(_K.c.delivery_id, func.count().label("n"))
            .group_by(_K.c.delivery_id)
            .subquery("acks")
        )
        statement = (
            select(
                _D.c.chat_id,
                _D.c.kind,
                _D.c.status,
                _D.c.error_reason,
                _D.c.error,
                _D.c.sent_at,
                _G.c.title,
                _U.c.first_name,
                _U.c.username,
                func.coalesce(acks.c.n, 0).label("acks"),
            )
            .select_from(
                _D.outerjoin(_G, _G.c.id == _D.c.group_id)
                .outerjoin(_U, and_(_D.c.kind == "private", _U.c.id == _D.c.chat_id))
                .outerjoin(acks, acks.c.delivery_id == _D.c.id)
            )
            .where(_D.c.broadcast_id == broadcast_id)
            .order_by(_D.c.id)
        )
        if only_failed:
            statement = statement.where(_D.c.status == "failed")
        if limit is not None:
            statement = statement.limit(limit)
        rows = await self.session.execute(statement)
        return [_line(row) for row in rows]

    async def audience_sizes(self) -> tuple[int, dict[str, int], dict[str, int]]:
        """Confirmed active groups, groups per tag, approved people per role."""
        groups = await self.groups()
        per_tag: dict[str, int] = {}
        for _, _, tags in groups:
            for tag in tags:
                per_tag[tag] = per_tag.get(tag, 0) + 1
        people = {role: len(await self.people([role])) for role in ("ambassador", "startup")}
        return len(groups), dict(sorted(per_tag.items())), people

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


def _line(row: Any) -> DeliveryLine:
    m = row._mapping
    username = m["username"]
    name = m["title"] or m["first_name"] or (f"@{username}" if username else str(m["chat_id"]))
    return DeliveryLine(
        chat_id=m["chat_id"],
        kind=m["kind"],
        name=name,
        status=m["status"],
        reason=m["error_reason"],
        error=m["error"],
        sent_at=m["sent_at"],
        acks=int(m["acks"]),
    )


def _counts_json(counts: DeliveryCounts) -> dict[str, Any]:
    return {
        "sent": counts.sent,
        "failed": dict(counts.failed),
        "planned": counts.planned,
        "claimed": counts.claimed,
        "cancelled": counts.cancelled,
    }
