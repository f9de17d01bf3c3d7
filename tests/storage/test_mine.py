"""/myreport and /mystats figures (issue #7) on the report tests' world
(``tests/storage/test_reports.py``, run on 25/03/2026), plus channels for reach:
A1 facebook 1,000 and 500, tiktok 3,000; A2 facebook 700, youtube 2,000 (no press
channel). Users: S1..S4 are 1..4, the pending startup 5, A1..A4 are 6..9.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import NotAllowed
from bot.services.mine import Answer, Cover, MineService
from storage.repositories import Repositories
from storage.repositories.reports import AmbassadorStats, LeaderboardRank, PlatformTotal
from tests.factories import add_channels
from tests.storage.test_reports import NOW, World, build_world


async def world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    w = await build_world(sessionmaker)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        amb = w.ambassadors
        await add_channels(
            repos, amb["A1"], ("facebook", 1000), ("facebook", 500), ("tiktok", 3000)
        )
        await add_channels(repos, amb["A2"], ("facebook", 700), ("youtube", 2000))
    return w


async def test_startup_report(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    w = await world(sessionmaker)
    async with sessionmaker() as s:
        mine = MineService(Repositories.bind(s), lambda: NOW)
        report = await mine.startup_report(1)  # S1: R1 and R4, newest first
        assert report.company_name == "An Nông"
        r4, r1 = report.requests
        assert (r4.id, r4.status, r4.need) == (w.requests["R4"], "completed", "partners")
        assert (r1.id, r1.status, r1.need) == (w.requests["R1"], "open", "media")
        # a11 withdrawn and a3 declined are not coverage.
        assert r4.covered_by == (Cover("A2", True),)
        assert r1.covered_by == (Cover("A1", True), Cover("A2", True))
        assert r4.links == (
            ("press", "https://example.com/5"),
            ("facebook", "https://example.com/6"),
        )
        assert [p for p, _ in r1.links] == ["facebook", "tiktok", "youtube"]
        # Answered outcomes, with the note as typed.
        assert r1.outcome == Answer(("investor", "media"), "Hai quỹ <liên hệ> & hẹn gặp")
        assert r4.outcome == Answer(("nothing",), None)
        # facebook: L1 (A1) + L6 (A2): reach 1,000 + 500 + 700; press: A2 has no press
        # channel; tiktok: A1 3,000; youtube: A2 2,000.
        assert report.totals == (
            PlatformTotal("facebook", 2, 2200),
            PlatformTotal("press", 1, 0),
            PlatformTotal("tiktok", 1, 3000),
            PlatformTotal("youtube", 1, 2000),
        )
        s2 = await mine.startup_report(2)  # R2: a4 A1 published, a5 A3 overdue; L4
        assert s2.requests[0].covered_by == (Cover("A1", True), Cover("A3", False))
        assert s2.requests[0].outcome is None  # R2: asked, not answered
        assert s2.totals == (PlatformTotal("facebook", 1, 1500),)
        s4 = await mine.startup_report(4)  # R5 nobody, no links
        assert s4.requests[0].covered_by == () and s4.totals == ()
        for user in (5, 6, 12345):  # pending startup, an ambassador, nobody
            with pytest.raises(NotAllowed):
                await mine.startup_report(user)


async def test_ambassador_stats_and_rank(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    await world(sessionmaker)
    async with sessionmaker() as s, s.begin():
        mine = MineService(Repositories.bind(s), lambda: NOW)
        a1 = await mine.ambassador_stats(6)  # a1 a4 on time; a9 only offered
        assert a1.stats == AmbassadorStats(2, 2, 2, 2, 2, 0)
        assert a1.stats.on_time_rate == 1.0
        assert a1.links_by_platform == (("facebook", 2), ("tiktok", 1))
        assert (a1.leaderboard, a1.rank) == (False, LeaderboardRank(None, 0))
        # a2 late, a10 on time, a8 accepted (deadline 15/04: not due), a6 expired.
        a2 = await mine.ambassador_stats(7)
        assert a2.stats == AmbassadorStats(3, 3, 2, 2, 1, 0)
        assert a2.stats.on_time_rate == 0.5
        assert a2.links_by_platform == (("facebook", 1), ("press", 1), ("youtube", 1))
        # a5 overdue; a3 declined, a11 withdrawn.
        a3 = await mine.ambassador_stats(8)
        assert a3.stats == AmbassadorStats(1, 1, 1, 0, 0, 1)
        assert a3.stats.on_time_rate == 0.0 and a3.links_by_platform == ()
        a4 = await mine.ambassador_stats(9)  # a7 cancelled after accepting
        assert a4.stats == AmbassadorStats(1, 0, 0, 0, 0, 0)
        assert a4.stats.on_time_rate is None
        # On time: A1 2, A2 1, A3 0, A4 0. Ties share a rank.
        assert (await mine.toggle_leaderboard(8)).rank == LeaderboardRank(1, 1)
        assert (await mine.toggle_leaderboard(6)).rank == LeaderboardRank(1, 2)
        assert (await mine.ambassador_stats(8)).rank == LeaderboardRank(2, 2)
        assert (await mine.toggle_leaderboard(9)).rank == LeaderboardRank(2, 3)
        assert (await mine.ambassador_stats(8)).rank == LeaderboardRank(2, 3)
        assert (await mine.ambassador_stats(7)).rank == LeaderboardRank(None, 3)
        assert (await mine.toggle_leaderboard(7)).rank == LeaderboardRank(2, 4)
        assert (await mine.ambassador_stats(9)).rank == LeaderboardRank(3, 4)
        off = await mine.toggle_leaderboard(6)
        assert (off.leaderboard, off.rank) == (False, LeaderboardRank(None, 3))
        assert (await mine.ambassador_stats(7)).rank == LeaderboardRank(1, 3)
        for user in (1, 5, 12345):  # a startup, a pending startup, nobody
            with pytest.raises(NotAllowed):
                await mine.ambassador_stats(user)
            with pytest.raises(NotAllowed):
                await mine.toggle_leaderboard(user)
