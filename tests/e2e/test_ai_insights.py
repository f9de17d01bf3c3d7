"""Policy voice, needs from free text and the digest's narrative over the emulator and
a fake OpenAI-compatible server (the real openai client, real HTTP).

/policy: a placeholder at once, edited into the model's themes with the startups and
provinces behind each (an id the model invented dropped, its HTML escaped, unclaimed
pitches under "Other"); no key: the grouping by sector at once; a failing model: the
grouping by sector with a quiet note; anyone else: refused. Needs typed at the
registration's needs question: the model's items pre-selected (through the same
service as the buttons) or, with no key, a keyword match; the person still presses
Done. The digest: a marked, escaped generated paragraph, or exactly the numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.provinces import region_label
from bot.reference import label
from sandbox import Emulator, SimMessage, SimUser
from sandbox.fake_openai import FakeOpenAI, Reply
from storage.db import create_sessionmaker
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.e2e.conftest import (
    ORGANIZER_ID,
    SECOND_ORGANIZER_ID,
    RunningBot,
    make_settings,
    open_organizer_chats,
)
from tests.e2e.flows import STARTUP_ANSWERS, expect, onboard, t, toggle_and_done
from tests.factories import add_users, approved_startup, open_request

LANG = "vi"
FARM, WALLET, RICE = 7_300_000_001, 7_300_000_002, 7_300_000_003


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


async def start(emulator: Emulator, url: str, clock: FakeClock, **overrides: object) -> RunningBot:
    runner = RunningBot(make_settings(emulator, url, **overrides), clock)
    await runner.start()
    await open_organizer_chats(emulator)
    return runner


async def with_ai(
    emulator: Emulator, url: str, clock: FakeClock, fake: FakeOpenAI, **overrides: object
) -> RunningBot:
    return await start(
        emulator, url, clock, openai_api_key="sk-test", openai_base_url=fake.base_url, **overrides
    )


async def seed_policy(runner: RunningBot) -> dict[str, int]:
    """Three startups' policy pitches (and one media pitch that does not count)."""
    sessionmaker = create_sessionmaker(runner.engine)
    ids: dict[str, int] = {}
    async with sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        await add_users(repos, [FARM, WALLET, RICE], runner.clock())
        farm = await approved_startup(
            repos, FARM, company_name="Nông Trại <Số>", province="can_tho", sectors=["agritech"]
        )
        wallet = await approved_startup(
            repos, WALLET, company_name="Ví Xanh", province="ha_noi", sectors=["fintech"]
        )
        rice = await approved_startup(
            repos, RICE, company_name="Lúa Vàng", province="an_giang", sectors=["agritech"]
        )
        story = "Thủ tục cấp phép cho cảm biến nông nghiệp mất 6 tháng."
        ids["farm"] = await open_request(repos, farm, need="policy", story=story)
        ids["wallet"] = await open_request(
            repos, wallet, need="policy", story="Ví điện tử chờ sandbox thí điểm."
        )
        ids["rice"] = await open_request(
            repos, rice, need="policy", story="Giấy phép xuất khẩu gạo rườm rà."
        )
        await open_request(repos, rice, need="media", story="Không tính")
    return ids


def organizer(emulator: Emulator) -> SimUser:
    return emulator.user(id=ORGANIZER_ID)


# --- /policy -------------------------------------------------------------------------


async def test_policy_themes_from_the_model(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake)
    try:
        ids = await seed_policy(runner)
        fake.script(
            Reply(
                json={
                    "themes": [
                        {
                            "title": "Cấp phép <b>chậm</b> & rườm rà",
                            "summary": "Startup nông nghiệp chờ <i>giấy phép</i> nhiều tháng.",
                            "request_ids": [ids["farm"], ids["rice"], 9999],
                        },
                        {
                            "title": "Bịa",
                            "summary": "Chỉ có id không tồn tại.",
                            "request_ids": [8888],
                        },
                    ]
                }
            )
        )
        org = organizer(emulator)
        await org.send("/policy")
        placeholder = await expect(org, LANG, "policy.grouping", count=3)
        assert runner.parts is not None
        await runner.parts.ai.wait()
        themes = await org.expect_edit()
        assert themes.message_id == placeholder.message_id
        text, html = themes.text, themes.html or ""
        assert t(LANG, "policy.generated") in html
        # The model's HTML is data: shown as text, escaped on the wire.
        assert "Cấp phép <b>chậm</b> & rườm rà" in text
        assert "Cấp phép &lt;b&gt;chậm&lt;/b&gt; &amp; rườm rà" in html
        assert "Nông Trại <Số>" in text and "Lúa Vàng" in text
        assert region_label("can_tho", LANG) in text and region_label("an_giang", LANG) in text
        assert "Bịa" not in text and "9999" not in text and "8888" not in text
        # Ví Xanh was claimed by no theme: it is under "Other", with its province.
        other = text.split(t(LANG, "policy.other"))[1]
        assert "Ví Xanh" in other and region_label("ha_noi", LANG) in other
        await org.expect_silence()
        # The model got the three policy pitches as data (not the media one).
        [request] = fake.requests
        assert request.prompt == "policy_themes"
        sent = request.data["pitches"]
        assert sorted(p["id"] for p in sent) == sorted(ids.values())
        farm = next(p for p in sent if p["id"] == ids["farm"])
        assert farm["company"] == "Nông Trại <Số>"
        assert farm["province"] == region_label("can_tho", LANG)
    finally:
        await runner.stop()


async def test_policy_without_a_key_groups_by_sector_at_once(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org = organizer(emulator)
    await org.send("/policy")
    await expect(org, LANG, "policy.none")
    await seed_policy(running_bot)
    await org.send("/policy")
    answer = await org.expect_message()
    assert t(LANG, "policy.by_sector") in (answer.html or "")
    assert t(LANG, "policy.generated") not in (answer.html or "")
    agritech = label("sectors", "agritech", LANG)
    fintech = label("sectors", "fintech", LANG)
    assert answer.text.index(agritech) < answer.text.index(fintech)  # the largest first
    assert "Nông Trại <Số>" in answer.text and "&lt;Số&gt;" in (answer.html or "")
    await org.send("/policy 7")
    assert t(LANG, "policy.title_days", count=3, days=7) in (
        (await org.expect_message()).html or ""
    )
    await org.send("/policy soon")
    await expect(org, LANG, "policy.usage", max=3650)


async def test_policy_with_a_failing_model_falls_back_with_a_quiet_note(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake, openai_max_retries=0)
    try:
        await seed_policy(runner)
        fake.script(Reply(status=500))
        org = organizer(emulator)
        await org.send("/policy")
        await expect(org, LANG, "policy.grouping", count=3)
        assert runner.parts is not None
        await runner.parts.ai.wait()
        edited = await org.expect_edit()
        assert t(LANG, "policy.ai_unavailable") in (edited.html or "")
        assert label("sectors", "agritech", LANG) in edited.text
        assert t(LANG, "policy.generated") not in (edited.html or "")
    finally:
        await runner.stop()


async def test_policy_is_for_organizers_only(running_bot: RunningBot, emulator: Emulator) -> None:
    stranger = emulator.user(id=7_300_000_099, first_name="Khách", language_code=LANG)
    await stranger.send("/start")
    await stranger.expect_message()
    await stranger.send("/policy")
    await expect(stranger, LANG, "error.not_allowed")


# --- needs from free text ----------------------------------------------------------


async def up_to_needs(user: SimUser, lang: str) -> SimMessage:
    """The startup registration up to the needs question (returned)."""
    await onboard(user, lang, "startup")
    await expect(user, lang, "ask.company_name")
    await user.send(STARTUP_ANSWERS["company_name"])
    await expect(user, lang, "ask.sectors")
    await toggle_and_done(user, lang, "sectors", ["agritech"])
    await expect(user, lang, "ask.stage")
    await user.press(label("stages", "mvp", lang))
    await user.expect_edit()
    await expect(user, lang, "ask.province")
    for answer in ("province_typed", "website", "description", "contact_name", "phone"):
        await user.send(STARTUP_ANSWERS[answer])
        await user.expect_message()
    await user.send(STARTUP_ANSWERS["email"])
    return await expect(user, lang, "ask.needs")


def selected(message: SimMessage) -> list[str]:
    return sorted(b.removeprefix("✅").strip() for b in message.button_texts if b.startswith("✅"))


async def test_needs_typed_are_suggested_by_the_model(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake)
    try:
        founder = emulator.user(id=7_300_000_010, first_name="An", language_code=LANG)
        await up_to_needs(founder, LANG)
        fake.script(Reply(json={"needs": ["funding", "Truyền thông, độ nhận diện", "bogus"]}))
        words = "Bọn mình cần <vốn> và lên báo"
        await founder.send(words)
        placeholder = await expect(founder, LANG, "needs.matching")
        assert runner.parts is not None
        await runner.parts.ai.wait()
        suggestion = await founder.expect_edit()
        assert suggestion.message_id == placeholder.message_id
        assert t(LANG, "needs.suggested") in (suggestion.html or "")
        assert selected(suggestion) == sorted(
            [label("needs", "funding", LANG), label("needs", "media", LANG)]
        )
        [request] = fake.requests
        assert request.prompt == "needs" and request.data["text"] == words
        # Nothing is saved as final until Done; the person may change the choice.
        await founder.press(label("needs", "media", LANG), message=suggestion)
        changed = await founder.expect_edit()
        assert selected(changed) == [label("needs", "funding", LANG)]
        await founder.press(t(LANG, "btn.done"), message=changed)
        await founder.expect_edit()
        await expect(founder, LANG, "reg.review_and_submit")
        card = await founder.expect_message()
        assert label("needs", "funding", LANG) in card.text
        assert label("needs", "media", LANG) not in card.text
    finally:
        await runner.stop()


async def test_needs_typed_without_a_key_are_matched_by_keywords(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    founder = emulator.user(id=7_300_000_011, first_name="Bình", language_code=LANG)
    await up_to_needs(founder, LANG)
    await founder.send("xin chào")
    nothing = await founder.expect_message()
    assert t(LANG, "needs.no_match") in (nothing.html or "") and selected(nothing) == []
    await founder.send("can goi von, tim khach hang va giay phep")
    matched = await founder.expect_message()
    assert t(LANG, "needs.suggested") in (matched.html or "")
    assert t(LANG, "needs.ai_unavailable") not in (matched.html or "")  # no key: no note
    assert selected(matched) == sorted(
        label("needs", c, LANG) for c in ("funding", "market", "policy")
    )
    await founder.press(t(LANG, "btn.done"), message=matched)
    await founder.expect_edit()
    await expect(founder, LANG, "reg.review_and_submit")
    card = await founder.expect_message()
    assert label("needs", "policy", LANG) in card.text


async def test_needs_with_a_failing_model_fall_back_to_keywords(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake, openai_max_retries=0)
    try:
        founder = emulator.user(id=7_300_000_012, first_name="Chi", language_code=LANG)
        await up_to_needs(founder, LANG)
        fake.script(Reply(content="not json"))
        await founder.send("Cần tuyển kỹ sư")
        await expect(founder, LANG, "needs.matching")
        assert runner.parts is not None
        await runner.parts.ai.wait()
        edited = await founder.expect_edit()
        assert t(LANG, "needs.ai_unavailable") in (edited.html or "")
        assert selected(edited) == [label("needs", "talent", LANG)]
    finally:
        await runner.stop()


# --- the digest's narrative ----------------------------------------------------------


async def test_digest_with_a_generated_summary(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake)
    try:
        fake.script(Reply(content="Một ngày yên ả: <b>không</b> có gì quá hạn & chưa có link mới."))
        clock.now = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
        assert runner.parts is not None and runner.bot is not None
        assert await runner.parts.digest.run_once(runner.bot)
        for organizer_id in (ORGANIZER_ID, SECOND_ORGANIZER_ID):
            digest = await emulator.user(id=organizer_id).expect_message()
            assert "Tóm tắt hằng ngày" in digest.text
            assert "🤖" in digest.text and "<b>không</b> có gì quá hạn &" in digest.text
            assert "&lt;b&gt;không&lt;/b&gt;" in (digest.html or "")
        [request] = fake.requests  # one call for the one language the organizers use
        assert request.prompt == "digest_narrative"
        assert request.data["numbers"] == {"new_links": 0, "due_within_48h": 0, "overdue": 0}
    finally:
        await runner.stop()


async def test_digest_without_a_summary_when_the_model_fails(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    runner = await with_ai(emulator, migrated_url, clock, fake, openai_max_retries=0)
    try:
        fake.script(Reply(status=503))
        clock.now = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
        assert runner.parts is not None and runner.bot is not None
        assert await runner.parts.digest.run_once(runner.bot)
        digest = await organizer(emulator).expect_message()
        assert "Tóm tắt hằng ngày" in digest.text and "🤖" not in digest.text
    finally:
        await runner.stop()


async def test_digest_without_a_key_is_the_numbers_only(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    running_bot.clock.now = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    assert running_bot.parts is not None and running_bot.bot is not None
    assert await running_bot.parts.digest.run_once(running_bot.bot)
    digest = await organizer(emulator).expect_message()
    assert "Tóm tắt hằng ngày" in digest.text and "🤖" not in digest.text
