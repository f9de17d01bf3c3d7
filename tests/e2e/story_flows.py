"""The story-request world the e2e tests share: an approved startup in Cần Thơ, up to
four approved ambassadors from best (A) to worst (D) fit, and the /pitch conversation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.provinces import NATIONWIDE
from bot.reference import label
from sandbox import Emulator, SimMessage, SimUser
from storage.db import create_sessionmaker
from storage.repositories import Repositories
from tests.e2e.conftest import RunningBot
from tests.e2e.flows import t
from tests.factories import add_channels, add_users, approved_ambassador, approved_startup

LANG = "vi"
FOUNDER = 7_000_000_001
A, B, C, D = 7_100_000_001, 7_100_000_002, 7_100_000_003, 7_100_000_004
STORY = "Nông dân <Cần Thơ> tiết kiệm 30% nước nhờ cảm biến & AI."


@dataclass
class World:
    bot: RunningBot
    sessionmaker: async_sessionmaker[AsyncSession]
    founder: SimUser
    ambassadors: dict[int, SimUser]


async def seed(runner: RunningBot, emulator: Emulator, *, ambassadors: int = 4) -> World:
    """An approved startup in Cần Thơ and up to four ambassadors, best (A) to worst (D)."""
    sessionmaker = create_sessionmaker(runner.engine)
    profiles = [
        (A, {"topics": ["agritech"], "regions": ["can_tho"]}, ("tiktok", 50_000)),
        (B, {"topics": ["agritech"], "regions": [NATIONWIDE]}, ("facebook", 20_000)),
        (C, {"topics": ["fintech"], "regions": ["can_tho"]}, ("facebook", 5_000)),
        (D, {"topics": ["edtech"], "regions": ["ha_noi"]}, ("blog", 1_000)),
    ][:ambassadors]
    async with sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        await add_users(repos, [FOUNDER, *(p[0] for p in profiles)], runner.clock())
        await approved_startup(
            repos,
            FOUNDER,
            company_name="Nông Trại Số",
            sectors=["agritech"],
            province="can_tho",
            needs=["media", "funding"],
            contact_name="Trần Thị An",
            phone="+84901234567",
        )
        for user_id, fields, channel in profiles:
            names = {A: "Lan", B: "Minh", C: "Hùng", D: "Thảo"}
            amb = await approved_ambassador(
                repos,
                user_id,
                display_name=names[user_id],
                languages=["vi"],
                capacity=3,
                channels_done=True,
                **fields,
            )
            await add_channels(repos, amb, channel)
    founder = emulator.user(id=FOUNDER, first_name="An", language_code=LANG)
    people = {
        uid: emulator.user(id=uid, first_name=f"amb{uid}", language_code=LANG)
        for uid, *_ in profiles
    }
    for person in [founder, *people.values()]:
        await person.send("/start")  # a bot may only write to people who started it
        await person.expect_message()
    return World(runner, sessionmaker, founder, people)


async def toggle_done(user: SimUser, kind: str, codes: list[str]) -> None:
    for code in codes:
        await user.press(label(kind, code, LANG))
        await user.expect_edit()
    await user.press(t(LANG, "btn.done"))
    await user.expect_edit()


async def pitch(founder: SimUser, *, wanted: int) -> SimMessage:
    """The whole /pitch conversation; returns the summary card."""
    await founder.send("/pitch")
    intro = await founder.expect_message()
    assert intro.html == t(LANG, "pitch.intro")
    ask = await founder.expect_message()
    assert ask.html == t(LANG, "pitch.ask.need")
    assert sorted(ask.button_texts) == sorted(label("needs", c, LANG) for c in ("media", "funding"))
    await founder.press(label("needs", "media", LANG))
    await founder.expect_edit()
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.story")
    await founder.send("x" * 2001)
    too_long = await founder.expect_message()
    assert "2000" in too_long.text or "2.000" in too_long.text
    await founder.send(STORY)
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.audiences")
    await toggle_done(founder, "audiences", ["investors", "customers"])
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.platforms")
    await founder.press(t(LANG, "btn.done"))  # optional: left to the ambassadors
    await founder.expect_edit()
    regions = await founder.expect_message()
    assert regions.html == t(LANG, "pitch.ask.regions")
    assert sum(b.startswith("✅") for b in regions.button_texts) == 2  # Cần Thơ + nationwide
    await founder.press(t(LANG, "btn.done"))
    await founder.expect_edit()
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.languages")
    await toggle_done(founder, "languages", ["vi"])
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.deadline")
    await founder.send("01/01/2020")
    assert (await founder.expect_message()).html == t(LANG, "error.deadline_past")
    await founder.press(t(LANG, "pitch.days", n=7))
    await founder.expect_edit()
    assert (await founder.expect_message()).html == t(LANG, "pitch.ask.wanted")
    await founder.send("11")
    assert (await founder.expect_message()).html == t(LANG, "error.wanted_range", min=1, max=10)
    await founder.press(str(wanted))
    await founder.expect_edit()
    card = await founder.expect_message()
    assert t(LANG, "pitch.btn.submit") in card.button_texts
    assert STORY in card.text  # shown as typed, escaped on the wire
    return card


def offer_id(message: SimMessage) -> int:
    data = next(
        b["callback_data"] for b in message.buttons if b["callback_data"].startswith("of:accept:")
    )
    return int(data.split(":")[2])


async def submit_pitch(founder: SimUser, *, wanted: int) -> SimMessage:
    """/pitch through to Submit; returns the bot's next message to the founder."""
    await pitch(founder, wanted=wanted)
    await founder.press(t(LANG, "pitch.btn.submit"))
    await founder.expect_edit()
    return await founder.expect_message()
