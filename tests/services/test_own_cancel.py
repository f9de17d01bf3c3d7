"""A startup cancels its own request: re-authorized on every press (its approved
startup only, while the request may still be cancelled), the organizers' one
cancellation underneath, and a second confirm changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, NotAllowed
from bot.services.offers import CANCELLABLE, OfferService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_startup, open_request
from tests.services.test_offers import service, world

FOUNDER = 1  # the startup of ``world``'s request


async def approve_founder(repos: Repositories) -> None:
    startup = await repos.startups.get_by_user(FOUNDER)
    assert startup is not None
    assert await repos.startups.transition(
        startup.id, from_statuses=["draft"], to_status="approved"
    )


async def statuses(repos: Repositories, request_id: int) -> tuple[str, list[str]]:
    """The request's status and its assignments' (oldest first): what a refusal keeps."""
    request = await repos.requests.get(request_id)
    assert request is not None
    assignments = await repos.assignments.for_request(request_id)
    return request.status, [a.status for a in assignments]


async def test_startup_cancels_its_open_request(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=2)
        await approve_founder(repos)
        offers = service(repos, clock)
        first, second = (await offers.fill(request_id)).offers
        await offers.accept(first.id, ids[0])

        preview = await offers.own_request(request_id, FOUNDER)
        assert (preview.request.id, preview.open_offers, preview.stories) == (request_id, 1, 1)
        result = await offers.cancel_own_request(request_id, FOUNDER)
        assert result.actor == "startup" and result.previous_status == "open"
        assert {(a.id, a.status) for a in result.closed} == {
            (first.id, "cancelled"),
            (second.id, "withdrawn"),
        }
        stored = await repos.requests.get(request_id)
        assert stored is not None and stored.status == "cancelled" and stored.accepted == 0
        assert result.request.status == "cancelled" and result.request.accepted == 0


async def test_a_second_confirm_changes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, ids = await world(repos, clock, wanted=1)
        await approve_founder(repos)
        offers = service(repos, clock)
        (offer,) = (await offers.fill(request_id)).offers
        await offers.accept(offer.id, ids[0])
        await offers.cancel_own_request(request_id, FOUNDER)
        before = await statuses(repos, request_id)
        for attempt in (offers.own_request, offers.cancel_own_request):
            with pytest.raises(Conflict) as again:
                await attempt(request_id, FOUNDER)
            assert again.value.code == "request.error.already_cancelled"
        assert await statuses(repos, request_id) == before == ("cancelled", ["cancelled"])
        # The organizers' path says the same "no" (one compare-and-set underneath).
        with pytest.raises(Conflict):
            await offers.cancel_request(request_id)


async def test_only_its_own_approved_startup_may_cancel(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, _ = await world(repos, clock, ambassadors=2, wanted=1)
        offers = service(repos, clock)
        await offers.fill(request_id)
        before = await statuses(repos, request_id)
        assert before == ("open", ["offered"])
        other_user = 50
        await add_users(repos, [other_user, 51], clock())
        other = await approved_startup(repos, other_user)
        other_request = await open_request(repos, other, wanted=1)

        async def refused(request: int, user: int, code: str = "error.not_allowed") -> None:
            for attempt in (offers.own_request, offers.cancel_own_request):
                with pytest.raises(NotAllowed) as no:
                    await attempt(request, user)
                assert no.value.code == code

        await refused(request_id, FOUNDER, "pitch.error.not_approved")  # not approved yet
        await approve_founder(repos)
        await refused(request_id, other_user)  # another startup's request
        await refused(other_request, FOUNDER)  # forged: the other startup's id
        await refused(request_id, 2)  # an ambassador (user 2), not a startup
        await refused(request_id, 51)  # a person with no role
        await refused(request_id + 100, FOUNDER)  # no such request
        assert await statuses(repos, request_id) == before
        assert await statuses(repos, other_request) == ("open", [])
        # The owner may.
        assert (await offers.cancel_own_request(request_id, FOUNDER)).actor == "startup"


@pytest.mark.parametrize("status", ["draft", "pending", "open", "filled", "completed", "rejected"])
async def test_which_statuses_may_be_cancelled(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, status: str
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request_id, _ = await world(repos, clock, ambassadors=1, wanted=1)
        await approve_founder(repos)
        assert await repos.requests.transition(request_id, from_statuses=["open"], to_status=status)
        offers: OfferService = service(repos, clock)
        if status in CANCELLABLE:
            result = await offers.cancel_own_request(request_id, FOUNDER)
            assert result.previous_status == status
            assert (await statuses(repos, request_id))[0] == "cancelled"
            return
        with pytest.raises(Conflict) as no:  # an old card after the request moved on
            await offers.cancel_own_request(request_id, FOUNDER)
        assert no.value.code == "request.error.not_cancellable"
        assert (await statuses(repos, request_id))[0] == status


def test_the_cancellable_statuses() -> None:
    assert set(CANCELLABLE) == {"draft", "pending", "open", "filled"}
