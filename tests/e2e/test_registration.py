"""Registering as a startup or an ambassador, in both languages, through to a decision."""

from __future__ import annotations

import pytest

from sandbox import Emulator
from tests.e2e.conftest import ORGANIZER_ID, SECOND_ORGANIZER_ID, RunningBot
from tests.e2e.flows import expect, register_ambassador, register_startup, submit, t

pytestmark = pytest.mark.usefixtures("running_bot")


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_startup_registers_and_is_approved(emulator: Emulator, lang: str) -> None:
    founder = emulator.user(id=7_100_000_001, first_name="An", language_code=lang)
    await register_startup(founder, lang)
    await submit(founder, lang)

    organizer = emulator.user(id=ORGANIZER_ID, first_name="Org")
    card = await organizer.expect_message()
    assert "Nông Trại Số <3 & Co" in card.text
    assert card.html is not None and "&lt;3 &amp; Co" in card.html  # user text escaped
    answer = await organizer.press(t("vi", "btn.approve"))
    assert answer.text == t("vi", "review.approved_toast")
    edited = await organizer.expect_edit()
    assert edited.reply_markup is None or not edited.buttons
    await expect(founder, lang, "decision.approved", role=t(lang, "role.name.startup"))

    # The second organizer's card is now stale: the first decision won.
    other = emulator.user(id=SECOND_ORGANIZER_ID, first_name="Org2")
    await other.expect_message()
    refused = await other.press(t("vi", "btn.reject"))
    assert refused.text == t("vi", "review.already_decided", status=t("vi", "status.approved"))


@pytest.mark.parametrize("lang", ["vi", "en"])
async def test_ambassador_registers_and_is_rejected_with_reason(
    emulator: Emulator, lang: str
) -> None:
    creator = emulator.user(id=7_200_000_001, first_name="Lan", language_code=lang)
    await register_ambassador(creator, lang)
    await submit(creator, lang)

    organizer = emulator.user(id=ORGANIZER_ID, first_name="Org")
    await organizer.expect_message()
    await organizer.press(t("vi", "btn.reject"))
    await expect(organizer, "vi", "review.ask_reason")
    await organizer.send("Kênh <b>chưa</b> đủ hoạt động")
    await expect(organizer, "vi", "review.rejected_done")
    await expect(
        creator,
        lang,
        "decision.rejected",
        role=t(lang, "role.name.ambassador"),
        reason="Kênh <b>chưa</b> đủ hoạt động",
    )
    # The applicant can fix and resubmit from /profile.
    await creator.send("/profile")
    card = await creator.expect_message()
    assert t(lang, "btn.resubmit") in card.button_texts
    await creator.press(t(lang, "btn.resubmit"))
    await creator.expect_edit()  # the card loses its buttons
    await expect(creator, lang, "reg.submitted")
    assert "✏️" not in (await organizer.expect_message()).text


async def test_pending_lists_waiting_registrations(emulator: Emulator) -> None:
    founder = emulator.user(id=7_100_000_002, first_name="Bình", language_code="vi")
    await register_startup(founder, "vi")
    await submit(founder, "vi")
    organizer = emulator.user(id=ORGANIZER_ID, first_name="Org")
    await organizer.expect_message()  # the live notification
    await organizer.send("/pending")
    await expect(organizer, "vi", "review.pending_header", total=1, shown=1)
    card = await organizer.expect_message()
    assert t("vi", "btn.approve") in card.button_texts
    await organizer.press(t("vi", "btn.approve"), message=card)
    await organizer.expect_edit()
    await organizer.send("/pending")
    await expect(organizer, "vi", "review.pending_none")


async def test_restart_mid_conversation_resumes_same_step(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    founder = emulator.user(id=7_100_000_003, first_name="Cường", language_code="en")
    from tests.e2e.flows import onboard

    await onboard(founder, "en", "startup")
    await expect(founder, "en", "ask.company_name")
    await founder.send("Saigon Robotics")
    await expect(founder, "en", "ask.sectors")
    await founder.press("Fintech")
    await founder.expect_edit()

    await running_bot.restart()

    # Same step, same selection: the multi-select keyboard still works.
    await founder.press(t("en", "btn.done"))
    edited = await founder.expect_edit()
    assert "Fintech" in edited.text
    await expect(founder, "en", "ask.stage")
