"""Commands everyone has, consent, language, hints, the command menu, groups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from sandbox import Emulator
from storage.models import Startup, User
from tests.e2e.conftest import ORGANIZER_ID, RunningBot
from tests.e2e.flows import expect, onboard, t

pytestmark = pytest.mark.usefixtures("running_bot")


async def count(running_bot: RunningBot, model: type) -> int:
    async with running_bot.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())


async def test_nothing_stored_before_consent_and_decline(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    u = emulator.user(id=7_500_000_001, first_name="Oanh", language_code="en-US")
    await u.send("/start")
    first = await u.expect_message()
    assert "● 🇬🇧 English" in first.button_texts  # preselected from language_code
    await u.press("English")
    await u.expect_edit()
    assert await count(running_bot, User) == 0
    await u.press(t("en", "consent.decline"))
    edited = await u.expect_edit()
    assert edited.html == t("en", "consent.declined")
    assert await count(running_bot, User) == 0


async def test_cancel_keeps_answers_and_start_resumes(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    u = emulator.user(id=7_500_000_002, first_name="Phúc", language_code="vi")
    await onboard(u, "vi", "startup")
    await expect(u, "vi", "ask.company_name")
    await u.send("Phúc Logistics")
    await expect(u, "vi", "ask.sectors")
    await u.send("/cancel")
    await expect(u, "vi", "cancel.done")
    await u.send("hello?")
    await expect(u, "vi", "fallback.hint")
    await u.send("/start")
    await expect(u, "vi", "start.resume")
    await expect(u, "vi", "ask.sectors")  # company name was kept
    assert await count(running_bot, Startup) == 1


async def test_help_language_and_unknown(emulator: Emulator) -> None:
    u = emulator.user(id=7_500_000_003, first_name="Quân", language_code="vi")
    await u.send("xin chào")
    await expect(u, "vi", "fallback.hint_new")
    await u.send("/whatever")
    await expect(u, "vi", "fallback.unknown_command")
    await onboard(u, "vi", None)
    await u.send("/help")
    help_msg = await u.expect_message()
    assert help_msg.html == t("vi", "help.everyone")
    await u.send("/language")
    await expect(u, "vi", "language.choose")
    await u.press("English")
    changed = await u.expect_edit()
    assert changed.html == t("en", "language.changed")
    await u.send("/help")
    help_en = await u.expect_message()
    assert help_en.html == t("en", "help.everyone")
    # The chat's command menu follows the chosen language.
    menu = emulator.commands(scope={"type": "chat", "chat_id": u.id})
    assert {"command": "help", "description": t("en", "cmd.help")} in menu


async def test_command_menus(emulator: Emulator) -> None:
    default_vi = emulator.commands(scope=None, language_code="vi")
    default_en = emulator.commands(scope=None, language_code="en")
    assert [c["command"] for c in default_vi] == [
        "start",
        "profile",
        "pitch",
        "requests",
        "assignments",
        "myreport",
        "mystats",
        "submit",
        "pause",
        "resume",
        "settings",
        "mydata",
        "deleteme",
        "language",
        "help",
        "cancel",
    ]
    assert default_en[0]["description"] == t("en", "cmd.start")
    organizer_menu = emulator.commands(scope={"type": "chat", "chat_id": ORGANIZER_ID})
    assert "pending" in [c["command"] for c in organizer_menu]
    assert [c["command"] for c in organizer_menu][-7:] == [
        "export",
        "groups",
        "broadcast",
        "broadcasts",
        "policy",
        "campaigns",
        "report",
    ]
    assert "pending" not in [c["command"] for c in default_vi]


async def test_bot_is_quiet_in_groups_unless_addressed(emulator: Emulator) -> None:
    group = emulator.group(title="Hà Nội founders")
    member = emulator.user(id=7_500_000_004, first_name="Sơn", language_code="vi")
    await member.add_bot_to(group)
    await member.send("chào cả nhà", chat=group)
    await member.send("/help", chat=group)
    await member.send("/start@some_other_bot", chat=group)
    await member.send("/help@in2spire_test_bot", chat=group)
    # Updates of one chat are handled in order, so the first reply in the group is
    # the answer to the addressed command: the three messages before got none.
    reply = await member.expect_message(chat=group)
    assert reply.text.startswith(t("vi", "group.talk_in_private", link="X").split("X")[0])
