"""/report (issue #7): the report for a campaign or a period, as one ``Report``.

The numbers and what they mean come from ``storage/repositories/reports.py`` (the one
report query module); this service turns the organizer's choice (a campaign, this
month, the last 30 days, the last quarter) into a ``ReportScope`` from local dates in
TIMEZONE and gathers the figures. ``Report`` is what the message (``bot/ui/reports.py``)
and the chart read. Knows nothing of Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.errors import NotFound
from storage.dto import CampaignDTO
from storage.repositories import Repositories
from storage.repositories.reports import (
    Counted,
    Offers,
    Outcomes,
    Pitches,
    RankedAmbassador,
    Registrations,
    ReportScope,
    Stories,
    Uncovered,
    WeeklySeries,
)

#: Periods offered besides campaigns: this month, the last 30 days, the last quarter.
PERIODS = ("month", "30d", "quarter")
#: The weekly report's period kind (the 7 local days before today).
WEEK = "week"
#: The weekly report's ``job_runs`` name (claimed once per ISO week).
WEEKLY_JOB = "weekly-report"


@dataclass(frozen=True, slots=True)
class Report:
    scope: ReportScope
    #: "campaign" or one of PERIODS; the campaign when it is one.
    kind: str
    campaign: CampaignDTO | None
    #: The period as local dates, both included.
    first_day: date
    last_day: date
    generated_at: datetime
    registrations: Registrations
    pitches: Pitches
    offers: Offers
    stories: Stories
    links_by_platform: Counted
    links_by_province: Counted
    top_ambassadors: tuple[RankedAmbassador, ...]
    uncovered: Uncovered
    #: Links per ISO week and platform: the chart's series.
    weekly: WeeklySeries
    #: What came of the pitches (asked 30 days after their links were in).
    outcomes: Outcomes

    @property
    def links(self) -> int:
        return sum(n for _, n in self.links_by_platform)


def local_period(kind: str, today: date) -> tuple[date, date]:
    """First and last local day (both included) of a named period."""
    if kind == "month":
        return today.replace(day=1), today
    if kind == "30d":
        return today - timedelta(days=29), today
    if kind == WEEK:  # the 7 days before today: on a Monday, the last ISO week
        return today - timedelta(days=7), today - timedelta(days=1)
    if kind == "quarter":  # the last full calendar quarter
        first_month = (today.month - 1) // 3 * 3 + 1
        this_quarter = today.replace(month=first_month, day=1)
        last_day = this_quarter - timedelta(days=1)
        start_month = (last_day.month - 1) // 3 * 3 + 1
        return last_day.replace(month=start_month, day=1), last_day
    raise NotFound("error.not_found")


class ReportService:
    def __init__(self, repos: Repositories, clock: Clock, *, tz: ZoneInfo) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz

    def scope(self, first_day: date, last_day: date, campaign_id: int | None = None) -> ReportScope:
        """Local days ``first_day``..``last_day`` (both included) as ``[start, end)`` UTC."""
        start = datetime.combine(first_day, time(), tzinfo=self.tz)
        end = datetime.combine(last_day + timedelta(days=1), time(), tzinfo=self.tz)
        return ReportScope(start, end, campaign_id)

    async def for_campaign(self, campaign_id: int) -> Report:
        campaign = await self.repos.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound("campaign.error.gone")
        scope = self.scope(campaign.starts_on, campaign.ends_on, campaign.id)
        return await self.build(scope, "campaign", campaign)

    async def for_period(self, kind: str) -> Report:
        today = self.clock().astimezone(self.tz).date()
        first_day, last_day = local_period(kind, today)
        return await self.build(self.scope(first_day, last_day), kind)

    async def build(
        self, scope: ReportScope, kind: str = "period", campaign: CampaignDTO | None = None
    ) -> Report:
        """Every figure of the report for ``scope`` (one aggregate query each)."""
        now = self.clock()
        q = self.repos.reports
        return Report(
            scope=scope,
            kind=kind,
            campaign=campaign,
            first_day=scope.start.astimezone(self.tz).date(),
            last_day=(scope.end - timedelta(microseconds=1)).astimezone(self.tz).date(),
            generated_at=now,
            registrations=await q.registrations(scope),
            pitches=await q.pitches(scope),
            offers=await q.offers(scope),
            stories=await q.stories(scope, now),
            links_by_platform=await q.links_by_platform(scope),
            links_by_province=await q.links_by_province(scope),
            top_ambassadors=await q.top_ambassadors(scope),
            uncovered=await q.uncovered(scope),
            weekly=await q.weekly(scope, self.tz, now),
            outcomes=await q.outcomes(scope),
        )

    # -- the weekly report subscription ------------------------------------------------

    async def subscribed(self, user_id: int) -> bool:
        return await self.repos.report_subscriptions.is_subscribed(user_id)

    async def toggle_weekly(self, user_id: int) -> bool:
        """Subscribe or unsubscribe ``user_id``; True when now subscribed. The caller
        has checked that ``user_id`` is an organizer."""
        subs = self.repos.report_subscriptions
        if await subs.unsubscribe(user_id):
            return False
        await subs.subscribe(user_id, self.clock())
        return True

    async def claim_week(self) -> bool:
        """True for the one process that sends this ISO week's report (local time)."""
        now = self.clock()
        year, week, _ = now.astimezone(self.tz).isocalendar()
        return await self.repos.job_runs.claim(WEEKLY_JOB, f"{year}-W{week:02d}", now)

    async def weekly_subscribers(self) -> list[int]:
        return await self.repos.report_subscriptions.subscribers()
