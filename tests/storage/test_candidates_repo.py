"""The candidate cache: always what a fresh read of the database gives.

Whatever changes (profiles, statuses, channels added and removed, assignments
answered, deadlines moved, accounts deleted; committed, or seen and rolled back),
the snapshot ``profiles()`` hands out equals one built from scratch, and
``facts_for`` equals the straightforward ``available`` for the same ambassadors.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories
from storage.repositories import candidates as cache
from tests.services.test_matching_fast_path import NOW, mutate, seed_world


async def _coherent(s: AsyncSession, rng: random.Random) -> None:
    repo = Repositories.bind(s).candidates
    profiles = await repo.profiles()
    fresh = (await cache._load_all(s, datetime.now(UTC))).profiles
    assert dict(profiles.by_id) == dict(fresh.by_id)
    for kind in ("topics", "regions", "languages", "platforms"):
        assert dict(getattr(profiles, kind)) == dict(getattr(fresh, kind)), kind
    windows = {
        "startup_id": rng.randint(1, 4),
        "month_start": NOW - timedelta(days=14),
        "fairness_since": NOW - timedelta(days=30),
    }
    everyone = {f.ambassador_id: f for f in await repo.available(**windows)}
    some = rng.sample(sorted(everyone), min(len(everyone), 25))
    for facts in await repo.facts_for(profiles, some, **windows):
        assert facts == everyone[facts.ambassador_id]
    # those left out could not be offered anything: no capacity
    for amb_id in set(some) - set(profiles.by_id):
        assert not everyone[amb_id].capacity


class Rollback(Exception):
    pass


async def _rolled_back(sessionmaker: async_sessionmaker[AsyncSession], rng: random.Random) -> None:
    async with sessionmaker() as s, s.begin():
        for _ in range(rng.randint(1, 3)):
            await mutate(s, rng, 80)
        await _coherent(s, rng)
        raise Rollback


@pytest.mark.parametrize("seed", [11, 12])
async def test_the_cache_agrees_with_the_database(
    sessionmaker: async_sessionmaker[AsyncSession], seed: int
) -> None:
    rng = random.Random(seed)
    await seed_world(sessionmaker, rng, 80)
    async with sessionmaker() as s, s.begin():
        await _coherent(s, rng)
    for _ in range(30):
        if rng.random() < 0.25:
            with pytest.raises(Rollback):
                await _rolled_back(sessionmaker, rng)
        else:
            async with sessionmaker() as s, s.begin():
                for _ in range(rng.randint(1, 3)):
                    await mutate(s, rng, 80)
                if rng.random() < 0.5:
                    await _coherent(s, rng)
        async with sessionmaker() as s, s.begin():
            await _coherent(s, rng)


async def test_an_unchanged_database_reuses_the_snapshot(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    rng = random.Random(5)
    await seed_world(sessionmaker, rng, 30)
    async with sessionmaker() as s, s.begin():
        first = await Repositories.bind(s).candidates.profiles()
    async with sessionmaker() as s, s.begin():
        again = await Repositories.bind(s).candidates.profiles()
    assert again is first
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        amb_id = next(iter(first.by_id))
        await repos.ambassadors.update_fields(amb_id, {"topics": ["fintech", "edtech"]})
        changed = await repos.candidates.profiles()
    assert changed is not first
    assert changed.by_id[amb_id].topics == ("fintech", "edtech")
    assert amb_id in changed.topics["fintech"]
    # everyone else's entry is shared, not rebuilt
    assert all(changed.by_id[i] is p for i, p in first.by_id.items() if i != amb_id)
