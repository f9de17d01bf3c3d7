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
from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.request_lists import Page
from storage.dto import (
    AckCounts,
    BroadcastDTO,
    DeliveryCounts,
    DeliveryDTO,
    DeliveryLine,
    Recipient,
)
from storage.repositories import Repositories

#: A claim older than this belongs to a sender that died; its rows are claimable again.
LEASE = timedelta(minutes=5)
#: Failure reasons counted in the report.
REASONS = ("blocked", "removed", "not_found", "other")
#: Options an organizer toggles on a draft.
OPTIONS = ("pin", "silent", "ack")
#: Audience parts besides tags.
PARTS = ("all_groups", "ambassadors", "startups")
#: How far ahead a broadcast may be scheduled.
MAX_AHEAD = timedelta(days=90)
PAGE_SIZE = 5


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

    def toggled(self, part: str) -> Audience:
        if part not in PARTS:
            raise InvalidInput("broadcast.error.bad_choice")
        values = self.as_json()
        values[part] = not values[part]
        return Audience.from_json(values)

    def with_tag(self, tag: str) -> Audience:
        """The tag toggled (choosing tags means "these groups", not all groups)."""
        tags = [t for t in self.tags if t != tag] if tag in self.tags else [*self.tags, tag]
        return Audience(False, tuple(sorted(tags)), self.ambassadors, self.startups)

    @property
    def empty(self) -> bool:
        return not (self.all_groups or self.tags or self.ambassadors or self.startups)


@dataclass(frozen=True, slots=True)
class Sizes:
    """What each audience button would add: for the draft card's labels."""

    groups: int
    per_tag: dict[str, int]
    ambassadors: int
    startups: int


@dataclass(frozen=True, slots=True)
class Report:
    broadcast: BroadcastDTO
    counts: DeliveryCounts
    failed: dict[str, int] = field(default_factory=dict)
    acks: AckCounts = field(default_factory=AckCounts)

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
        _check_content(content)
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

    # -- composing (a draft: no rows yet) ---------------------------------------------

    async def draft(self, created_by: int, content: dict[str, Any]) -> BroadcastDTO:
        """A draft with the organizer's message; audience and options come next."""
        _check_content(content)
        return await self.repos.broadcasts.create(
            created_by=created_by,
            status="draft",
            content=content,
            options={},
            audience=Audience().as_json(),
            recipients=(),
            now=self.clock(),
        )

    async def get_draft(self, broadcast_id: int) -> BroadcastDTO:
        """The broadcast, which must still be a draft (old cards are pressed too)."""
        broadcast = await self.get(broadcast_id)
        if broadcast.status != "draft":
            raise Conflict("broadcast.error.not_draft")
        return broadcast

    async def get_sending(self, broadcast_id: int) -> BroadcastDTO:
        broadcast = await self.get(broadcast_id)
        if broadcast.status != "sending":
            raise Conflict("broadcast.error.not_sending")
        return broadcast

    async def replace_content(self, broadcast_id: int, content: dict[str, Any]) -> BroadcastDTO:
        _check_content(content)
        await self.get_draft(broadcast_id)
        await self.repos.broadcasts.update(broadcast_id, now=self.clock(), content=content)
        return await self.get(broadcast_id)

    async def set_audience(self, broadcast_id: int, audience: Audience) -> BroadcastDTO:
        await self.get_draft(broadcast_id)
        await self.repos.broadcasts.update(
            broadcast_id, now=self.clock(), audience=audience.as_json()
        )
        return await self.get(broadcast_id)

    async def toggle_option(self, broadcast_id: int, option: str) -> BroadcastDTO:
        if option not in OPTIONS:
            raise InvalidInput("broadcast.error.bad_choice")
        broadcast = await self.get_draft(broadcast_id)
        options = {**broadcast.options, option: not broadcast.options.get(option)}
        await self.repos.broadcasts.update(broadcast_id, now=self.clock(), options=options)
        return await self.get(broadcast_id)

    async def sizes(self) -> Sizes:
        groups, per_tag, people = await self.repos.broadcasts.audience_sizes()
        return Sizes(groups, per_tag, people["ambassador"], people["startup"])

    async def launch(
        self, broadcast_id: int, scheduled_at: datetime | None = None
    ) -> tuple[BroadcastDTO, int]:
        """Write one row per recipient and start sending (or schedule): the draft
        becomes ``sending`` or ``scheduled``. Returns it and the recipient count."""
        broadcast = await self.get_draft(broadcast_id)
        now = self.clock()
        if scheduled_at is not None:
            check_schedule(scheduled_at, now)
        recipients = await self.recipients(Audience.from_json(broadcast.audience))
        if not recipients:
            raise InvalidInput("broadcast.error.no_recipients")
        status = "scheduled" if scheduled_at is not None else "sending"
        if not await self.repos.broadcasts.transition(
            broadcast_id,
            from_statuses=["draft"],
            to_status=status,
            now=now,
            scheduled_at=scheduled_at,
            started_at=None if scheduled_at else now,
        ):
            raise Conflict("broadcast.error.not_draft")
        count = await self.repos.broadcasts.add_recipients(
            broadcast_id, recipients, scheduled_at or now
        )
        return await self.get(broadcast_id), count

    async def discard(self, broadcast_id: int) -> None:
        """Throw a draft away (it has no rows; it is kept, cancelled, so its id is
        never reused by another draft an old card could then control)."""
        await self.get_draft(broadcast_id)
        if not await self.repos.broadcasts.transition(
            broadcast_id, from_statuses=["draft"], to_status="cancelled", now=self.clock()
        ):
            raise Conflict("broadcast.error.not_draft")

    async def cancel(self, broadcast_id: int) -> int:
        """Cancel a scheduled broadcast before it starts; how many rows were dropped.
        One that already started must be stopped instead."""
        broadcast = await self.get(broadcast_id)
        if broadcast.status != "scheduled":
            raise Conflict("broadcast.error.not_scheduled")
        now = self.clock()
        cancelled = await self.repos.broadcasts.stop(
            broadcast_id, now=now, stale_before=now - self.lease, status="cancelled"
        )
        if not cancelled:
            raise Conflict("broadcast.error.not_scheduled")
        return cancelled

    async def page(self, page: int = 0) -> Page[BroadcastDTO]:
        page = max(page, 0)
        rows = await self.repos.broadcasts.page(offset=page * PAGE_SIZE, limit=PAGE_SIZE + 1)
        return Page(tuple(rows[:PAGE_SIZE]), page, len(rows) > PAGE_SIZE)

    # -- while sending and after -------------------------------------------------------

    async def set_progress_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self.repos.broadcasts.update(
            broadcast_id,
            now=self.clock(),
            progress_chat_id=chat_id,
            progress_message_id=message_id,
        )

    async def unreported(self) -> list[BroadcastDTO]:
        return await self.repos.broadcasts.unreported()

    async def mark_reported(self, broadcast_id: int) -> bool:
        return await self.repos.broadcasts.mark_reported(broadcast_id, self.clock())

    async def lines(
        self, broadcast_id: int, *, only_failed: bool = False, limit: int | None = None
    ) -> list[DeliveryLine]:
        await self.get(broadcast_id)
        return await self.repos.broadcasts.lines(broadcast_id, only_failed=only_failed, limit=limit)

    async def ack(self, broadcast_id: int, chat_id: int, message_id: int, user_id: int) -> bool:
        """ "Got it" under a delivered message: True the first time this person
        presses it there. A press under anything but that exact message (a forged
        callback) is refused."""
        row = await self.repos.broadcasts.delivered_row(broadcast_id, chat_id, message_id)
        if row is None:
            raise NotFound("broadcast.error.not_found")
        return await self.repos.broadcasts.add_ack(row.id, user_id, self.clock())

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

    async def counts(self, broadcast_id: int) -> DeliveryCounts:
        return await self.repos.broadcasts.counts(broadcast_id)

    async def report(self, broadcast_id: int) -> Report:
        broadcast = await self.get(broadcast_id)
        counts = await self.repos.broadcasts.counts(broadcast_id)
        failed = {reason: counts.failed.get(reason, 0) for reason in REASONS}
        acks = await self.repos.broadcasts.ack_counts(broadcast_id)
        return Report(broadcast, counts, failed, acks)

    # -- the sender -------------------------------------------------------------------

    async def start_due(self, now: datetime) -> list[int]:
        """Scheduled broadcasts whose time came start ``sending``. Their recipients are
        taken again now: whoever was approved, blocked the bot or removed it from a
        group since the broadcast was scheduled is counted as they are today. The
        compare-and-set comes first, so of two processes only one rewrites the rows."""
        started = []
        for broadcast in await self.repos.broadcasts.due_scheduled(now):
            if not await self.repos.broadcasts.transition(
                broadcast.id,
                from_statuses=["scheduled"],
                to_status="sending",
                now=now,
                started_at=now,
            ):
                continue
            recipients = await self.recipients(Audience.from_json(broadcast.audience))
            await self.repos.broadcasts.replace_planned(broadcast.id, recipients, now)
            started.append(broadcast.id)
        return started

    async def claim(self, token: str, limit: int) -> list[DeliveryDTO]:
        """Start scheduled broadcasts whose time came, then claim due rows."""
        now = self.clock()
        await self.start_due(now)
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

    async def drop(self, delivery: DeliveryDTO, token: str) -> bool:
        return await self.repos.broadcasts.drop(delivery.id, token=token)

    async def is_sending(self, broadcast_id: int) -> bool:
        return await self.repos.broadcasts.status(broadcast_id) == "sending"

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


def _check_content(content: dict[str, Any]) -> None:
    if not (content.get("text") or content.get("photo") or content.get("document")):
        raise InvalidInput("broadcast.error.empty")


def check_schedule(when: datetime, now: datetime) -> None:
    """A scheduled time must be in the future and at most ``MAX_AHEAD`` away."""
    if when <= now:
        raise InvalidInput("broadcast.error.past")
    if when > now + MAX_AHEAD:
        raise InvalidInput("broadcast.error.too_far", days=MAX_AHEAD.days)
