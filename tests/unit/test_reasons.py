"""Matching reasons read naturally in both languages."""

from __future__ import annotations

from bot.i18n import default_translator
from bot.provinces import NATIONWIDE, all_provinces
from bot.services.matching import Candidate, ChannelFacts, MatchWeights, RequestFacts, score
from bot.ui.reasons import REASON_KEYS, compact_number, render_reasons

T = default_translator("vi")


def test_compact_numbers() -> None:
    assert [compact_number(n) for n in (0, 999, 1_000, 12_000, 1_500_000, 2_000_000_000)] == [
        "0",
        "999",
        "1k",
        "12k",
        "1.5M",
        "2B",
    ]


def test_reasons_in_both_languages() -> None:
    province = all_provinces()[0]
    reasons = (
        ("sector", ("agritech",)),
        ("region", (province.code,)),
        ("audience", ("12000", "tiktok")),
        ("track_record", ("5", "6")),
        ("from_the_future", ("x",)),
    )
    en = render_reasons(reasons, T.bind("en"), "en")
    vi = render_reasons(reasons, T.bind("vi"), "vi")
    assert en.startswith("same sector: Agritech; covers ")
    assert "12k followers on TikTok; 5/6 stories on time" in en
    assert "from_the_future" not in en
    assert vi.startswith("cùng lĩnh vực: ")
    assert "12k người theo dõi trên TikTok" in vi


def test_every_reason_the_matcher_gives_can_be_rendered() -> None:
    request = RequestFacts(
        sectors=frozenset({"agritech"}),
        regions=frozenset({NATIONWIDE}),
        languages=frozenset({"vi"}),
        platforms=frozenset({"tiktok"}),
    )
    ambassador = Candidate(
        ambassador_id=1,
        topics=frozenset({"agritech"}),
        regions=frozenset({NATIONWIDE}),
        languages=frozenset({"vi"}),
        channels=(ChannelFacts("tiktok", 5000),),
        accepted_due=3,
        published_on_time=3,
    )
    many = MatchWeights(topic=1, region=1, language=1, platform=1, audience=1, track_record=1)
    scored = score(request, ambassador, many)
    assert {r.code for r in scored.reasons} <= set(REASON_KEYS)
    text = render_reasons([(r.code, r.args) for r in scored.reasons], T.bind("en"), "en")
    assert text.count(";") == len(scored.reasons) - 1
