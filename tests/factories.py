"""Building test data through the repositories (one place, so tests read as their story)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from storage.repositories import Repositories


async def add_users(repos: Repositories, user_ids: Iterable[int], when: datetime) -> None:
    """People who accepted the personal-data notice (Vietnamese speakers)."""
    for user_id in user_ids:
        await repos.users.create(
            user_id=user_id,
            language="vi",
            first_name=None,
            username=None,
            consent_version="v1",
            consented_at=when,
        )


async def approved_ambassador(repos: Repositories, user_id: int, **fields: Any) -> int:
    """An approved ambassador profile with ``fields`` set; returns its id."""
    ambassador = await repos.ambassadors.create_draft(user_id)
    if fields:
        await repos.ambassadors.update_fields(ambassador.id, fields)
    assert await repos.ambassadors.transition(
        ambassador.id, from_statuses=["draft"], to_status="approved"
    )
    return ambassador.id


async def open_request(repos: Repositories, startup_id: int, **fields: Any) -> int:
    """A story request open for matching; returns its id."""
    request = await repos.requests.create_draft(startup_id, **fields)
    assert await repos.requests.transition(request.id, from_statuses=["draft"], to_status="open")
    return request.id


async def approved_startup(repos: Repositories, user_id: int, **fields: Any) -> int:
    """An approved startup profile with ``fields`` set; returns its id."""
    startup = await repos.startups.create_draft(user_id)
    if fields:
        await repos.startups.update_fields(startup.id, fields)
    assert await repos.startups.transition(
        startup.id, from_statuses=["draft"], to_status="approved"
    )
    return startup.id


async def add_channels(repos: Repositories, ambassador_id: int, *channels: tuple[str, int]) -> None:
    for n, (platform, audience) in enumerate(channels):
        url = f"https://{platform}.example/{ambassador_id}-{n}"
        await repos.ambassadors.add_channel(
            ambassador_id, platform=platform, url=url, audience=audience
        )
