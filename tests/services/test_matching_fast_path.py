"""The fast path ranks exactly as ranking everyone does.

``rank_for_request`` with a limit scores only the candidates whose upper bound could
reach the top (``ProfileBound``, ``BoundedOrder``, the candidate cache). These tests
hold it to the straightforward ranking: first the pieces (the bound is never below
the score; candidates come out by decreasing bound, each once), then the whole, on
random databases (both dialects), while profiles, channels, assignments and requests
change between and within transactions (committed and rolled back).
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.provinces import NATIONWIDE
from bot.services import matchmaking
from bot.services.matching import (
    BoundedOrder,
    Candidate,
    ChannelFacts,
    MatchWeights,
    RequestFacts,
    Scored,
    points,
    profile_bound,
    rank,
)
from bot.services.matchmaking import (
    FAIRNESS_DAYS,
    month_start,
    rank_for_request,
    to_candidate,
    to_request_facts,
)
from storage.dto import StartupDTO, StoryRequestDTO
from storage.models import Ambassador, Assignment, Channel, Startup, StoryRequest, User
from storage.repositories import Repositories

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
SECTORS = ["agritech", "fintech", "edtech", "healthtech"]
PROVINCES = ["can_tho", "ha_noi", "hue", "da_nang"]
PLATFORMS = ["tiktok", "youtube", "facebook"]
LANGUAGES = ["vi", "en"]

# --- the pieces ---------------------------------------------------------------------

codes = st.sampled_from(SECTORS)
regions = st.sampled_from([*PROVINCES, NATIONWIDE])
channels = st.lists(
    st.builds(
        ChannelFacts,
        st.sampled_from(PLATFORMS),
        st.one_of(st.integers(-5, 10**7), st.sampled_from([0, 1, 2, 9, 10, 999, 10**6])),
    ),
    max_size=3,
).map(tuple)
candidates = st.builds(
    Candidate,
    ambassador_id=st.integers(1, 10_000),
    topics=st.frozensets(codes),
    regions=st.frozensets(regions),
    languages=st.frozensets(st.sampled_from(LANGUAGES), min_size=1),
    channels=channels,
    accepted_due=st.integers(0, 20),
    published_on_time=st.integers(0, 20),
    open_load=st.integers(0, 5),
    recent_offers=st.integers(0, 10),
    recent_same_startup=st.integers(0, 3),
)
requests = st.builds(
    RequestFacts,
    sectors=st.frozensets(codes),
    regions=st.frozensets(regions),
    languages=st.frozensets(st.sampled_from(LANGUAGES)),
    platforms=st.frozensets(st.sampled_from(PLATFORMS)),
)
weight = st.one_of(st.floats(-3, 5), st.sampled_from([0.0, 1.0, 2.0]))
weights = st.builds(
    MatchWeights,
    topic=weight,
    region=weight,
    language=weight,
    platform=weight,
    audience=weight,
    track_record=weight,
    load=weight,
    recent_offers=weight,
    same_startup=weight,
)


@given(requests, candidates, weights)
def test_the_bound_is_never_below_the_score(
    request: RequestFacts, c: Candidate, w: MatchWeights
) -> None:
    bound = profile_bound(request, w)
    assert points(request, c, w) <= bound.value(c) + 1e-6
    # and it leaves out only fairness (with the usual weights, nothing else)
    if w == MatchWeights() and not c.recent_offers and not c.recent_same_startup:
        assert bound.value(c) - points(request, c, w) <= w.audience / 24 + 1e-6


class Index:
    """Who holds which code, as the candidate cache keeps it."""

    def __init__(self, pool: list[Candidate]) -> None:
        self.by_id = {c.ambassador_id: c for c in pool}

    def holding(self, kind: str, wanted: Any) -> frozenset[int]:
        wanted = set(wanted)
        if kind == "platforms":
            return frozenset(
                i for i, c in self.by_id.items() if any(ch.platform in wanted for ch in c.channels)
            )
        return frozenset(i for i, c in self.by_id.items() if getattr(c, kind) & wanted)


@given(
    requests,
    weights,
    st.lists(candidates, max_size=40, unique_by=lambda c: c.ambassador_id),
    st.lists(st.integers(1, 7), min_size=1, max_size=8),
)
def test_candidates_come_by_decreasing_bound_each_once(
    request: RequestFacts, w: MatchWeights, pool: list[Candidate], takes: list[int]
) -> None:
    bound = profile_bound(request, w)
    index = Index(pool)
    order = BoundedOrder(bound, frozenset(index.by_id), index.holding, index.by_id.__getitem__)
    taken: list[tuple[float, int]] = []
    for n in [*takes, len(pool)]:
        rest = order.rest
        batch = order.take(n)
        assert len(batch) == min(n, len(pool) - len(taken))
        for value, amb_id in batch:
            assert value == bound.value(index.by_id[amb_id])
            assert rest is not None and value <= rest + 1e-9
        taken += batch
        # nobody left has a higher bound than the order says
        done = {i for _, i in taken}
        left = [bound.value(c) for i, c in index.by_id.items() if i not in done]
        if left:
            assert order.rest is not None and max(left) <= order.rest + 1e-9
        else:  # classes not opened yet may still be named, until they are seen empty
            assert order.take(1) == []
            assert order.rest is None
    assert sorted(i for _, i in taken) == sorted(index.by_id)
    values = [v for v, _ in taken]
    assert all(a >= b - 1e-9 for a, b in itertools.pairwise(values))


# --- the whole, on a database -------------------------------------------------------


def _t(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def random_profile(rng: random.Random) -> dict[str, Any]:
    regions = [NATIONWIDE] if rng.random() < 0.2 else rng.sample(PROVINCES, rng.randint(0, 2))
    return {
        "topics": rng.sample(SECTORS, rng.randint(0, 3)),
        "regions": regions,
        "languages": rng.sample(LANGUAGES, rng.randint(1, 2)) if rng.random() < 0.95 else [],
        "capacity": rng.choice([None, 0, 1, 1, 2, 3, 5]),
    }


def random_audience(rng: random.Random) -> int:
    # few distinct sizes, so that equal scores (ordered by id) are common
    return rng.choice([0, 0, 5, 1_000, 1_000, 20_000, 20_000, 3_000_000])


async def seed_world(
    sessionmaker: async_sessionmaker[AsyncSession], rng: random.Random, ambassadors: int
) -> None:
    """Random ambassadors, startups, requests and a history of assignments, written
    two hours ago: older than the cache's window, as most rows are in real life."""
    written = datetime.now(UTC) - timedelta(hours=2)
    old = {"created_at": written, "updated_at": written}
    async with sessionmaker() as s, s.begin():
        base = 7_000_000_000
        await s.execute(
            insert(_t(User)),
            [
                {"id": base + i, "language": "vi", "consent_version": "v1", "consented_at": NOW}
                for i in range(ambassadors + 4)
            ],
        )
        await s.execute(
            insert(_t(Ambassador)),
            [
                {
                    "id": i + 1,
                    "user_id": base + i,
                    "status": rng.choice(["approved"] * 6 + ["pending", "draft"]),
                    "paused": rng.random() < 0.1,
                    "skipped": [],
                    **random_profile(rng),
                    **old,
                }
                for i in range(ambassadors)
            ],
        )
        await s.execute(
            insert(_t(Channel)),
            [
                {
                    "ambassador_id": i,
                    "platform": rng.choice(PLATFORMS),
                    "audience": random_audience(rng),
                    "created_at": written,
                }
                for i in range(1, ambassadors + 1)
                for _ in range(rng.choice([0, 1, 1, 2, 3]))
            ],
        )
        await s.execute(
            insert(_t(Startup)),
            [
                {
                    "id": j + 1,
                    "user_id": base + ambassadors + j,
                    "status": "approved",
                    "sectors": rng.sample(SECTORS, rng.randint(0, 2)),
                    "needs": [],
                    "skipped": [],
                    **old,
                }
                for j in range(4)
            ],
        )
        await s.execute(
            insert(_t(StoryRequest)),
            [
                {
                    "id": k + 1,
                    "startup_id": rng.randint(1, 4),
                    "status": "open",
                    "platforms": rng.sample(PLATFORMS, rng.randint(0, 2)),
                    "regions": rng.sample([*PROVINCES, NATIONWIDE], rng.randint(0, 3)),
                    "languages": rng.sample(LANGUAGES, rng.randint(1, 2)),
                    "deadline": NOW + timedelta(days=rng.randint(-60, 30)),
                    "wanted": 3,
                    "audiences": [],
                    "skipped": [],
                    **old,
                }
                for k in range(12)
            ],
        )
        rows = []
        for request_id in range(1, 13):
            for amb_id in rng.sample(range(1, ambassadors + 1), min(ambassadors, 12)):
                offered = NOW - timedelta(days=rng.randint(0, 70), hours=rng.randint(0, 23))
                status = rng.choice(
                    ["offered", "declined", "expired", "accepted", "published", "overdue"]
                )
                rows.append(
                    {
                        "request_id": request_id,
                        "ambassador_id": amb_id,
                        "status": status,
                        "score": 0.0,
                        "reasons": [],
                        "offered_at": offered,
                        "expires_at": offered + timedelta(days=1),
                        "answered_at": offered + timedelta(hours=2),
                        "published_at": offered + timedelta(days=rng.randint(1, 40))
                        if status == "published"
                        else None,
                        "updated_at": written,
                    }
                )
        await s.execute(insert(_t(Assignment)), rows)


async def _straightforward(
    repos: Repositories,
    request: StoryRequestDTO,
    startup: StartupDTO,
    weights: MatchWeights,
    limit: int,
) -> list[Scored]:
    """Everyone loaded, everyone scored: what the fast path must agree with."""
    facts = await repos.candidates.available(
        startup_id=startup.id,
        month_start=month_start(NOW, VN),
        fairness_since=NOW - timedelta(days=FAIRNESS_DAYS),
    )
    offered = await repos.assignments.offered_ambassadors(request.id)
    wanted = to_request_facts(request, startup, offered)
    return rank(wanted, [to_candidate(f) for f in facts], weights, limit=limit)


async def _agree(
    repos: Repositories, rng: random.Random, weights: list[MatchWeights], checks: int
) -> int:
    """Ranks random requests both ways; returns how many rankings were compared."""
    compared = 0
    for _ in range(checks):
        request = await repos.requests.get(rng.randint(1, 12))
        if request is None:  # deleted
            continue
        startup = await repos.startups.get(request.startup_id)
        assert startup is not None
        w = rng.choice(weights)
        limit = rng.choice([1, 1, 2, 3, 5, 8, 13, 40])
        fast = await rank_for_request(
            repos, request, startup, now=NOW, tz=VN, weights=w, limit=limit
        )
        slow = await _straightforward(repos, request, startup, w, limit)
        assert [(s.ambassador_id, s.score) for s in fast] == [
            (s.ambassador_id, s.score) for s in slow
        ], (request.id, w, limit)
        assert fast == slow  # reasons too
        compared += 1
    return compared


async def mutate(s: AsyncSession, rng: random.Random, ambassadors: int) -> None:
    """One random change of the kind the bot makes (through the repositories)."""
    repos = Repositories.bind(s)
    amb_id = rng.randint(1, ambassadors)
    current = await repos.ambassadors.get(amb_id)
    what = rng.randrange(20)
    if current is None and what < 7:  # deleted earlier
        what = 7
    if what == 0:
        await repos.ambassadors.update_fields(amb_id, random_profile(rng))
    elif what == 1:
        await repos.ambassadors.update_fields(amb_id, {"paused": rng.random() < 0.5})
    elif what == 2:
        assert current is not None
        target = "pending" if current.status == "approved" else "approved"
        await repos.ambassadors.transition(amb_id, from_statuses=[current.status], to_status=target)
    elif what == 3:
        await repos.ambassadors.add_channel(
            amb_id, platform=rng.choice(PLATFORMS), url=None, audience=random_audience(rng)
        )
    elif what == 4:
        assert current is not None
        if current.channels:
            await repos.ambassadors.remove_channel(amb_id, rng.choice(current.channels).id)
    elif what in (5, 6):
        request_id = rng.randint(1, 12)
        for a in await repos.assignments.for_request(request_id):
            if rng.random() < 0.3:
                status = rng.choice(["accepted", "published", "overdue", "declined", "cancelled"])
                await repos.assignments.transition(
                    a.id,
                    from_statuses=[a.status],
                    to_status=status,
                    values={
                        "answered_at": NOW - timedelta(days=rng.randint(0, 40)),
                        "published_at": NOW - timedelta(days=rng.randint(0, 40))
                        if status == "published"
                        else None,
                    },
                )
        await repos.assignments.offer(
            request_id=request_id,
            ambassador_id=amb_id,
            score=0,
            reasons=[],
            offered_at=NOW - timedelta(days=rng.randint(0, 40)),
            expires_at=NOW + timedelta(days=1),
        )
    elif what in (7, 8, 9):
        await repos.requests.update_fields(
            rng.randint(1, 12), {"deadline": NOW + timedelta(days=rng.randint(-60, 30))}
        )
    elif what == 10:  # an account deleted: the ambassador, their channels and assignments
        await s.execute(delete(_t(Ambassador)).where(_t(Ambassador).c.id == amb_id))
    elif what == 11:  # a request deleted (its startup's account was): its assignments go
        await s.execute(delete(_t(StoryRequest)).where(_t(StoryRequest).c.id == rng.randint(1, 12)))
    elif what == 12:
        # the newest channel removed and one added for someone else: on SQLite the new
        # row takes the freed id
        channels = _t(Channel)
        newest = (
            await s.execute(
                select(channels.c.id, channels.c.ambassador_id)
                .order_by(channels.c.id.desc())
                .limit(1)
            )
        ).first()
        if newest is not None:
            await repos.ambassadors.remove_channel(newest.ambassador_id, newest.id)
            if current is not None:
                await repos.ambassadors.add_channel(
                    amb_id, platform=rng.choice(PLATFORMS), url=None, audience=random_audience(rng)
                )
    else:
        await repos.ambassadors.update_fields(amb_id, random_profile(rng))


class Rollback(Exception):
    pass


async def _rolled_back(
    sessionmaker: async_sessionmaker[AsyncSession],
    rng: random.Random,
    weights: list[MatchWeights],
    ambassadors: int,
) -> None:
    """Changes the ranking sees inside their transaction, then rolled back."""
    async with sessionmaker() as s, s.begin():
        for _ in range(rng.randint(1, 3)):
            await mutate(s, rng, ambassadors)
        await _agree(Repositories.bind(s), rng, weights, 2)
        raise Rollback


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_fast_path_ranks_as_ranking_everyone(
    sessionmaker: async_sessionmaker[AsyncSession], seed: int
) -> None:
    rng = random.Random(seed)
    ambassadors = 120
    await seed_world(sessionmaker, rng, ambassadors)
    weights = [
        MatchWeights(),
        MatchWeights(topic=0.5, region=4, audience=3, track_record=0, load=2.5),
        MatchWeights(language=0, platform=0.5, audience=0, recent_offers=4, same_startup=0),
        # not a configuration the bot accepts: ranked the straightforward way
        MatchWeights(language=-1, platform=-0.5, audience=-2, recent_offers=-1),
    ]
    compared = 0
    async with sessionmaker() as s, s.begin():
        compared += await _agree(Repositories.bind(s), rng, weights, 12)
    for _ in range(25):
        if rng.random() < 0.3:
            # a change the ranking sees inside its transaction, then rolled back
            with pytest.raises(Rollback):
                await _rolled_back(sessionmaker, rng, weights, ambassadors)
            compared += 2
        else:
            async with sessionmaker() as s, s.begin():
                repos = Repositories.bind(s)
                for _ in range(rng.randint(1, 3)):
                    await mutate(s, rng, ambassadors)
                if rng.random() < 0.5:
                    compared += await _agree(repos, rng, weights, 2)
        async with sessionmaker() as s, s.begin():
            compared += await _agree(Repositories.bind(s), rng, weights, 3)
    assert compared > 60


@pytest.mark.parametrize(
    "squeeze",
    [
        {"first_batch": lambda limit: 1},  # grows batch by batch, many times
        {"MAX_EXACT": 3},  # gives up early: everyone is ranked
    ],
)
async def test_the_search_grows_or_gives_up_without_changing_the_ranking(
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
    squeeze: dict[str, Any],
) -> None:
    for name, value in squeeze.items():
        monkeypatch.setattr(matchmaking, name, value)
    rng = random.Random(4)
    await seed_world(sessionmaker, rng, 120)
    async with sessionmaker() as s, s.begin():
        assert await _agree(Repositories.bind(s), rng, [MatchWeights()], 20) == 20
