"""Story requests and assignments in the database: offers, compare-and-set, the last slot."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


async def _world(
    sessionmaker: async_sessionmaker[AsyncSession], ambassadors: int, wanted: int
) -> tuple[int, list[int]]:
    """An open request wanting ``wanted`` stories and ``ambassadors`` approved ambassadors."""
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        for uid in range(1, ambassadors + 2):
            await repos.users.create(
                user_id=8_000_000_000 + uid,
                language="vi",
                first_name=None,
                username=None,
                consent_version="v1",
                consented_at=NOW,
            )
        startup = await repos.startups.create_draft(8_000_000_001)
        request = await repos.requests.create_draft(
            startup.id, need="funding", story="Cảm biến", wanted=wanted, regions=["can_tho"]
        )
        assert await repos.requests.transition(
            request.id, from_statuses=["draft"], to_status="open"
        )
        ids = []
        for uid in range(2, ambassadors + 2):
            amb = await repos.ambassadors.create_draft(8_000_000_000 + uid)
            ids.append(amb.id)
    return request.id, ids


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
