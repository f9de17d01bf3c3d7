"""Template draft posts (the path without AI): one per platform and language, angles
rotated between ambassadors, "shorter" really shorter, nothing over the limits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.ai.prompts import load_prompt
from bot.i18n import default_translator
from bot.reference import codes
from bot.services.post_drafts import (
    ANGLES,
    FORMATS,
    TEXT_MAX,
    DraftContext,
    angle_code,
    angle_label,
    brief_data,
    choose_language,
    choose_platform,
    compose,
    shorten,
    startup_data,
    template_draft,
)
from bot.ui.post_drafts import MESSAGE_MAX, draft_text
from storage.dto import AmbassadorDTO, ChannelDTO, PostDraftDTO, StartupDTO, StoryRequestDTO

STORY = (
    "Nông dân <Cần Thơ> tiết kiệm 30% nước nhờ cảm biến & AI. Lắp đặt trong một giờ. "
    "Dữ liệu được gửi về điện thoại mỗi ngày."
)
STARTUP = StartupDTO(
    id=1,
    user_id=10,
    status="approved",
    company_name="Nông Trại Số",
    sectors=("agritech",),
    province="can_tho",
)
REQUEST = StoryRequestDTO(
    id=1,
    startup_id=1,
    status="open",
    need="media",
    story=STORY,
    audiences=("investors",),
    languages=("vi", "en"),
)
BRIEF = {
    "title": "Nông Trại Số tiết kiệm nước",
    "angle": "Cảm biến giá rẻ giúp nông dân",
    "key_messages": ["Tiết kiệm 30% nước", "Dễ lắp đặt", "Dữ liệu hằng ngày"],
    "target_audience": "Nhà đầu tư",
    "call_to_action": "Liên hệ để thí điểm",
    "hashtags": ["#nongnghiep"],
    "platforms": [],
}
PLATFORMS = list(codes("platforms"))


def context(
    lang: str = "vi",
    platform: str = "facebook",
    *,
    position: int = 0,
    taken: tuple[str, ...] = (),
    latest: PostDraftDTO | None = None,
    request: StoryRequestDTO = REQUEST,
) -> DraftContext:
    return DraftContext(
        assignment_id=5,
        request_id=1,
        user_id=20,
        ui_lang=lang,
        lang=lang,
        platform=platform,
        position=position,
        brief=brief_data(request, STARTUP, lang),
        startup=startup_data(STARTUP, lang),
        angles_taken=taken,
        latest=latest,
        company=STARTUP.company_name or "",
        story=request.story or "",
    )


def stored(text: str, angle: str, *, version: int = 1, platform: str = "facebook") -> PostDraftDTO:
    return PostDraftDTO(
        id=1,
        assignment_id=5,
        version=version,
        platform=platform,
        language="vi",
        angle=angle,
        hook=text.split("\n")[0][:300],
        text=text,
        source="template",
    )


def test_every_platform_has_a_format() -> None:
    assert set(PLATFORMS) <= set(FORMATS)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_each_platform_its_own_template(lang: str) -> None:
    texts = {}
    for platform in PLATFORMS:
        draft = template_draft(context(lang, platform), "new")
        assert draft.text and len(draft.text) <= TEXT_MAX and len(draft.hook) <= 300
        assert draft.angle == angle_label(ANGLES[0], lang)
        assert "Nông Trại Số" in draft.text
        texts[platform] = draft.text
    assert len(set(texts.values())) == len(PLATFORMS)  # each platform reads differently
    assert len(texts["x"]) <= 280 and len(texts["threads"]) <= 500
    words = {
        "vi": {
            "tiktok": "MỞ ĐẦU",
            "press": "SAPO",
            "linkedin": "Ba điều",
            "facebook": "Điểm nổi bật",
        },
        "en": {
            "tiktok": "HOOK",
            "press": "LEAD",
            "linkedin": "Three things",
            "facebook": "stands out",
        },
    }[lang]
    for platform, word in words.items():
        assert word in texts[platform], platform
    assert "BEAT 2" in texts["tiktok"] or "ĐOẠN 2" in texts["tiktok"]
    assert "OUTLINE" in texts["press"] or "DÀN Ý" in texts["press"]


def test_the_chosen_brief_is_used() -> None:
    request = replace(REQUEST, brief=BRIEF, brief_source="ai")
    draft = template_draft(context("vi", "facebook", request=request), "new")
    assert "Tiết kiệm 30% nước" in draft.text and "Liên hệ để thí điểm" in draft.text
    assert "#nongnghiep" in draft.text


def test_angles_differ_between_ambassadors_and_rotate() -> None:
    angles = [template_draft(context(position=p), "new").angle for p in range(len(ANGLES))]
    assert len(set(angles)) == len(ANGLES)
    # The second ambassador, told the first's angle, still takes another one...
    first = template_draft(context(position=0), "new")
    second = template_draft(context(position=0, taken=(first.angle,)), "new")
    assert second.angle != first.angle
    # ...and "another version" moves on, past angles others use.
    again = template_draft(context(position=0, latest=stored(first.text, first.angle)), "again")
    assert again.angle == angle_label(ANGLES[1], "vi")
    taken = (angle_label(ANGLES[1], "en"),)  # another ambassador drafts in English
    skipped = template_draft(
        context(position=0, taken=taken, latest=stored(first.text, first.angle)), "again"
    )
    assert skipped.angle == angle_label(ANGLES[2], "vi")
    # An angle the model wrote is not one of ours: the rotation starts after the position.
    after_ai = template_draft(context(position=0, latest=stored("x. y.", "Góc AI")), "again")
    assert after_ai.angle == angle_label(ANGLES[1], "vi")
    assert angle_code(angle_label("people", "en")) == "people" and angle_code("Góc AI") is None


def test_every_angle_taken_still_drafts() -> None:
    taken = tuple(angle_label(code, "vi") for code in ANGLES)
    assert template_draft(context(position=2, taken=taken), "new").angle == angle_label(
        ANGLES[2], "vi"
    )


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_shorter_is_shorter(platform: str, lang: str) -> None:
    draft = template_draft(context(lang, platform), "new")
    latest = stored(draft.text, draft.angle, platform=platform)
    short = template_draft(context(lang, platform, latest=latest), "shorter")
    assert len(short.text) < len(draft.text)
    assert len(short.text) <= len(draft.text) * 0.7
    assert short.angle == draft.angle  # same angle, fewer words


def test_shorten_cuts_at_sentences() -> None:
    text = "One sentence here. Two sentences here. Three sentences here. Four sentences here."
    assert shorten(text) == "One sentence here. Two sentences here."
    assert shorten("A") == "A"  # nothing shorter exists
    long_one = "word " * 200
    assert len(shorten(long_one)) <= len(long_one.strip()) // 2 + 1
    with_tags = "Hook line.\n\nBody one. Body two. Body three. Body four.\n\n#a #b #c"
    short = shorten(with_tags)
    assert short.startswith("Hook line.") and short.endswith("#a") and len(short) < len(with_tags)


def test_nothing_over_the_limits() -> None:
    huge = replace(REQUEST, story=("Câu chuyện & <thẻ> rất dài. " * 200)[:2000])
    t = default_translator().bind("vi")
    for platform in PLATFORMS:
        draft = template_draft(context("vi", platform, request=huge), "new")
        assert len(draft.text) <= TEXT_MAX and len(draft.hook) <= 300
    # Escaping can grow a text five times: the message still fits.
    message = draft_text(stored("&" * TEXT_MAX, "a & b"), "vi", t, template_note=True)
    assert len(message) <= MESSAGE_MAX and "&amp;" in message and "&&" not in message
    assert "<b>" in message  # the header's own markup stays


def test_language_choice() -> None:
    assert choose_language("en", ("vi",), ("vi", "en")) == "en"  # theirs, if asked for
    assert choose_language("en", ("vi",), ("vi",)) == "vi"  # else the request's
    assert choose_language("vi", ("en",), ("other", "en")) == "en"
    assert choose_language("vi", (), ("other",)) == "vi"  # nothing we write: their own
    assert choose_language("en", (), ()) == "en"


def test_platform_choice() -> None:
    channels = (
        ChannelDTO(id=1, platform="blog", url=None, audience=100),
        ChannelDTO(id=2, platform="tiktok", url=None, audience=50_000),
        ChannelDTO(id=3, platform="linkedin", url=None, audience=10),
    )
    amb = AmbassadorDTO(id=1, user_id=2, status="approved", channels=channels)
    assert choose_platform(amb, REQUEST) == "tiktok"  # no preference: the largest audience
    wants_linkedin = StoryRequestDTO(id=2, startup_id=1, status="open", platforms=("linkedin",))
    assert choose_platform(amb, wants_linkedin) == "linkedin"  # the suggested channel
    assert choose_platform(AmbassadorDTO(id=2, user_id=3, status="approved"), REQUEST) == "other"


@pytest.mark.parametrize("action", ["new", "again", "shorter"])
def test_prompt_variables_render(action: str) -> None:
    latest = stored("Bản nháp cũ. Rất dài.", "Góc cũ")
    variables = context("vi", "tiktok", taken=("Góc khác",), latest=latest).variables(action)
    messages = load_prompt("post_draft").render(variables)
    assert messages  # every variable the prompt names, and no other
    assert variables["angles_taken"] == ["Góc khác"]
    assert variables["shorter"] is (action == "shorter")
    assert variables["previous"] == ("" if action == "new" else latest.text)
    assert variables["platform"] == {"code": "tiktok", "label": "TikTok"}
    assert "HOOK" in variables["format"] and variables["company"] == "Nông Trại Số"


def test_compose_without_a_story_or_company() -> None:
    bare = StoryRequestDTO(id=3, startup_id=1, status="open")
    ctx = DraftContext(
        assignment_id=1,
        request_id=3,
        user_id=1,
        ui_lang="en",
        lang="en",
        platform="facebook",
        position=0,
        brief=brief_data(bare, StartupDTO(id=2, user_id=1, status="approved"), "en"),
        startup={},
    )
    draft = compose(ctx, "question")
    assert draft.text.startswith("Have you heard of this startup yet?")
