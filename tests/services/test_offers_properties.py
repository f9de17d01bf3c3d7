"""Random sequences of offers, answers and expiries keep every promise.

Whatever happens, in any order (offers, accepts, declines, expiries, an
organizer's manual offers, withdrawals and cancellations): nobody is offered the
same request twice, a request never has more accepted stories than it wants (and
its counter agrees with its assignments), nobody holds more stories this month
than their capacity, and every assignment is in a known state. Each example
builds its own request and ambassadors in the shared test database and retires
them at the end.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import DomainError
from bot.services.assignment_states import HOLDS_A_SLOT, Status
from bot.services.matching import MatchWeights
from bot.services.matchmaking import month_start
from bot.services.offers import OfferService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_ids = itertools.count(1)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("fill"), st.integers(0, 1), st.just(0)),
        # an organizer's manual offer, to anyone, whatever the counts say
        st.tuples(st.just("offer"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("accept"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("decline"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("tick"), st.just(0), st.just(0)),
        # an organizer withdraws an open offer, or cancels a whole request
        st.tuples(st.just("withdraw"), st.integers(0, 1), st.integers(0, 5)),
        st.tuples(st.just("cancel"), st.integers(0, 1), st.just(0)),
    ),
    min_size=1,
    max_size=30,
)


async def _world(
    repos: Repositories, clock: FakeClock, capacities: list[int], wanted: list[int]
) -> tuple[list[int], list[int]]:
    base = next(_ids) * 1_000
    await add_users(repos, range(base, base + len(capacities) + 1), clock())
    startup = await repos.startups.create_draft(base)
    await repos.startups.update_fields(startup.id, {"sectors": ["agritech"]})
    requests = [
        await open_request(repos, startup.id, regions=["can_tho"], languages=["vi"], wanted=w)
        for w in wanted
    ]
    ambassadors = [
        await approved_ambassador(
            repos,
            base + 1 + n,
            topics=["agritech"],
            regions=["can_tho"],
            languages=["vi"],
            capacity=capacity,
        )
        for n, capacity in enumerate(capacities)
    ]
    return requests, ambassadors


async def _check(repos: Repositories, clock: FakeClock, requests: list[int]) -> None:
    since = month_start(clock(), VN)
    held: Counter[int] = Counter()
    for request_id in requests:
        request = await repos.requests.get(request_id)
        assert request is not None and request.wanted is not None
        assignments = await repos.assignments.for_request(request_id)
        people = [a.ambassador_id for a in assignments]
        assert len(people) == len(set(people)), "someone was offered the same request twice"
        holding = [a for a in assignments if a.status in HOLDS_A_SLOT]
        assert request.accepted == len(holding) <= request.wanted
        assert all(a.status in set(Status) for a in assignments)
        held.update(a.ambassador_id for a in holding if a.answered_at and a.answered_at >= since)
    for ambassador_id, count in held.items():
        ambassador = await repos.ambassadors.get(ambassador_id)
        assert ambassador is not None and count <= (ambassador.capacity or 0)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    capacities=st.lists(st.integers(0, 2), min_size=1, max_size=5),
    wanted=st.lists(st.integers(1, 3), min_size=2, max_size=2),
    steps=actions,
)
async def test_random_sequences_keep_every_promise(
    sessionmaker: async_sessionmaker[AsyncSession],
    capacities: list[int],
    wanted: list[int],
    steps: list[tuple[str, int, int]],
) -> None:
    clock = FakeClock()
    async with sessionmaker() as s, s.begin():
        requests, ambassadors = await _world(Repositories.bind(s), clock, capacities, wanted)
    for action, r, k in steps:
        try:
            async with sessionmaker() as s, s.begin():
                repos = Repositories.bind(s)
                offers = OfferService(
                    repos, clock, tz=VN, offer_ttl=timedelta(hours=24), weights=MatchWeights()
                )
                if action == "fill":
                    await offers.fill(requests[r])
                elif action == "offer":
                    await repos.assignments.offer(
                        request_id=requests[r],
                        ambassador_id=ambassadors[k % len(ambassadors)],
                        score=0,
                        reasons=[],
                        offered_at=clock(),
                        expires_at=clock() + timedelta(hours=24),
                    )
                elif action == "tick":
                    clock.advance(timedelta(hours=13))
                    await offers.expire_due()
                elif action == "cancel":
                    await offers.cancel_request(requests[r])
                else:
                    open_ = [
                        a
                        for a in await repos.assignments.for_request(requests[r])
                        if a.status == Status.OFFERED
                    ]
                    if open_:
                        target = open_[k % len(open_)]
                        if action == "accept":
                            await offers.accept(target.id, target.ambassador_id)
                        elif action == "withdraw":
                            await offers.withdraw(target.id, request_id=requests[r])
                        else:
                            await offers.decline(target.id, target.ambassador_id, "other")
        except DomainError:
            pass  # a refusal: nothing of it is kept
        async with sessionmaker() as s:
            await _check(Repositories.bind(s), clock, requests)
    async with sessionmaker() as s, s.begin():  # retire this example's world
        repos = Repositories.bind(s)
        for amb in ambassadors:
            await repos.ambassadors.update_fields(amb, {"paused": True})
        for request_id in requests:
            await repos.requests.transition(
                request_id, from_statuses=["open", "filled"], to_status="cancelled"
            )
