"""Request lists: organizer filters, pages, who may see a card, /pause."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import InvalidInput, NotAllowed
from bot.services.request_lists import RequestListService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

FOUNDER, OTHER, AMB = 21, 22, 23


async def test_filters_pages_and_card_access(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [FOUNDER, OTHER, AMB, OTHER + 100], clock())
        startup = await approved_startup(repos, FOUNDER, company_name="A")
        await approved_startup(repos, OTHER, company_name="B")
        amb = await approved_ambassador(repos, AMB, display_name="Lan")
        soon = clock() + timedelta(days=2)
        ids = [
            await open_request(repos, startup, wanted=2, deadline=soon + timedelta(hours=n))
            for n in range(7)
        ]
        # request 0: one accepted + one offered (not short); request 1: one accepted
        second_amb = await approved_ambassador(repos, OTHER + 100)
        for rid, who, status in (
            (ids[0], amb, "accepted"),
            (ids[0], second_amb, "offered"),
            (ids[1], amb, "accepted"),
        ):
            offer = await repos.assignments.offer(
                request_id=rid,
                ambassador_id=who,
                score=1,
                reasons=[],
                offered_at=clock(),
                expires_at=clock() + timedelta(days=1),
            )
            assert offer is not None
            if status == "accepted":
                assert await repos.assignments.transition(
                    offer.id, from_statuses=["offered"], to_status="accepted"
                )
                assert await repos.requests.take_slot(rid) is not None
        lists = RequestListService(repos, clock, page_size=5)
        first = await lists.for_organizer("open", 0)
        assert len(first.items) == 5 and first.has_next
        second = await lists.for_organizer("open", 1)
        assert len(second.items) == 2 and not second.has_next
        short = await lists.for_organizer("short")
        assert ids[0] not in [r.id for r in short.items]  # 1 accepted + 1 open offer of 2
        assert ids[1] in [r.id for r in short.items]
        clock.advance(timedelta(days=3))
        overdue = await lists.for_organizer("overdue")
        assert {r.id for r in overdue.items} == {ids[0], ids[1]}  # stories still unpublished
        with pytest.raises(InvalidInput):
            await lists.for_organizer("everything")
        with pytest.raises(InvalidInput):
            await lists.for_organizer("open", -1)

        mine = await lists.for_startup(FOUNDER)
        assert len(mine.items) == 5 and mine.has_next
        assert (await lists.for_startup(OTHER)).items == ()
        card = await lists.card(ids[0], viewer_id=FOUNDER, organizer=False)
        assert [name for _, name in card.lines][:1] == ["Lan"]
        with pytest.raises(NotAllowed):
            await lists.card(ids[0], viewer_id=OTHER, organizer=False)
        assert (await lists.card(ids[0], viewer_id=OTHER, organizer=True)).request.id == ids[0]


async def test_pause_and_resume(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [AMB, FOUNDER], clock())
        amb = await approved_ambassador(repos, AMB)
        lists = RequestListService(repos, clock)
        await lists.set_paused(AMB, True)
        stored = await repos.ambassadors.get(amb)
        assert stored is not None and stored.paused
        await lists.set_paused(AMB, False)
        stored = await repos.ambassadors.get(amb)
        assert stored is not None and not stored.paused
        with pytest.raises(NotAllowed):
            await lists.set_paused(FOUNDER, True)
