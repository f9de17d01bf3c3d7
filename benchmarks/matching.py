"""Ranking candidates for one story request among many ambassadors, from the database.

Seeds a fresh database with N approved ambassadors (random but realistic profiles:
1-4 topics, 1-3 provinces or nationwide, languages, 1-3 channels with log-normal
audiences, capacity 1-8) and a history of requests and assignments (offers,
accepted, published on time or late, overdue), then ranks candidates for random
requests the way the bot does (`bot.services.matchmaking.rank_for_request`: the
candidate cache check, the already-offered set, the bounded search, the facts of the
few that could make the top ``--limit`` (20), scoring and ordering). Reports p50/p95
of the whole call and the peak of memory allocated during it (tracemalloc); then the
first call of a process, which loads the candidate cache, and what the cache keeps.
The heap is settled first as in the bot (``bot.app.settle_heap``).

    .venv/bin/python benchmarks/matching.py --ambassadors 10000
    .venv/bin/python benchmarks/matching.py --ambassadors 10000 \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_matching

Target (issue #3): p95 < 50 ms at 10,000 ambassadors.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, insert, text, update  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from bot.app import settle_heap  # noqa: E402
from bot.provinces import NATIONWIDE, all_provinces  # noqa: E402
from bot.reference import codes  # noqa: E402
from bot.services.matching import MatchWeights  # noqa: E402
from bot.services.matchmaking import rank_for_request  # noqa: E402
from storage.db import create_engine, create_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Ambassador,
    Assignment,
    Channel,
    Startup,
    StoryRequest,
    User,
)
from storage.repositories import Repositories  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


def _t(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


async def seed(url: str, ambassadors: int, seed_value: int) -> tuple[list[int], list[int]]:
    """Returns (request ids, startup ids)."""
    rng = random.Random(seed_value)
    sectors = list(codes("sectors"))
    platforms = list(codes("platforms"))
    provinces = [p.code for p in all_provinces()]
    startups_n = max(10, ambassadors // 20)
    requests_n = startups_n * 4
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        users = [
            {
                "id": 9_000_000_000 + i,
                "language": "vi",
                "consent_version": "v1",
                "consented_at": NOW,
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(ambassadors + startups_n)
        ]
        await s.execute(insert(_t(User)), users)
        amb_rows = []
        for i in range(ambassadors):
            regions = (
                [NATIONWIDE] if rng.random() < 0.15 else rng.sample(provinces, rng.randint(1, 3))
            )
            amb_rows.append(
                {
                    "id": i + 1,
                    "user_id": users[i]["id"],
                    "status": "approved" if rng.random() < 0.9 else "pending",
                    "display_name": f"Ambassador {i}",
                    "channels_done": True,
                    "topics": rng.sample(sectors, rng.randint(1, 4)),
                    "regions": regions,
                    "languages": ["vi"] + (["en"] if rng.random() < 0.3 else []),
                    "capacity": rng.randint(1, 8),
                    "skipped": [],
                    "paused": rng.random() < 0.05,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        await s.execute(insert(_t(Ambassador)), amb_rows)
        channels = [
            {
                "ambassador_id": a["id"],
                "platform": rng.choice(platforms),
                "url": None,
                "audience": int(rng.lognormvariate(8, 2)),
                "created_at": NOW,
            }
            for a in amb_rows
            for _ in range(rng.randint(1, 3))
        ]
        await s.execute(insert(_t(Channel)), channels)
        startup_rows = [
            {
                "id": j + 1,
                "user_id": users[ambassadors + j]["id"],
                "status": "approved",
                "company_name": f"Startup {j}",
                "sectors": rng.sample(sectors, rng.randint(1, 2)),
                "province": rng.choice(provinces),
                "needs": ["funding"],
                "skipped": [],
                "created_at": NOW,
                "updated_at": NOW,
            }
            for j in range(startups_n)
        ]
        await s.execute(insert(_t(Startup)), startup_rows)
        request_rows = []
        for k in range(requests_n):
            startup = rng.choice(startup_rows)
            request_rows.append(
                {
                    "id": k + 1,
                    "startup_id": startup["id"],
                    "status": "open",
                    "need": "funding",
                    "story": "…",
                    "audiences": ["investors"],
                    "platforms": rng.sample(platforms, rng.randint(0, 2)),
                    "regions": [startup["province"], NATIONWIDE],
                    "languages": ["vi"],
                    "deadline": NOW - timedelta(days=rng.randint(-30, 120)),
                    "wanted": rng.randint(1, 5),
                    "accepted": 0,
                    "skipped": [],
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
        await s.execute(insert(_t(StoryRequest)), request_rows)
        assignments = []
        for r in request_rows:
            for amb_id in rng.sample(range(1, ambassadors + 1), min(ambassadors, 6)):
                offered = NOW - timedelta(days=rng.randint(0, 150))
                status = rng.choices(
                    ["declined", "expired", "accepted", "published", "overdue"],
                    weights=[3, 2, 1, 4, 1],
                )[0]
                published = offered + timedelta(days=rng.randint(1, 20))
                assignments.append(
                    {
                        "request_id": r["id"],
                        "ambassador_id": amb_id,
                        "status": status,
                        "score": 1.0,
                        "reasons": [],
                        "offered_at": offered,
                        "expires_at": offered + timedelta(days=1),
                        "answered_at": offered + timedelta(hours=3),
                        "published_at": published if status == "published" else None,
                        "updated_at": NOW,
                    }
                )
        await s.execute(insert(_t(Assignment)), assignments)
    if url.startswith("postgresql"):
        # Planner statistics, as autovacuum keeps them on a live database (without them
        # the first minutes after a bulk load plan full scans).
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    await engine.dispose()
    print(
        f"seeded {ambassadors} ambassadors, {len(channels)} channels, {startups_n} startups, "
        f"{requests_n} requests, {len(assignments)} assignments",
        flush=True,
    )
    return [r["id"] for r in request_rows], [s_["id"] for s_ in startup_rows]


async def churn(
    maker: async_sessionmaker[AsyncSession],
    rng: random.Random,
    ambassadors: int,
    assignments: int,
    n: int,
) -> None:
    """What the bot does between two rankings, ``n`` times over: a profile edited, an
    offer answered (both move ``updated_at``, so the candidate cache re-reads them)."""
    if not n:
        return
    async with maker() as s, s.begin():
        for _ in range(n):
            amb = _t(Ambassador)
            await s.execute(
                update(amb)
                .where(amb.c.id == rng.randint(1, ambassadors))
                .values(capacity=rng.randint(1, 8))
            )
            a = _t(Assignment)
            await s.execute(
                update(a)
                .where(a.c.id == rng.randint(1, assignments))
                .values(status=rng.choice(["accepted", "published", "overdue", "declined"]))
            )


async def measure(
    url: str,
    request_ids: list[int],
    runs: int,
    seed_value: int,
    limit: int,
    ambassadors: int,
    changes: int,
) -> None:
    rng = random.Random(seed_value + 1)
    settle_heap()  # as the bot does after startup (bot/app.py)
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    timings: list[float] = []
    peaks: list[int] = []
    counts: list[int] = []
    weights = MatchWeights()
    memory_runs = 5
    first = 0.0
    for n in range(runs + 3 + memory_runs):
        traced = n >= runs + 3  # timings without tracemalloc, which slows allocation
        request_id = rng.choice(request_ids)
        await churn(maker, rng, ambassadors, 6 * len(request_ids), changes)
        async with maker() as s, s.begin():
            repos = Repositories.bind(s)
            request = await repos.requests.get(request_id)
            assert request is not None
            startup = await repos.startups.get(request.startup_id)
            assert startup is not None
            if traced:
                tracemalloc.start()
            start = time.perf_counter()
            ranked = await rank_for_request(
                repos, request, startup, now=NOW, tz=VN, weights=weights, limit=limit
            )
            elapsed = time.perf_counter() - start
            if traced:
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
            elif n >= 3:  # the first calls compile statements and warm caches
                timings.append(elapsed)
                counts.append(len(ranked))
            elif n == 0:
                first = elapsed  # loads the candidate cache
    await engine.dispose()
    load_peak, held = await cold(url, rng.choice(request_ids), weights, limit)
    timings.sort()
    p50 = timings[len(timings) // 2] * 1000
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))] * 1000
    print(
        f"rank_for_request over {runs} random requests: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {timings[-1] * 1000:.1f} ms; peak traced memory {max(peaks) / 2**20:.1f} MiB; "
        f"top-{max(counts)} returned"
    )
    print(
        f"first call (loads the candidate cache): {first * 1000:.0f} ms, peak traced memory "
        f"{load_peak / 2**20:.1f} MiB, cache kept {held / 2**20:.1f} MiB"
    )


async def cold(url: str, request_id: int, weights: MatchWeights, limit: int) -> tuple[int, int]:
    """A first call on a fresh engine, traced: the peak while the candidate cache
    loads, and what stays allocated after it (the cache)."""
    engine = create_engine(url)
    maker = create_sessionmaker(engine)
    async with maker() as s, s.begin():
        repos = Repositories.bind(s)
        request = await repos.requests.get(request_id)
        assert request is not None
        startup = await repos.startups.get(request.startup_id)
        assert startup is not None
        tracemalloc.start()
        await rank_for_request(
            repos, request, startup, now=NOW, tz=VN, weights=weights, limit=limit
        )
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    await engine.dispose()
    return peak, held


async def main(
    url: str | None, ambassadors: int, runs: int, seed_value: int, limit: int, changes: int
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite+aiosqlite:///{tmp}/matching.db"
        if url.startswith("postgresql"):
            from tests.conftest import reset_postgres

            await reset_postgres(url)
        await upgrade(url)
        request_ids, _ = await seed(url, ambassadors, seed_value)
        await measure(url, request_ids, runs, seed_value, limit, ambassadors, changes)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ambassadors", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=20, help="how many candidates to rank")
    parser.add_argument(
        "--churn", type=int, default=0, help="profiles edited and offers answered between calls"
    )
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    asyncio.run(
        main(args.database_url, args.ambassadors, args.runs, args.seed, args.limit, args.churn)
    )
