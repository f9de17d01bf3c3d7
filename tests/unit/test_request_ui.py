"""Cards of requests and offers: escaped, within Telegram's limits, suggestions sorted."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import default_translator
from bot.services.offers import OfferView
from bot.services.pitches import Pitch
from bot.ui.requests import (
    fit,
    offer_text,
    pitch_card,
    request_card,
    suggested_channels,
)
from storage.dto import AmbassadorDTO, AssignmentDTO, ChannelDTO, StartupDTO, StoryRequestDTO

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TR = default_translator("vi")
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
STARTUP = StartupDTO(id=1, user_id=10, status="approved", company_name="Nông <Trại>")
REQUEST = StoryRequestDTO(
    id=3,
    startup_id=1,
    status="open",
    need="media",
    story="<script>x</script> " + "y" * 1970,
    audiences=("investors",),
    platforms=("tiktok",),
    regions=("can_tho",),
    languages=("vi",),
    deadline=NOW + timedelta(days=7),
    wanted=10,
)
AMBASSADOR = AmbassadorDTO(
    id=4,
    user_id=40,
    status="approved",
    display_name="Lan <3",
    channels=(
        ChannelDTO(id=1, platform="facebook", url=None, audience=90_000),
        ChannelDTO(id=2, platform="tiktok", url="https://tiktok.com/@lan", audience=12_000),
        ChannelDTO(id=3, platform="blog", url=None, audience=100),
    ),
)


def plain_length(text: str) -> int:
    """Characters Telegram counts: the text after HTML entities are parsed."""
    return len(html.unescape(re.sub(r"<[^>]+>", "", text)))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_pitch_card_and_offer_are_escaped_and_fit(lang: str) -> None:
    t = TR.bind(lang)
    card = pitch_card(Pitch(STARTUP, REQUEST), lang, t, VN)
    assert "<script>" not in card and "&lt;script&gt;" in card
    assert "Nông &lt;Trại&gt;" in card
    assert plain_length(card) <= 4096
    offered = AssignmentDTO(
        id=9,
        request_id=3,
        ambassador_id=4,
        status="offered",
        score=5,
        reasons=(),
        offered_at=NOW,
        expires_at=NOW + timedelta(hours=24),
    )
    text = offer_text(OfferView(offered, REQUEST, STARTUP, AMBASSADOR), t, lang, VN)
    assert plain_length(text) <= 4096
    assert "09:00 03/03/2026" in text  # the answer-by time, in Vietnam


def test_suggested_channels_prefer_wanted_platforms_then_audience() -> None:
    line = suggested_channels(AMBASSADOR, REQUEST, "vi")
    assert line.index("TikTok") < line.index("Facebook")
    assert "Blog" not in line  # at most two


def test_request_card_with_many_assignments_fits() -> None:
    t = TR.bind("en")
    reasons = (
        ("sector", ("agritech",)),
        ("region", ("can_tho",)),
        ("audience", ("12000", "tiktok")),
        ("audience", ("bad",)),
    )
    lines = [
        (
            AssignmentDTO(
                id=n,
                request_id=3,
                ambassador_id=n,
                status="declined" if n % 2 else "offered",
                score=3.5,
                reasons=reasons,
                offered_at=NOW,
                expires_at=NOW + timedelta(hours=24),
            ),
            "A very long display name " * 3,
        )
        for n in range(200)
    ]
    card = request_card(REQUEST, STARTUP.company_name, lines, t, "en", VN, for_organizer=True)
    assert len(card) <= 4000 and card.endswith("…")
    assert card.count("<b>") == card.count("</b>")  # cut at a line boundary


def test_fit_keeps_short_text() -> None:
    assert fit("a\nb") == "a\nb"


def test_titles_are_escaped_once_when_passed_on() -> None:
    """A title goes into other messages as a parameter: escaped once, not twice."""
    from bot.ui.requests import request_title

    t = TR.bind("en")
    startup = StartupDTO(id=1, user_id=10, status="approved", company_name="A & B <x>")
    title = request_title(REQUEST, startup.company_name, t, "en")
    text = t("offer.expired", title=title)
    assert "A &amp; B &lt;x&gt;" in text and "&amp;amp;" not in text


def test_candidates_are_paged_and_numbered_across_pages() -> None:
    from bot.ui.requests import candidates_kb

    t = TR.bind("en")
    kb = candidates_kb(3, [41, 42], t, page=1, first=5, has_next=True)
    texts = [b.text for row in kb.inline_keyboard for b in row]
    assert texts[:2] == [t("request.btn.assign", n=6), t("request.btn.assign", n=7)]
    assert t("btn.prev") in texts and t("btn.next") in texts
    data = [b.callback_data for row in kb.inline_keyboard for b in row]
    assert "rq:candidates:3:2::0" in data  # the next page of the same request
    last = candidates_kb(3, [43], t, page=2, first=10, has_next=False)
    assert t("btn.next") not in [b.text for row in last.inline_keyboard for b in row]
