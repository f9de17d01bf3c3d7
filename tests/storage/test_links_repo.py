"""Published links in the database: one row per normalized URL (a duplicate insert
leaves the transaction usable), checks, newest-first pages with filters, and the
export walk that reads each link once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def _world(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Two startups with a request each; two ambassadors, each with a story of each."""
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, range(1, 5), NOW)
        startups = [await approved_startup(repos, uid, company_name=f"S{uid}") for uid in (1, 2)]
        requests = [await open_request(repos, sid, need="media") for sid in startups]
        ambassadors = [await approved_ambassador(repos, uid) for uid in (3, 4)]
        stories = {}
        for amb in ambassadors:
            for req in requests:
                offer = await repos.assignments.offer(
                    request_id=req,
                    ambassador_id=amb,
                    score=1.0,
                    reasons=[],
                    offered_at=NOW,
                    expires_at=NOW + timedelta(days=1),
                )
                assert offer is not None
                stories[(amb, req)] = offer.id
    return {
        "startups": startups,
        "requests": requests,
        "ambassadors": ambassadors,
        "stories": stories,
    }


def _values(world: dict[str, Any], amb: int, n: int, url: str, when: datetime) -> dict[str, Any]:
    req = world["requests"][n]
    return {
        "assignment_id": world["stories"][(amb, req)],
        "request_id": req,
        "startup_id": world["startups"][n],
        "ambassador_id": amb,
        "submitted_by": 3,
        "platform": "web",
        "original_url": url + "?utm_source=x",
        "normalized_url": url,
        "sponsored": False,
        "late": False,
        "submitted_at": when,
    }


async def test_add_refuses_a_duplicate_and_the_transaction_goes_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    amb, other = world["ambassadors"]
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        first = await repos.links.add(**_values(world, amb, 0, "https://a.vn/x", NOW))
        assert first is not None and first.original_url == "https://a.vn/x?utm_source=x"
        assert await repos.links.add(**_values(world, other, 1, "https://a.vn/x", NOW)) is None
        second = await repos.links.add(**_values(world, other, 1, "https://a.vn/y", NOW))
        assert second is not None
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        assert await repos.links.count() == 2
        found = await repos.links.by_normalized("https://a.vn/x")
        assert found is not None and found.ambassador_id == amb and found.submitted_at == NOW
        many = await repos.links.by_normalized_many(["https://a.vn/x", "https://a.vn/z"])
        assert list(many) == ["https://a.vn/x"]
        assert [link.id for link in await repos.links.for_assignment(first.assignment_id)] == [
            first.id
        ]


async def test_two_inserts_of_one_url_at_once_give_one_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    world = await _world(sessionmaker)
    amb, other = world["ambassadors"]
    start = asyncio.Event()

    async def insert(who: int, n: int) -> bool:
        await start.wait()
        async with sessionmaker() as s, s.begin():
            link = await Repositories.bind(s).links.add(
                **_values(world, who, n, "https://race.vn/p", NOW)
            )
            await asyncio.sleep(0.05)  # hold the transaction: the other insert must wait
            return link is not None

    tasks = [asyncio.create_task(insert(amb, 0)), asyncio.create_task(insert(other, 1))]
    start.set()
    assert sorted(await asyncio.gather(*tasks)) == [False, True]
    async with sessionmaker() as s:
        assert await Repositories.bind(s).links.count() == 1


async def test_record_check_and_delete(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await _world(sessionmaker)
    amb = world["ambassadors"][0]
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        link = await repos.links.add(**_values(world, amb, 0, "https://a.vn/x", NOW))
        assert link is not None
        with pytest.raises(ValueError, match="not check fields"):
            await repos.links.record_check(link.id, {"normalized_url": "https://evil.vn"})
        assert await repos.links.record_check(
            link.id,
            {
                "check_status": 404,
                "check_error": None,
                "title": "Không tìm thấy",
                "checked_at": NOW,
            },
        )
        checked = await repos.links.get(link.id)
        assert checked is not None and checked.check_status == 404
        assert checked.title == "Không tìm thấy" and checked.checked_at == NOW
        assert await repos.links.delete(link.id)
        assert not await repos.links.record_check(link.id, {"check_status": 200})
        assert await repos.links.get(link.id) is None


async def test_recent_pages_and_filters(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await _world(sessionmaker)
    amb, other = world["ambassadors"]
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for i in range(6):
            who, n = (amb, 0) if i % 2 == 0 else (other, 1)
            when = NOW + timedelta(minutes=i)
            assert await repos.links.add(**_values(world, who, n, f"https://a.vn/{i}", when))
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        first = await repos.links.recent(limit=4)
        assert [link.normalized_url[-1] for link in first] == ["5", "4", "3", "2"]
        rest = await repos.links.recent(limit=4, offset=4)
        assert [link.normalized_url[-1] for link in rest] == ["1", "0"]
        startup = await repos.links.recent(startup_id=world["startups"][0])
        assert [link.normalized_url[-1] for link in startup] == ["4", "2", "0"]
        by_other = await repos.links.recent(ambassador_id=other)
        assert [link.normalized_url[-1] for link in by_other] == ["5", "3", "1"]
        assert await repos.links.recent(startup_id=world["startups"][0], ambassador_id=other) == []
        assert await repos.links.count(ambassador_id=other) == 3


async def test_between_walks_a_period_by_id(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    world = await _world(sessionmaker)
    amb = world["ambassadors"][0]
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for day in range(5):
            when = NOW + timedelta(days=day)
            assert await repos.links.add(**_values(world, amb, 0, f"https://a.vn/{day}", when))
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        start, end = NOW + timedelta(days=1), NOW + timedelta(days=3)
        seen: list[str] = []
        after = 0
        while True:
            batch = await repos.links.between(start, end, after_id=after, limit=2)
            seen += [link.normalized_url for link in batch]
            if len(batch) < 2:
                break
            after = batch[-1].id
        assert seen == ["https://a.vn/1", "https://a.vn/2", "https://a.vn/3"]  # end included
        everything = await repos.links.between(None, None)
        assert len(everything) == 5
