"""/myreport (startups) and /mystats (ambassadors), issue #7: one's own figures.

The numbers and what they mean come from ``storage/repositories/reports.py`` (the one
report query module). Approved startups and approved ambassadors only; anyone else
gets ``NotAllowed``. Knows nothing of Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock
from bot.errors import NotAllowed
from storage.repositories import Repositories
from storage.repositories.reports import AmbassadorStats, Counted, LeaderboardRank, PlatformTotal

#: Requests shown in /myreport (the newest).
SHOWN_REQUESTS = 10


@dataclass(frozen=True, slots=True)
class Cover:
    name: str | None
    published: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """What the startup said came of a request (kind codes, in button order)."""

    kinds: tuple[str, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class RequestLine:
    id: int
    status: str
    need: str | None
    deadline: datetime | None
    covered_by: tuple[Cover, ...]
    #: (platform, URL)
    links: tuple[tuple[str, str], ...]
    #: What came of it, once answered.
    outcome: Answer | None = None


@dataclass(frozen=True, slots=True)
class StartupReport:
    company_name: str | None
    requests: tuple[RequestLine, ...]
    totals: tuple[PlatformTotal, ...]


@dataclass(frozen=True, slots=True)
class MyStats:
    stats: AmbassadorStats
    links_by_platform: Counted
    leaderboard: bool
    rank: LeaderboardRank


class MineService:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def startup_report(self, user_id: int) -> StartupReport:
        startup = await self.repos.startups.get_by_user(user_id)
        if startup is None or startup.status != "approved":
            raise NotAllowed("mine.error.not_startup")
        reports = self.repos.reports
        requests = await reports.startup_requests(startup.id, SHOWN_REQUESTS)
        ids = [r.id for r in requests]
        covers: dict[int, list[Cover]] = {}
        for row in await reports.coverage(ids):
            covers.setdefault(row.request_id, []).append(
                Cover(row.display_name, row.status == "published")
            )
        links: dict[int, list[tuple[str, str]]] = {}
        for row in await reports.request_links(ids):
            links.setdefault(row.request_id, []).append((row.platform, row.original_url))
        lines = tuple(
            RequestLine(
                r.id,
                r.status,
                r.need,
                r.deadline,
                tuple(covers.get(r.id, ())),
                tuple(links.get(r.id, ())),
                Answer(tuple(r.kinds or ()), r.note) if r.answered_at is not None else None,
            )
            for r in requests
        )
        return StartupReport(startup.company_name, lines, await reports.startup_totals(startup.id))

    async def _ambassador_id(self, user_id: int) -> tuple[int, bool]:
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None or ambassador.status != "approved":
            raise NotAllowed("mine.error.not_ambassador")
        return ambassador.id, ambassador.leaderboard

    async def ambassador_stats(self, user_id: int) -> MyStats:
        ambassador_id, leaderboard = await self._ambassador_id(user_id)
        reports = self.repos.reports
        return MyStats(
            await reports.ambassador_stats(ambassador_id, self.clock()),
            await reports.ambassador_links(ambassador_id),
            leaderboard,
            await reports.leaderboard_rank(ambassador_id),
        )

    async def toggle_leaderboard(self, user_id: int) -> MyStats:
        """Opt in or out (the ambassador themself, re-checked); the stats after it."""
        ambassador_id, _ = await self._ambassador_id(user_id)
        await self.repos.ambassadors.toggle_leaderboard(ambassador_id)
        return await self.ambassador_stats(user_id)
