"""The report query module on a small deterministic world, for a campaign and for a
period, every number computed by hand (see the comments), plus the service's periods.

The world (times UTC; Vietnam is UTC+7; the report runs on 25/03/2026):

- Startups (decided_at): S1 An Nông, Hà Nội, 01/03 03:00; S2 Bình Minh, Cần Thơ,
  15/03; S3 Cà Phê Xanh, Hà Nội, 28/02 18:00 (01/03 01:00 local: in March);
  S4 Đà Nẵng Robotics, Đà Nẵng, 28/02 16:00 (23:00 local: February); S5 pending.
- Ambassadors: A1 02/03; A2 31/03 16:59 (23:59 local: in); A3 31/03 17:00 (01/04
  local: out); A4 10/02.
- Campaign TF = 01/03/2026–31/03/2026: R1, R2, R3 (and a draft R6).
- R1 S1 media open, submitted 02/03, deadline 10/03 17:00: a1 A1 published 08/03
  (on time), a2 A2 published 12/03 (late), a3 A3 declined.
- R2 S2 funding filled, submitted 03/03, deadline 20/03 17:00: a4 A1 published 20/03
  10:00 (on time), a5 A3 overdue, a6 A2 expired, a7 A4 cancelled after accepting.
- R3 S3 media open, submitted 05/03, deadline 15/04: a8 A2 accepted, a9 A1 offered.
- R4 S1 partners completed, no campaign, submitted 20/02, deadline 05/03 17:00:
  a10 A2 published 05/03 10:00 (on time, offered 21/02), a11 A3 withdrawn (offered
  01/03 10:00).
- R5 S4 media open, no campaign, submitted 10/03, nothing else.
- Links: L1 a1 facebook 08/03 03:00; L2 a1 tiktok 08/03 17:00 (Monday 09/03 local);
  L3 a2 youtube 12/03; L4 a4 facebook 20/03 10:00; L5 a10 press 05/03 10:00; L6 a10
  facebook 02/04 (after March).
- Outcomes: R1 asked 18/03, answered investor + media with a note; R2 asked 21/03,
  not answered; R4 answered "nothing"; R5 answered customers + media (asked though it
  has no link: the report counts what was asked, whatever made it so).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.outcomes import KINDS
from bot.services.reports import ReportService, local_period
from storage.models import Ambassador, Assignment, Campaign, Startup, StoryRequest
from storage.repositories import Repositories
from storage.repositories.reports import (
    OUTCOME_KINDS,
    Offers,
    Outcomes,
    RankedAmbassador,
    ReportScope,
    Stories,
    UncoveredStartup,
    iso_week_starts,
)
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 25, tzinfo=UTC)
ORG = 99


def at(day: int, month: int = 3, hour: int = 3, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def _set(s: AsyncSession, model: Any, row_id: int, **values: Any) -> None:
    table: Table = model.__table__
    await s.execute(update(table).where(table.c.id == row_id).values(**values))


class World:
    campaign_id: int
    startups: dict[str, int]
    ambassadors: dict[str, int]
    requests: dict[str, int]


async def build_world(sessionmaker: async_sessionmaker[AsyncSession]) -> World:
    w = World()
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, range(1, 10), at(1, 2))
        tf = await repos.campaigns.create(
            name="TF",
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 31),
            created_by=ORG,
            now=at(1),
        )
        assert tf is not None
        w.campaign_id = tf.id
        w.startups = {}
        for uid, (key, name, province, decided) in enumerate(
            [
                ("S1", "An Nông", "ha_noi", at(1)),
                ("S2", "Bình Minh", "can_tho", at(15)),
                ("S3", "Cà Phê Xanh", "ha_noi", at(28, 2, 18)),
                ("S4", "Đà Nẵng Robotics", "da_nang", at(28, 2, 16)),
            ],
            start=1,
        ):
            sid = await approved_startup(repos, uid, company_name=name, province=province)
            await _set(s, Startup, sid, decided_at=decided)
            w.startups[key] = sid
        pending = await repos.startups.create_draft(5)
        await repos.startups.transition(pending.id, from_statuses=["draft"], to_status="pending")
        w.ambassadors = {}
        for uid, (key, decided) in enumerate(
            [("A1", at(2)), ("A2", at(31, 3, 16, 59)), ("A3", at(31, 3, 17)), ("A4", at(10, 2))],
            start=6,
        ):
            aid = await approved_ambassador(repos, uid, display_name=key)
            await _set(s, Ambassador, aid, decided_at=decided)
            w.ambassadors[key] = aid

        w.requests = {}
        specs = [
            ("R1", "S1", "media", "open", at(2), at(10, 3, 17), tf.id),
            ("R2", "S2", "funding", "filled", at(3), at(20, 3, 17), tf.id),
            ("R3", "S3", "media", "open", at(5), at(15, 4, 17), tf.id),
            ("R4", "S1", "partners", "completed", at(20, 2), at(5, 3, 17), None),
            ("R5", "S4", "media", "open", at(10), at(30, 4, 17), None),
        ]
        for key, startup, need, status, submitted, deadline, campaign in specs:
            rid = await open_request(
                repos, w.startups[startup], need=need, deadline=deadline, campaign_id=campaign
            )
            if status != "open":
                await repos.requests.transition(rid, from_statuses=["open"], to_status=status)
            await _set(s, StoryRequest, rid, submitted_at=submitted)
            w.requests[key] = rid
        await repos.requests.create_draft(w.startups["S3"], need="media", campaign_id=tf.id)

        stories: dict[str, int] = {}
        for key, request, amb, status, offered, published in [
            ("a1", "R1", "A1", "published", at(2), at(8)),
            ("a2", "R1", "A2", "published", at(2), at(12)),
            ("a3", "R1", "A3", "declined", at(2), None),
            ("a4", "R2", "A1", "published", at(4), at(20, 3, 10)),
            ("a5", "R2", "A3", "overdue", at(4), None),
            ("a6", "R2", "A2", "expired", at(4), None),
            ("a7", "R2", "A4", "cancelled", at(4), None),
            ("a8", "R3", "A2", "accepted", at(6), None),
            ("a9", "R3", "A1", "offered", at(6), None),
            ("a10", "R4", "A2", "published", at(21, 2), at(5, 3, 10)),
            ("a11", "R4", "A3", "withdrawn", at(1, 3, 10), None),
        ]:
            offer = await repos.assignments.offer(
                request_id=w.requests[request],
                ambassador_id=w.ambassadors[amb],
                score=1.0,
                reasons=[],
                offered_at=offered,
                expires_at=offered + timedelta(days=1),
            )
            assert offer is not None
            stories[key] = offer.id
            if status != "offered":
                await _set(s, Assignment, offer.id, status=status, published_at=published)

        def link_for(story: str) -> tuple[int, int, int, int]:
            request, startup, amb = {
                "a1": ("R1", "S1", "A1"),
                "a2": ("R1", "S1", "A2"),
                "a4": ("R2", "S2", "A1"),
                "a10": ("R4", "S1", "A2"),
            }[story]
            return (
                stories[story],
                w.requests[request],
                w.startups[startup],
                w.ambassadors[amb],
            )

        for n, (story, platform, when, late) in enumerate(
            [
                ("a1", "facebook", at(8), False),
                ("a1", "tiktok", at(8, 3, 17), False),
                ("a2", "youtube", at(12), True),
                ("a4", "facebook", at(20, 3, 10), False),
                ("a10", "press", at(5, 3, 10), False),
                ("a10", "facebook", at(2, 4), True),
            ],
            start=1,
        ):
            assignment, request, startup, amb = link_for(story)
            link = await repos.links.add(
                assignment_id=assignment,
                request_id=request,
                startup_id=startup,
                ambassador_id=amb,
                submitted_by=1,
                platform=platform,
                original_url=f"https://example.com/{n}",
                normalized_url=f"https://example.com/{n}",
                sponsored=False,
                late=late,
                submitted_at=when,
            )
            assert link is not None

        outcomes = repos.outcomes
        for key, asked, answered, kinds, note in [
            ("R1", at(18), at(19), ["investor", "media"], "Hai quỹ <liên hệ> & hẹn gặp"),
            ("R2", at(21), None, [], None),
            ("R4", at(10), at(11), ["nothing"], None),
            ("R5", at(20), at(22), ["customers", "media"], None),
        ]:
            assert await outcomes.claim(w.requests[key], asked)
            await outcomes.update(w.requests[key], answered_at=answered, kinds=kinds, note=note)
    return w


def march(campaign_id: int | None = None) -> ReportScope:
    service = ReportService(None, lambda: NOW, tz=VN)  # type: ignore[arg-type]
    return service.scope(date(2026, 3, 1), date(2026, 3, 31), campaign_id)


async def test_campaign_figures(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    w = await build_world(sessionmaker)
    scope = march(w.campaign_id)
    assert scope.start == datetime(2026, 2, 28, 17, tzinfo=UTC)
    assert scope.end == datetime(2026, 3, 31, 17, tzinfo=UTC)
    amb = w.ambassadors
    async with sessionmaker() as s:
        q = Repositories.bind(s).reports
        # Approved in March local time: S1, S2, S3 (S4 on 28/02 local); A1, A2.
        reg = await q.registrations(scope)
        assert (reg.startups, reg.ambassadors) == (3, 2)
        assert reg.startups_by_province == (("ha_noi", 2), ("can_tho", 1))
        # R1, R2, R3 (the draft R6 is not a pitch).
        pitches = await q.pitches(scope)
        assert pitches.total == 3
        assert pitches.by_need == (("media", 2), ("funding", 1))
        assert pitches.by_status == (("open", 2), ("filled", 1))
        # a1..a9: accepted = a1 a2 a4 (published) a5 (overdue) a7 (cancelled) a8.
        offers = await q.offers(scope)
        assert offers == Offers(made=9, accepted=6, declined=1, expired=1, withdrawn=0, open=1)
        assert offers.acceptance_rate == 6 / 8
        # Stories a1 a2 a4 a5 a8; due: a1 a2 a4 (published) a5 (deadline passed);
        # on time: a1 a4.
        stories = await q.stories(scope, NOW)
        assert stories == Stories(stories=5, due=4, published=3, on_time=2)
        assert stories.on_time_rate == 0.5
        # L1..L4.
        assert await q.links_by_platform(scope) == (("facebook", 2), ("tiktok", 1), ("youtube", 1))
        assert await q.links_by_province(scope) == (("ha_noi", 3), ("can_tho", 1))
        assert await q.top_ambassadors(scope) == (RankedAmbassador(amb["A1"], "A1", 2),)
        # R3 (S3) has no link; R1 and R2 have.
        uncovered = await q.uncovered(scope)
        assert uncovered.total == 1
        assert uncovered.startups == (UncoveredStartup(w.startups["S3"], "Cà Phê Xanh", 1),)
        # Outcomes of R1 R2 R3: R1 and R2 asked, R1 answered.
        assert await q.outcomes(scope) == Outcomes(
            asked=2, answered=1, by_kind=(("investor", 1), ("media", 1))
        )
        weekly = await q.weekly(scope, VN, NOW)
        # Up to the week containing NOW (Wednesday 25/03): not the week of 30/03.
        assert weekly.weeks == tuple(
            date(2026, m, d) for m, d in [(2, 23), (3, 2), (3, 9), (3, 16), (3, 23)]
        )
        assert weekly.counts == (
            (1, "facebook", 1),
            (2, "tiktok", 1),
            (2, "youtube", 1),
            (3, "facebook", 1),
        )
        assert weekly.by_platform() == {
            "facebook": [0, 1, 0, 1, 0],
            "tiktok": [0, 0, 1, 0, 0],
            "youtube": [0, 0, 1, 0, 0],
        }
        # At the end of the period (or after it) every week of the period is there.
        whole = await q.weekly(scope, VN, scope.end)
        assert whole.weeks == (*weekly.weeks, date(2026, 3, 30))
        assert whole.counts == weekly.counts


async def test_period_figures(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    w = await build_world(sessionmaker)
    scope = march()
    amb = w.ambassadors
    async with sessionmaker() as s:
        q = Repositories.bind(s).reports
        reg = await q.registrations(scope)
        assert (reg.startups, reg.ambassadors) == (3, 2)
        # Submitted in March: R1 R2 R3 R5 (R4 on 20/02).
        pitches = await q.pitches(scope)
        assert pitches.total == 4
        assert pitches.by_need == (("media", 3), ("funding", 1))
        assert pitches.by_status == (("open", 3), ("filled", 1))
        # Offered in March: a1..a9 and a11 (a10 on 21/02).
        offers = await q.offers(scope)
        assert offers == Offers(made=10, accepted=6, declined=1, expired=1, withdrawn=1, open=1)
        assert offers.acceptance_rate == 0.75
        # Deadlines in March: R1 R2 R4 -> a1 a2 a4 a5 a10; all due; on time a1 a4 a10.
        stories = await q.stories(scope, NOW)
        assert stories == Stories(stories=5, due=5, published=4, on_time=3)
        assert stories.on_time_rate == 0.6
        # Submitted in March: L1..L5 (L6 on 02/04).
        assert await q.links_by_platform(scope) == (
            ("facebook", 2),
            ("press", 1),
            ("tiktok", 1),
            ("youtube", 1),
        )
        assert await q.links_by_province(scope) == (("ha_noi", 4), ("can_tho", 1))
        assert await q.top_ambassadors(scope) == (
            RankedAmbassador(amb["A1"], "A1", 2),
            RankedAmbassador(amb["A2"], "A2", 1),
        )
        # Outcomes of R1 R2 R3 R5: R1 R2 R5 asked; R1 R5 answered; media twice.
        assert await q.outcomes(scope) == Outcomes(
            asked=3, answered=2, by_kind=(("media", 2), ("investor", 1), ("customers", 1))
        )
        # February and March: R4 too ("nothing").
        feb_mar = ReportScope(at(1, 2, 0), scope.end)
        assert await q.outcomes(feb_mar) == Outcomes(
            asked=4,
            answered=3,
            by_kind=(("media", 2), ("investor", 1), ("customers", 1), ("nothing", 1)),
        )
        # R3 (S3) and R5 (S4) have no link.
        uncovered = await q.uncovered(scope)
        assert uncovered.total == 2
        assert [u.name for u in uncovered.startups] == ["Cà Phê Xanh", "Đà Nẵng Robotics"]
        first = await q.uncovered(scope, limit=1)
        assert first.total == 2 and len(first.startups) == 1
        weekly = await q.weekly(scope, VN, NOW)
        assert weekly.counts == (
            (1, "facebook", 1),
            (1, "press", 1),
            (2, "tiktok", 1),
            (2, "youtube", 1),
            (3, "facebook", 1),
        )
        # An empty period: zeros and empty tuples, no rates.
        empty = ReportScope(at(1, 1), at(2, 1))
        assert (await q.stories(empty, NOW)).on_time_rate is None
        assert (await q.offers(empty)).acceptance_rate is None
        assert (await q.uncovered(empty)).total == 0
        assert await q.outcomes(empty) == Outcomes(0, 0, ())
        one_day = await q.weekly(empty, VN, NOW)
        assert len(one_day.weeks) == 1 and one_day.counts == ()


async def test_report_service_builds_a_campaign_report(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    w = await build_world(sessionmaker)
    async with sessionmaker() as s:
        reports = ReportService(Repositories.bind(s), FakeClock(NOW), tz=VN)
        report = await reports.for_campaign(w.campaign_id)
        assert report.kind == "campaign" and report.campaign and report.campaign.name == "TF"
        assert (report.first_day, report.last_day) == (date(2026, 3, 1), date(2026, 3, 31))
        assert report.links == 4 and report.stories.on_time == 2
        assert (report.outcomes.asked, report.outcomes.answered) == (2, 1)
        month = await reports.for_period("month")
        assert (month.first_day, month.last_day) == (date(2026, 3, 1), date(2026, 3, 25))
        assert month.links == 5


def test_local_periods_and_weeks() -> None:
    today = date(2026, 3, 25)
    assert local_period("month", today) == (date(2026, 3, 1), today)
    assert local_period("30d", today) == (date(2026, 2, 24), today)
    assert local_period("quarter", today) == (date(2025, 10, 1), date(2025, 12, 31))
    assert local_period("quarter", date(2026, 5, 1)) == (date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(Exception):  # noqa: B017,PT011
        local_period("year", today)
    # Monday 00:00 local time: Sunday 23:59 local is still the week before.
    bounds = iso_week_starts(at(1, 3, 0), at(2, 3, 0), VN)
    assert [b.date() for b in bounds] == [date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9)]
    assert bounds[1].astimezone(UTC) == datetime(2026, 3, 1, 17, tzinfo=UTC)


async def test_weekly_series_ends_at_this_week(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A campaign from a year ago to a year ahead charts the weeks up to the one
    containing now, its past links in them (all its weeks would be 105, and the
    latest 60 of those hold none of its links)."""
    w = await build_world(sessionmaker)
    now = datetime(2026, 12, 2, 5, tzinfo=UTC)  # Wednesday 2 December, 12:00 local
    async with sessionmaker() as s:
        await _set(
            s, Campaign, w.campaign_id, starts_on=date(2025, 12, 2), ends_on=date(2027, 12, 1)
        )
        report = await ReportService(Repositories.bind(s), FakeClock(now), tz=VN).for_campaign(
            w.campaign_id
        )
    assert report.last_day == date(2027, 12, 1)  # the period itself is unchanged
    weekly = report.weekly
    assert weekly.weeks[0] == date(2025, 12, 1)
    assert weekly.weeks[-1] == date(2026, 11, 30)  # this week, and nothing after it
    assert len(weekly.weeks) == 53
    # The campaign's links L1..L4 (2, 9, 9 and 16 March), where they were.
    assert weekly.weeks[13] == date(2026, 3, 2)
    assert weekly.counts == (
        (13, "facebook", 1),
        (14, "tiktok", 1),
        (14, "youtube", 1),
        (15, "facebook", 1),
    )
    assert report.links == 4


def test_week_starts_stop_at_now() -> None:
    start, end = at(1, 3, 0), at(1, 6, 0)  # 1 March to 1 June, 07:00 local: 15 weeks
    whole = iso_week_starts(start, end, VN)
    assert whole == iso_week_starts(start, end, VN, end + timedelta(days=400))
    assert whole[0].date() == date(2026, 2, 23) and whole[-1].date() == date(2026, 6, 8)
    # Sunday 29 March 23:59 local is still the week of 23 March; a minute later, not.
    sunday = datetime(2026, 3, 29, 16, 59, tzinfo=UTC)
    until = iso_week_starts(start, end, VN, sunday)
    assert [b.date() for b in until[-2:]] == [date(2026, 3, 23), date(2026, 3, 30)]
    monday = iso_week_starts(start, end, VN, sunday + timedelta(minutes=1))
    assert [b.date() for b in monday[-2:]] == [date(2026, 3, 30), date(2026, 4, 6)]
    # Now before the period: its first week only.
    early = iso_week_starts(start, end, VN, start - timedelta(days=30))
    assert [b.date() for b in early] == [date(2026, 2, 23), date(2026, 3, 2)]


def test_outcome_kinds_are_the_buttons() -> None:
    """The report counts every kind a startup can tick, and only those."""
    assert OUTCOME_KINDS == KINDS
