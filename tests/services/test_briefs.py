"""Suggested briefs (the service): a proposal only on a draft, used / kept own /
edited field by field with validation, only by its startup; a new story drops a
brief made from the old one; ambassadors read only a brief the startup chose."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ai.schemas import Brief
from bot.errors import Conflict, InvalidInput, NotAllowed
from bot.services.briefs import BriefService, brief_of, chosen_brief
from bot.services.pitches import PitchService
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_startup
from tests.services.test_pitches import FOUNDER, OTHER, complete

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BRIEF = Brief(
    title="Nông sản sạch lên sàn",
    angle="Nông dân Cần Thơ bán thẳng cho người mua",
    key_messages=["Giá tốt hơn", "Truy xuất nguồn gốc", "Giao trong ngày"],
    target_audience="Người tiêu dùng thành thị",
    call_to_action="Đặt hàng thử",
    hashtags=["#nongsan", "cantho"],
    platforms=["facebook", "nope"],
)


async def setup(s: AsyncSession, clock: FakeClock) -> tuple[PitchService, BriefService, int]:
    repos = Repositories.bind(s)
    await add_users(repos, [FOUNDER, OTHER], clock())
    await approved_startup(repos, FOUNDER, province="can_tho", needs=["media"])
    pitches = PitchService(repos, clock, tz=VN, review=False)
    pitch = await pitches.begin(FOUNDER)
    return pitches, BriefService(repos, pitches), pitch.request.id


async def test_propose_use_edit_and_keep_own(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        pitches, briefs, rid = await setup(s, clock)
        with pytest.raises(Conflict):
            await briefs.use(FOUNDER, rid)  # nothing proposed yet
        assert await briefs.propose(rid, BRIEF, "1")
        request = (await pitches.draft(FOUNDER, rid)).request
        assert brief_of(request) == BRIEF and request.brief_prompt_version == "1"
        assert BRIEF.hashtags == ["#nongsan", "#cantho"] and BRIEF.platforms == ["facebook"]
        assert chosen_brief(request) is None  # proposed, not chosen

        with pytest.raises(NotAllowed):
            await briefs.use(OTHER, rid)  # someone else's pitch
        with pytest.raises(InvalidInput):
            await briefs.edit(FOUNDER, rid, "key_messages", "only one")
        with pytest.raises(InvalidInput):
            await briefs.edit(FOUNDER, rid, "title", "x" * 121)
        with pytest.raises(InvalidInput):
            await briefs.edit(FOUNDER, rid, "status", "open")  # not a brief field
        edited = await briefs.edit(FOUNDER, rid, "key_messages", "- Một\n• Hai\n\nBa\n")
        assert edited.key_messages == ["Một", "Hai", "Ba"]
        edited = await briefs.edit(FOUNDER, rid, "hashtags", "#a, b  c")
        assert edited.hashtags == ["#a", "#b", "#c"]

        assert await briefs.use(FOUNDER, rid) == edited
        assert chosen_brief((await pitches.draft(FOUNDER, rid)).request) == edited
        await briefs.keep_own(FOUNDER, rid)
        assert chosen_brief((await pitches.draft(FOUNDER, rid)).request) is None


async def test_a_new_story_drops_the_brief_and_a_submitted_pitch_takes_no_proposal(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as s, s.begin():
        pitches, briefs, rid = await setup(s, clock)
        await complete(pitches, rid)
        assert await briefs.propose(rid, BRIEF, "1")
        await briefs.use(FOUNDER, rid)
        await pitches.answer_text(FOUNDER, rid, "story", "Một câu chuyện khác hẳn.")
        request = (await pitches.draft(FOUNDER, rid)).request
        assert request.brief is None and request.brief_source is None

        assert await briefs.propose(rid, BRIEF, "1")
        await briefs.use(FOUNDER, rid)
        submitted = await pitches.submit(FOUNDER, rid)
        assert chosen_brief(submitted.request) == BRIEF
        assert not await briefs.propose(rid, BRIEF.model_copy(update={"title": "Khác"}), "2")
        with pytest.raises(Conflict):
            await briefs.keep_own(FOUNDER, rid)  # no longer a draft
        assert not await briefs.propose(rid + 100, BRIEF, "1")
        with pytest.raises(NotAllowed):  # no such request: the same answer as another's
            await briefs.use(FOUNDER, rid + 100)
