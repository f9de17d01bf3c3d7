"""Broadcasts (issue #5): who receives one, storing it, stopping it, its report.

A broadcast is stored with one delivery row per recipient before anything is sent
(``create``); the sender (``bot/broadcast_sender.py``) claims rows and records each
outcome through the methods below. Knows nothing of Telegram: chat ids, kinds and
reasons only.

Audiences: every confirmed active group, or those with any of some tags; every
approved ambassador; every approved startup; any mix. Recipients are
de-duplicated; people who blocked the bot and groups that are inactive (the bot was
removed) or unconfirmed are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.errors import NotFound
from storage.dto import BroadcastDTO, DeliveryCounts, DeliveryDTO, Recipient
from storage.repositories import Repositories

#: A claim older than this belongs to a sender that died; its rows are claimable again.
LEASE = timedelta(minutes=5)
#: Failure reasons counted in the report.
REASONS = ("blocked", "removed", "not_found", "other")


@dataclass(frozen=True, slots=True)
class Audience:
    """What the organizer chose. ``all_groups`` wins over ``tags``."""

    all_groups: bool = False
    tags: tuple[str, ...] = ()
    ambassadors: bool = False
    startups: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "all_groups": self.all_groups,
            "tags": list(self.tags),
            "ambassadors": self.ambassadors,
            "startups": self.startups,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        return cls(
            all_groups=bool(data.get("all_groups")),
            tags=tuple(data.get("tags") or ()),
            ambassadors=bool(data.get("ambassadors")),
            startups=bool(data.get("startups")),
        )


@dataclass(frozen=True, slots=True)
class Report:
    broadcast: BroadcastDTO
    counts: DeliveryCounts
    failed: dict[str, int] = field(default_factory=dict)

    @property
    def delivered(self) -> int:
        return self.counts.sent

    @property
    def left(self) -> int:
        return self.counts.left


class BroadcastService:
    def __init__(self, repos: Repositories, clock: Clock, lease: timedelta = LEASE) -> None:
        self.repos = repos
        self.clock = clock
        self.lease = lease

    # -- organizers -------------------------------------------------------------------

    async def recipients(self, audience: Audience) -> list[Recipient]:
        """Everyone the audience names, once each: groups first (by row), then people."""
        found: dict[int, Recipient] = {}
        if audience.all_groups or audience.tags:
            wanted = set(audience.tags)
            for group_id, chat_id, tags in await self.repos.broadcasts.groups():
                if audience.all_groups or wanted.intersection(tags):
                    found.setdefault(chat_id, Recipient(chat_id, "group", group_id))
        roles = [
            r
            for r, on in (("ambassador", audience.ambassadors), ("startup", audience.startups))
            if on
        ]
        if roles:
            for user_id in await self.repos.broadcasts.people(roles):
                found.setdefault(user_id, Recipient(user_id, "private"))
        return list(found.values())

    async def create(
        self,
        created_by: int,
        *,
        content: dict[str, Any],
        audience: Audience,
        options: dict[str, Any] | None = None,
        scheduled_at: datetime | None = None,
    ) -> BroadcastDTO:
        """Store the broadcast and every delivery row; it is ``sending`` at once (the
        next sender pass picks it up) or ``scheduled`` for later."""
        if not (content.get("text") or content.get("photo") or content.get("document")):
            raise ValueError("a broadcast needs text, a photo or a document")
        now = self.clock()
        later = scheduled_at is not None and scheduled_at > now
        return await self.repos.broadcasts.create(
            created_by=created_by,
            status="scheduled" if later else "sending",
            content=content,
            options=options or {},
            audience=audience.as_json(),
            recipients=await self.recipients(audience),
            now=now,
            scheduled_at=scheduled_at if later else None,
        )

    async def stop(self, broadcast_id: int) -> int:
        """Cancel what is left; rows being sent right now finish. Returns how many
        rows were cancelled (0 if it was already over)."""
        await self.get(broadcast_id)
        now = self.clock()
        return await self.repos.broadcasts.stop(
            broadcast_id, now=now, stale_before=now - self.lease
        )

    async def get(self, broadcast_id: int) -> BroadcastDTO:
        broadcast = await self.repos.broadcasts.get(broadcast_id)
        if broadcast is None:
            raise NotFound("broadcast.error.not_found")
        return broadcast

    async def report(self, broadcast_id: int) -> Report:
        broadcast = await self.get(broadcast_id)
        counts = await self.repos.broadcasts.counts(broadcast_id)
        failed = {reason: counts.failed.get(reason, 0) for reason in REASONS}
        return Report(broadcast, counts, failed)

    # -- the sender -------------------------------------------------------------------

    async def claim(self, token: str, limit: int) -> list[DeliveryDTO]:
        """Start scheduled broadcasts whose time came, then claim due rows."""
        now = self.clock()
        await self.repos.broadcasts.start_scheduled(now)
        return await self.repos.broadcasts.claim_due(
            now=now, token=token, limit=limit, stale_before=now - self.lease
        )

    async def sent(self, delivery: DeliveryDTO, token: str, message_id: int | None) -> bool:
        return await self.repos.broadcasts.sent(
            delivery.id, token=token, when=self.clock(), message_id=message_id
        )

    async def failed(self, delivery: DeliveryDTO, token: str, reason: str, error: str) -> bool:
        assert reason in REASONS, reason
        return await self.repos.broadcasts.failed(
            delivery.id, token=token, reason=reason, error=error
        )

    async def retry_later(
        self,
        delivery: DeliveryDTO,
        token: str,
        delay: timedelta,
        error: str,
        *,
        count_attempt: bool = True,
    ) -> bool:
        return await self.repos.broadcasts.retry_later(
            delivery.id,
            token=token,
            not_before=self.clock() + delay,
            error=error,
            count_attempt=count_attempt,
        )

    async def blocked(self, delivery: DeliveryDTO, token: str, error: str) -> bool:
        """A person blocked the bot: marked (no more broadcasts or reminders until
        they write again) and the row failed ``blocked``."""
        await self.repos.users.set_blocked(delivery.chat_id, self.clock())
        return await self.failed(delivery, token, "blocked", error)

    async def moved(self, delivery: DeliveryDTO, new_chat_id: int) -> bool:
        """The row's group is now ``new_chat_id`` (a supergroup)."""
        return await self.repos.broadcasts.move_chat(delivery.id, new_chat_id)

    async def finish_if_done(self, broadcast_id: int) -> bool:
        return await self.repos.broadcasts.finish_if_done(broadcast_id, self.clock())

    async def finish_done(self) -> list[int]:
        """Every sending broadcast with nothing left becomes ``done``; their ids."""
        return [
            b.id
            for b in await self.repos.broadcasts.sending()
            if await self.repos.broadcasts.finish_if_done(b.id, self.clock())
        ]
