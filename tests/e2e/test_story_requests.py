"""Story requests end to end: the real bot, over HTTP, against the emulator.

A startup pitches; the two best ambassadors get offers; one accepts, one declines
(the next is offered), that one lets the offer expire (the next is offered and
accepts); the startup hears each acceptance. Also: a forged Accept, a late press on
an expired offer, the shortfall alert, the question relay, and two ambassadors
racing for the last slot.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.ui.callbacks import OfferCB
from sandbox import Emulator
from storage.repositories import Repositories
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import t
from tests.e2e.story_flows import FOUNDER, LANG, STORY, A, B, C, D, World, offer_id, pitch, seed


async def statuses(world: World) -> dict[int, tuple[str, str | None]]:
    async with world.sessionmaker() as session:
        repos = Repositories.bind(session)
        request = (await repos.requests.list_filtered("all", now=world.bot.clock()))[0]
        result = {}
        for a in await repos.assignments.for_request(request.id):
            amb = await repos.ambassadors.get(a.ambassador_id)
            assert amb is not None
            result[amb.user_id] = (a.status, a.decline_reason)
        return result


async def test_pitch_offers_accept_decline_expire_next(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator)
    founder, amb = world.founder, world.ambassadors
    await pitch(founder, wanted=2)
    await founder.press(t(LANG, "pitch.btn.submit"))
    await founder.expect_edit()
    opened = await founder.expect_message()
    assert opened.html == t(LANG, "pitch.opened", id=1, offered=2)

    offer_a, offer_b = await amb[A].expect_message(), await amb[B].expect_message()
    assert STORY in offer_a.text and "+84901234567" not in offer_a.text  # contact after accepting
    assert offer_a.button_texts == [
        t(LANG, k) for k in ("offer.btn.accept", "offer.btn.decline", "offer.btn.ask")
    ]
    await amb[C].expect_silence()

    # A forged Accept: B presses with A's offer id.
    forged = await amb[B].press_data(
        OfferCB(action="accept", id=offer_id(offer_a)).pack(), message=offer_b
    )
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")

    # A accepts: the full brief with the startup's contact; the startup hears who.
    answer = await amb[A].press(t(LANG, "offer.btn.accept"), message=offer_a)
    assert answer.text == t(LANG, "offer.accepted_toast")
    await amb[A].expect_edit()
    brief = await amb[A].expect_message()
    assert "+84901234567" in brief.text and "Trần Thị An" in brief.text
    news = await founder.expect_message()
    assert "Lan" in news.text and "1/2" in news.text and "50.000" in news.text

    # B declines (reason asked, optional): C is offered next.
    await amb[B].press(t(LANG, "offer.btn.decline"), message=offer_b)
    reasons = await amb[B].expect_edit()
    assert t(LANG, "offer.reason.no_time") in reasons.button_texts
    offer_c = await amb[C].expect_message()
    await amb[B].press(t(LANG, "offer.reason.no_time"))
    await amb[B].expect_edit()

    # C lets the offer expire: the job offers D; C's late press changes nothing.
    running_bot.clock.advance(timedelta(hours=25))
    assert running_bot.parts is not None and running_bot.bot is not None
    assert await running_bot.parts.offer_expiry.run_once(running_bot.bot) == 1
    expired = await amb[C].expect_message()
    assert "hết hạn" in expired.text
    offer_d = await amb[D].expect_message()
    late = await amb[C].press(t(LANG, "offer.btn.accept"), message=offer_c)
    assert late.show_alert and late.text == t(LANG, "assignment.error.not_open")

    await amb[D].press(t(LANG, "offer.btn.accept"), message=offer_d)
    await amb[D].expect_edit()
    await amb[D].expect_message()
    done = await founder.expect_message()
    assert "Thảo" in done.text and "2/2" in done.text
    assert await statuses(world) == {
        A: ("accepted", None),
        B: ("declined", "no_time"),
        C: ("expired", None),
        D: ("accepted", None),
    }


async def test_shortfall_alerts_organizers(running_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await pitch(world.founder, wanted=3)
    await world.founder.press(t(LANG, "pitch.btn.submit"))
    await world.founder.expect_edit()
    await world.founder.expect_message()
    organizer = emulator.user(id=ORGANIZER_ID)
    alert = await organizer.expect_message()
    assert "Nông Trại Số" in alert.text and "2" in alert.text
    assert alert.html is not None and "Thiếu đại sứ" in alert.html


async def test_question_relayed_both_ways(running_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(running_bot, emulator, ambassadors=1)
    await pitch(world.founder, wanted=1)
    await world.founder.press(t(LANG, "pitch.btn.submit"))
    await world.founder.expect_edit()
    await world.founder.expect_message()
    lan = world.ambassadors[A]
    offer = await lan.expect_message()
    await lan.press(t(LANG, "offer.btn.ask"), message=offer)
    assert (await lan.expect_message()).html == t(LANG, "question.ask")
    await lan.send("Có ảnh <sản phẩm> không?")
    assert (await lan.expect_message()).html == t(LANG, "question.sent")
    relayed = await world.founder.expect_message()
    assert "Lan" in relayed.text and "Có ảnh <sản phẩm> không?" in relayed.text
    await world.founder.press(t(LANG, "question.btn.reply"), message=relayed)
    assert (await world.founder.expect_message()).html == t(LANG, "question.ask_answer")
    await world.founder.send("Có, 12 ảnh.")
    assert (await world.founder.expect_message()).html == t(LANG, "question.sent")
    back = await lan.expect_message()
    assert "Nông Trại Số" in back.text and "Có, 12 ảnh." in back.text
    # Someone else pressing the startup's Reply button is refused.
    forged = await lan.press_data(relayed.buttons[0]["callback_data"], message=offer)
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")


async def test_two_accepts_for_the_last_slot(running_bot: RunningBot, emulator: Emulator) -> None:
    """Both hold an offer for the one slot and press at the same moment: one wins."""
    world = await seed(running_bot, emulator, ambassadors=2)
    clock = running_bot.clock
    async with world.sessionmaker() as session, session.begin():
        repos = Repositories.bind(session)
        startup = await repos.startups.get_by_user(FOUNDER)
        assert startup is not None
        request = await repos.requests.create_draft(
            startup.id,
            need="media",
            story=STORY,
            audiences=["public"],
            regions=["can_tho"],
            languages=["vi"],
            deadline=clock() + timedelta(days=7),
            wanted=1,
        )
        await repos.requests.transition(request.id, from_statuses=["draft"], to_status="open")
        ids = {}
        for user_id in (A, B):
            amb = await repos.ambassadors.get_by_user(user_id)
            assert amb is not None
            offer = await repos.assignments.offer(
                request_id=request.id,
                ambassador_id=amb.id,
                score=1.0,
                reasons=[],
                offered_at=clock(),
                expires_at=clock() + timedelta(hours=24),
            )
            assert offer is not None
            ids[user_id] = offer.id
    lan, minh = world.ambassadors[A], world.ambassadors[B]
    anchor_a, anchor_b = lan.last_bot_message(), minh.last_bot_message()
    assert anchor_a is not None and anchor_b is not None
    answers = await asyncio.gather(
        lan.press_data(OfferCB(action="accept", id=ids[A]).pack(), message=anchor_a),
        minh.press_data(OfferCB(action="accept", id=ids[B]).pack(), message=anchor_b),
    )
    texts = sorted(a.text or "" for a in answers)
    assert texts == sorted([t(LANG, "offer.accepted_toast"), t(LANG, "assignment.error.filled")])
    async with world.sessionmaker() as session:
        repos = Repositories.bind(session)
        stored = await repos.requests.get(request.id)
        assert stored is not None and stored.accepted == 1 and stored.status == "filled"
        taken = await repos.assignments.count(request.id, ["accepted"])
        assert taken == 1
