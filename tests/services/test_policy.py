"""Which pitches /policy groups: need "policy", submitted (any status but draft),
optionally of the last N days; with their startup's name, province and sectors."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.policy import PolicyService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_startup

FARM, WALLET = 7_200_000_001, 7_200_000_002


async def test_which_pitches_count(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [FARM, WALLET], clock())
        farm = await approved_startup(
            repos, FARM, company_name="Nông Trại Số", province="can_tho", sectors=["agritech"]
        )
        wallet = await approved_startup(repos, WALLET, company_name="Ví Xanh", province="ha_noi")

        async def request(startup: int, need: str, status: str, days_ago: int) -> int:
            created = await repos.requests.create_draft(startup, need=need, story=f"{need} story")
            if status != "draft":
                submitted = clock() - timedelta(days=days_ago)
                assert await repos.requests.transition(
                    created.id,
                    from_statuses=["draft"],
                    to_status=status,
                    values={"submitted_at": submitted},
                )
            return created.id

        old = await request(farm, "policy", "open", 40)
        await request(farm, "policy", "draft", 0)  # not submitted: left out
        await request(farm, "media", "open", 1)  # another need: left out
        pending = await request(wallet, "policy", "pending", 2)
        closed = await request(wallet, "policy", "cancelled", 5)
        recent = await request(farm, "policy", "filled", 1)

        service = PolicyService(repos, clock)
        everything = await service.pitches()
        assert [p.id for p in everything] == [old, pending, closed, recent]
        first = everything[0]
        assert (first.company, first.province, first.sectors) == (
            "Nông Trại Số",
            "can_tho",
            ("agritech",),
        )
        assert first.story == "policy story"
        assert [p.id for p in await service.pitches(30)] == [pending, closed, recent]
        assert [p.id for p in await service.pitches(3)] == [pending, recent]
        assert [p.id for p in await service.pitches(limit=2)] == [closed, recent]  # newest
