"""Draft a post over the emulator and a fake OpenAI-compatible server (real HTTP).

Two ambassadors accept one request and each presses "✍️ Draft a post": a placeholder
at once, then the draft (labelled a draft to edit, for their own platform); the
second is told the first's angle so it takes another. "Another version" and
"Shorter" make new versions; the model's HTML arrives escaped; output that fails
validation gets the template with a quiet note; a forged press for someone else's
assignment is refused. With no key the template draft arrives at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.reference import label
from bot.ui.callbacks import DraftCB
from sandbox import Emulator, SimMessage, SimUser
from sandbox.fake_openai import FakeOpenAI, Reply
from storage.db import create_sessionmaker
from storage.dto import PostDraftDTO
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.e2e.conftest import RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, A, B, World, pitch, seed

FIRST = {
    "angle": "Nước là tiền của nông dân",
    "hook": "Mỗi giọt nước <b>tiết kiệm</b> là tiền",
    "text": (
        "Mỗi giọt nước <b>tiết kiệm</b> là tiền. Nông Trại Số & cảm biến giúp nông dân "
        "Cần Thơ. Cảm biến gửi dữ liệu hằng ngày. Hãy theo dõi Nông Trại Số. #nongnghiep"
    ),
}
SECOND_TAKE = {
    "angle": "Công nghệ dễ dùng",
    "hook": "Lắp trong một giờ",
    "text": "Lắp trong một giờ. Cảm biến của Nông Trại Số đơn giản. Dữ liệu mỗi ngày. Rất dễ.",
}
SHORT = {"angle": "Công nghệ dễ dùng", "hook": "Lắp trong một giờ", "text": "Lắp trong một giờ."}


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


def draft_data(message: SimMessage, action: str = "new") -> str:
    return next(
        b["callback_data"]
        for b in message.buttons
        if b["callback_data"].startswith(f"dp:{action}:")
    )


def assignment_of(message: SimMessage) -> int:
    return int(draft_data(message).split(":")[2])


async def accepted_briefs(world: World, *, ambassadors: tuple[int, ...]) -> dict[int, SimMessage]:
    """/pitch for len(ambassadors); each accepts; the full brief each one receives."""
    await pitch(world.founder, wanted=len(ambassadors))
    await world.founder.press(t(LANG, "pitch.btn.submit"))
    await world.founder.expect_edit()
    await world.founder.expect_message()  # opened
    briefs = {}
    for uid in ambassadors:
        amb = world.ambassadors[uid]
        offer = await amb.expect_message()
        await amb.press(t(LANG, "offer.btn.accept"), message=offer)
        await amb.expect_edit()
        briefs[uid] = await amb.expect_message()
        assert t(LANG, "draft.btn.new") in briefs[uid].button_texts
        await world.founder.expect_message()  # who took the story
    return briefs


async def latest(world: World, assignment_id: int) -> PostDraftDTO:
    async with world.sessionmaker() as session:
        draft = await Repositories.bind(session).ai.latest_draft(assignment_id)
    assert draft is not None
    return draft


def header(platform: str, version: int) -> str:
    return t(LANG, "draft.header", platform=label("platforms", platform, LANG), version=version)


async def wait_ai(runner: RunningBot) -> None:
    assert runner.parts is not None
    await runner.parts.ai.wait()


async def press_and_wait(
    runner: RunningBot, amb: SimUser, button: str, message: SimMessage
) -> SimMessage:
    """Press; the answer comes at once with a placeholder; the draft replaces it."""
    answer = await amb.press(button, message=message)
    assert answer.text in (None, "") and not answer.show_alert
    if message.buttons and message.buttons[0]["callback_data"].startswith("dp:again:"):
        assert (await amb.expect_edit()).buttons == []  # the old draft loses its buttons
    placeholder = await amb.expect_message()
    assert placeholder.html == t(LANG, "draft.placeholder")
    await wait_ai(runner)
    draft = await amb.expect_edit()
    assert draft.message_id == placeholder.message_id
    return draft


async def test_two_ambassadors_draft_with_different_angles(
    emulator: Emulator, migrated_url: str, clock: FakeClock, fake: FakeOpenAI
) -> None:
    # The pitch without a key (no brief proposal in the way), then the bot with one.
    runner = RunningBot(make_settings(emulator, migrated_url), clock)
    await runner.start()
    await open_organizer_chats(emulator)
    try:
        world = await seed(runner, emulator, ambassadors=2)
        briefs = await accepted_briefs(world, ambassadors=(A, B))
        runner.settings = make_settings(
            emulator,
            migrated_url,
            openai_api_key="sk-test",
            openai_base_url=fake.base_url,
            openai_max_retries=0,
        )
        await runner.restart()
        world.sessionmaker = create_sessionmaker(runner.engine)  # the old engine is closed
        lan, minh = world.ambassadors[A], world.ambassadors[B]
        id_a, id_b = assignment_of(briefs[A]), assignment_of(briefs[B])

        # A (TikTok): the model's draft, labelled, its HTML escaped on the wire.
        fake.script(Reply(json=FIRST))
        draft_a = await press_and_wait(runner, lan, t(LANG, "draft.btn.new"), briefs[A])
        assert draft_a.html is not None and draft_a.html.startswith(header("tiktok", 1))
        assert "Mỗi giọt nước <b>tiết kiệm</b> là tiền" in draft_a.text
        assert "&lt;b&gt;tiết kiệm&lt;/b&gt;" in draft_a.html and "&amp; cảm biến" in draft_a.html
        assert t(LANG, "draft.ai_unavailable") not in draft_a.html
        assert draft_a.button_texts == [t(LANG, "draft.btn.again"), t(LANG, "draft.btn.shorter")]
        [sent] = fake.requests
        assert sent.prompt == "post_draft"
        assert sent.data["platform"]["code"] == "tiktok" and sent.data["language"] == "vi"
        assert "HOOK" in sent.data["format"] and sent.data["angles_taken"] == []
        assert sent.data["company"] == "Nông Trại Số" and sent.data["previous"] == ""
        stored = await latest(world, id_a)
        assert (stored.source, stored.version, stored.angle) == ("ai", 1, FIRST["angle"])
        assert stored.prompt_version == "1" and stored.platform == "tiktok"

        # B (Facebook): told A's angle, so the default responder takes another one.
        draft_b = await press_and_wait(runner, minh, t(LANG, "draft.btn.new"), briefs[B])
        assert fake.requests[1].data["angles_taken"] == [FIRST["angle"]]
        assert fake.requests[1].data["platform"]["code"] == "facebook"
        assert draft_b.html is not None and draft_b.html.startswith(header("facebook", 1))
        assert (await latest(world, id_b)).angle != FIRST["angle"]

        # A: another version (the old draft keeps its text, loses its buttons)...
        fake.script(Reply(json=SECOND_TAKE))
        answer = await lan.press(t(LANG, "draft.btn.again"), message=draft_a)
        assert not answer.show_alert
        assert (await lan.expect_edit()).buttons == []
        assert (await lan.expect_message()).html == t(LANG, "draft.placeholder")
        await wait_ai(runner)
        again = await lan.expect_edit()
        assert again.html is not None and again.html.startswith(header("tiktok", 2))
        data = fake.requests[2].data
        assert data["previous"] == FIRST["text"] and data["shorter"] is False
        assert data["angles_taken"] == [(await latest(world, id_b)).angle]

        # ...then shorter: the model is given the latest text.
        fake.script(Reply(json=SHORT))
        answer = await lan.press(t(LANG, "draft.btn.shorter"), message=again)
        await lan.expect_edit()
        await lan.expect_message()
        await wait_ai(runner)
        short = await lan.expect_edit()
        assert fake.requests[3].data["shorter"] is True
        assert fake.requests[3].data["previous"] == SECOND_TAKE["text"]
        assert short.html is not None and short.html.startswith(header("tiktok", 3))
        assert short.text.endswith(SHORT["text"])

        # Output that fails validation: the template at once, with a quiet note.
        fake.script(Reply(content='{"angle": "only an angle"}'))
        fallback = await press_and_wait(runner, minh, t(LANG, "draft.btn.again"), draft_b)
        assert fallback.html is not None and t(LANG, "draft.ai_unavailable") in fallback.html
        stored_b = await latest(world, id_b)
        assert stored_b.source == "template" and stored_b.version == 2
        assert stored_b.angle not in (FIRST["angle"], SECOND_TAKE["angle"])
        assert "Nông Trại Số" in fallback.text

        # A forged press for someone else's assignment is refused; nothing is asked.
        asked = len(fake.requests)
        forged = await minh.press_data(DraftCB(action="new", id=id_a).pack(), message=draft_b)
        assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
        forged = await minh.press_data(DraftCB(action="sideways", id=id_b).pack(), message=draft_b)
        assert forged.show_alert
        await minh.expect_silence(within=0.2)
        assert len(fake.requests) == asked
    finally:
        await runner.stop()


async def test_without_a_key_the_template_draft_arrives_at_once(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    lan = world.ambassadors[A]
    briefs = await accepted_briefs(world, ambassadors=(A,))
    answer = await lan.press(t(LANG, "draft.btn.new"), message=briefs[A])
    assert not answer.show_alert
    draft = await lan.expect_message()  # no placeholder: the draft itself
    assert draft.html is not None and draft.html.startswith(header("tiktok", 1))
    assert t(LANG, "draft.ai_unavailable") not in draft.html  # no key: no note
    assert "Nông Trại Số" in draft.text and "MỞ ĐẦU" in draft.text  # a TikTok script
    assert "&lt;Cần Thơ&gt;" in draft.html  # the startup's words, escaped
    stored = await latest(world, assignment_of(briefs[A]))
    assert stored.source == "template" and stored.prompt_version is None

    await lan.press(t(LANG, "draft.btn.shorter"), message=draft)
    await lan.expect_edit()
    short = await lan.expect_message()
    assert short.html is not None and short.html.startswith(header("tiktok", 2))
    assert len(short.text) < len(draft.text)

    # /assignments offers the button on the accepted story too.
    await lan.send("/assignments")
    card = await lan.expect_message()
    assert t(LANG, "draft.btn.new") in card.button_texts
