"""/mydata and /deleteme end to end (issue #7): the real bot against the emulator."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.services.users import CONSENT_VERSION
from bot.ui.callbacks import PrivacyCB
from sandbox import Emulator, SimMessage, SimUser
from storage.models import Ambassador, Startup, User
from tests.e2e.conftest import ORGANIZER_ID, SECOND_ORGANIZER_ID, RunningBot
from tests.e2e.flows import STARTUP_ANSWERS, expect, register_startup, submit, t
from tests.e2e.story_flows import LANG, A, B, offer_id, seed, submit_pitch

pytestmark = pytest.mark.usefixtures("running_bot")


def document_json(emulator: Emulator, message: SimMessage) -> tuple[bytes, dict[str, Any]]:
    assert message.document is not None
    raw = emulator.world.files[message.document["file_id"]].data
    return raw, json.loads(raw.decode("utf-8"))


async def ask_deleteme(user: SimUser, lang: str) -> SimMessage:
    await user.send("/deleteme")
    ask = await user.expect_message()
    assert ask.html == t(lang, "privacy.delete.ask")
    assert ask.button_texts == [t(lang, "privacy.btn.confirm"), t(lang, "privacy.btn.cancel")]
    return ask


async def test_mydata_sends_the_profile_as_json(emulator: Emulator) -> None:
    founder = emulator.user(id=7_900_000_001, first_name="Tâm", language_code="en")
    await register_startup(founder, "en")
    await submit(founder, "en")
    await founder.send("/mydata")
    sent = await founder.expect_message()
    assert sent.document is not None
    assert sent.document["file_name"] == f"mydata-{founder.id}.json"
    assert sent.caption == t("en", "privacy.export.caption", id=founder.id)
    raw, data = document_json(emulator, sent)
    assert STARTUP_ANSWERS["company_name"].encode() in raw  # Vietnamese as written
    assert b'\n  "' in raw  # indented
    assert data["telegram_id"] == founder.id
    assert data["user"]["first_name"] == "Tâm"
    startup = data["startup"]["startups"][0]
    assert startup["company_name"] == STARTUP_ANSWERS["company_name"]
    assert startup["phone"] == "+84901234567" and startup["status"] == "pending"
    assert data["consent"]["version"] == CONSENT_VERSION
    assert data["consent"]["text"]["en"] == t("en", "consent.notice")
    assert set(data["consent"]["accepted_at"]) == {"utc", "local"}
    assert data["consent"]["accepted_at"]["local"].endswith("+07:00")
    # Someone the bot knows nothing about gets a file too, with nothing in it.
    stranger = emulator.user(id=7_900_000_002, first_name="Lạ", language_code="vi")
    await stranger.send("/mydata")
    _, empty = document_json(emulator, await stranger.expect_message())
    assert "user" not in empty and "startup" not in empty


async def test_deleteme_cancel_forged_expired_then_confirm(
    emulator: Emulator, running_bot: RunningBot
) -> None:
    """An ambassador with an accepted story erases their data: Cancel does nothing, a
    forged or stale confirmation is refused; Confirm erases, the story goes to the next
    ambassador, the startup and the organizers are told, and /start starts over."""
    world = await seed(running_bot, emulator, ambassadors=2)
    lan, minh = world.ambassadors[A], world.ambassadors[B]
    founder = world.founder
    opened = await submit_pitch(founder, wanted=1)
    assert opened.html == t(LANG, "pitch.opened", id=1, offered=1)
    offer = await lan.expect_message()
    assert offer_id(offer) > 0
    await lan.press(t(LANG, "offer.btn.accept"), message=offer)
    await lan.expect_edit()
    await lan.expect_message()  # the full brief
    await founder.expect_message()  # "Lan took your story"

    # Cancel: nothing happens.
    ask = await ask_deleteme(lan, LANG)
    await lan.press(t(LANG, "privacy.btn.cancel"), message=ask)
    assert (await lan.expect_edit()).html == t(LANG, "privacy.delete.cancelled")
    async with running_bot.engine.connect() as conn:
        assert (await conn.execute(select(User.id).where(User.id == A))).scalar() == A

    # Someone else forges Lan's confirmation on a message of their own.
    ask_minh = await ask_deleteme(minh, LANG)
    at = int(running_bot.clock().timestamp())
    forged = await minh.press_data(PrivacyCB(action="yes", uid=A, at=at).pack(), message=ask_minh)
    assert forged.show_alert and forged.text == t(LANG, "error.not_allowed")

    # A confirmation older than ten minutes is refused.
    ask = await ask_deleteme(lan, LANG)
    running_bot.clock.advance(timedelta(minutes=11))
    stale = await lan.press(t(LANG, "privacy.btn.confirm"), message=ask)
    assert stale.show_alert and stale.text == t(LANG, "privacy.delete.expired")
    await lan.expect_edit()  # the buttons are taken away
    async with running_bot.engine.connect() as conn:
        assert (await conn.execute(select(User.id).where(User.id == A))).scalar() == A

    # Confirm: erased.
    ask = await ask_deleteme(lan, LANG)
    await lan.press(t(LANG, "privacy.btn.confirm"), message=ask)
    assert (await lan.expect_edit()).html == t(LANG, "privacy.delete.done")
    async with running_bot.engine.connect() as conn:
        assert (await conn.execute(select(User.id).where(User.id == A))).scalar() is None
        first = select(Ambassador.id, Ambassador.display_name, Ambassador.user_id)
        row = (await conn.execute(first.order_by(Ambassador.id).limit(1))).one_or_none()
        assert row is not None
        amb_id, name, user_id = row
        assert name == f"Đại sứ #{amb_id}" and user_id < 0
    for organizer_id in (ORGANIZER_ID, SECOND_ORGANIZER_ID):
        organizer = emulator.user(id=organizer_id)
        told = await organizer.expect_message()
        assert told.html == t(
            "vi", "privacy.organizer.erased", role=t("vi", "role.name.ambassador"), name=name
        )
    released = await founder.expect_message()
    assert name in released.text and "Lan" not in released.text
    next_offer = await minh.expect_message()
    assert t(LANG, "offer.btn.accept") in next_offer.button_texts

    # Lan is a new person now: /start asks for the language and consent again.
    await lan.send("/start")
    await expect(lan, LANG, "start.choose_language")
    async with running_bot.engine.connect() as conn:
        assert (await conn.execute(select(Startup.company_name))).scalar() == "Nông Trại Số"
