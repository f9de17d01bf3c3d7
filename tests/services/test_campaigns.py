"""Campaigns: names (length, unique whatever the case), typed dates, one active at a
time, new pitches take the active campaign, moving requests between campaigns."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, InvalidInput, NotFound
from bot.services.campaigns import CampaignService, clean_name, parse_dates
from bot.services.pitches import PitchService
from storage.models import Campaign
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_startup, open_request

ORG, FOUNDER = 10, 1
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def service(session: AsyncSession, clock: FakeClock) -> CampaignService:
    return CampaignService(Repositories.bind(session), clock)


def test_names_and_dates() -> None:
    assert clean_name("  Techfest   Vietnam 2025 ") == "Techfest Vietnam 2025"
    assert len(clean_name("x" * 120)) == 120
    for bad in ("", "   ", "x" * 121):
        with pytest.raises(InvalidInput) as err:
            clean_name(bad)
        assert err.value.code == "campaign.error.name_length"
    assert parse_dates("01/03/2026 - 31/03/2026") == (date(2026, 3, 1), date(2026, 3, 31))
    assert parse_dates("1.3.2026–1.3.2026") == (date(2026, 3, 1), date(2026, 3, 1))
    assert parse_dates("01-03-2026 đến 02-04-2026") == (date(2026, 3, 1), date(2026, 4, 2))
    for bad in ("01/03/2026", "31/02/2026 - 01/03/2026", "March 2026", "01/03/26 - 02/03/26"):
        with pytest.raises(InvalidInput) as err:
            parse_dates(bad)
        assert err.value.code == "campaign.error.dates_format"
    with pytest.raises(InvalidInput) as err:
        parse_dates("31/03/2026 - 01/03/2026")
    assert err.value.code == "campaign.error.dates_order"


async def test_create_unique_name_and_one_active(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        campaigns = service(s, clock)
        tf = await campaigns.create("Techfest Vietnam 2025", "01/03/2026 - 31/03/2026", ORG)
        assert (tf.name, tf.starts_on, tf.ends_on) == (
            "Techfest Vietnam 2025",
            date(2026, 3, 1),
            date(2026, 3, 31),
        )
        assert not tf.active and tf.created_by == ORG and tf.created_at == clock()
        with pytest.raises(Conflict) as err:
            await campaigns.create("techfest  VIETNAM 2025", "01/04/2026 - 30/04/2026", ORG)
        assert err.value.code == "campaign.error.name_taken"
        with pytest.raises(InvalidInput):
            await campaigns.create("Other", "30/04/2026 - 01/04/2026", ORG)
        other = await campaigns.create("Đà Nẵng Innovation", "01/04/2026 - 30/04/2026", ORG)
        assert await campaigns.active() is None

        assert (await campaigns.activate(tf.id)).active
        assert (await campaigns.activate(other.id)).active
        listed = await campaigns.all()
        assert [(c.id, c.active) for c in listed] == [(other.id, True), (tf.id, False)]
        assert (await campaigns.active()) == listed[0]
        assert (await campaigns.activate(other.id)).active  # again: still the one
        assert not (await campaigns.deactivate(other.id)).active
        assert await campaigns.active() is None
        for call in (campaigns.activate, campaigns.deactivate, campaigns.get):
            with pytest.raises(NotFound):
                await call(999)


async def test_the_database_allows_one_active_campaign(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    kw = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 1, 2), "now": clock()}
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        a = await repos.campaigns.create(name="A", created_by=None, **kw)  # type: ignore[arg-type]
        b = await repos.campaigns.create(name="B", created_by=None, **kw)  # type: ignore[arg-type]
        assert a and b
        taken = await repos.campaigns.create(name="A", created_by=None, **kw)  # type: ignore[arg-type]
        assert taken is None  # the savepoint keeps the transaction usable
        await repos.campaigns.activate(a.id)
    second_active = update(Campaign).where(Campaign.id == b.id).values(active=True)
    async with sessionmaker() as s:
        with pytest.raises(IntegrityError):
            await s.execute(second_active)
        await s.rollback()


async def test_new_pitches_take_the_active_campaign_and_requests_move(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [FOUNDER], clock())
        startup = await approved_startup(repos, FOUNDER, company_name="Nông Trại Số")
        campaigns = service(s, clock)
        pitches = PitchService(repos, clock, tz=VN)
        before = await pitches.begin(FOUNDER)
        assert before.request.campaign_id is None
        await repos.requests.transition(
            before.request.id, from_statuses=["draft"], to_status="open"
        )

        tf = await campaigns.create("Techfest", "01/03/2026 - 31/03/2026", ORG)
        await campaigns.activate(tf.id)
        during = await pitches.begin(FOUNDER)
        assert during.request.campaign_id == tf.id
        assert (await pitches.begin(FOUNDER)).request.id == during.request.id  # same draft

        other = await campaigns.create("Other", "01/04/2026 - 30/04/2026", ORG)
        moved = await campaigns.move_request(before.request.id, other.id)
        assert moved.request.campaign_id == other.id and moved.campaign == other
        again = await campaigns.move_request(before.request.id, None)
        assert again.request.campaign_id is None and again.campaign is None
        assert (await campaigns.request(before.request.id)).id == before.request.id
        with pytest.raises(NotFound):  # a draft is the startup's own
            await campaigns.move_request(during.request.id, other.id)
        with pytest.raises(NotFound):
            await campaigns.move_request(999, other.id)
        with pytest.raises(NotFound):
            await campaigns.move_request(before.request.id, 999)
        request_id = await open_request(repos, startup, need="media")
        assert (await campaigns.move_request(request_id, tf.id)).request.campaign_id == tf.id
