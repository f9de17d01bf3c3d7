"""Pitches (the service, without Telegram): who may pitch, the form walk, defaults,
validation, submit with and without review, and organizers' decisions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.provinces import NATIONWIDE
from bot.services.pitches import PITCH_FORM, PitchService, next_pitch_field, parse_wanted
from storage.dto import StoryRequestDTO
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_startup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FOUNDER, OTHER = 11, 12


def service(repos: Repositories, clock: FakeClock, *, review: bool = False) -> PitchService:
    return PitchService(repos, clock, tz=VN, review=review)


async def founders(repos: Repositories, clock: FakeClock) -> None:
    await add_users(repos, [FOUNDER, OTHER], clock())
    await approved_startup(repos, FOUNDER, province="can_tho", needs=["media", "funding"])


@asynccontextmanager
async def pitching(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, *, review: bool = False
) -> AsyncIterator[tuple[Repositories, PitchService]]:
    """One transaction with the founders in place, and the pitch service on it."""
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await founders(repos, clock)
        yield repos, service(repos, clock, review=review)


async def new_draft(pitches: PitchService) -> int:
    """The id of the founder's draft request (a new one if none is being written)."""
    return (await pitches.begin(FOUNDER)).request.id


async def complete(pitches: PitchService, request_id: int) -> None:
    """Answer every question of the form through the service."""
    await pitches.pick(FOUNDER, request_id, "need", "media")
    await pitches.answer_text(FOUNDER, request_id, "story", "Một câu chuyện.")
    await pitches.toggle(FOUNDER, request_id, "audiences", "investors")
    await pitches.finish_multi(FOUNDER, request_id, "platforms")  # none: skipped
    await pitches.toggle(FOUNDER, request_id, "languages", "vi")
    await pitches.pick(FOUNDER, request_id, "deadline", "7")
    await pitches.pick(FOUNDER, request_id, "wanted", "3")


async def test_only_approved_startups_pitch(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with pitching(sessionmaker, clock) as (repos, pitches):
        with pytest.raises(NotAllowed) as no_profile:
            await pitches.begin(OTHER)
        assert no_profile.value.code == "pitch.error.not_startup"
        await repos.startups.create_draft(OTHER)
        with pytest.raises(NotAllowed) as draft:
            await pitches.begin(OTHER)
        assert draft.value.code == "pitch.error.not_approved"


async def test_draft_defaults_resume_and_ownership(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with pitching(sessionmaker, clock) as (repos, pitches):
        first = await pitches.begin(FOUNDER)
        assert first.request.regions == ("can_tho", NATIONWIDE)
        assert next_pitch_field(first.request) == PITCH_FORM[0]
        again = await pitches.begin(FOUNDER)  # resumes the same draft
        assert again.request.id == first.request.id
        await approved_startup(repos, OTHER)
        with pytest.raises(NotAllowed):  # someone else's draft id
            await pitches.pick(OTHER, first.request.id, "need", "media")


async def test_regions_are_confirmed_even_when_prefilled() -> None:
    request = StoryRequestDTO(id=1, startup_id=1, status="draft", need="media", story="x")
    walked = [f.name for f in PITCH_FORM]
    assert next_pitch_field(request, after="story").name == "audiences"
    done = StoryRequestDTO(
        id=1,
        startup_id=1,
        status="draft",
        need="media",
        story="x",
        audiences=("investors",),
        skipped=("platforms",),
        regions=("can_tho",),
    )
    assert next_pitch_field(done, after="platforms").name == "regions"  # asked anyway
    assert next_pitch_field(done, after="regions").name == "languages"
    assert next_pitch_field(done).name == "languages"  # resuming: first unanswered
    assert walked.index("regions") < walked.index("languages")


async def test_answers_are_validated(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with pitching(sessionmaker, clock) as (_, pitches):
        rid = await new_draft(pitches)
        with pytest.raises(InvalidInput):  # not one of the startup's needs
            await pitches.pick(FOUNDER, rid, "need", "talent")
        with pytest.raises(InvalidInput):
            await pitches.answer_text(FOUNDER, rid, "story", "x" * 2001)
        with pytest.raises(InvalidInput) as past:
            await pitches.answer_text(FOUNDER, rid, "deadline", "01/01/2026")
        assert past.value.code == "error.deadline_past"
        with pytest.raises(InvalidInput) as far:
            await pitches.pick(FOUNDER, rid, "deadline", "91")  # not a preset
        assert far.value.code == "error.stale_button"
        with pytest.raises(InvalidInput):
            await pitches.toggle(FOUNDER, rid, "audiences", "martians")
        with pytest.raises(InvalidInput) as empty:
            await pitches.finish_multi(FOUNDER, rid, "audiences")
        assert empty.value.code == "error.pick_at_least_one"
        with pytest.raises(InvalidInput):
            await pitches.skip(FOUNDER, rid, "story")
        typed = await pitches.answer_text(FOUNDER, rid, "deadline", "9/3/2026")
        # end of that day in Vietnam, stored in UTC
        assert typed.request.deadline == datetime(2026, 3, 9, 16, 59, 59, tzinfo=UTC)
        region = await pitches.answer_text(FOUNDER, rid, "regions", "ha noi")
        assert region.request.regions[-1] == "ha_noi"


@pytest.mark.parametrize(
    ("text", "ok"),
    [("1", True), ("10", True), ("0", False), ("11", False), ("two", False), (" 3 ", True)],
)
def test_wanted_is_1_to_10(text: str, ok: bool) -> None:
    if ok:
        assert 1 <= parse_wanted(text) <= 10
    else:
        with pytest.raises(InvalidInput):
            parse_wanted(text)


async def test_submit_opens_or_goes_to_review(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with pitching(sessionmaker, clock) as (repos, pitches):
        rid = await new_draft(pitches)
        with pytest.raises(InvalidInput) as incomplete:
            await pitches.submit(FOUNDER, rid)
        assert incomplete.value.code == "pitch.error.incomplete"
        await complete(pitches, rid)
        opened = await pitches.submit(FOUNDER, rid)
        assert opened.request.status == "open" and opened.request.skipped == ("platforms",)
        with pytest.raises(Conflict):  # no second submit, no edits after submitting
            await pitches.submit(FOUNDER, rid)
        with pytest.raises(Conflict):
            await pitches.pick(FOUNDER, rid, "wanted", "2")

        reviewed = service(repos, clock, review=True)
        second = await new_draft(reviewed)
        assert second != rid
        await complete(reviewed, second)
        pending = await reviewed.submit(FOUNDER, second)
        assert pending.request.status == "pending"
        decided = await reviewed.decide(actor_id=99, request_id=second, approve=True)
        assert decided.request.status == "open" and decided.request.decided_by == 99
        with pytest.raises(Conflict):
            await reviewed.decide(actor_id=98, request_id=second, approve=False, reason="x")


async def test_stale_deadline_is_refused_at_submit_and_approval(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with pitching(sessionmaker, clock, review=True) as (_, reviewed):
        rid = await new_draft(reviewed)
        await complete(reviewed, rid)
        clock.advance(timedelta(days=8))  # the draft waited past its deadline
        with pytest.raises(InvalidInput) as late:
            await reviewed.submit(FOUNDER, rid)
        assert late.value.code == "error.deadline_past"
        await reviewed.pick(FOUNDER, rid, "deadline", "3")
        await reviewed.submit(FOUNDER, rid)
        clock.advance(timedelta(days=4))
        with pytest.raises(Conflict) as passed:
            await reviewed.decide(actor_id=99, request_id=rid, approve=True)
        assert passed.value.code == "pitch.error.deadline_passed"
        rejected = await reviewed.decide(actor_id=99, request_id=rid, approve=False, reason="cũ")
        assert rejected.request.status == "rejected" and rejected.request.reject_reason == "cũ"


async def test_discard(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    async with pitching(sessionmaker, clock) as (repos, pitches):
        rid = await new_draft(pitches)
        await pitches.discard(FOUNDER, rid)
        stored = await repos.requests.get(rid)
        assert stored is not None and stored.status == "cancelled"
        assert (await pitches.begin(FOUNDER)).request.id != rid
