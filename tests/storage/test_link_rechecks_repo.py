"""Claiming links due a re-check: only those due, each by one claimer (its
``next_check_at`` moves to the end of the lease, so it is due again if the claimer
died), and on PostgreSQL two claimers at once get disjoint links without waiting."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories
from tests.conftest import TEST_START
from tests.storage.test_links_repo import _values, _world

NOW = TEST_START
LEASE_END = NOW + timedelta(minutes=15)


async def add_links(
    sessionmaker: async_sessionmaker[AsyncSession], n: int, *, due: datetime | None
) -> list[int]:
    """``n`` links (a different site each) of one story, due a check at ``due``."""
    world = await _world(sessionmaker)
    amb = world["ambassadors"][0]
    ids = []
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for i in range(n):
            link = await repos.links.add(**_values(world, amb, 0, f"https://s{i}.vn/x", NOW))
            assert link is not None
            await repos.links.schedule(link.id, next_check_at=due, failures=0, told=False)
            ids.append(link.id)
    return ids


async def claim(
    sessionmaker: async_sessionmaker[AsyncSession], limit: int = 50, now: datetime = NOW
) -> list[int]:
    async with sessionmaker() as s, s.begin():
        rows = await Repositories.bind(s).links.claim_due(
            now=now, lease_until=now + timedelta(minutes=15), limit=limit
        )
        return [r.link.id for r in rows]


async def test_only_due_links_are_claimed_and_only_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    due = await add_links(sessionmaker, 3, due=NOW - timedelta(hours=1))
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        later, never, exactly_now = due
        await repos.links.schedule(
            later, next_check_at=NOW + timedelta(seconds=1), failures=1, told=True
        )
        await repos.links.schedule(never, next_check_at=None, failures=4, told=True)
        await repos.links.schedule(exactly_now, next_check_at=NOW, failures=0, told=False)
    assert await claim(sessionmaker) == [exactly_now]
    assert await claim(sessionmaker) == []  # claimed: not again
    async with sessionmaker() as s:
        state = await Repositories.bind(s).links.recheck_state(exactly_now)
    assert state is not None and state.next_check_at == LEASE_END
    assert state.failures == 0 and not state.told  # the claim changes nothing else
    # A claimer that died: the link is due again when the lease ends (with the other).
    assert sorted(await claim(sessionmaker, now=LEASE_END)) == [later, exactly_now]


async def test_the_limit_is_kept_and_the_longest_waiting_go_first(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await add_links(sessionmaker, 4, due=NOW)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for n, link_id in enumerate(ids):
            when = NOW - timedelta(hours=n)
            await repos.links.schedule(link_id, next_check_at=when, failures=0, told=False)
    assert sorted(await claim(sessionmaker, limit=2)) == sorted(ids[2:])
    assert sorted(await claim(sessionmaker, limit=2)) == sorted(ids[:2])


async def test_two_claimers_at_once_share_the_links(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await add_links(sessionmaker, 30, due=NOW - timedelta(minutes=1))

    async def claimer() -> list[int]:
        async with sessionmaker() as s, s.begin():
            rows = await Repositories.bind(s).links.claim_due(
                now=NOW, lease_until=LEASE_END, limit=20
            )
            await asyncio.sleep(0)
            return [r.link.id for r in rows]

    first, second = await asyncio.gather(claimer(), claimer())
    assert not set(first) & set(second)
    assert sorted(first + second) == ids
    assert max(len(first), len(second)) == 20


async def test_on_postgresql_a_claimer_skips_the_rows_another_holds(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """While the first claimer's transaction is open, the second one neither waits
    for it nor takes its links (FOR UPDATE SKIP LOCKED)."""
    if sessionmaker.kw["bind"].dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the second claimer waits")
    ids = await add_links(sessionmaker, 6, due=NOW - timedelta(minutes=1))
    async with sessionmaker() as holding, holding.begin():
        held = await Repositories.bind(holding).links.claim_due(
            now=NOW, lease_until=LEASE_END, limit=4
        )
        # the second claimer would block here if the held rows were locked for it
        other = await asyncio.wait_for(claim(sessionmaker), timeout=10)
    assert len(held) == 4
    assert sorted([r.link.id for r in held] + other) == ids
