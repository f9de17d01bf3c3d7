"""Broadcasts as a service, on both databases: recipients per audience (deduplicated,
blocked people and inactive/unconfirmed groups left out), every row stored before a
send, two claimers get disjoint rows, leases, retries, stop, the report, scheduling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.broadcasts import LEASE, MAX_AHEAD, Audience, BroadcastService
from bot.services.groups import GroupService
from storage.dto import DeliveryCounts
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, approved_startup

ORG = 10
TEXT = {"text": "Hello <b>all</b>", "parse_mode": "HTML"}


def service(session: AsyncSession, clock: FakeClock) -> BroadcastService:
    return BroadcastService(Repositories.bind(session), clock)


async def world(session: AsyncSession, clock: FakeClock) -> None:
    """Ambassadors 101-103 approved (103 blocked the bot), 104 a draft; startups
    201-202; 301 no profile. Groups -1 (tags a, b), -2 (b), -3 (unconfirmed), -4
    (removed the bot), -5 (no tags)."""
    repos = Repositories.bind(session)
    await add_users(repos, [101, 102, 103, 104, 201, 202, 301], clock())
    for uid in (101, 102, 103):
        await approved_ambassador(repos, uid)
    await repos.ambassadors.create_draft(104)
    for uid in (201, 202):
        await approved_startup(repos, uid)
    await repos.users.set_blocked(103, clock())
    groups = GroupService(repos, clock)
    g1 = (await groups.bot_added(-1, "One", "group", ORG, True, False)).group
    g2 = (await groups.bot_added(-2, "Two", "supergroup", ORG, True, False)).group
    await groups.bot_added(-3, "Three", "group", 999, False, False)
    await groups.bot_added(-4, "Four", "group", ORG, True, False)
    await groups.bot_removed(-4)
    await groups.bot_added(-5, "Five", "group", ORG, True, False)
    await groups.set_tags(g1.id, ["a", "b"])
    await groups.set_tags(g2.id, ["b"])


async def test_recipients_per_audience(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        b = service(s, clock)

        async def chats(**kw: object) -> list[int]:
            return [r.chat_id for r in await b.recipients(Audience(**kw))]  # type: ignore[arg-type]

        assert await chats(all_groups=True) == [-1, -2, -5]
        assert await chats(tags=("b",)) == [-1, -2]
        assert await chats(tags=("a", "b")) == [-1, -2]  # -1 has both: once
        assert await chats(tags=("zzz",)) == []
        assert await chats(ambassadors=True) == [101, 102]
        assert await chats(startups=True) == [201, 202]
        mixed = await b.recipients(Audience(tags=("a",), ambassadors=True, startups=True))
        assert [(r.chat_id, r.kind) for r in mixed] == [
            (-1, "group"),
            (101, "private"),
            (102, "private"),
            (201, "private"),
            (202, "private"),
        ]
        assert mixed[0].group_id is not None
        assert await chats() == []


async def test_every_row_is_stored_before_anything_is_sent(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        created = await service(s, clock).create(
            ORG, content=TEXT, audience=Audience(all_groups=True, ambassadors=True)
        )
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assert created.status == "sending" and created.started_at == clock()
        rows = await repos.broadcasts.deliveries(created.id)
        assert [(r.chat_id, r.kind, r.status) for r in rows] == [
            (-1, "group", "planned"),
            (-2, "group", "planned"),
            (-5, "group", "planned"),
            (101, "private", "planned"),
            (102, "private", "planned"),
        ]
        stored = await repos.broadcasts.get(created.id)
        assert stored is not None and stored.content == TEXT
        assert stored.audience["all_groups"] is True


async def test_two_claimers_get_disjoint_rows(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, range(1000, 1060), clock())
        for uid in range(1000, 1060):
            await approved_ambassador(repos, uid)
        created = await service(s, clock).create(
            ORG, content=TEXT, audience=Audience(ambassadors=True)
        )

    async def claim(token: str) -> list[int]:
        got: list[int] = []
        while True:
            async with sessionmaker() as s, s.begin():
                rows = await service(s, clock).claim(token, 7)
            if not rows:
                return got
            got += [r.id for r in rows]
            await asyncio.sleep(0)

    first, second = await asyncio.gather(claim("a"), claim("b"))
    assert not set(first) & set(second)
    assert len(first) + len(second) == 60
    async with sessionmaker() as s, s.begin():
        counts = await Repositories.bind(s).broadcasts.counts(created.id)
        assert counts.claimed == 60 and counts.left == 60


async def test_outcomes_retries_lease_and_report(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        created = await service(s, clock).create(
            ORG, content=TEXT, audience=Audience(all_groups=True, ambassadors=True, startups=True)
        )
    async with sessionmaker() as s, s.begin():
        b = service(s, clock)
        rows = {r.chat_id: r for r in await b.claim("a", 50)}
        assert sorted(rows) == [-5, -2, -1, 101, 102, 201, 202]
        assert await b.sent(rows[-1], "a", 11)
        assert not await b.sent(rows[-1], "a", 11)  # closed once
        assert not await b.sent(rows[-2], "someone else", 12)  # not their claim
        assert await b.blocked(rows[101], "a", "Forbidden: bot was blocked by the user")
        assert await b.failed(rows[-2], "a", "removed", "Forbidden: bot was kicked")
        assert await b.failed(rows[201], "a", "not_found", "Bad Request: chat not found")
        assert await b.retry_later(rows[102], "a", timedelta(seconds=30), "Too Many Requests")
        assert await b.retry_later(
            rows[-5], "a", timedelta(seconds=5), "flood", count_attempt=False
        )
        # 202 stays claimed by "a", which dies.
        assert (await Repositories.bind(s).users.get(101)).blocked_at == clock()  # type: ignore[union-attr]
    async with sessionmaker() as s, s.begin():
        b = service(s, clock)
        assert await b.claim("b", 50) == []  # nothing due yet, the claim is fresh
        clock.advance(timedelta(seconds=31))
        again = {r.chat_id: r for r in await b.claim("b", 50)}
        assert sorted(again) == [-5, 102]
        assert again[102].attempts == 2 and again[-5].attempts == 1
        assert await b.sent(again[102], "b", 21) and await b.sent(again[-5], "b", 22)
        assert not await b.finish_if_done(created.id)  # 202 is still claimed
        clock.advance(LEASE)
        (stale,) = await b.claim("b", 50)
        assert stale.chat_id == 202 and stale.attempts == 2
        assert await b.sent(stale, "b", 23)
        assert not await b.sent(stale, "a", 23)  # the dead claimer's late answer
        assert await b.finish_if_done(created.id)
        report = await b.report(created.id)
        assert report.broadcast.status == "done" and report.broadcast.finished_at == clock()
        assert report.delivered == 4 and report.left == 0
        assert report.failed == {"blocked": 1, "removed": 1, "not_found": 1, "other": 0}
        assert report.broadcast.counts is not None and report.broadcast.counts["sent"] == 4
        by_chat = {
            d.chat_id: d for d in await Repositories.bind(s).broadcasts.deliveries(created.id)
        }
        assert by_chat[-1].message_id == 11 and by_chat[-1].sent_at is not None
        assert by_chat[101].error_reason == "blocked"


async def test_stop_cancels_what_is_left(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        created = await service(s, clock).create(
            ORG, content=TEXT, audience=Audience(all_groups=True, ambassadors=True)
        )
    async with sessionmaker() as s, s.begin():
        b = service(s, clock)
        first, second = await b.claim("a", 2)
        assert await b.sent(first, "a", 1)
        assert await b.stop(created.id) == 3  # the planned ones; `second` is in flight
        assert await b.stop(created.id) == 0
        assert await b.sent(second, "a", 2)  # the send in flight is recorded
        assert await b.claim("a", 50) == []
        report = await b.report(created.id)
        assert report.broadcast.status == "stopped"
        assert (report.delivered, report.counts.cancelled, report.left) == (2, 3, 0)


async def test_scheduled_broadcast_starts_on_time_and_moved_rows(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        created = await service(s, clock).create(
            ORG,
            content=TEXT,
            audience=Audience(tags=("b",)),
            scheduled_at=clock() + timedelta(hours=1),
        )
        assert created.status == "scheduled"
        # Meanwhile group -5 is tagged b: it is counted when the broadcast starts.
        groups = GroupService(Repositories.bind(s), clock)
        five = await groups.by_chat(-5)
        assert five is not None
        await groups.set_tags(five.id, ["b"])
    async with sessionmaker() as s, s.begin():
        b = service(s, clock)
        assert await b.claim("a", 50) == []
        clock.advance(timedelta(hours=1))
        rows = await b.claim("a", 50)
        assert [r.chat_id for r in rows] == [-1, -2, -5]
        assert await b.claim("b", 50) == []  # started once, rows written once
        assert not await b.moved(rows[0], -2)  # the broadcast already has a row for -2
        assert await b.moved(rows[0], -1001)
        assert (await b.get(created.id)).status == "sending"
        chats = [d.chat_id for d in await Repositories.bind(s).broadcasts.deliveries(created.id)]
        assert sorted(chats) == [-1001, -5, -2]


async def test_a_draft_is_composed_then_launched_once(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        b = service(s, clock)
        with pytest.raises(InvalidInput):
            await b.draft(ORG, {"text": ""})
        draft = await b.draft(ORG, {"text": "Hi", "entities": []})
        assert draft.status == "draft" and await b.counts(draft.id) == DeliveryCounts()

        sizes = await b.sizes()
        assert (sizes.groups, sizes.ambassadors, sizes.startups) == (3, 2, 2)
        assert sizes.per_tag == {"a": 1, "b": 2}

        with pytest.raises(InvalidInput, match="no_recipients"):
            await b.launch(draft.id)
        audience = Audience.from_json(draft.audience).toggled("ambassadors").with_tag("b")
        with pytest.raises(InvalidInput):
            audience.toggled("everyone")
        await b.set_audience(draft.id, audience)
        assert (await b.toggle_option(draft.id, "ack")).options == {"ack": True}
        assert (await b.toggle_option(draft.id, "ack")).options == {"ack": False}
        with pytest.raises(InvalidInput):
            await b.toggle_option(draft.id, "explode")
        replaced = await b.replace_content(draft.id, {"photo": "F1", "caption": "x"})
        assert replaced.content["photo"] == "F1"

        sent, count = await b.launch(draft.id)
        assert (sent.status, count, sent.started_at) == ("sending", 4, clock())
        with pytest.raises(Conflict):
            await b.launch(draft.id)  # a second press on Send
        with pytest.raises(Conflict):
            await b.set_audience(draft.id, Audience(startups=True))
        with pytest.raises(Conflict):
            await b.discard(draft.id)


async def test_schedule_limits_cancel_and_the_list(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        b = service(s, clock)
        ids = []
        for _ in range(7):
            d = await b.draft(ORG, {"text": "x", "entities": []})
            await b.set_audience(d.id, Audience(startups=True))
            ids.append(d.id)
        with pytest.raises(InvalidInput, match="past"):
            await b.launch(ids[0], clock() - timedelta(minutes=1))
        with pytest.raises(InvalidInput, match="too_far"):
            await b.launch(ids[0], clock() + MAX_AHEAD + timedelta(minutes=1))
        later, count = await b.launch(ids[0], clock() + timedelta(hours=2))
        assert (later.status, count, later.started_at) == ("scheduled", 2, None)
        await b.discard(ids[1])
        for i in ids[2:]:
            await b.launch(i)
        with pytest.raises(Conflict):
            await b.cancel(ids[2])  # sending: Stop, not Cancel
        assert await b.cancel(ids[0]) == 2
        assert (await b.get(ids[0])).status == "cancelled"
        with pytest.raises(Conflict):
            await b.cancel(ids[0])

        first, second = await b.page(0), await b.page(1)
        assert [x.id for x in first.items] == [ids[6], ids[5], ids[4], ids[3], ids[2]]
        assert first.has_next and [x.id for x in second.items] == [ids[0]]  # no drafts
        assert not second.has_next


async def test_got_it_counts_people_per_recipient_and_refuses_other_messages(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        await world(s, clock)
        b = service(s, clock)
        made = await b.create(ORG, content=TEXT, audience=Audience(tags=("b",), ambassadors=True))
        rows = await b.claim("t", 10)
        for n, row in enumerate(rows):
            await b.sent(row, "t", 100 + n)
        by_chat = {r.chat_id: 100 + n for n, r in enumerate(rows)}
        assert await b.ack(made.id, -1, by_chat[-1], 555)
        assert await b.ack(made.id, -1, by_chat[-1], 556)
        assert not await b.ack(made.id, -1, by_chat[-1], 555)  # the same person again
        assert await b.ack(made.id, 101, by_chat[101], 101)
        with pytest.raises(NotFound):
            await b.ack(made.id, 101, by_chat[101] + 1000, 101)  # another message
        with pytest.raises(NotFound):
            await b.ack(made.id + 1, 101, by_chat[101], 101)  # another broadcast

        report = await b.report(made.id)
        assert (report.acks.recipients, report.acks.people) == (2, 3)
        lines = {line.chat_id: line for line in await b.lines(made.id)}
        assert {c: line.acks for c, line in lines.items()} == {-1: 2, -2: 0, 101: 1, 102: 0}
        assert lines[-1].name == "One" and lines[-1].kind == "group"
