"""AI calls, briefs and post drafts in the database: usage per local day and feature
(aggregated in SQL, the same on SQLite and PostgreSQL), draft versions, drafts of a
request across its assignments, and the brief columns on a story request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.dto import UsageRow
from storage.repositories import Repositories
from storage.repositories.ai import day_starts
from tests.factories import add_users, approved_ambassador, approved_startup, open_request

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


async def _call(
    repos: Repositories, when: datetime, feature: str, status: str = "ok", tokens: int = 10
) -> None:
    await repos.ai.record_call(
        feature=feature,
        prompt="brief",
        prompt_version="1",
        model="gpt-4o-mini",
        status=status,
        latency_ms=120,
        created_at=when,
        prompt_tokens=tokens if status == "ok" else None,
        completion_tokens=tokens // 2 if status == "ok" else None,
        user_id=42,
    )


async def test_usage_per_local_day_and_feature(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # 16:59 UTC is 23:59 in Ho Chi Minh City; 17:00 UTC is already the next local day.
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await _call(repos, datetime(2026, 3, 1, 16, 59, tzinfo=UTC), "brief", tokens=100)
        await _call(repos, datetime(2026, 3, 1, 17, 0, tzinfo=UTC), "brief", tokens=10)
        await _call(repos, datetime(2026, 3, 1, 18, 0, tzinfo=UTC), "brief", "timeout")
        await _call(repos, datetime(2026, 3, 1, 18, 0, tzinfo=UTC), "draft", "disabled")
        await _call(repos, datetime(2026, 3, 1, 19, 0, tzinfo=UTC), "draft", tokens=20)
        await _call(repos, datetime(2026, 2, 1, tzinfo=UTC), "brief")  # outside the window
    since = datetime(2026, 2, 24, 17, 0, tzinfo=UTC)  # 25/02 00:00 local
    async with sessionmaker() as s:
        rows = await Repositories.bind(s).ai.usage(since, NOW + timedelta(hours=1), HCM)
    assert rows == [
        UsageRow(date(2026, 3, 1), "brief", 1, 0, 0, 100, 50),
        UsageRow(date(2026, 3, 2), "brief", 2, 1, 0, 10, 5),
        UsageRow(date(2026, 3, 2), "draft", 1, 0, 1, 20, 10),
    ]
    async with sessionmaker() as s:
        utc_rows = await Repositories.bind(s).ai.usage(since, NOW + timedelta(hours=1))
    assert [(r.day, r.feature, r.calls) for r in utc_rows] == [
        (date(2026, 3, 1), "brief", 3),
        (date(2026, 3, 1), "draft", 1),
    ]


async def test_usage_refuses_bad_input(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        assert await repos.ai.usage(NOW - timedelta(days=7), NOW, HCM) == []
        with pytest.raises(ValueError, match="status"):
            await _call(repos, NOW, "brief", "exploded")
        with pytest.raises(ValueError, match="aware"):
            await repos.ai.usage(datetime(2026, 3, 1), NOW)


def test_day_starts_follow_the_zone() -> None:
    starts = day_starts(
        datetime(2026, 3, 1, 17, tzinfo=UTC), datetime(2026, 3, 3, 17, tzinfo=UTC), HCM
    )
    assert starts == [
        (date(2026, 3, 2), datetime(2026, 3, 1, 17, tzinfo=UTC)),
        (date(2026, 3, 3), datetime(2026, 3, 2, 17, tzinfo=UTC)),
    ]


async def test_drafts_versions_and_briefs(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, range(1, 4), NOW)
        startup = await approved_startup(repos, 1, company_name="Nông Sạch")
        request = await open_request(repos, startup, need="media")
        assignments = []
        for uid in (2, 3):
            amb = await approved_ambassador(repos, uid)
            offer = await repos.assignments.offer(
                request_id=request,
                ambassador_id=amb,
                score=1.0,
                reasons=[],
                offered_at=NOW,
                expires_at=NOW + timedelta(days=1),
            )
            assert offer is not None
            assignments.append((offer.id, amb))
        (first, first_amb), (second, second_amb) = assignments
        assert await repos.ai.latest_draft(first) is None
        d1 = await repos.ai.add_draft(
            first,
            platform="facebook",
            language="vi",
            angle="Nông dân",
            hook="Một buổi sáng…",
            text="<b>not html</b>",
            source="ai",
            prompt_version="1",
            created_at=NOW,
        )
        d2 = await repos.ai.add_draft(
            first,
            platform="facebook",
            language="vi",
            angle="Công nghệ",
            hook="Hook",
            text="Shorter",
            source="template",
        )
        d3 = await repos.ai.add_draft(
            second,
            platform="tiktok",
            language="en",
            angle="Investors",
            hook="Hook",
            text="Text",
            source="ai",
            prompt_version="1",
        )
        assert (d1.version, d2.version, d3.version) == (1, 2, 1)
        assert d1.created_at == NOW and d1.text == "<b>not html</b>"
        with pytest.raises(ValueError, match="source"):
            await repos.ai.add_draft(
                first, platform="x", language="vi", angle="a", hook="h", text="t", source="gpt"
            )
        await repos.ai.set_brief(
            request, {"title": "Tiêu đề", "key_messages": ["a"]}, source="ai", prompt_version="1"
        )
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        latest = await repos.ai.latest_draft(first)
        assert latest is not None and latest.id == d2.id and latest.prompt_version is None
        drafts = await repos.ai.drafts_for_request(request)
        assert [(d.id, d.request_id, d.ambassador_id) for d in drafts] == [
            (d1.id, request, first_amb),
            (d2.id, request, first_amb),
            (d3.id, request, second_amb),
        ]
        assert await repos.ai.drafts_for_request(request + 100) == []
        stored = await repos.requests.get(request)
        assert stored is not None
        assert stored.brief == {"title": "Tiêu đề", "key_messages": ["a"]}
        assert (stored.brief_source, stored.brief_prompt_version) == ("ai", "1")
    async with sessionmaker() as s, s.begin():
        await Repositories.bind(s).ai.set_brief(request, None, source=None)
    async with sessionmaker() as s:
        cleared = await Repositories.bind(s).requests.get(request)
        assert cleared is not None and cleared.brief is None and cleared.brief_source is None
