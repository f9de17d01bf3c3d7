"""The report against an oracle (issue #7: "on the demo data set, report numbers
checked against hand-computed expectations").

The small demo data set is seeded; then every figure of ``/report`` is computed a
second time here, in plain Python, from the raw rows of the tables (read whole into
lists of dicts) by loops and counters that follow the definitions written in the
docstring of ``storage/repositories/reports.py`` -- nothing of ``ReportRepo`` is
called for it -- and compared with what ``ReportService`` returns, for both
campaigns, named periods and a long period, on SQLite and PostgreSQL.

The oracle restates the definitions rather than importing the module's constants:
a story holds a slot when accepted, overdue or published; an offer was said yes to
when it is accepted, overdue, published or cancelled (cancelling only ever follows
an accept, ``bot/services/assignment_states.py``); coverage is wanted while a request
is open or filled.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo import seed_demo
from bot.services.reports import Report, ReportService
from storage.models import (
    Ambassador,
    Assignment,
    Base,
    Link,
    RequestOutcome,
    Startup,
    StoryRequest,
)
from storage.repositories import Repositories
from storage.repositories.reports import ReportScope

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = 11

SLOT = {"accepted", "overdue", "published"}
SAID_YES = {"accepted", "overdue", "published", "cancelled"}
WANTS_COVERAGE = {"open", "filled"}
KINDS = ("investor", "partner", "customers", "policy", "media", "nothing")
TOP, UNCOVERED_SHOWN, WEEKS = 10, 10, 60

Row = dict[str, Any]


class Raw:
    """Every row of the tables the report reads."""

    startups: list[Row]
    ambassadors: list[Row]
    requests: dict[int, Row]
    assignments: list[Row]
    links: list[Row]
    outcomes: list[Row]


async def _rows(session: AsyncSession, model: type[Base]) -> list[Row]:
    table = model.__table__
    result = await session.execute(select(table).order_by(table.c.id))  # type: ignore[attr-defined]
    return [dict(row._mapping) for row in result]


async def load(session: AsyncSession) -> Raw:
    raw = Raw()
    raw.startups = await _rows(session, Startup)
    raw.ambassadors = await _rows(session, Ambassador)
    raw.requests = {r["id"]: r for r in await _rows(session, StoryRequest)}
    raw.assignments = await _rows(session, Assignment)
    raw.links = await _rows(session, Link)
    raw.outcomes = await _rows(session, RequestOutcome)
    return raw


def ordered(counts: Counter[Any]) -> tuple[tuple[Any, int], ...]:
    """Highest first, ties by code (a missing code last)."""
    return tuple(sorted(counts.items(), key=lambda p: (-p[1], p[0] is None, p[0] or "")))


class Oracle:
    """The report's definitions (``storage/repositories/reports.py``), by hand."""

    def __init__(self, raw: Raw, scope: ReportScope, now: datetime) -> None:
        self.raw, self.scope, self.now = raw, scope, now
        self.startup = {s["id"]: s for s in raw.startups}
        self.ambassador = {a["id"]: a for a in raw.ambassadors}

    def within(self, moment: datetime | None) -> bool:
        return moment is not None and self.scope.start <= moment < self.scope.end

    def request_in(self, request: Row, moment: datetime | None) -> bool:
        """The campaign's requests, else ``moment`` within the period."""
        if self.scope.campaign_id is not None:
            return request["campaign_id"] == self.scope.campaign_id
        return self.within(moment)

    # -- what is in scope

    def pitches_in(self) -> list[Row]:
        return [
            r
            for r in self.raw.requests.values()
            if r["status"] != "draft" and self.request_in(r, r["submitted_at"])
        ]

    def offers_in(self) -> list[Row]:
        return [
            a
            for a in self.raw.assignments
            if self.request_in(self.raw.requests[a["request_id"]], a["offered_at"])
        ]

    def stories_in(self) -> list[Row]:
        out = []
        for a in self.raw.assignments:
            request = self.raw.requests[a["request_id"]]
            if a["status"] in SLOT and self.request_in(request, request["deadline"]):
                out.append(a)
        return out

    def links_in(self) -> list[Row]:
        return [
            link
            for link in self.raw.links
            if self.request_in(self.raw.requests[link["request_id"]], link["submitted_at"])
        ]

    def on_time(self, story: Row) -> bool:
        deadline = self.raw.requests[story["request_id"]]["deadline"]
        return story["status"] == "published" and (
            deadline is None or story["published_at"] <= deadline
        )

    # -- the figures

    def registrations(self) -> tuple[int, int, tuple[tuple[Any, int], ...]]:
        provinces: Counter[str | None] = Counter()
        for s in self.raw.startups:
            if s["status"] == "approved" and self.within(s["decided_at"]):
                provinces[s["province"]] += 1
        ambassadors = sum(
            1
            for a in self.raw.ambassadors
            if a["status"] == "approved" and self.within(a["decided_at"])
        )
        return sum(provinces.values()), ambassadors, ordered(provinces)

    def pitches(self) -> tuple[int, tuple[Any, ...], tuple[Any, ...]]:
        pitches = self.pitches_in()
        need = Counter(r["need"] for r in pitches)
        status = Counter(r["status"] for r in pitches)
        return len(pitches), ordered(need), ordered(status)

    def offers(self) -> dict[str, Any]:
        status = Counter(a["status"] for a in self.offers_in())
        yes = sum(n for s, n in status.items() if s in SAID_YES)
        answered = yes + status["declined"] + status["expired"]
        return {
            "made": sum(status.values()),
            "accepted": yes,
            "declined": status["declined"],
            "expired": status["expired"],
            "withdrawn": status["withdrawn"],
            "open": status["offered"],
            "rate": yes / answered if answered else None,
        }

    def stories(self) -> dict[str, Any]:
        stories = self.stories_in()
        due = published = on_time = 0
        for a in stories:
            deadline = self.raw.requests[a["request_id"]]["deadline"]
            if a["status"] == "published" or (deadline is not None and deadline <= self.now):
                due += 1
            published += a["status"] == "published"
            on_time += self.on_time(a)
        return {
            "stories": len(stories),
            "due": due,
            "published": published,
            "on_time": on_time,
            "rate": on_time / due if due else None,
        }

    def links_by_platform(self) -> tuple[tuple[Any, int], ...]:
        return ordered(Counter(link["platform"] for link in self.links_in()))

    def links_by_province(self) -> tuple[tuple[Any, int], ...]:
        return ordered(
            Counter(self.startup[link["startup_id"]]["province"] for link in self.links_in())
        )

    def top_ambassadors(self) -> list[tuple[int, str | None, int]]:
        counts = Counter(a["ambassador_id"] for a in self.stories_in() if self.on_time(a))
        ranked = sorted(
            counts.items(),
            key=lambda p: (-p[1], self.ambassador[p[0]]["display_name"] or "", p[0]),
        )
        return [(aid, self.ambassador[aid]["display_name"], n) for aid, n in ranked[:TOP]]

    def uncovered(self) -> tuple[int, list[tuple[int, str | None, int]]]:
        linked = {link["request_id"] for link in self.raw.links}
        per_startup: Counter[int] = Counter(
            r["startup_id"]
            for r in self.pitches_in()
            if r["status"] in WANTS_COVERAGE and r["id"] not in linked
        )
        shown = sorted(per_startup, key=lambda sid: (self.startup[sid]["company_name"] or "", sid))
        return len(per_startup), [
            (sid, self.startup[sid]["company_name"], per_startup[sid])
            for sid in shown[:UNCOVERED_SHOWN]
        ]

    def weekly(self) -> tuple[tuple[date, ...], tuple[tuple[int, str, int], ...]]:
        """Links per local ISO week (Monday) of the weeks meeting the period up to the
        week containing now (at least the first), the latest WEEKS of them."""
        first = self.scope.start.astimezone(VN).date()
        first -= timedelta(days=first.weekday())
        last = min(self.scope.end - timedelta(microseconds=1), self.now).astimezone(VN).date()
        mondays = [first]
        while mondays[-1] + timedelta(days=7) <= last:
            mondays.append(mondays[-1] + timedelta(days=7))
        mondays = mondays[-WEEKS:]
        index = {monday: i for i, monday in enumerate(mondays)}
        counts: Counter[tuple[int, str]] = Counter()
        for link in self.links_in():
            day = link["submitted_at"].astimezone(VN).date()
            week = index.get(day - timedelta(days=day.weekday()))
            if week is not None:
                counts[(week, link["platform"])] += 1
        return tuple(mondays), tuple((w, p, n) for (w, p), n in sorted(counts.items()))

    def outcomes(self) -> tuple[int, int, tuple[tuple[str, int], ...]]:
        pitches = {r["id"] for r in self.pitches_in()}
        asked = [o for o in self.raw.outcomes if o["request_id"] in pitches and o["asked_at"]]
        answered = [o for o in asked if o["answered_at"] is not None]
        kinds: Counter[str] = Counter()
        for o in answered:
            for kind in set(o["kinds"]):
                kinds[kind] += 1
        by_kind = sorted(kinds.items(), key=lambda p: (-p[1], KINDS.index(p[0])))
        return len(asked), len(answered), tuple(by_kind)


def check(report: Report, oracle: Oracle) -> dict[str, Any]:
    """Every figure of the report equals the oracle's; the oracle's figures back."""
    reg = report.registrations
    assert (reg.startups, reg.ambassadors, reg.startups_by_province) == oracle.registrations()
    p = report.pitches
    assert (p.total, p.by_need, p.by_status) == oracle.pitches()
    o = report.offers
    offers = oracle.offers()
    assert (o.made, o.accepted, o.declined, o.expired, o.withdrawn, o.open, o.acceptance_rate) == (
        offers["made"],
        offers["accepted"],
        offers["declined"],
        offers["expired"],
        offers["withdrawn"],
        offers["open"],
        offers["rate"],
    )
    s = report.stories
    stories = oracle.stories()
    assert (s.stories, s.due, s.published, s.on_time, s.on_time_rate) == (
        stories["stories"],
        stories["due"],
        stories["published"],
        stories["on_time"],
        stories["rate"],
    )
    assert report.links_by_platform == oracle.links_by_platform()
    assert report.links_by_province == oracle.links_by_province()
    top = [(a.ambassador_id, a.name, a.on_time) for a in report.top_ambassadors]
    assert top == oracle.top_ambassadors()
    total, shown = oracle.uncovered()
    assert report.uncovered.total == total
    assert [(u.startup_id, u.name, u.requests) for u in report.uncovered.startups] == shown
    assert (report.weekly.weeks, report.weekly.counts) == oracle.weekly()
    out = report.outcomes
    assert (out.asked, out.answered, out.by_kind) == oracle.outcomes()
    return {
        "startups": reg.startups,
        "pitches": p.total,
        "offers": o.made,
        "stories": s.stories,
        "due": s.due,
        "links": report.links,
        "top": len(top),
        "uncovered": total,
        "weekly": len(report.weekly.counts),
        "asked": out.asked,
        "answered": out.answered,
        "kinds": len(out.by_kind),
    }


@pytest.mark.postgres
async def test_report_matches_the_oracle_on_the_demo(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await seed_demo(sessionmaker, size="small", seed=SEED, now=NOW)
    async with sessionmaker() as session:
        raw = await load(session)
        service = ReportService(Repositories.bind(session), lambda: NOW, tz=VN)
        seen: dict[str, dict[str, Any]] = {}
        for campaign_id in (1, 2):  # last year's (closed) and this year's (active)
            report = await service.for_campaign(campaign_id)
            seen[f"campaign {campaign_id}"] = check(report, Oracle(raw, report.scope, NOW))
        # This year's campaign ends 90 days ahead: charted up to this week only.
        today = NOW.astimezone(VN).date()
        assert report.last_day > today
        assert report.weekly.weeks[-1] == today - timedelta(days=today.weekday())
        for kind in ("month", "30d", "quarter"):
            report = await service.for_period(kind)
            seen[kind] = check(report, Oracle(raw, report.scope, NOW))
        # A long period: fourteen months up to today (the weekly series keeps its
        # latest 60 weeks).
        long = service.scope(date(2025, 1, 1), date(2026, 3, 2))
        report = await service.build(long)
        seen["long"] = check(report, Oracle(raw, long, NOW))
        assert len(report.weekly.weeks) == WEEKS

    # The comparisons were not vacuous: the scopes hold every kind of figure.
    for name in ("campaign 1", "campaign 2", "long"):
        figures = seen[name]
        assert all(figures[k] > 0 for k in ("pitches", "offers", "stories", "links")), name
        assert figures["top"] > 0 and figures["weekly"] > 0, name
    assert seen["campaign 2"]["uncovered"] > 0 and seen["campaign 2"]["startups"] > 0
    assert seen["long"]["asked"] > seen["long"]["answered"] > 0 and seen["long"]["kinds"] >= 4
    assert seen["campaign 1"]["asked"] > 0
    assert seen["30d"]["pitches"] > 0 and seen["quarter"]["links"] > 0
