"""Around the offers: organizer review of pitches, request lists and cards (manual
assign, withdraw, cancel), /assignments, /pause, and undeliverable offers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.ui.callbacks import RequestCB
from sandbox import Emulator, SimMessage, SimUser
from tests.conftest import FakeClock
from tests.e2e.conftest import (
    ORGANIZER_ID,
    SECOND_ORGANIZER_ID,
    RunningBot,
    make_settings,
    open_organizer_chats,
)
from tests.e2e.flows import t
from tests.e2e.story_flows import LANG, STORY, A, B, C, seed, submit_pitch


@pytest.fixture
async def reviewing_bot(
    emulator: Emulator, migrated_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    runner = RunningBot(make_settings(emulator, migrated_url, review_pitches=True), clock)
    await runner.start()
    await open_organizer_chats(emulator)
    yield runner
    await runner.stop()


def organizer(emulator: Emulator, user_id: int = ORGANIZER_ID) -> SimUser:
    return emulator.user(id=user_id, first_name="Organizer", language_code="vi")


async def test_pitch_review_then_matching(reviewing_bot: RunningBot, emulator: Emulator) -> None:
    world = await seed(reviewing_bot, emulator, ambassadors=2)
    reply = await submit_pitch(world.founder, wanted=1)
    assert reply.html == t(LANG, "pitch.submitted_for_review")
    await world.ambassadors[A].expect_silence()  # nothing offered before approval
    first, second = organizer(emulator), organizer(emulator, SECOND_ORGANIZER_ID)
    card = await first.expect_message()
    other_card = await second.expect_message()
    assert STORY in card.text and t(LANG, "btn.approve") in card.button_texts
    # A non-organizer pressing Approve is refused.
    forged = await world.founder.press_data(card.buttons[0]["callback_data"], message=card)
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    await first.press(t(LANG, "btn.approve"), message=card)
    await first.expect_edit()
    decided = await world.founder.expect_message()
    assert "đã được duyệt" in decided.text
    assert (await world.founder.expect_message()).html == t(LANG, "pitch.opened", id=1, offered=1)
    offer = await world.ambassadors[A].expect_message()
    assert STORY in offer.text
    late = await second.press(t(LANG, "btn.approve"), message=other_card)
    assert late.show_alert and late.text == t(LANG, "pitch.error.already_decided")


async def test_organizer_card_assign_withdraw_cancel(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=3)
    await submit_pitch(world.founder, wanted=1)
    lan, minh, hung = (world.ambassadors[k] for k in (A, B, C))
    await lan.expect_message()  # the offer
    org = organizer(emulator)

    async def open_card() -> SimMessage:
        await org.send("/requests")
        listing = await org.expect_message()
        assert "Nông Trại Số" in listing.text
        await org.press("#1", message=listing)
        return await org.expect_edit()

    card = await open_card()
    assert "Lan" in card.text and "điểm" in card.text  # score and reasons
    # Manual assign from the ranked candidates (Minh is the best one left).
    await org.press(t(LANG, "request.btn.candidates"), message=card)
    candidates = await org.expect_edit()
    assert candidates.text.index("Minh") < candidates.text.index("Hùng")
    answer = await org.press(t(LANG, "request.btn.assign", n=1), message=candidates)
    assert answer.text == t(LANG, "request.assigned_toast")
    await org.expect_edit()  # its buttons are gone
    offer_minh = await minh.expect_message()
    assert STORY in offer_minh.text
    # Withdraw Lan's offer: she is told; the request already has an open offer (Minh).
    card = await open_card()
    await org.press(t(LANG, "request.btn.withdraw", n=1), message=card)
    await org.expect_edit()
    assert "rút" in (await lan.expect_message()).text
    await hung.expect_silence()
    # The startup may not cancel through forged organizer buttons.
    forged = await world.founder.press_data(
        RequestCB(action="cancel_yes", id=1).pack(), message=world.founder.last_bot_message()
    )
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")
    # Cancel: confirm, then everyone concerned hears.
    card = await open_card()
    await org.press(t(LANG, "request.btn.cancel"), message=card)
    confirm = await org.expect_edit()
    await org.press(t(LANG, "request.btn.confirm_cancel"), message=confirm)
    assert "hủy" in (await minh.expect_message()).text
    assert "hủy" in (await world.founder.expect_message()).text
    late = await minh.press(t(LANG, "offer.btn.accept"), message=offer_minh)
    assert late.show_alert and late.text == t(LANG, "assignment.error.not_open")


async def test_startup_requests_and_ambassador_lists(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=3)
    minh = world.ambassadors[B]
    await minh.send("/pause")
    assert (await minh.expect_message()).html == t(LANG, "availability.paused")
    await submit_pitch(world.founder, wanted=2)
    lan, hung = world.ambassadors[A], world.ambassadors[C]
    await lan.expect_message()
    await hung.expect_message()  # Minh is paused: the next best is offered instead
    await minh.expect_silence()
    # /assignments lists the open offer with its buttons; accepting from there works.
    await lan.send("/assignments")
    listed = await lan.expect_message()
    assert STORY in listed.text and t(LANG, "offer.btn.accept") in listed.button_texts
    await lan.press(t(LANG, "offer.btn.accept"), message=listed)
    await lan.expect_edit()
    await lan.expect_message()  # the full brief
    await world.founder.expect_message()  # "Lan accepted"
    await lan.send("/assignments")
    story = await lan.expect_message()
    assert t(LANG, "assignment.status.accepted") in story.text
    # The startup's /requests shows the request and, on its card, who is on it.
    await world.founder.send("/requests")
    listing = await world.founder.expect_message()
    assert "#1" in listing.text and "1/2" in listing.text
    await world.founder.press("#1", message=listing)
    card = await world.founder.expect_edit()
    assert "Lan" in card.text and "Hùng" in card.text
    await minh.send("/resume")
    assert (await minh.expect_message()).html == t(LANG, "availability.resumed")


async def test_undeliverable_offer_goes_to_the_next(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    world = await seed(running_bot, emulator, ambassadors=2)
    await world.ambassadors[A].block_bot()
    opened = await submit_pitch(world.founder, wanted=1)
    assert opened.html == t(LANG, "pitch.opened", id=1, offered=1)
    offer = await world.ambassadors[B].expect_message()
    assert STORY in offer.text
