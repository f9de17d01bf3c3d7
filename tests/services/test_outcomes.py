"""What came of a request (the service, both databases): a request is due 30 days
after its last link once nothing more is coming; it is asked once (two claimers);
answers are ticked, "nothing yet" excludes the rest, a note, Done needs a choice;
only the request's startup may answer; reports count answered kinds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.services.outcomes import OutcomeService
from storage.models import StoryRequest
from storage.repositories import Repositories
from storage.repositories.reports import Outcomes, ReportScope
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
FOUNDER, OTHER_FOUNDER, AMB, AMB2 = 1, 2, 3, 4


async def story(repos: Repositories, request_id: int, amb: int, status: str) -> int:
    offer = await repos.assignments.offer(
        request_id=request_id,
        ambassador_id=amb,
        score=1.0,
        reasons=[],
        offered_at=NOW,
        expires_at=NOW + timedelta(days=1),
    )
    assert offer is not None
    if status != "offered":
        assert await repos.assignments.transition(
            offer.id, from_statuses=["offered"], to_status=status
        )
    return offer.id


async def link(
    repos: Repositories,
    startup: int,
    request_id: int,
    amb: int,
    story_id: int,
    n: int,
    when: datetime,
) -> None:
    await repos.links.add(
        assignment_id=story_id,
        request_id=request_id,
        startup_id=startup,
        ambassador_id=amb,
        submitted_by=AMB,
        platform="facebook",
        original_url=f"https://facebook.com/p/{n}",
        normalized_url=f"https://facebook.com/p/{n}",
        sponsored=False,
        late=False,
        submitted_at=when,
    )


async def seed(s: AsyncSession) -> dict[str, int]:
    repos = Repositories.bind(s)
    await add_users(repos, [FOUNDER, OTHER_FOUNDER, AMB, AMB2], NOW)
    s1 = await approved_startup(repos, FOUNDER, company_name="Nông Trại Số")
    s2 = await approved_startup(repos, OTHER_FOUNDER, company_name="Khác")
    a1, a2 = await approved_ambassador(repos, AMB), await approved_ambassador(repos, AMB2)
    r1 = await open_request(repos, s1, need="media", story="Nước tưới thông minh")
    r2 = await open_request(repos, s1, need="media")
    r3 = await open_request(repos, s2, need="media")
    r4 = await open_request(repos, s2, need="media")
    p1 = await story(repos, r1, a1, "published")
    await story(repos, r1, a2, "declined")
    await link(repos, s1, r1, a1, p1, 1, NOW)
    await link(repos, s1, r1, a1, p1, 2, NOW - timedelta(days=1))
    p2 = await story(repos, r2, a1, "published")
    await link(repos, s1, r2, a1, p2, 3, NOW)
    await story(repos, r2, a2, "accepted")
    p3 = await story(repos, r3, a2, "published")
    await link(repos, s2, r3, a2, p3, 4, NOW + timedelta(days=10))
    await story(repos, r4, a1, "expired")
    return {"r1": r1, "r2": r2, "r3": r3, "r4": r4}


async def test_due_once_answers_and_ownership(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock(NOW + timedelta(days=29))
    async with sessionmaker() as s, s.begin():
        ids = await seed(s)
        outcomes = OutcomeService(Repositories.bind(s), clock)
        assert await outcomes.due() == []
        clock.advance(timedelta(days=2))  # 31 days after R1's last link
        [due] = await outcomes.due()
        assert (due.request_id, due.user_id, due.company, due.links) == (
            ids["r1"],
            FOUNDER,
            "Nông Trại Số",
            2,
        )
        with pytest.raises(Conflict):
            await outcomes.get(FOUNDER, ids["r1"])  # not asked yet
        assert await outcomes.claim(ids["r1"])
        assert not await outcomes.claim(ids["r1"])  # another process, or the next day
        assert await outcomes.due() == []

        with pytest.raises(NotAllowed):
            await outcomes.toggle(OTHER_FOUNDER, ids["r1"], "investor")
        with pytest.raises(InvalidInput):
            await outcomes.toggle(FOUNDER, ids["r1"], "fame")
        with pytest.raises(InvalidInput):
            await outcomes.done(FOUNDER, ids["r1"])  # nothing ticked
        await outcomes.toggle(FOUNDER, ids["r1"], "media")
        got = await outcomes.toggle(FOUNDER, ids["r1"], "investor")
        assert got.kinds == ("investor", "media")
        assert (await outcomes.toggle(FOUNDER, ids["r1"], "nothing")).kinds == ("nothing",)
        await outcomes.toggle(FOUNDER, ids["r1"], "partner")
        got = await outcomes.toggle(FOUNDER, ids["r1"], "customers")
        assert got.kinds == ("partner", "customers")
        with pytest.raises(InvalidInput):
            await outcomes.note(FOUNDER, ids["r1"], "x" * 1001)
        await outcomes.note(FOUNDER, ids["r1"], "  Hai khách hàng mới  ")
        done = await outcomes.done(FOUNDER, ids["r1"])
        assert done.answered_at == clock() and done.note == "Hai khách hàng mới"
        # The reports count it among the requests submitted in their period.
        await s.execute(
            update(StoryRequest).where(StoryRequest.id == ids["r1"]).values(submitted_at=NOW)
        )
        always = ReportScope(NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert await Repositories.bind(s).reports.outcomes(always) == Outcomes(
            asked=1, answered=1, by_kind=(("partner", 1), ("customers", 1))
        )

        clock.advance(timedelta(days=10))
        assert [d.request_id for d in await outcomes.due()] == [ids["r3"]]
