"""The deterministic brief: both languages, escaped user text, local deadline, limits."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.i18n import default_translator
from bot.reference import codes
from bot.ui.brief import render_brief
from storage.dto import StartupDTO, StoryRequestDTO

VN = ZoneInfo("Asia/Ho_Chi_Minh")
T = default_translator("vi")
STARTUP = StartupDTO(
    id=1,
    user_id=10,
    status="approved",
    company_name="Nông <Trại> & Số",
    contact_name="Trần An",
    phone="+84901234567",
    email="an@nongtraiso.vn",
)
REQUEST = StoryRequestDTO(
    id=5,
    startup_id=1,
    status="open",
    need="funding",
    story="Cảm biến độ ẩm <b>giá rẻ</b> cho nông dân.",
    audiences=("investors", "public"),
    platforms=(),
    regions=("can_tho", "nationwide"),
    languages=("vi",),
    deadline=datetime(2026, 3, 8, 16, 59, 59, tzinfo=UTC),  # 23:59:59 on 8 March in Vietnam
    wanted=3,
)


def visible(text: str) -> str:
    """What a person sees (Telegram counts the limit after parsing entities)."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_brief_in_both_languages_with_user_text_escaped() -> None:
    en = render_brief(REQUEST, STARTUP, T.bind("en"), "en", VN)
    vi = render_brief(REQUEST, STARTUP, T.bind("vi"), "vi", VN)
    assert en.startswith("<b>Nông &lt;Trại&gt; &amp; Số</b> · Funding &amp; investment")
    assert "&lt;b&gt;giá rẻ&lt;/b&gt;" in en  # the startup's markup is shown, not applied
    assert "<b>For:</b> Investors, The public" in en
    assert "<b>Platforms:</b> any" in en
    assert "08/03/2026" in en and "08/03/2026" in vi
    assert "<b>Ambassadors wanted:</b> 3" in en
    assert "<b>Đối tượng:</b> Nhà đầu tư, Công chúng" in vi
    assert "Trần An" not in en  # contact only after accepting


def test_contact_after_accepting() -> None:
    text = render_brief(REQUEST, STARTUP, T.bind("en"), "en", VN, with_contact=True)
    assert "<b>Contact:</b> Trần An · +84901234567 · an@nongtraiso.vn" in text


def test_longest_brief_fits_one_message() -> None:
    longest = StoryRequestDTO(
        id=5,
        startup_id=1,
        status="open",
        need="funding",
        story="<&>" * 666 + "xy",  # 2,000 characters, every one escaped
        audiences=codes("audiences"),
        platforms=codes("platforms"),
        regions=("can_tho", "ha_noi", "nationwide"),
        languages=codes("languages"),
        deadline=REQUEST.deadline,
        wanted=10,
    )
    startup = StartupDTO(
        id=1,
        user_id=10,
        status="approved",
        company_name="&" * 100,
        contact_name="A" * 100,
        phone="+84901234567",
        email="a" * 60 + "@example.vn",
    )
    for lang in ("vi", "en"):
        text = render_brief(longest, startup, T.bind(lang), lang, VN, with_contact=True)
        assert len(visible(text)) <= 4096
