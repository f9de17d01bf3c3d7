"""Registration and review services, directly (no Telegram)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import load_settings
from bot.errors import Conflict, InvalidInput
from bot.services import Services
from bot.services.forms import next_field
from storage.dto import AmbassadorDTO
from storage.repositories import Repositories
from tests.conftest import FakeClock

UID = 7_000_000_001
ORG = 555


@pytest.fixture
async def services(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> AsyncIterator[Services]:
    async with sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        svc = Services.build(repos, load_settings(organizer_ids=(ORG,)), clock)
        await svc.users.accept_consent(user_id=UID, language="vi", first_name="An", username=None)
        yield svc


async def fill_startup(svc: Services) -> None:
    reg = svc.registration
    await reg.begin(UID, "startup")
    await reg.answer_text(UID, "startup", "company_name", "  Nông Trại Số  ")
    await reg.toggle(UID, "startup", "sectors", "agritech")
    await reg.pick(UID, "startup", "stage", "mvp")
    await reg.answer_text(UID, "startup", "province", "binh duong")
    await reg.skip(UID, "startup", "website")
    await reg.answer_text(UID, "startup", "description", "Cảm biến độ ẩm cho nông dân")
    await reg.answer_text(UID, "startup", "contact_name", "Trần An")
    await reg.answer_text(UID, "startup", "phone", "090 123 4567")
    await reg.answer_text(UID, "startup", "email", "an@nongtraiso.vn")
    await reg.toggle(UID, "startup", "needs", "funding")


async def test_startup_registration_saves_each_answer(services: Services) -> None:
    await fill_startup(services)
    profile = await services.registration.get(UID, "startup")
    assert profile.company_name == "Nông Trại Số"
    assert profile.province == "ho_chi_minh"  # Bình Dương merged into TP. HCM in 2025
    assert profile.phone == "+84901234567"
    assert "website" in profile.skipped
    assert next_field(profile, "startup") is None


async def test_fields_are_asked_in_order_and_resume_after_partial(services: Services) -> None:
    reg = services.registration
    profile = await reg.begin(UID, "startup")
    assert next_field(profile, "startup").name == "company_name"
    await reg.answer_text(UID, "startup", "company_name", "X")
    profile = await reg.get(UID, "startup")
    assert next_field(profile, "startup").name == "sectors"


async def test_one_role_per_person(services: Services) -> None:
    await services.registration.begin(UID, "startup")
    with pytest.raises(Conflict):
        await services.registration.begin(UID, "ambassador")


async def test_phone_and_email_cannot_both_be_skipped(services: Services) -> None:
    reg = services.registration
    await reg.begin(UID, "startup")
    await reg.skip(UID, "startup", "phone")
    with pytest.raises(InvalidInput) as exc:
        await reg.skip(UID, "startup", "email")
    assert exc.value.code == "error.cannot_skip"


async def test_invalid_answers_raise_with_keys(services: Services) -> None:
    reg = services.registration
    await reg.begin(UID, "startup")
    cases = {
        "phone": ("12345", "error.phone_invalid"),
        "email": ("not-an-email", "error.email_invalid"),
        "website": ("javascript:alert(1)", "error.url_scheme"),
        "description": ("x" * 1001, "error.text_too_long"),
        "province": ("Atlantis", "error.province_unknown"),
    }
    for field, (text, code) in cases.items():
        with pytest.raises(InvalidInput) as exc:
            await reg.answer_text(UID, "startup", field, text)
        assert exc.value.code == code, field


async def test_forged_taxonomy_codes_refused(services: Services) -> None:
    reg = services.registration
    await reg.begin(UID, "startup")
    with pytest.raises(InvalidInput):
        await reg.toggle(UID, "startup", "sectors", "'; DROP TABLE startups;--")
    with pytest.raises(InvalidInput):
        await reg.pick(UID, "startup", "stage", "unicorn")
    with pytest.raises(InvalidInput):
        await reg.toggle(UID, "startup", "stage", "mvp")  # stage is single choice


async def test_submit_requires_complete_profile(services: Services) -> None:
    await services.registration.begin(UID, "startup")
    with pytest.raises(InvalidInput) as exc:
        await services.registration.submit(UID, "startup")
    assert exc.value.code == "reg.error.incomplete"


async def test_submit_approve_and_edit_goes_back_to_review_only_for_key_fields(
    services: Services,
) -> None:
    await fill_startup(services)
    submitted = await services.registration.submit(UID, "startup")
    assert submitted.status == "pending"
    decision = await services.review.decide(
        actor_id=ORG, role="startup", profile_id=submitted.id, approve=True
    )
    assert decision.profile.status == "approved"
    with pytest.raises(Conflict):
        await services.review.decide(
            actor_id=ORG, role="startup", profile_id=submitted.id, approve=False, reason="late"
        )
    # Contact details apply at once...
    result = await services.registration.answer_text(UID, "startup", "phone", "0912345678")
    assert not result.back_to_review
    assert result.profile.status == "approved"
    # ...a new company name goes back to review.
    result = await services.registration.answer_text(
        UID, "startup", "company_name", "Nông Trại 4.0"
    )
    assert result.back_to_review
    assert result.profile.status == "pending"
    item = await services.review.get("startup", submitted.id)
    assert item.changed_fields == ("company_name",)
    history = await services.registration.repos.reviews.history("startup", submitted.id)
    assert [h.decision for h in history] == ["submitted", "approved", "resubmitted"]
    assert history[1].actor_id == ORG


async def test_reject_then_resubmit(services: Services) -> None:
    await fill_startup(services)
    profile = await services.registration.submit(UID, "startup")
    decision = await services.review.decide(
        actor_id=ORG, role="startup", profile_id=profile.id, approve=False, reason="Thiếu website"
    )
    assert decision.profile.status == "rejected"
    assert decision.profile.reject_reason == "Thiếu website"
    again = await services.registration.submit(UID, "startup")
    assert again.status == "pending"
    assert again.reject_reason is None


async def test_ambassador_channels(services: Services) -> None:
    reg = services.registration
    await reg.begin(UID, "ambassador")
    await reg.answer_text(UID, "ambassador", "display_name", "Lan Review")
    url = reg.check_channel_url("tiktok", "@lanreview")
    await reg.add_channel(UID, platform="tiktok", url=url, audience_text="12k")
    with pytest.raises(InvalidInput) as exc:
        await reg.add_channel(UID, platform="tiktok", url=url, audience_text="5")
    assert exc.value.code == "error.channel_duplicate"
    await reg.add_channel(UID, platform="tv", url=None, audience_text="1,2 triệu")
    profile = await reg.finish_channels(UID)
    assert isinstance(profile, AmbassadorDTO)
    assert [(c.platform, c.audience) for c in profile.channels] == [
        ("tiktok", 12_000),
        ("tv", 1_200_000),
    ]
    await reg.toggle(UID, "ambassador", "regions", "can_tho")
    await reg.toggle(UID, "ambassador", "regions", "nationwide")
    profile = await reg.get(UID, "ambassador")
    assert profile.regions == ("nationwide",)
    await reg.remove_channel(UID, profile.channels[0].id)
    profile = await reg.get(UID, "ambassador")
    assert len(profile.channels) == 1


async def test_invites_are_one_time(services: Services, clock: FakeClock) -> None:
    orgs = services.organizers
    invite = await orgs.create_invite(ORG)
    assert (await orgs.redeem(invite.payload, 1234)).value == "ok"
    assert await orgs.is_organizer(1234)
    assert (await orgs.redeem(invite.payload, 5678)).value == "invalid"
    assert not await orgs.is_organizer(5678)
    assert 1234 in await orgs.all_ids()


async def test_skipping_twice_stays_skipped_and_answering_unskips(services: Services) -> None:
    reg = services.registration
    await reg.begin(UID, "startup")
    await reg.skip(UID, "startup", "website")
    result = await reg.skip(UID, "startup", "website")
    assert "website" in result.profile.skipped
    result = await reg.answer_text(UID, "startup", "website", "example.vn")
    assert "website" not in result.profile.skipped
    assert result.profile.website == "https://example.vn"
    stored = await reg.get(UID, "startup")
    assert stored == result.profile  # the returned profile is what the database holds
