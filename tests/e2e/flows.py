"""Conversations a person has with the bot, written once and reused by the e2e tests."""

from __future__ import annotations

from typing import Any

from bot.i18n import default_translator
from bot.provinces import get_province
from bot.reference import label
from sandbox import SimMessage, SimUser

TR = default_translator("vi")


def t(lang: str, key: str, **params: Any) -> str:
    return TR.t(lang, key, **params)


def assert_html(message: SimMessage, lang: str, key: str, **params: Any) -> None:
    expected = t(lang, key, **params)
    assert message.html == expected, f"expected {key!r}:\n{expected}\n--- got:\n{message.html}"


async def expect(user: SimUser, lang: str, key: str, **params: Any) -> SimMessage:
    message = await user.expect_message()
    assert_html(message, lang, key, **params)
    return message


async def onboard(user: SimUser, lang: str, role: str | None) -> None:
    """/start, language, consent and (optionally) role; ends at the first question."""
    await user.send("/start")
    msg = await user.expect_message()
    assert "🇻🇳 Tiếng Việt" in " ".join(msg.button_texts)
    await user.press("English" if lang == "en" else "Tiếng Việt")
    notice = await user.expect_edit()
    assert notice.html == t(lang, "consent.notice")
    await user.press(t(lang, "consent.accept"))
    await user.expect_edit()
    await expect(user, lang, "start.choose_role")
    if role is None:
        return
    await user.press(t(lang, f"role.{role}"))
    await user.expect_edit()


async def toggle_and_done(user: SimUser, lang: str, kind: str, codes: list[str]) -> None:
    for code in codes:
        await user.press(label(kind, code, lang))
        edited = await user.expect_edit()
        assert any(b.startswith("✅") and label(kind, code, lang) in b for b in edited.button_texts)
    await user.press(t(lang, "btn.done"))
    answered = await user.expect_edit()
    # The answer stays under the question, as the person sees it (escaped once: a
    # label with "&" must not read "&amp;").
    shown = (answered.text or "").rsplit("→", 1)[-1]
    assert all(label(kind, code, lang) in shown for code in codes), shown


STARTUP_ANSWERS = {
    "company_name": "Nông Trại Số <3 & Co",
    "province_typed": "binh duong",
    "website": "https://www.NongTraiSo.vn/?utm_source=fb#top",
    "description": "Cảm biến độ ẩm đất giá rẻ cho nông dân ĐBSCL.",
    "contact_name": "Trần Thị An",
    "phone": "090 123 4567",
    "email": "An@NongTraiSo.vn",
}


async def register_startup(user: SimUser, lang: str) -> SimMessage:
    """The full startup conversation; returns the summary card."""
    await onboard(user, lang, "startup")
    await expect(user, lang, "ask.company_name")
    await user.send(STARTUP_ANSWERS["company_name"])
    await expect(user, lang, "ask.sectors")
    await toggle_and_done(user, lang, "sectors", ["agritech", "ai_data"])
    await expect(user, lang, "ask.stage")
    await user.press(label("stages", "mvp", lang))
    await user.expect_edit()
    await expect(user, lang, "ask.province")
    typed = ["province_typed", "website", "description", "contact_name", "phone", "email"]
    following = ["ask.website", "ask.description", "ask.contact_name", "ask.phone", "ask.email"]
    for answer, next_question in zip(typed, [*following, "ask.needs"], strict=True):
        await user.send(STARTUP_ANSWERS[answer])
        await expect(user, lang, next_question)
    await toggle_and_done(user, lang, "needs", ["funding", "media"])
    await expect(user, lang, "reg.review_and_submit")
    card = await user.expect_message()
    assert t(lang, "btn.submit") in card.button_texts
    assert get_province("ho_chi_minh").label(lang) in card.text  # Bình Dương -> TP.HCM
    assert "+84901234567" in card.text
    assert "https://www.nongtraiso.vn" in card.text  # lower-cased host, no fragment
    assert "utm_source" not in card.text
    assert STARTUP_ANSWERS["company_name"] in card.text  # shown as typed, escaped on the wire
    return card


async def register_ambassador(user: SimUser, lang: str) -> SimMessage:
    await onboard(user, lang, "ambassador")
    await expect(user, lang, "ask.display_name")
    await user.send("Lan Review")
    await expect(user, lang, "ask.channel_platform")
    await user.press(label("platforms", "tiktok", lang))
    await user.expect_edit()
    await expect(user, lang, "ask.channel_url", platform=label("platforms", "tiktok", lang))
    await user.send("https://www.tiktok.com/@lan.review?lang=vi")
    await expect(user, lang, "ask.channel_audience")
    await user.send("12,5k")
    menu = await user.expect_message()
    assert t(lang, "btn.add_channel") in menu.button_texts
    await user.press(t(lang, "btn.add_channel"))
    await user.expect_edit()
    await expect(user, lang, "ask.channel_platform")
    await user.press(label("platforms", "tv", lang))
    await user.expect_edit()
    await user.expect_message()
    await user.press(t(lang, "btn.no_url"))
    await user.expect_edit()
    await expect(user, lang, "ask.channel_audience")
    await user.send("1,2 triệu" if lang == "vi" else "1.2M")
    menu = await user.expect_message()
    assert len([b for b in menu.button_texts if "2" in b and "🗑" in b]) == 1
    await user.press(t(lang, "btn.done"))
    await user.expect_edit()
    await expect(user, lang, "ask.topics")
    await toggle_and_done(user, lang, "sectors", ["agritech", "fintech"])
    await expect(user, lang, "ask.regions")
    await user.send("Cần Thơ")
    await expect(user, lang, "reg.regions_now", regions=get_province("can_tho").label(lang))
    await user.press(get_province("ha_noi").label(lang))
    await user.expect_edit()
    await user.press(t(lang, "btn.done"))
    await user.expect_edit()
    await expect(user, lang, "ask.languages")
    await toggle_and_done(user, lang, "languages", ["vi"])
    await expect(user, lang, "ask.capacity")
    await user.send("4")
    await expect(user, lang, "reg.review_and_submit")
    card = await user.expect_message()
    assert "12.500" in card.text or "12,500" in card.text
    assert "tiktok.com/@lan.review" in card.text
    return card


async def submit(user: SimUser, lang: str) -> None:
    """Press Submit on the summary card: it loses its buttons and the bot confirms."""
    await user.press(t(lang, "btn.submit"))
    await user.expect_edit()
    await expect(user, lang, "reg.submitted")
