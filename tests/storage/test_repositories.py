from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.repositories import Repositories

BIG_ID = 8_000_000_000_123  # Telegram ids exceed 32 bits


async def test_user_roundtrip_keeps_64bit_id_and_utc(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await repos.users.create(
            user_id=BIG_ID,
            language="vi",
            first_name="Lan",
            username="lan",
            consent_version="v1",
            consented_at=when,
        )
    async with sessionmaker() as s:
        user = await Repositories.bind(s).users.get(BIG_ID)
    assert user is not None
    assert user.id == BIG_ID
    assert user.consented_at == when
    assert user.consented_at.tzinfo is not None


async def test_status_transition_is_compare_and_set(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await repos.users.create(
            user_id=1,
            language="en",
            first_name=None,
            username=None,
            consent_version="v1",
            consented_at=datetime.now(UTC),
        )
        draft = await repos.startups.create_draft(1)
        await repos.startups.update_fields(
            draft.id, {"company_name": "Nông Trại Số", "sectors": ["agritech"]}
        )
        assert await repos.startups.transition(
            draft.id, from_statuses=("draft",), to_status="pending"
        )
        # A second, concurrent decision finds the status already changed.
        assert not await repos.startups.transition(
            draft.id, from_statuses=("draft",), to_status="pending"
        )
        profile = await repos.startups.get(draft.id)
    assert profile is not None
    assert profile.status == "pending"
    assert profile.sectors == ("agritech",)
    assert profile.company_name == "Nông Trại Số"


async def test_invite_can_be_claimed_once_and_not_after_expiry(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await repos.organizers.create_invite(
            "abc", created_by=1, expires_at=now + timedelta(hours=1)
        )
        await repos.organizers.create_invite(
            "old", created_by=1, expires_at=now - timedelta(hours=1)
        )
        assert await repos.organizers.claim_invite("abc", user_id=2, now=now)
        assert not await repos.organizers.claim_invite("abc", user_id=3, now=now)
        assert not await repos.organizers.claim_invite("old", user_id=3, now=now)
        assert not await repos.organizers.claim_invite("nope", user_id=3, now=now)
