"""The candidate cache: always what a fresh read of the database gives.

Whatever changes (profiles, statuses, channels added and removed, assignments
answered, deadlines moved, accounts deleted; committed, or seen and rolled back),
the snapshot ``profiles()`` hands out equals one built from scratch, and
``facts_for`` equals the straightforward ``available`` for the same ambassadors.
(Deleted channels and ambassadors may linger in the cache: they only make it look
at someone more, never less; ``facts_for`` reads the database.)
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Ambassador
from storage.repositories import Repositories
from storage.repositories import candidates as cache
from tests.services.test_matching_fast_path import NOW, mutate, seed_world


def _within(part: tuple[object, ...], whole: tuple[object, ...]) -> bool:
    """``part`` is ``whole`` with some items left out (order kept)."""
    items = iter(whole)
    return all(any(x == y for y in items) for x in part)


async def _coherent(s: AsyncSession, rng: random.Random) -> None:
    repo = Repositories.bind(s).candidates
    profiles = await repo.profiles()
    fresh = (await cache._load_all(s, datetime.now(UTC))).profiles
    # Deleted ambassadors and channels may linger (the cache looks at them once more
    # than needed); everything else is as read from scratch.
    exists = set(
        (await s.execute(select(Ambassador.__table__.c.id))).scalars()  # type: ignore[attr-defined]
    )
    assert set(profiles.by_id) - set(fresh.by_id) <= set(profiles.by_id) - exists
    for amb_id, now in fresh.by_id.items():
        cached = profiles.by_id[amb_id]
        assert replace(cached, channels=now.channels) == now
        assert _within(now.channels, cached.channels)
    for kind in ("topics", "regions", "languages", "platforms"):
        cached_index, fresh_index = getattr(profiles, kind), getattr(fresh, kind)
        for code, members in fresh_index.items():
            assert members <= cached_index[code], (kind, code)
        for code, members in cached_index.items():
            extra = members - fresh_index.get(code, frozenset())
            assert kind == "platforms" or extra <= set(profiles.by_id) - exists, (kind, code)
    windows = {
        "startup_id": rng.randint(1, 4),
        "month_start": NOW - timedelta(days=14),
        "fairness_since": NOW - timedelta(days=30),
    }
    everyone = {f.ambassador_id: f for f in await repo.available(**windows)}
    some = rng.sample(sorted(everyone), min(len(everyone), 25))
    assert await repo.facts_for(some, **windows) == [everyone[i] for i in sorted(some)]
    # the cache leaves out only those who could not be offered anything: no capacity
    assert {i for i, f in everyone.items() if f.capacity} == set(fresh.by_id)
    # and holds their all-time counts
    for amb_id in fresh.by_id:
        cached, facts = profiles.by_id[amb_id], everyone[amb_id]
        assert (cached.accepted_due, cached.published_on_time, cached.open_load) == (
            facts.accepted_due,
            facts.published_on_time,
            facts.open_load,
        )


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
