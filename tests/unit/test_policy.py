"""Policy themes: the deterministic grouping by sector, the model's themes checked
against the pitches sent (unknown ids and empty themes dropped, unclaimed pitches in
"Other"), and the rendering (escaped, split at theme boundaries, within limits)."""

from __future__ import annotations

from bot.ai.schemas import PolicyTheme, PolicyThemes
from bot.i18n import default_translator
from bot.services.policy import PolicyPitch, Theme, fallback_themes, themes_from_model
from bot.ui.policy import MAX_PAGES, policy_pages
from bot.ui.requests import MESSAGE_MAX

TR = default_translator("vi")
T_EN = TR.bind("en")


def pitch(n: int, company: str, province: str | None, *sectors: str) -> PolicyPitch:
    return PolicyPitch(id=n, company=company, province=province, sectors=sectors, story="s")


PITCHES = [
    pitch(1, "Nông Trại Số", "can_tho", "agritech", "ai_data"),
    pitch(2, "Ví Xanh", "ha_noi", "fintech"),
    pitch(3, "Lúa Vàng", "can_tho", "agritech"),
    pitch(4, "No Sector Co", None),
    pitch(5, "Nông Trại Số", "can_tho", "agritech"),
]


def test_fallback_groups_by_first_sector_largest_first() -> None:
    themes = fallback_themes(PITCHES)
    assert [(t.sector, t.pitch_ids) for t in themes] == [
        ("agritech", (1, 3, 5)),
        ("fintech", (2,)),  # fintech comes before "other" in the taxonomy
        ("other", (4,)),
    ]
    assert sorted(i for t in themes for i in t.pitch_ids) == [1, 2, 3, 4, 5]
    assert fallback_themes([]) == []


def test_model_themes_are_checked_against_the_pitches() -> None:
    result = PolicyThemes(
        themes=[
            PolicyTheme(title="Land", summary="Land rules", request_ids=[1, 3, 999]),
            PolicyTheme(title="Ghost", summary="Only unknown ids", request_ids=[404]),
            PolicyTheme(title="Payments", summary="E-wallet licences", request_ids=[2, 1]),
        ]
    )
    themes = themes_from_model(result, PITCHES)
    assert [(t.title, t.pitch_ids, t.other) for t in themes] == [
        ("Land", (1, 3), False),
        ("Payments", (2, 1), False),
        ("", (4, 5), True),  # unclaimed pitches
    ]
    nothing = PolicyThemes(themes=[PolicyTheme(title="X", summary="Y", request_ids=[77])])
    assert themes_from_model(nothing, PITCHES) == []


def test_pages_show_startups_provinces_and_escape_model_text() -> None:
    themes = [
        Theme(pitch_ids=(1, 3, 5), title="<b>Đất</b> & nước", summary="Thủ tục <script>"),
        Theme(pitch_ids=(2, 4), other=True),
    ]
    [page] = policy_pages(themes, PITCHES, "en", T_EN, generated=True)
    assert TR.t("en", "policy.generated") in page
    assert "&lt;b&gt;Đất&lt;/b&gt; &amp; nước" in page and "<b>Đất</b>" not in page
    assert "Thủ tục &lt;script&gt;" in page
    assert "Nông Trại Số (#1, #5), Lúa Vàng (#3)" in page
    assert "Can Tho (3)" in page  # each province once, with its count
    assert TR.t("en", "policy.other") in page and "Hanoi" in page


def test_fallback_pages_name_sectors_and_carry_the_note() -> None:
    note = TR.t("vi", "policy.ai_unavailable")
    pages = policy_pages(
        fallback_themes(PITCHES), PITCHES, "vi", TR.bind("vi"), generated=False, days=30, note=note
    )
    text = "\n".join(pages)
    assert "Nông nghiệp công nghệ (Agritech)" in text and note in text
    assert TR.t("vi", "policy.generated") not in text
    assert TR.t("vi", "policy.title_days", count=5, days=30) in text


def test_long_answers_are_split_and_cut() -> None:
    many = [pitch(n, f"Company {n} " + "x" * 60, "ha_noi", "fintech") for n in range(1, 400)]
    themes = [Theme(pitch_ids=(n,), title=f"Theme {n}", summary="y" * 590) for n in range(1, 400)]
    pages = policy_pages(themes, many, "en", T_EN, generated=True)
    assert len(pages) == MAX_PAGES
    assert all(len(p) <= MESSAGE_MAX for p in pages)
    assert pages[-1].endswith("…")
    # One huge theme is cut at a line boundary rather than sent whole.
    big = [Theme(pitch_ids=tuple(p.id for p in many), title="All", summary="z")]
    pages = policy_pages(big, many, "en", T_EN, generated=True)
    assert all(len(p) <= MESSAGE_MAX for p in pages)
