"""Ranking a real request from the database: windows, capacity, already offered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.matching import MatchWeights
from bot.services.matchmaking import month_start, rank_for_request
from storage.repositories import Repositories
from tests.factories import add_users, approved_ambassador

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 31, 18, 0, tzinfo=UTC)  # already 1 April in Vietnam


def test_month_start_is_local() -> None:
    assert month_start(NOW, VN) == datetime(2026, 4, 1, tzinfo=VN)


async def test_rank_for_request(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, range(1, 5), NOW)
        startup = await repos.startups.create_draft(1)
        await repos.startups.update_fields(startup.id, {"sectors": ["agritech"]})
        startup = await repos.startups.get(startup.id)
        assert startup is not None
        request = await repos.requests.create_draft(
            startup.id, regions=["can_tho"], languages=["vi"], wanted=2
        )
        ambassadors = []
        for uid, topics, capacity in ((2, ["agritech"], 2), (3, ["fintech"], 2), (4, [], 0)):
            ambassadors.append(
                await approved_ambassador(
                    repos,
                    uid,
                    topics=topics,
                    regions=["can_tho"],
                    languages=["vi"],
                    capacity=capacity,
                )
            )
        ranked = await rank_for_request(
            repos, request, startup, now=NOW, tz=VN, weights=MatchWeights()
        )
        # the third has no capacity this month
        assert [r.ambassador_id for r in ranked] == ambassadors[:2]
        assert ranked[0].reasons[0].code == "sector"
        await repos.assignments.offer(
            request_id=request.id,
            ambassador_id=ambassadors[0],
            score=ranked[0].score,
            reasons=[r.as_json() for r in ranked[0].reasons],
            offered_at=NOW,
            expires_at=NOW + timedelta(hours=24),
        )
        again = await rank_for_request(
            repos, request, startup, now=NOW, tz=VN, weights=MatchWeights()
        )
        assert [r.ambassador_id for r in again] == [ambassadors[1]]  # never offered twice
