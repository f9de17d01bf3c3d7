"""THE report query module (issue #7): every number of ``/report`` (and of the
exports that follow) comes from here, and every definition lives here only.

Each method is one SQL aggregate (``GROUP BY``, ``SUM(CASE ...)``, a window count),
written in SQLAlchemy Core that runs unchanged on SQLite and PostgreSQL; nothing
loads whole tables into Python.

**Scope.** A ``ReportScope`` is a period ``[start, end)`` in UTC (the caller turns
local dates in TIMEZONE into it) and, optionally, a campaign. What "in scope" means
per figure:

- *registrations*: startups and ambassadors **approved** (``decided_at``) within the
  period; for a campaign, the period is the campaign's dates (its first day 00:00 to
  the day after its last, local time). Startups are counted by their province;
  ambassadors have no home province (their ``regions`` are where they cover), so they
  are a total.
- *pitches*: submitted requests (status other than ``draft``): for a campaign, the
  campaign's requests; otherwise those **submitted** (``submitted_at``) within the
  period. Counted by need and by current status.
- *offers*: assignments (every offer made, automatic or manual): for a campaign,
  those of its requests; otherwise those **offered** within the period.
  ``accepted`` = the ambassador said yes (now accepted, published, overdue, or
  cancelled after accepting); ``declined``; ``expired`` (not answered in time);
  ``withdrawn`` by an organizer; ``open`` (not answered yet). **Acceptance rate** =
  accepted / (accepted + declined + expired): offers still open and withdrawn ones
  are left out.
- *stories*: assignments that hold a slot (accepted, overdue, published): for a
  campaign, those of its requests; otherwise those whose request's **deadline** falls
  within the period. A story is **published** when its first link was recorded
  (``published_at``); it is **on time** when published at or before the request's
  deadline (``published_at <= deadline``; no deadline: on time), the same rule that
  marks a link ``late`` (submitted after the deadline). A story is **due** once it is
  published or its deadline has passed (at ``now``). **On-time rate** = on time / due.
  Stories released by the ambassador (cancelled) are not counted: their slot went back
  to the request.
- *links*: recorded links: for a campaign, those of its requests; otherwise those
  **submitted** within the period. By platform, and by province of the startup.
- *top ambassadors*: by stories published on time (the stories' scope), at most 10,
  ties by name, then id.
- *still without coverage*: startups with a request in the pitches' scope that is
  open or filled and has no link yet: how many, and the first 10 by company name
  (then id) with their number of such requests.
- *outcomes*: what came of the requests in the pitches' scope (30 days after a
  request's links are in, its startup is asked; see ``storage/repositories/outcomes.py``).
  ``asked`` = those requests asked (an outcome row with ``asked_at``); ``answered`` =
  those of them the startup answered (``answered_at``); per kind (OUTCOME_KINDS), the
  answered requests whose answer ticked it: a request with several kinds counts once
  in each, so the kinds may add up to more than ``answered`` ("nothing" comes alone).
  Kinds are a JSON list, matched as text (``'"media"'`` inside the list's JSON), which
  keeps the one statement the same on both dialects. By kind: highest first, ties in
  OUTCOME_KINDS order, kinds nobody ticked left out.
- *weekly*: links (the links' scope) per ISO week (Monday 00:00 local time) and
  platform, for the weeks that cover the scope's period up to ``now``: a scope that
  ends after now stops at the week containing now (no empty future weeks; a scope
  starting after now charts its first week only). At most MAX_WEEKS, the latest of
  those. Links outside those weeks are not in the series. This is the series the
  chart reads.

Breakdowns (by province, need, status, platform) are highest first, ties by code.
Names are ordered by the database's collation (binary on SQLite; the tests'
PostgreSQL databases use C, the same order).

**One startup's report (``/myreport``)** and **one ambassador's stats
(``/mystats``)** use the same definitions, over all time (no period):

- *startup requests*: its submitted requests (not drafts), newest first, each with
  its outcome when the startup answered (kinds and note; asked but unanswered shows
  nothing); *coverage*: the stories (accepted, overdue, published) of those requests
  and who writes them.
- *startup totals*: its links by platform, and **reach** by platform: for each
  platform, the sum of the audiences of the channels on that platform of the
  ambassadors who posted at least one of its links there (an ambassador and platform
  counted once however many links; channels with no audience count 0).
- *ambassador stats*: ``accepted`` = offers said yes to (ACCEPTED_OFFERS);
  ``stories``, ``due``, ``published``, ``on_time`` as for the report; ``overdue`` =
  due but not published (deadline passed). On-time rate = on time / due.
- *leaderboard rank*: among approved ambassadors who opted in (``leaderboard``), by
  stories published on time, highest first; ties share a rank (``RANK()``: 1, 1, 3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    Ambassador,
    Assignment,
    Channel,
    Link,
    RequestOutcome,
    Startup,
    StoryRequest,
)

_R: Table = StoryRequest.__table__  # type: ignore[assignment]
_A: Table = Assignment.__table__  # type: ignore[assignment]
_L: Table = Link.__table__  # type: ignore[assignment]
_S: Table = Startup.__table__  # type: ignore[assignment]
_AMB: Table = Ambassador.__table__  # type: ignore[assignment]
_CH: Table = Channel.__table__  # type: ignore[assignment]
_O: Table = RequestOutcome.__table__  # type: ignore[assignment]

#: Assignment statuses that hold a slot: a story being written or published.
STORY_STATUSES = ("accepted", "overdue", "published")
#: Offers the ambassador said yes to (cancelled only ever follows an accept).
ACCEPTED_OFFERS = ("accepted", "overdue", "published", "cancelled")
#: Requests still waiting for (more) coverage.
COVERAGE_WANTED = ("open", "filled")
#: What a story may have led to (``request_outcomes.kinds`` codes), in button order.
OUTCOME_KINDS = ("investor", "partner", "customers", "policy", "media", "nothing")
TOP_AMBASSADORS = 10
UNCOVERED_SHOWN = 10
#: Weeks in the weekly series at most (the latest ones are kept).
MAX_WEEKS = 60

Counted = tuple[tuple[str | None, int], ...]


@dataclass(frozen=True, slots=True)
class ReportScope:
    """A period ``[start, end)`` (aware UTC) and, optionally, a campaign."""

    start: datetime
    end: datetime
    campaign_id: int | None = None


@dataclass(frozen=True, slots=True)
class Registrations:
    startups: int
    ambassadors: int
    startups_by_province: Counted


@dataclass(frozen=True, slots=True)
class Pitches:
    total: int
    by_need: Counted
    by_status: Counted


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Offers:
    made: int
    accepted: int
    declined: int
    expired: int
    withdrawn: int
    open: int

    @property
    def acceptance_rate(self) -> float | None:
        return ratio(self.accepted, self.accepted + self.declined + self.expired)


@dataclass(frozen=True, slots=True)
class Stories:
    stories: int
    due: int
    published: int
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.due)


@dataclass(frozen=True, slots=True)
class RankedAmbassador:
    ambassador_id: int
    name: str | None
    on_time: int


@dataclass(frozen=True, slots=True)
class UncoveredStartup:
    startup_id: int
    name: str | None
    requests: int


@dataclass(frozen=True, slots=True)
class Uncovered:
    total: int
    startups: tuple[UncoveredStartup, ...]


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    """``weeks``: each week's Monday (local date); ``counts``: (week index, platform,
    links)."""

    weeks: tuple[date, ...]
    counts: tuple[tuple[int, str, int], ...]

    def by_platform(self) -> dict[str, list[int]]:
        """Per platform, one count per week (zeros filled in)."""
        out: dict[str, list[int]] = {}
        for index, platform, n in self.counts:
            out.setdefault(platform, [0] * len(self.weeks))[index] = n
        return out


@dataclass(frozen=True, slots=True)
class Outcomes:
    """Requests asked what came of them, answered, and answered per kind."""

    asked: int
    answered: int
    by_kind: Counted


@dataclass(frozen=True, slots=True)
class PlatformTotal:
    platform: str
    links: int
    reach: int


@dataclass(frozen=True, slots=True)
class AmbassadorStats:
    accepted: int
    stories: int
    due: int
    published: int
    on_time: int
    overdue: int

    @property
    def on_time_rate(self) -> float | None:
        return ratio(self.on_time, self.due)


@dataclass(frozen=True, slots=True)
class LeaderboardRank:
    """``rank`` is None when the ambassador has not opted in."""

    rank: int | None
    peers: int


def iso_week_starts(
    start: datetime, end: datetime, tz: ZoneInfo, now: datetime | None = None
) -> list[datetime]:
    """Monday 00:00 (local) of every week meeting ``[start, end)``, then the Monday
    after the last one (so n weeks give n + 1 boundaries), as aware datetimes. With
    ``now`` before ``end``, the last week is the one containing ``now`` (at least the
    first week); the latest MAX_WEEKS weeks are kept."""
    first = start.astimezone(tz).date()
    first -= timedelta(days=first.weekday())
    last_moment = end - timedelta(microseconds=1)
    if now is not None and now < last_moment:
        last_moment = now
    last = last_moment.astimezone(tz).date()
    days = (last - first).days
    count = max(1, days // 7 + 1)
    starts = [first + timedelta(weeks=n) for n in range(count + 1)]
    starts = starts[-(MAX_WEEKS + 1) :]
    return [datetime.combine(d, time(), tzinfo=tz) for d in starts]


def _int(value: Any) -> int:
    return int(value or 0)


class ReportRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # -- what is in scope --------------------------------------------------------------

    @staticmethod
    def _within(column: Any, scope: ReportScope) -> ColumnElement[bool]:
        return and_(column >= scope.start, column < scope.end)

    def _requests_in(self, scope: ReportScope, period_column: Any) -> ColumnElement[bool]:
        """The campaign's requests, else ``period_column`` within the period."""
        if scope.campaign_id is not None:
            return _R.c.campaign_id == scope.campaign_id
        return self._within(period_column, scope)

    # -- the figures -------------------------------------------------------------------

    async def registrations(self, scope: ReportScope) -> Registrations:
        startups = (
            select(
                literal_column("'startup'").label("kind"),
                _S.c.province.label("province"),
                func.count().label("n"),
            )
            .where(_S.c.status == "approved", self._within(_S.c.decided_at, scope))
            .group_by(_S.c.province)
        )
        ambassadors: Any = select(
            literal_column("'ambassador'").label("kind"),
            cast(null(), String).label("province"),
            func.count().label("n"),
        ).where(_AMB.c.status == "approved", self._within(_AMB.c.decided_at, scope))
        rows = (await self.session.execute(union_all(startups, ambassadors))).all()
        by_province = sorted(
            ((r.province, _int(r.n)) for r in rows if r.kind == "startup"),
            key=lambda pair: (-pair[1], pair[0] or "~"),
        )
        amb = sum(_int(r.n) for r in rows if r.kind == "ambassador")
        return Registrations(sum(n for _, n in by_province), amb, tuple(by_province))

    async def pitches(self, scope: ReportScope) -> Pitches:
        rows = (
            await self.session.execute(
                select(_R.c.need, _R.c.status, func.count().label("n"))
                .where(_R.c.status != "draft", self._requests_in(scope, _R.c.submitted_at))
                .group_by(_R.c.need, _R.c.status)
            )
        ).all()
        need: dict[str | None, int] = {}
        status: dict[str | None, int] = {}
        for r in rows:
            need[r.need] = need.get(r.need, 0) + _int(r.n)
            status[r.status] = status.get(r.status, 0) + _int(r.n)

        def ordered(counts: dict[str | None, int]) -> Counted:
            return tuple(sorted(counts.items(), key=lambda p: (-p[1], p[0] or "~")))

        return Pitches(sum(need.values()), ordered(need), ordered(status))

    async def offers(self, scope: ReportScope) -> Offers:
        rows = (
            await self.session.execute(
                select(_A.c.status, func.count().label("n"))
                .select_from(_A.join(_R, _R.c.id == _A.c.request_id))
                .where(self._requests_in(scope, _A.c.offered_at))
                .group_by(_A.c.status)
            )
        ).all()
        by = {r.status: _int(r.n) for r in rows}
        return Offers(
            made=sum(by.values()),
            accepted=sum(by.get(s, 0) for s in ACCEPTED_OFFERS),
            declined=by.get("declined", 0),
            expired=by.get("expired", 0),
            withdrawn=by.get("withdrawn", 0),
            open=by.get("offered", 0),
        )

    @staticmethod
    def _on_time() -> ColumnElement[bool]:
        return and_(
            _A.c.status == "published",
            or_(_R.c.deadline.is_(None), _A.c.published_at <= _R.c.deadline),
        )

    def _stories_in(self, scope: ReportScope) -> ColumnElement[bool]:
        return and_(_A.c.status.in_(STORY_STATUSES), self._requests_in(scope, _R.c.deadline))

    async def stories(self, scope: ReportScope, now: datetime) -> Stories:
        due = or_(_A.c.status == "published", _R.c.deadline <= now)
        row = (
            await self.session.execute(
                select(
                    func.count().label("stories"),
                    func.sum(case((due, 1), else_=0)).label("due"),
                    func.sum(case((_A.c.status == "published", 1), else_=0)).label("published"),
                    func.sum(case((self._on_time(), 1), else_=0)).label("on_time"),
                )
                .select_from(_A.join(_R, _R.c.id == _A.c.request_id))
                .where(self._stories_in(scope))
            )
        ).one()
        return Stories(_int(row.stories), _int(row.due), _int(row.published), _int(row.on_time))

    def _links_in(self, scope: ReportScope) -> ColumnElement[bool]:
        return self._requests_in(scope, _L.c.submitted_at)

    async def links_by_platform(self, scope: ReportScope) -> Counted:
        n = func.count()
        rows = await self.session.execute(
            select(_L.c.platform, n.label("n"))
            .select_from(_L.join(_R, _R.c.id == _L.c.request_id))
            .where(self._links_in(scope))
            .group_by(_L.c.platform)
            .order_by(n.desc(), _L.c.platform)
        )
        return tuple((r.platform, _int(r.n)) for r in rows)

    async def links_by_province(self, scope: ReportScope) -> Counted:
        n = func.count()
        rows = await self.session.execute(
            select(_S.c.province, n.label("n"))
            .select_from(
                _L.join(_R, _R.c.id == _L.c.request_id).join(_S, _S.c.id == _L.c.startup_id)
            )
            .where(self._links_in(scope))
            .group_by(_S.c.province)
            .order_by(n.desc(), _S.c.province)
        )
        return tuple((r.province, _int(r.n)) for r in rows)

    async def top_ambassadors(
        self, scope: ReportScope, limit: int = TOP_AMBASSADORS
    ) -> tuple[RankedAmbassador, ...]:
        n = func.count()
        rows = await self.session.execute(
            select(_AMB.c.id, _AMB.c.display_name, n.label("n"))
            .select_from(
                _A.join(_R, _R.c.id == _A.c.request_id).join(_AMB, _AMB.c.id == _A.c.ambassador_id)
            )
            .where(self._stories_in(scope), self._on_time())
            .group_by(_AMB.c.id, _AMB.c.display_name)
            .order_by(n.desc(), _AMB.c.display_name, _AMB.c.id)
            .limit(limit)
        )
        return tuple(RankedAmbassador(r.id, r.display_name, _int(r.n)) for r in rows)

    async def uncovered(self, scope: ReportScope, limit: int = UNCOVERED_SHOWN) -> Uncovered:
        has_link = select(_L.c.id).where(_L.c.request_id == _R.c.id).exists()
        rows = (
            await self.session.execute(
                select(
                    _S.c.id,
                    _S.c.company_name,
                    func.count().label("requests"),
                    func.count().over().label("total"),
                )
                .select_from(_R.join(_S, _S.c.id == _R.c.startup_id))
                .where(
                    _R.c.status.in_(COVERAGE_WANTED),
                    self._requests_in(scope, _R.c.submitted_at),
                    ~has_link,
                )
                .group_by(_S.c.id, _S.c.company_name)
                .order_by(_S.c.company_name, _S.c.id)
                .limit(limit)
            )
        ).all()
        total = _int(rows[0].total) if rows else 0
        return Uncovered(
            total, tuple(UncoveredStartup(r.id, r.company_name, _int(r.requests)) for r in rows)
        )

    async def weekly(self, scope: ReportScope, tz: ZoneInfo, now: datetime) -> WeeklySeries:
        """Links per week and platform, the weeks of the scope up to ``now``'s."""
        bounds = iso_week_starts(scope.start, scope.end, tz, now)
        submitted = _L.c.submitted_at
        # Week i: submitted before the (i + 1)th boundary (the WHERE keeps the rest out).
        week = case(*((submitted < b, i) for i, b in enumerate(bounds[1:]))).label("week")
        n = func.count()
        rows = await self.session.execute(
            select(week, _L.c.platform, n.label("n"))
            .select_from(_L.join(_R, _R.c.id == _L.c.request_id))
            .where(self._links_in(scope), submitted >= bounds[0], submitted < bounds[-1])
            .group_by(week, _L.c.platform)
            .order_by(week, _L.c.platform)
        )
        weeks = tuple(b.date() for b in bounds[:-1])
        return WeeklySeries(weeks, tuple((int(r.week), r.platform, _int(r.n)) for r in rows))

    async def outcomes(self, scope: ReportScope) -> Outcomes:
        """Asked, answered and answered per kind (module docstring), one statement."""
        answered = _O.c.answered_at.is_not(None)
        kinds_text = cast(_O.c.kinds, String)
        per_kind = [
            func.sum(case((and_(answered, kinds_text.like(f'%"{kind}"%')), 1), else_=0)).label(
                f"k_{kind}"
            )
            for kind in OUTCOME_KINDS
        ]
        row = (
            await self.session.execute(
                select(
                    func.count().label("asked"),
                    func.sum(case((answered, 1), else_=0)).label("answered"),
                    *per_kind,
                )
                .select_from(_O.join(_R, _R.c.id == _O.c.request_id))
                .where(
                    _O.c.asked_at.is_not(None),
                    _R.c.status != "draft",
                    self._requests_in(scope, _R.c.submitted_at),
                )
            )
        ).one()
        counts = [(kind, _int(row._mapping[f"k_{kind}"])) for kind in OUTCOME_KINDS]
        by_kind = sorted(
            ((kind, n) for kind, n in counts if n), key=lambda p: (-p[1], OUTCOME_KINDS.index(p[0]))
        )
        return Outcomes(_int(row.asked), _int(row.answered), tuple(by_kind))

    # -- one startup, one ambassador (/myreport, /mystats) -----------------------------

    async def startup_requests(self, startup_id: int, limit: int = 10) -> list[Any]:
        """Its submitted requests, newest first: id, status, need, deadline, and the
        outcome when answered (``answered_at``, ``kinds``, ``note``; else None)."""
        answered = _O.c.answered_at.is_not(None)
        rows = await self.session.execute(
            select(
                _R.c.id,
                _R.c.status,
                _R.c.need,
                _R.c.deadline,
                _O.c.answered_at,
                _O.c.kinds,
                _O.c.note,
            )
            .select_from(_R.outerjoin(_O, and_(_O.c.request_id == _R.c.id, answered)))
            .where(_R.c.startup_id == startup_id, _R.c.status != "draft")
            .order_by(_R.c.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def coverage(self, request_ids: list[int]) -> list[Any]:
        """The stories of these requests: request_id, status, the ambassador's name."""
        if not request_ids:
            return []
        rows = await self.session.execute(
            select(_A.c.request_id, _A.c.status, _AMB.c.display_name)
            .select_from(_A.join(_AMB, _AMB.c.id == _A.c.ambassador_id))
            .where(_A.c.request_id.in_(request_ids), _A.c.status.in_(STORY_STATUSES))
            .order_by(_A.c.request_id, _A.c.id)
        )
        return list(rows)

    async def request_links(self, request_ids: list[int]) -> list[Any]:
        """The links of these requests: request_id, platform, original_url."""
        if not request_ids:
            return []
        rows = await self.session.execute(
            select(_L.c.request_id, _L.c.platform, _L.c.original_url)
            .where(_L.c.request_id.in_(request_ids))
            .order_by(_L.c.request_id, _L.c.id)
        )
        return list(rows)

    async def startup_totals(self, startup_id: int) -> tuple[PlatformTotal, ...]:
        """Links and reach by platform (see the module docstring), one statement."""
        links = (
            select(_L.c.platform.label("platform"), func.count().label("n"))
            .where(_L.c.startup_id == startup_id)
            .group_by(_L.c.platform)
            .subquery("links")
        )
        pairs = (
            select(_L.c.ambassador_id, _L.c.platform)
            .where(_L.c.startup_id == startup_id)
            .distinct()
            .subquery("pairs")
        )
        reach = (
            select(pairs.c.platform.label("platform"), func.sum(_CH.c.audience).label("reach"))
            .select_from(
                pairs.join(
                    _CH,
                    and_(
                        _CH.c.ambassador_id == pairs.c.ambassador_id,
                        _CH.c.platform == pairs.c.platform,
                    ),
                )
            )
            .group_by(pairs.c.platform)
            .subquery("reach")
        )
        rows = await self.session.execute(
            select(links.c.platform, links.c.n, func.coalesce(reach.c.reach, 0).label("reach"))
            .select_from(links.outerjoin(reach, reach.c.platform == links.c.platform))
            .order_by(links.c.n.desc(), links.c.platform)
        )
        return tuple(PlatformTotal(r.platform, _int(r.n), _int(r.reach)) for r in rows)

    async def ambassador_stats(self, ambassador_id: int, now: datetime) -> AmbassadorStats:
        story = _A.c.status.in_(STORY_STATUSES)
        published = _A.c.status == "published"
        due = and_(story, or_(published, _R.c.deadline <= now))
        row = (
            await self.session.execute(
                select(
                    func.sum(case((_A.c.status.in_(ACCEPTED_OFFERS), 1), else_=0)).label("acc"),
                    func.sum(case((story, 1), else_=0)).label("stories"),
                    func.sum(case((due, 1), else_=0)).label("due"),
                    func.sum(case((published, 1), else_=0)).label("published"),
                    func.sum(case((self._on_time(), 1), else_=0)).label("on_time"),
                    func.sum(case((and_(due, ~published), 1), else_=0)).label("overdue"),
                )
                .select_from(_A.join(_R, _R.c.id == _A.c.request_id))
                .where(_A.c.ambassador_id == ambassador_id)
            )
        ).one()
        return AmbassadorStats(
            _int(row.acc),
            _int(row.stories),
            _int(row.due),
            _int(row.published),
            _int(row.on_time),
            _int(row.overdue),
        )

    async def ambassador_links(self, ambassador_id: int) -> Counted:
        n = func.count()
        rows = await self.session.execute(
            select(_L.c.platform, n.label("n"))
            .where(_L.c.ambassador_id == ambassador_id)
            .group_by(_L.c.platform)
            .order_by(n.desc(), _L.c.platform)
        )
        return tuple((r.platform, _int(r.n)) for r in rows)

    async def leaderboard_rank(self, ambassador_id: int) -> LeaderboardRank:
        """Rank among opted-in approved ambassadors by stories published on time."""
        score = (
            select(func.count())
            .select_from(_A.join(_R, _R.c.id == _A.c.request_id))
            .where(_A.c.ambassador_id == _AMB.c.id, self._on_time())
            .scalar_subquery()
        )
        scores = (
            select(_AMB.c.id.label("id"), score.label("score"))
            .where(_AMB.c.status == "approved", _AMB.c.leaderboard.is_(True))
            .subquery("scores")
        )
        ranked = select(
            scores.c.id,
            func.rank().over(order_by=scores.c.score.desc()).label("rank"),
            func.count().over().label("peers"),
        ).subquery("ranked")
        rows = (
            await self.session.execute(
                select(ranked.c.id, ranked.c.rank, ranked.c.peers)
                .order_by((ranked.c.id == ambassador_id).desc())
                .limit(1)
            )
        ).all()
        return _rank(rows, ambassador_id)


def _rank(rows: Sequence[Any], ambassador_id: int) -> LeaderboardRank:
    if not rows:
        return LeaderboardRank(None, 0)
    row = rows[0]
    peers = _int(row.peers)
    return LeaderboardRank(_int(row.rank) if row.id == ambassador_id else None, peers)
