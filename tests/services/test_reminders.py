"""Reminders as a service: planned on accept, claimed once, coalesced after downtime,
digest and blocked people skipped, overdue marking, snooze, release, concurrency."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, NotAllowed
from bot.services.matching import MatchWeights
from bot.services.offers import OfferService
from bot.services.reminder_policy import DEFAULT_POLICY, DEFAULT_QUIET, QuietHours
from bot.services.reminders import ReminderService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: 10:00 in Vietnam, so nothing below is moved by quiet hours unless a test wants it.
START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
NO_QUIET = QuietHours.parse("off")


def services(
    repos: Repositories, clock: FakeClock, quiet: QuietHours = NO_QUIET
) -> tuple[ReminderService, OfferService]:
    reminders = ReminderService(repos, clock, tz=VN, policy=DEFAULT_POLICY, quiet=quiet)
    offers = OfferService(
        repos,
        clock,
        tz=VN,
        offer_ttl=timedelta(hours=24),
        weights=MatchWeights(),
        reminders=reminders,
    )
    return reminders, offers


async def accepted_story(
    repos: Repositories, clock: FakeClock, *, deadline: datetime, user_id: int = 2
) -> tuple[int, int]:
    """An ambassador (``user_id``) who accepted a story due at ``deadline``."""
    await add_users(repos, [1, user_id], clock())
    startup = await repos.startups.create_draft(1)
    await repos.startups.update_fields(startup.id, {"sectors": ["agritech"]})
    request_id = await open_request(
        repos, startup.id, regions=["can_tho"], languages=["vi"], wanted=1, deadline=deadline
    )
    amb = await approved_ambassador(
        repos, user_id, topics=["agritech"], regions=["can_tho"], languages=["vi"], capacity=5
    )
    _, offers = services(repos, clock)
    (offer,) = (await offers.fill(request_id)).offers
    await offers.accept(offer.id, amb)
    return offer.id, amb


async def test_accepting_plans_the_policy(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        deadline = START + timedelta(days=5)
        assignment_id, _ = await accepted_story(repos, clock, deadline=deadline)
        planned = await repos.reminders.for_assignment(assignment_id)
        assert [(r.kind, r.seq) for r in planned] == [
            ("before", 48),
            ("before", 24),
            ("before", 2),
            ("deadline", 0),
            ("overdue", 1),
            ("overdue", 2),
            ("overdue", 3),
            ("mark_overdue", 0),
        ]
        assert planned[0].due_at == deadline - timedelta(hours=48)


async def test_claimed_once_then_sent(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assignment_id, _ = await accepted_story(repos, clock, deadline=START + timedelta(days=3))
    clock.advance(timedelta(days=1, minutes=1))  # the 48 h reminder is due
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        claimed = await reminders.claim("a")
        assert [(m.reminder.kind, m.reminder.seq) for m in claimed.messages] == [("before", 48)]
        assert not claimed.messages[0].silent
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        assert (await reminders.claim("b")).messages == []  # claimed by "a"
        await reminders.sent(claimed.messages[0].reminder, "a")
    async with sessionmaker() as s:
        rows = await Repositories.bind(s).reminders.for_assignment(assignment_id)
        assert rows[0].status == "sent" and rows[0].sent_at == clock()


async def test_downtime_is_coalesced_to_the_latest(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assignment_id, _ = await accepted_story(repos, clock, deadline=START + timedelta(days=3))
    clock.advance(timedelta(days=3, hours=1))  # down past 48h, 24h, 2h and the deadline
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        claimed = await reminders.claim("a")
        assert [(m.reminder.kind, m.reminder.seq) for m in claimed.messages] == [("deadline", 0)]
    async with sessionmaker() as s:
        rows = await Repositories.bind(s).reminders.for_assignment(assignment_id)
        statuses = {(r.kind, r.seq): r.status for r in rows}
        assert statuses[("before", 48)] == statuses[("before", 2)] == "skipped"
        assert statuses[("overdue", 1)] == "planned"


async def test_a_lost_claim_is_taken_again_after_the_lease(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        await accepted_story(Repositories.bind(s), clock, deadline=START + timedelta(days=3))
    clock.advance(timedelta(days=1, minutes=1))
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        assert len((await reminders.claim("crashed")).messages) == 1
    clock.advance(timedelta(minutes=6))
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        again = await reminders.claim("alive")
        assert len(again.messages) == 1 and again.messages[0].reminder.attempts == 2


async def test_marked_overdue_and_modes(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assignment_id, _ = await accepted_story(repos, clock, deadline=START + timedelta(days=1))
        await repos.users.set_reminder_mode(2, "digest")
    clock.advance(timedelta(days=6))
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        reminders, _ = services(repos, clock)
        claimed = await reminders.claim("a")
        assert claimed.messages == []  # the digest covers people who chose it
        assert [o.assignment.id for o in claimed.overdue] == [assignment_id]
        stored = await repos.assignments.get(assignment_id)
        assert stored is not None and stored.status == "overdue"


async def test_silent_mode_keeps_the_loud_one(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    deadline = START + timedelta(days=3)  # 10:00 local: the deadline reminder is loud
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await accepted_story(repos, clock, deadline=deadline)
        await repos.users.set_reminder_mode(2, "silent")
    clock.advance(timedelta(days=1, minutes=1))
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        (first,) = (await reminders.claim("a")).messages
        assert first.silent
        await reminders.sent(first.reminder, "a")
    clock.now = deadline + timedelta(minutes=1)
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        (at_deadline,) = (await reminders.claim("a")).messages
        assert at_deadline.reminder.kind == "deadline" and not at_deadline.silent


async def test_blocked_people_get_nothing_more(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        await accepted_story(Repositories.bind(s), clock, deadline=START + timedelta(days=3))
    clock.advance(timedelta(days=1, minutes=1))
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        (message,) = (await reminders.claim("a")).messages
        await reminders.blocked(message.reminder, "a", 2)
    clock.advance(timedelta(days=1))
    async with sessionmaker() as s, s.begin():
        reminders, _ = services(Repositories.bind(s), clock)
        assert (await reminders.claim("a")).messages == []


async def test_network_errors_retry_then_fail(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        await accepted_story(Repositories.bind(s), clock, deadline=START + timedelta(days=3))
    clock.advance(timedelta(days=1, minutes=1))
    outcomes = []
    for _ in range(4):
        async with sessionmaker() as s, s.begin():
            reminders, _ = services(Repositories.bind(s), clock)
            (message,) = (await reminders.claim("a")).messages
            outcomes.append(await reminders.retry(message.reminder, "a", "timeout"))
        clock.advance(timedelta(hours=1))
    assert outcomes == [True, True, True, False]


async def test_snooze_limits_and_ownership(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    deadline = START + timedelta(days=3)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assignment_id, _ = await accepted_story(repos, clock, deadline=deadline)
        reminders, _ = services(repos, clock, quiet=DEFAULT_QUIET)
        with pytest.raises(NotAllowed):
            await reminders.snooze(1, assignment_id)  # the startup is not the ambassador
        first = await reminders.snooze(2, assignment_id)
        assert first >= deadline - timedelta(hours=48)
        second = await reminders.snooze(2, assignment_id)
        assert second >= first
        with pytest.raises(Conflict) as third:
            await reminders.snooze(2, assignment_id)
        assert third.value.code == "reminder.error.snooze_limit"
        rows = await repos.reminders.for_assignment(assignment_id)
        assert [r.seq for r in rows if r.kind == "snooze"] == [1, 2]


async def test_release_reopens_and_stops_reminders(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        assignment_id, amb = await accepted_story(repos, clock, deadline=START + timedelta(days=3))
        await add_users(repos, [3], clock())
        await approved_ambassador(
            repos, 3, topics=["agritech"], regions=["can_tho"], languages=["vi"], capacity=5
        )
        _, offers = services(repos, clock)
        released = await offers.release(assignment_id, amb)
        assert released.assignment.status == "cancelled"
        assert len(released.refill.offers) == 1  # a replacement is asked
        request = await repos.requests.get(released.assignment.request_id)
        assert request is not None and request.status == "open" and request.accepted == 0
        rows = await repos.reminders.for_assignment(assignment_id)
        assert {r.status for r in rows} == {"cancelled"}


async def test_two_claimers_at_once_never_share_a_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Two bot processes claiming at the same moment (PostgreSQL: SKIP LOCKED)."""
    clock = FakeClock(START)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [1], clock())
        startup = await repos.startups.create_draft(1)
        request_id = await open_request(repos, startup.id, wanted=10)
        for n in range(40):
            await add_users(repos, [100 + n], clock())
            amb = await approved_ambassador(repos, 100 + n)
            offer = await repos.assignments.offer(
                request_id=request_id,
                ambassador_id=amb,
                score=0,
                reasons=[],
                offered_at=clock(),
                expires_at=clock() + timedelta(days=1),
            )
            assert offer is not None
            await repos.assignments.transition(
                offer.id, from_statuses=["offered"], to_status="accepted"
            )
            await repos.reminders.plan(offer.id, [("deadline", 0, clock(), False)])

    async def claim(token: str) -> list[int]:
        async with sessionmaker() as s, s.begin():
            rows = await Repositories.bind(s).reminders.claim_due(
                now=clock(), token=token, limit=25, stale_before=clock() - timedelta(minutes=5)
            )
            await asyncio.sleep(0)
            return [r.id for r in rows]

    first, second = await asyncio.gather(claim("p1"), claim("p2"))
    assert not set(first) & set(second)
    assert len(first) + len(second) == 40
    assert max(len(first), len(second)) <= 25  # never more than asked
