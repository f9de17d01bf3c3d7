"""Story requests and assignments in the database: offers, compare-and-set, the last slot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories
from tests.factories import add_users, open_request

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def _world(
    sessionmaker: async_sessionmaker[AsyncSession], ambassadors: int, wanted: int
) -> tuple[int, list[int]]:
    """An open request wanting ``wanted`` stories and ``ambassadors`` approved ambassadors."""
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, (8_000_000_000 + uid for uid in range(1, ambassadors + 2)), NOW)
        startup = await repos.startups.create_draft(8_000_000_001)
        request_id = await open_request(
            repos, startup.id, need="funding", story="Cảm biến", wanted=wanted, regions=["can_tho"]
        )
        ids = []
        for uid in range(2, ambassadors + 2):
            amb = await repos.ambassadors.create_draft(8_000_000_000 + uid)
            ids.append(amb.id)
    return request_id, ids


async def test_request_roundtrip(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    request_id, _ = await _world(sessionmaker, 0, 2)
    deadline = NOW + timedelta(days=7)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await repos.requests.update_fields(
            request_id, {"languages": ("vi", "en"), "deadline": deadline}
        )
        request = await repos.requests.get(request_id)
    assert request is not None
    assert request.status == "open"
    assert request.languages == ("vi", "en")
    assert request.regions == ("can_tho",)
    assert request.deadline == deadline
    assert request.wanted == 2 and request.accepted == 0


async def test_an_ambassador_is_offered_a_request_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    request_id, (amb,) = await _world(sessionmaker, 1, 1)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        offer = {
            "request_id": request_id,
            "ambassador_id": amb,
            "score": 7.25,
            "reasons": [["sector", ["agritech"]], ["region", ["can_tho"]]],
            "offered_at": NOW,
            "expires_at": NOW + timedelta(hours=24),
        }
        first = await repos.assignments.offer(**offer)  # type: ignore[arg-type]
        again = await repos.assignments.offer(**offer)  # type: ignore[arg-type]
        # the refused insert did not spoil the transaction
        assert await repos.assignments.offered_ambassadors(request_id) == {amb}
    assert first is not None and again is None
    assert first.reasons == (("sector", ("agritech",)), ("region", ("can_tho",)))
    assert first.status == "offered" and first.score == 7.25
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        assert [a.id for a in await repos.assignments.expired_offers(NOW)] == []
        due = await repos.assignments.expired_offers(NOW + timedelta(hours=24))
        assert [a.id for a in due] == [first.id]


async def test_two_accepts_for_the_last_slot_one_wins(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    request_id, ambassadors = await _world(sessionmaker, 2, 1)
    offers = []
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for amb in ambassadors:
            dto = await repos.assignments.offer(
                request_id=request_id,
                ambassador_id=amb,
                score=1.0,
                reasons=[],
                offered_at=NOW,
                expires_at=NOW + timedelta(hours=24),
            )
            assert dto is not None
            offers.append(dto.id)

    async def accept(assignment_id: int) -> bool:
        async with sessionmaker() as s, s.begin():
            repos = Repositories.bind(s)
            # On PostgreSQL both read a free slot; the conditional UPDATE decides.
            await repos.requests.get(request_id)
            if not await repos.requests.take_slot(request_id):
                return False
            assert await repos.assignments.transition(
                assignment_id, from_statuses=["offered"], to_status="accepted"
            )
            await asyncio.sleep(0.05)  # hold the transaction open while the other tries
            return True

    results = await asyncio.gather(*(accept(a) for a in offers))
    assert sorted(results) == [False, True]
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        request = await repos.requests.get(request_id)
        statuses = sorted(a.status for a in await repos.assignments.for_request(request_id))
    assert request is not None and request.accepted == 1
    assert statuses == ["accepted", "offered"]


async def test_candidate_facts(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Only approved, unpaused ambassadors, with channels and assignment counts."""
    request_id, (a1, a2, a3) = await _world(sessionmaker, 3, 3)
    month_start = NOW - timedelta(days=1)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        request = await repos.requests.get(request_id)
        assert request is not None
        await repos.requests.update_fields(request_id, {"deadline": NOW + timedelta(days=3)})
        for amb in (a1, a2):
            assert await repos.ambassadors.transition(
                amb, from_statuses=["draft"], to_status="approved"
            )
        await repos.ambassadors.update_fields(
            a1, {"topics": ["agritech"], "regions": ["can_tho"], "languages": ["vi"]}
        )
        await repos.ambassadors.update_fields(a2, {"paused": True})
        await repos.ambassadors.add_channel(a1, platform="tiktok", url=None, audience=12_000)
        await repos.ambassadors.add_channel(a1, platform="youtube", url=None, audience=800)
        # a1: one story accepted and published on time, one offer still open
        published = await repos.assignments.offer(
            request_id=request_id,
            ambassador_id=a1,
            score=1,
            reasons=[],
            offered_at=NOW,
            expires_at=NOW + timedelta(hours=24),
        )
        assert published is not None
        assert await repos.assignments.transition(
            published.id,
            from_statuses=["offered"],
            to_status="published",
            values={"answered_at": NOW, "published_at": NOW + timedelta(days=1)},
        )
        facts = await repos.candidates.available(
            startup_id=request.startup_id,
            month_start=month_start,
            fairness_since=NOW - timedelta(days=30),
        )
    assert [f.ambassador_id for f in facts] == [a1]  # a2 paused, a3 not approved
    (f,) = facts
    assert f.topics == ("agritech",) and f.regions == ("can_tho",) and f.languages == ("vi",)
    assert f.channels == (("tiktok", 12_000), ("youtube", 800))
    assert (f.taken_this_month, f.accepted_due, f.published_on_time) == (1, 1, 1)
    assert (f.open_load, f.recent_offers, f.recent_same_startup) == (0, 1, 1)
    assert a3 not in {x.ambassador_id for x in facts}
