"""Bad input at every step gets a clear answer and the conversation stays on that step."""

from __future__ import annotations

import pytest

from bot.reference import label
from sandbox import Emulator, SimUser
from tests.e2e.flows import expect, onboard, t

pytestmark = pytest.mark.usefixtures("running_bot")


async def bad(user: SimUser, lang: str, text: str, key: str, **params: object) -> None:
    await user.send(text)
    await expect(user, lang, key, **params)


async def test_startup_steps_refuse_bad_input(emulator: Emulator) -> None:
    lang = "en"
    u = emulator.user(id=7_400_000_001, first_name="Khoa", language_code=lang)
    await onboard(u, lang, "startup")
    await expect(u, lang, "ask.company_name")
    await bad(u, lang, "x" * 101, "error.text_too_long", length=101, max=100, field="name")
    await u.send_sticker()
    await expect(u, lang, "error.expected_text")
    await u.send("/nonsense")
    await expect(u, lang, "error.unknown_command_in_form")
    await u.send("Mekong AI")
    await expect(u, lang, "ask.sectors")

    await u.send("agritech please")
    await expect(u, lang, "error.use_buttons")
    answer = await u.press(t(lang, "btn.done"), message=u.messages()[-3])
    assert answer.text == t(lang, "error.pick_at_least_one")
    assert answer.show_alert
    await u.press(label("sectors", "ai_data", lang), message=u.messages()[-3])
    await u.expect_edit()
    await u.press(t(lang, "btn.done"), message=u.messages()[-3])
    await u.expect_edit()
    await expect(u, lang, "ask.stage")

    await u.send_photo()
    await expect(u, lang, "error.use_buttons")
    await u.press(label("stages", "seed", lang), message=u.messages()[-3])
    await u.expect_edit()
    await expect(u, lang, "ask.province")

    await u.send("Atlantis")
    reply = await u.expect_message()
    assert reply.text.startswith(t(lang, "error.province_unknown", suggestions="X").split("X")[0])
    await u.send("Sai Gon")
    await expect(u, lang, "ask.website")

    await bad(u, lang, "javascript:alert(1)", "error.url_scheme")
    await bad(u, lang, "not a website", "error.url_invalid")
    await u.press(t(lang, "btn.skip"))
    await u.expect_edit()
    await expect(u, lang, "ask.description")

    await bad(
        u, lang, "d" * 1001, "error.text_too_long", length=1001, max=1000, field="description"
    )
    await u.send("We read rice fields from satellites.")
    await expect(u, lang, "ask.contact_name")
    await u.send("Khoa")
    await expect(u, lang, "ask.phone")

    await bad(u, lang, "12345", "error.phone_invalid")
    await bad(u, lang, "call me maybe", "error.phone_invalid")
    await u.press(t(lang, "btn.skip"))
    await u.expect_edit()
    ask_email = await u.expect_message()
    assert t(lang, "ask.email_required") in ask_email.text
    assert t(lang, "btn.skip") not in ask_email.button_texts  # phone skipped: email required
    await bad(u, lang, "khoa@", "error.email_invalid")
    await u.send("khoa@mekong.ai")
    await expect(u, lang, "ask.needs")


async def test_ambassador_steps_refuse_bad_input(emulator: Emulator) -> None:
    lang = "vi"
    u = emulator.user(id=7_400_000_002, first_name="Mai", language_code=lang)
    await onboard(u, lang, "ambassador")
    await expect(u, lang, "ask.display_name")
    await u.send("Mai Travel")
    await expect(u, lang, "ask.channel_platform")
    await u.send("YouTube")
    await expect(u, lang, "error.use_buttons")
    await u.press(label("platforms", "youtube", lang))
    await u.expect_edit()
    await u.expect_message()
    yt = label("platforms", "youtube", lang)
    await bad(
        u, lang, "https://www.facebook.com/maitravel", "error.profile_url_platform", platform=yt
    )
    await bad(u, lang, "ftp://youtube.com/@mai", "error.url_scheme")
    await u.send("https://youtube.com/@maitravel")
    await expect(u, lang, "ask.channel_audience")
    await bad(u, lang, "nhiều lắm", "error.audience_invalid")
    await bad(u, lang, "-5", "error.audience_invalid")
    await u.send("85.000")
    menu = await u.expect_message()
    assert "85.000" in menu.text
    await u.press(t(lang, "btn.done"))
    await u.expect_edit()
    await expect(u, lang, "ask.topics")
    await u.press(label("sectors", "tourism", lang))
    await u.expect_edit()
    await u.press(t(lang, "btn.done"))
    await u.expect_edit()
    await expect(u, lang, "ask.regions")
    await u.send("Hogwarts")
    reply = await u.expect_message()
    assert reply.text.startswith("Không nhận ra tỉnh/thành này")
    await u.press("Toàn quốc", message=u.messages()[-3])
    await u.expect_edit()
    await u.press(t(lang, "btn.done"), message=u.messages()[-3])
    await u.expect_edit()
    await expect(u, lang, "ask.languages")
    await u.press(label("languages", "en", lang))
    await u.expect_edit()
    await u.press(t(lang, "btn.done"))
    await u.expect_edit()
    await expect(u, lang, "ask.capacity")
    await bad(u, lang, "0", "error.capacity_invalid", min=1, max=50)
    await bad(u, lang, "một trăm", "error.capacity_invalid", min=1, max=50)
    await u.send("3")
    await expect(u, lang, "reg.review_and_submit")


async def test_stale_buttons_do_nothing(emulator: Emulator) -> None:
    lang = "en"
    u = emulator.user(id=7_400_000_003, first_name="Nam", language_code=lang)
    await onboard(u, lang, "startup")
    await expect(u, lang, "ask.company_name")
    await u.send("Old Buttons Ltd")
    sectors_q = await u.expect_message()
    await u.press(label("sectors", "fintech", lang))
    await u.expect_edit()
    await u.press(t(lang, "btn.done"))
    await u.expect_edit()
    await expect(u, lang, "ask.stage")
    # A button of the answered question is refused with an alert.
    answer = await u.press_data("f:toggle:sectors:edtech", message=sectors_q)
    assert answer.text == t(lang, "error.stale_button")
    answer = await u.press_data("garbage-data", message=sectors_q)
    assert answer.text == t(lang, "error.stale_button")
