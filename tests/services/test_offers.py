"""Offers: fill, accept, decline, expire; re-authorization and the full request."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, NotAllowed, NotFound
from bot.services.assignment_states import InvalidTransition
from bot.services.matching import MatchWeights
from bot.services.offers import OfferService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TTL = timedelta(hours=24)


async def world(
    repos: Repositories, clock: FakeClock, *, ambassadors: int = 4, wanted: int = 2
) -> tuple[int, list[int]]:
    """An open request of an agritech startup in Cần Thơ, and approved ambassadors
    ranked best first (ids returned in that order)."""
    await add_users(repos, range(1, ambassadors + 2), clock())
    startup = await repos.startups.create_draft(1)
    await repos.startups.update_fields(startup.id, {"sectors": ["agritech"]})
    request_id = await open_request(
        repos, startup.id, regions=["can_tho"], languages=["vi"], wanted=wanted
    )
    ids = []
    for n in range(ambassadors):
        amb = await approved_ambassador(
            repos, n + 2, topics=["agritech"], regions=["can_tho"], languages=["vi"], capacity=4
        )
        # audiences fall with n, so the ranking is the creation order
        audience = 10 ** (7 - n)
        await repos.ambassadors.add_channel(amb, platform="tiktok", url=None, audience=audience)
        ids.append(amb)
    return request_id, ids


def service(repos: Repositories, clock: FakeClock) -> OfferService:
    return OfferService(repos, clock, tz=VN, offer_ttl=TTL, weights=MatchWeights())


async def test_fill_offers_the_best_as_many_as_wanted(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock)
        offers = service(repos, clock)
        first = await offers.fill(request_id)
        assert [o.ambassador_id for o in first.offers] == ids[:2]
        assert first.shortfall == 0
        assert first.offers[0].expires_at == clock() + TTL
        assert first.offers[0].reasons[0][0] == "sector"
        again = await offers.fill(request_id)
        assert again.offers == () and again.shortfall == 0


async def test_accept_is_re_authorized_and_fills_the_request(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        (offer,) = (await offers.fill(request_id)).offers
        with pytest.raises(NotAllowed):  # someone else's offer id (forged callback data)
            await offers.accept(offer.id, ids[1])
        result = await offers.accept(offer.id, ids[0])
        assert result.assignment.status == "accepted"
        assert result.request.status == "filled" and result.request.accepted == 1
        with pytest.raises(InvalidTransition) as again:
            await offers.accept(offer.id, ids[0])
        assert again.value.code == "assignment.error.already_accepted"


async def test_filling_withdraws_the_other_open_offers(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        (first,) = (await offers.fill(request_id)).offers
        # an organizer offered it by hand to one more person
        extra = await repos.assignments.offer(
            request_id=request_id,
            ambassador_id=ids[1],
            score=0,
            reasons=[],
            offered_at=clock(),
            expires_at=clock() + TTL,
        )
        assert extra is not None
        result = await offers.accept(first.id, ids[0])
        assert [w.id for w in result.withdrawn] == [extra.id]
        with pytest.raises(Conflict) as late:
            await offers.accept(extra.id, ids[1])
        assert late.value.code == "assignment.error.filled"  # "it has just been filled"


async def test_decline_offers_the_next_candidate(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock)
        offers = service(repos, clock)
        first, _ = (await offers.fill(request_id)).offers
        with pytest.raises(NotAllowed):
            await offers.decline(first.id, ids[0], reason="bribe")
        closed = await offers.decline(first.id, ids[0], reason="no_time")
        assert closed.assignment.status == "declined"
        assert closed.assignment.decline_reason == "no_time"
        assert [o.ambassador_id for o in closed.refill.offers] == [ids[2]]


async def test_expiry_a_late_press_never_wins_and_the_job_moves_on(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        (offer,) = (await offers.fill(request_id)).offers
        clock.advance(TTL)
        with pytest.raises(InvalidTransition) as late:  # before the job has run
            await offers.accept(offer.id, ids[0])
        assert late.value.code == "assignment.error.not_open"
        (closed,) = await offers.expire_due()
        assert closed.assignment.status == "expired"
        assert [o.ambassador_id for o in closed.refill.offers] == [ids[1]]
        assert await offers.expire_due() == []  # nothing left to expire


async def test_shortfall_when_candidates_run_out(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, ambassadors=2, wanted=3)
        offers = service(repos, clock)
        result = await offers.fill(request_id)
        assert [o.ambassador_id for o in result.offers] == ids
        assert result.shortfall == 1


async def test_a_full_request_refuses_accepts(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        (offer,) = (await offers.fill(request_id)).offers
        assert await repos.requests.take_slot(request_id)  # taken elsewhere meanwhile
        with pytest.raises(Conflict) as full:
            await offers.accept(offer.id, ids[0])
        assert full.value.code == "assignment.error.filled"


async def test_accepting_beyond_monthly_capacity_is_refused(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        first_request, ids = await world(repos, clock, ambassadors=1, wanted=1)
        await repos.ambassadors.update_fields(ids[0], {"capacity": 1})
        request = await repos.requests.get(first_request)
        assert request is not None
        second = await repos.requests.create_draft(
            request.startup_id, regions=["can_tho"], languages=["vi"], wanted=1
        )
        await repos.requests.transition(second.id, from_statuses=["draft"], to_status="open")
        offers = service(repos, clock)
        (a,) = (await offers.fill(first_request)).offers
        (b,) = (await offers.fill(second.id)).offers  # both offered while there was room
        await offers.accept(a.id, ids[0])
        with pytest.raises(Conflict) as full:
            await offers.accept(b.id, ids[0])
        assert full.value.code == "assignment.error.capacity"
        assert full.value.params == {"capacity": 1}


async def test_cancel_request_closes_everything_and_frees_slots(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=2)
        offers = service(repos, clock)
        first, second = (await offers.fill(request_id)).offers
        await offers.accept(first.id, ids[0])
        result = await offers.cancel_request(request_id)
        assert {(a.id, a.status) for a in result.closed} == {
            (first.id, "cancelled"),
            (second.id, "withdrawn"),
        }
        stored = await repos.requests.get(request_id)
        assert stored is not None and stored.status == "cancelled" and stored.accepted == 0
        assert result.request.accepted == 0
        with pytest.raises(Conflict):
            await offers.cancel_request(request_id)
        with pytest.raises(InvalidTransition):
            await offers.accept(second.id, ids[1])


async def test_withdraw_asks_the_next_and_checks_the_request(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        (offer,) = (await offers.fill(request_id)).offers
        with pytest.raises(NotFound):  # the id of another request's offer
            await offers.withdraw(offer.id, request_id=request_id + 1)
        closed = await offers.withdraw(offer.id, request_id=request_id)
        assert closed.assignment.status == "withdrawn"
        assert [o.ambassador_id for o in closed.refill.offers] == [ids[1]]
        with pytest.raises(InvalidTransition):
            await offers.withdraw(offer.id, request_id=request_id)


async def test_manual_assign_only_to_ranked_candidates(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        offers = service(repos, clock)
        await offers.fill(request_id)  # ids[0] is offered
        assigned = await offers.assign(request_id, ids[2], organizer_id=99)
        assert assigned.offered_by == 99 and assigned.reasons  # scored like any offer
        with pytest.raises(Conflict) as again:  # already offered
            await offers.assign(request_id, ids[0], organizer_id=99)
        assert again.value.code == "request.error.not_a_candidate"
        await repos.ambassadors.update_fields(ids[3], {"paused": True})
        with pytest.raises(Conflict):  # paused: not available
            await offers.assign(request_id, ids[3], organizer_id=99)
