"""Authorization: forged callback data, organizer-only commands, invites."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sandbox import Emulator
from storage.models import Startup
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import expect, register_startup, submit, t

pytestmark = pytest.mark.usefixtures("running_bot")


async def test_forged_approve_is_refused_and_changes_nothing(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    founder = emulator.user(id=7_300_000_001, first_name="Dũng", language_code="vi")
    card = await register_startup(founder, "vi")
    await submit(founder, "vi")

    async with running_bot.engine.connect() as conn:
        startup_id = (await conn.execute(select(Startup.id))).scalar_one()

    # The applicant forges the organizer's button data on their own message.
    answer = await founder.press_data(f"rv:approve:startup:{startup_id}", message=card)
    assert answer.text == t("vi", "error.not_allowed")
    answer = await founder.press_data("rv:approve:startup:not-a-number", message=card)
    assert answer.text in (t("vi", "error.not_allowed"), t("vi", "error.stale_button"))

    # The presses were handled after the submission (one person's updates run in
    # order), so the submission is committed: still pending, nobody approved it.
    async with running_bot.engine.connect() as conn:
        status = (await conn.execute(select(Startup.status))).scalar_one()
    assert status == "pending"
    organizer = emulator.user(id=ORGANIZER_ID, first_name="Org")
    card_for_org = await organizer.expect_message()
    assert t("vi", "btn.approve") in card_for_org.button_texts


async def test_organizer_commands_refused_for_others(emulator: Emulator) -> None:
    someone = emulator.user(id=7_300_000_002, first_name="Em", language_code="en")
    await someone.send("/pending")
    await expect(someone, "en", "error.organizers_only")


async def test_invite_link_makes_an_organizer_once(emulator: Emulator) -> None:
    organizer = emulator.user(id=ORGANIZER_ID, first_name="Org")
    await organizer.send("/invite")
    msg = await organizer.expect_message()
    link = next(w for w in msg.text.split() if w.startswith("https://t.me/"))
    payload = link.split("?start=")[1]
    assert link.startswith("https://t.me/in2spire_test_bot?start=org_")

    newcomer = emulator.user(id=7_300_000_003, first_name="Giang", language_code="vi")
    await newcomer.send(f"/start {payload}")
    await expect(newcomer, "vi", "org.invite_accepted")
    await newcomer.expect_message()  # language choice follows
    await newcomer.send("/pending")
    await expect(newcomer, "vi", "review.pending_none")

    late = emulator.user(id=7_300_000_004, first_name="Hà", language_code="vi")
    await late.send(f"/start {payload}")
    await expect(late, "vi", "org.invite_invalid")
    await late.expect_message()
    await late.send("/pending")
    await expect(late, "vi", "error.organizers_only")
