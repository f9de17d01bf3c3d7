"""Draft posts for ambassadors (issue #6): who may draft, for which platform and in
which language, what the model is given, and the deterministic template drafts the
bot answers with when there is no AI (no key, a timeout, an error, bad output).

Knows nothing of Telegram or of the model: ``PostDraftService.context`` re-checks
the press (this ambassador's assignment, accepted or overdue) and gathers, in the
update's transaction, every value a draft needs (``DraftContext``, plain data a
background task may carry); ``template_draft`` is a pure function of it.

Angles: the template has ``len(ANGLES)`` of them. An ambassador's first draft takes
the angle at their position among the request's accepted assignments, so two
ambassadors of one request never start with the same one; "another version" moves
to the next angle; either way an angle another ambassador's latest draft uses is
skipped while a free one is left. Drafts are plain text (escaped when shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.ai.schemas import normalize_hashtag
from bot.errors import Conflict, NotAllowed, NotFound
from bot.provinces import region_label
from bot.reference import label, labels
from bot.services.assignment_states import HOLDS_A_SLOT, Status
from bot.services.briefs import chosen_brief
from bot.text import cut_text
from storage.dto import (
    AmbassadorDTO,
    PostDraftDTO,
    StartupDTO,
    StoryRequestDTO,
)
from storage.repositories import Repositories

ACTIONS = ("new", "again", "shorter")
#: Where a draft may be asked for.
DRAFT_STATUSES = frozenset({Status.ACCEPTED, Status.OVERDUE})
#: The longest draft text (the model's limit too: ``PostDraft.text``).
TEXT_MAX = 3000
DRAFT_LANGUAGES = ("vi", "en")
GENERIC = "other"

#: What the model is told a good post looks like on each platform (prompt data, in
#: English like the prompt; the post itself is written in the draft's language).
FORMATS: dict[str, str] = {
    "facebook": (
        "A Facebook post of 120-250 words: a hook in the first line, two or three short "
        "paragraphs, a few key points, a call to action, then 3-5 hashtags."
    ),
    "tiktok": (
        "A TikTok short video script of 30-60 seconds: HOOK (first 3 seconds), then "
        "3-4 numbered BEATS each with what is said and what is on screen, a CALL TO "
        "ACTION, then a one-line caption with 3-5 hashtags."
    ),
    "youtube": (
        "A YouTube Shorts script of up to 60 seconds: HOOK (first 3 seconds), 3-4 "
        "numbered BEATS with voice-over and on-screen text, a CALL TO ACTION, then a "
        "title and a short description with 3 hashtags."
    ),
    "linkedin": (
        "A LinkedIn post of 150-250 words in a professional, first-person voice: a hook "
        "line, the context, three numbered takeaways, a question to the reader, then "
        "3 hashtags."
    ),
    "press": (
        "A press article lead and outline: a HEADLINE, a LEAD paragraph answering who, "
        "what, where and why in 40-60 words, then an OUTLINE of 4-6 numbered sections "
        "with one line each, and the people to interview."
    ),
    "instagram": (
        "An Instagram caption of 80-150 words: a hook line, short lines with emoji "
        "bullets, a call to action ('link in bio' style), then 5-8 hashtags."
    ),
    "threads": (
        "A Threads post under 500 characters: a hook, two or three short sentences, "
        "one question or call to action, at most 2 hashtags."
    ),
    "x": (
        "A post for X under 280 characters: one hook sentence, one fact from the brief, "
        "a call to action and at most 2 hashtags."
    ),
    "zalo_oa": (
        "A Zalo Official Account article of 120-200 words: a clear title line, a warm "
        "opening, short paragraphs with the key points, a call to action; no hashtags."
    ),
    "blog": (
        "A blog article draft: a TITLE, an introduction paragraph, 3-4 section headings "
        "each with two or three sentences, and a conclusion with the call to action."
    ),
    "radio_podcast": (
        "A radio or podcast segment plan of 2-3 minutes: an INTRO to read out, 3-4 "
        "TALKING POINTS, 3 QUESTIONS for the founder, and an OUTRO with the call to action."
    ),
    "tv": (
        "A short TV segment outline of 1-2 minutes: OPENING shot, VOICE-OVER lines, "
        "INTERVIEW questions, B-ROLL ideas and a CLOSING line."
    ),
    GENERIC: (
        "A social media post of 100-200 words: a hook, the story in two short "
        "paragraphs, the key points, a call to action and a few hashtags."
    ),
}

#: The template's angles, in rotation order.
ANGLES = ("problem", "people", "audience", "question", "ecosystem")

#: After a sentence's end (not a list number such as "2.").
_SENTENCE_RE = re.compile(r"(?<=[^\d\s][.!?…])\s+")

# --- the template's words, in both languages -------------------------------------------
# Plain text (drafts are stored as the ambassador will copy them; escaped when shown).

_ANGLE_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "problem": "The problem it solves",
        "people": "The team behind it",
        "audience": "What it means for its audience",
        "question": "A question to the reader",
        "ecosystem": "Vietnam's innovation scene",
    },
    "vi": {
        "problem": "Vấn đề được giải quyết",
        "people": "Những người đứng sau",
        "audience": "Ý nghĩa với người quan tâm",
        "question": "Một câu hỏi cho người đọc",
        "ecosystem": "Hệ sinh thái đổi mới sáng tạo Việt Nam",
    },
}

_HOOKS: dict[str, dict[str, str]] = {
    "en": {
        "problem": (
            "Here is a problem worth solving, and a Vietnamese team taking it on: {company}."
        ),
        "people": "Behind every startup are people who decided to try. Meet {company}.",
        "audience": "A story for {audience}: meet {company}.",
        "question": "Have you heard of {company} yet?",
        "ecosystem": ("Another reason to keep an eye on Vietnam's innovation scene: {company}."),
    },
    "vi": {
        "problem": (
            "Một vấn đề đáng giải quyết, và một đội ngũ Việt Nam đang bắt tay vào làm: {company}."
        ),
        "people": "Đằng sau mỗi startup là những người dám thử. Xin giới thiệu {company}.",
        "audience": "Câu chuyện dành cho {audience}: xin giới thiệu {company}.",
        "question": "Bạn đã biết đến {company} chưa?",
        "ecosystem": (
            "Thêm một lý do để theo dõi hệ sinh thái đổi mới sáng tạo Việt Nam: {company}."
        ),
    },
}

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "startup": "this startup",
        "key_points": "What stands out:",
        "cta": "Follow {company} and share this with someone who should know about it.",
        "audience_default": "innovation in Vietnam",
        "li_takeaways": "Three things stood out to me:",
        "li_question": "Who in your network should hear about this?",
        "script_title": "Short video script ({platform}, 30–60 s)",
        "hook": "HOOK (0–3 s)",
        "beat": "BEAT {n}",
        "on_screen": "On screen",
        "cta_label": "CALL TO ACTION",
        "caption": "Caption",
        "yt_title": "Title",
        "headline": "HEADLINE",
        "lead": "LEAD",
        "outline": "OUTLINE",
        "out_background": "Background: who {company} is and where it works",
        "out_problem": "The problem and the solution",
        "out_facts": "Key facts",
        "out_audience": "What it means for {audience}",
        "out_next": "What comes next",
        "interview": "To interview: the founding team of {company} (ask through the bot)",
        "lead_text": "{company}, a Vietnamese startup: {summary}",
        "title": "TITLE",
        "intro": "Introduction",
        "sections": "Sections",
        "conclusion": "Conclusion",
        "radio_intro": "INTRO",
        "talking_points": "TALKING POINTS",
        "questions": "QUESTIONS FOR THE FOUNDER",
        "q1": "What problem made you start {company}?",
        "q2": "Who uses it today, and what changed for them?",
        "q3": "What do you need most right now?",
        "outro": "OUTRO",
        "tv_opening": "OPENING",
        "tv_opening_text": "The team of {company} at work",
        "voice_over": "VOICE-OVER",
        "b_roll": "B-ROLL",
        "b_roll_text": "The product in use; the people it serves",
        "closing": "CLOSING",
        "visual": "Visual",
        "visual_text": "Show the product or the team of {company}",
        "link_in_bio": "More about {company}: link in bio.",
    },
    "vi": {
        "startup": "startup này",
        "key_points": "Điểm nổi bật:",
        "cta": "Hãy theo dõi {company} và chia sẻ với người cần biết câu chuyện này.",
        "audience_default": "đổi mới sáng tạo ở Việt Nam",
        "li_takeaways": "Ba điều khiến tôi chú ý:",
        "li_question": "Ai trong mạng lưới của bạn nên biết câu chuyện này?",
        "script_title": "Kịch bản video ngắn ({platform}, 30–60 giây)",
        "hook": "MỞ ĐẦU (0–3 giây)",
        "beat": "ĐOẠN {n}",
        "on_screen": "Trên màn hình",
        "cta_label": "KÊU GỌI HÀNH ĐỘNG",
        "caption": "Chú thích",
        "yt_title": "Tiêu đề",
        "headline": "TIÊU ĐỀ",
        "lead": "SAPO",
        "outline": "DÀN Ý",
        "out_background": "Bối cảnh: {company} là ai và hoạt động ở đâu",
        "out_problem": "Vấn đề và giải pháp",
        "out_facts": "Những thông tin chính",
        "out_audience": "Ý nghĩa với {audience}",
        "out_next": "Bước tiếp theo",
        "interview": "Phỏng vấn: đội ngũ sáng lập {company} (hỏi qua bot)",
        "lead_text": "{company}, một startup Việt Nam: {summary}",
        "title": "TIÊU ĐỀ",
        "intro": "Mở bài",
        "sections": "Các phần",
        "conclusion": "Kết bài",
        "radio_intro": "MỞ ĐẦU",
        "talking_points": "Ý CHÍNH",
        "questions": "CÂU HỎI CHO NHÀ SÁNG LẬP",
        "q1": "Vấn đề nào khiến bạn thành lập {company}?",
        "q2": "Ai đang dùng sản phẩm, và điều gì đã thay đổi với họ?",
        "q3": "Điều bạn cần nhất lúc này là gì?",
        "outro": "KẾT",
        "tv_opening": "CẢNH MỞ ĐẦU",
        "tv_opening_text": "Đội ngũ {company} đang làm việc",
        "voice_over": "LỜI DẪN",
        "b_roll": "CẢNH PHỤ",
        "b_roll_text": "Sản phẩm khi được sử dụng; những người được phục vụ",
        "closing": "KẾT THÚC",
        "visual": "Hình ảnh",
        "visual_text": "Sản phẩm hoặc đội ngũ {company}",
        "link_in_bio": "Tìm hiểu thêm về {company}: link ở bio.",
    },
}

_DEFAULT_TAGS = {"en": ("#startup", "#VietnamInnovation"), "vi": ("#khởinghiệp", "#đổimớisángtạo")}


# --- choices ----------------------------------------------------------------------------


def choose_language(
    ui_lang: str, ambassador_langs: tuple[str, ...], request_langs: tuple[str, ...]
) -> str:
    """The person's own language if the request asks for it, else a language of theirs
    the request asks for, else the request's first (vi/en; otherwise their own)."""
    wanted = [code for code in request_langs if code in DRAFT_LANGUAGES]
    if not wanted:
        return ui_lang if ui_lang in DRAFT_LANGUAGES else DRAFT_LANGUAGES[0]
    if ui_lang in wanted:
        return ui_lang
    for code in ambassador_langs:
        if code in wanted:
            return code
    return wanted[0]


def choose_platform(ambassador: AmbassadorDTO, request: StoryRequestDTO) -> str:
    """The channel suggested with the offer (a wanted platform first, then the largest
    audience), else the first channel; "other" without one."""
    if not ambassador.channels:
        return GENERIC
    wanted = set(request.platforms)
    ranked = sorted(
        ambassador.channels, key=lambda c: (c.platform not in wanted, -c.audience, c.id)
    )
    return ranked[0].platform


def format_for(platform: str) -> str:
    return FORMATS.get(platform, FORMATS[GENERIC])


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_RE.split(text.strip()) if s.strip()]


def brief_data(request: StoryRequestDTO, startup: StartupDTO, lang: str) -> dict[str, Any]:
    """The chosen brief, or one made of the pitch (story, need, audiences) without it."""
    brief = chosen_brief(request)
    if brief is not None:
        return brief.model_dump(mode="json")
    company = startup.company_name or _WORDS[lang]["startup"]
    story = sentences(request.story or "")
    tags = [normalize_hashtag(company), *_DEFAULT_TAGS[lang]]
    return {
        "title": cut_text(company + (f": {story[0]}" if story else ""), 120),
        "angle": cut_text(story[0], 300) if story else "",
        "key_messages": [cut_text(s, 200) for s in story[:3]],
        "target_audience": labels("audiences", request.audiences, lang)
        if request.audiences
        else "",
        "call_to_action": _WORDS[lang]["cta"].format(company=company),
        "hashtags": [tag for tag in tags if tag],
        "need": label("needs", request.need, lang) if request.need else "",
    }


def startup_data(startup: StartupDTO, lang: str) -> dict[str, Any]:
    return {
        "company": startup.company_name or "",
        "sectors": labels("sectors", startup.sectors, lang),
        "province": region_label(startup.province, lang) if startup.province else "",
        "description": startup.description or "",
        "website": startup.website or "",
    }


# --- the context of one press -------------------------------------------------------------


@dataclass(frozen=True)
class DraftContext:
    """Everything a draft of one assignment needs, read at the press (plain values)."""

    assignment_id: int
    request_id: int
    user_id: int
    #: The language the person reads the bot in (the header, the notes).
    ui_lang: str
    #: The language of the draft itself.
    lang: str
    platform: str
    #: This assignment's index among the request's accepted ones (0 for the first).
    position: int
    brief: dict[str, Any]
    startup: dict[str, Any]
    #: Angles of other ambassadors' latest drafts of this request.
    angles_taken: tuple[str, ...] = ()
    latest: PostDraftDTO | None = None
    company: str = ""
    story: str = ""

    def variables(self, action: str) -> dict[str, Any]:
        """The post_draft prompt's data."""
        previous = self.latest.text if self.latest is not None and action != "new" else ""
        return {
            "language": self.lang,
            "platform": {"code": self.platform, "label": label("platforms", self.platform, "en")},
            "format": format_for(self.platform),
            "brief": self.brief,
            "company": self.company,
            "startup": {**self.startup, "story": self.story},
            "angles_taken": list(self.angles_taken),
            "shorter": action == "shorter" and bool(previous),
            "previous": previous,
        }


@dataclass(frozen=True)
class DraftText:
    angle: str
    hook: str
    text: str


class PostDraftService:
    def __init__(self, repos: Repositories) -> None:
        self.repos = repos

    async def context(self, user_id: int, assignment_id: int, ui_lang: str) -> DraftContext:
        """The press re-checked: this person's assignment, accepted or overdue."""
        ambassador = await self.repos.ambassadors.get_by_user(user_id)
        if ambassador is None:
            raise NotAllowed()
        assignment = await self.repos.assignments.get(assignment_id)
        if assignment is None:
            raise NotFound()
        if assignment.ambassador_id != ambassador.id:
            raise NotAllowed()
        if assignment.status not in DRAFT_STATUSES:
            raise Conflict("draft.error.not_accepted")
        request = await self.repos.requests.get(assignment.request_id)
        if request is None:
            raise NotFound()
        startup = await self.repos.startups.get(request.startup_id)
        if startup is None:
            raise NotFound()
        lang = choose_language(ui_lang, ambassador.languages, request.languages)
        holding = [
            a.id
            for a in await self.repos.assignments.for_request(request.id)
            if a.status in HOLDS_A_SLOT
        ]
        position = holding.index(assignment.id) if assignment.id in holding else len(holding)
        latest_by_assignment: dict[int, PostDraftDTO] = {}
        for draft in await self.repos.ai.drafts_for_request(request.id):
            latest_by_assignment[draft.assignment_id] = draft  # oldest first: the last wins
        mine = latest_by_assignment.pop(assignment.id, None)
        return DraftContext(
            assignment_id=assignment.id,
            request_id=request.id,
            user_id=user_id,
            ui_lang=ui_lang,
            lang=lang,
            platform=choose_platform(ambassador, request),
            position=position,
            brief=brief_data(request, startup, lang),
            startup=startup_data(startup, lang),
            angles_taken=tuple(d.angle for d in latest_by_assignment.values()),
            latest=mine,
            company=startup.company_name or "",
            story=request.story or "",
        )

    async def store(
        self, ctx: DraftContext, draft: DraftText, *, source: str, prompt_version: str | None
    ) -> PostDraftDTO:
        return await self.repos.ai.add_draft(
            ctx.assignment_id,
            platform=ctx.platform,
            language=ctx.lang,
            angle=draft.angle,
            hook=draft.hook,
            text=cut_text(draft.text.strip(), TEXT_MAX),
            source=source,
            prompt_version=prompt_version,
        )


# --- the template ------------------------------------------------------------------------


def angle_label(code: str, lang: str) -> str:
    return _ANGLE_LABELS[lang][code]


def angle_code(text: str) -> str | None:
    """The template angle a stored angle label is (in either language), if any."""
    needle = text.strip().lower()
    for names in _ANGLE_LABELS.values():
        for code, name in names.items():
            if name.lower() == needle:
                return code
    return None


def pick_angle(start: int, taken: tuple[str, ...]) -> str:
    """The first angle from ``start`` (in rotation) no other draft uses, if one is left."""
    used = {code for code in (angle_code(a) for a in taken) if code is not None}
    for step in range(len(ANGLES)):
        code = ANGLES[(start + step) % len(ANGLES)]
        if code not in used:
            return code
    return ANGLES[start % len(ANGLES)]


def template_draft(ctx: DraftContext, action: str) -> DraftText:
    """The deterministic draft: "new" takes the angle of the ambassador's position,
    "again" the next one, "shorter" cuts the latest draft to about half."""
    latest = ctx.latest
    if action == "shorter" and latest is not None:
        return DraftText(latest.angle, latest.hook, shorten(latest.text))
    start = ctx.position
    if action == "again" and latest is not None:
        current = angle_code(latest.angle)
        start = ANGLES.index(current) + 1 if current is not None else ctx.position + 1
    code = pick_angle(start, ctx.angles_taken)
    return compose(ctx, code)


def shorten(text: str) -> str:
    """About half of ``text``, cut at a sentence boundary (a word boundary when the
    first sentence alone is too long); shorter than ``text`` whenever possible. A last
    line of hashtags keeps its first tag."""
    text = text.strip()
    lines = text.split("\n")
    tag = ""
    if len(lines) > 1 and lines[-1].lstrip().startswith("#"):
        tag = lines[-1].split()[0]
        lines = lines[:-1]
    target = len(text) // 2
    units: list[tuple[str, str]] = []  # (what comes before, a sentence)
    for line in lines:
        parts = sentences(line)
        if not parts:
            units.append(("\n", ""))
        units += [(" " if i else "\n", part) for i, part in enumerate(parts)]
    kept = ""
    for before, part in units:
        candidate = kept + before + part if kept else part
        if kept and len(candidate) + len(tag) + 2 > target:
            break
        kept = candidate
    kept = re.sub(r"\n{3,}", "\n\n", kept).strip()
    if len(kept) > target * 1.3:
        kept = cut_text(kept, max(2, target))
    if tag:
        kept = f"{kept}\n\n{tag}"
    if len(kept) >= len(text):
        kept = cut_text(text, max(2, target))
    return kept if len(kept) < len(text) else text


def compose(ctx: DraftContext, code: str) -> DraftText:
    """One platform's template, in the draft's language, with the given angle."""
    lang = ctx.lang
    w = _WORDS[lang]
    brief = ctx.brief
    company = ctx.company or w["startup"]
    audience = str(brief.get("target_audience") or "") or w["audience_default"]
    hook = _HOOKS[lang][code].format(company=company, audience=audience)
    summary = str(brief.get("angle") or brief.get("title") or "").strip()
    messages = [str(m) for m in brief.get("key_messages") or [] if str(m).strip()]
    points = [m for m in messages if m != summary][:3] or messages[:3]
    cta = str(brief.get("call_to_action") or "") or w["cta"].format(company=company)
    tags = [str(tag) for tag in brief.get("hashtags") or []]
    if not tags:
        tags = [t for t in (normalize_hashtag(company), *_DEFAULT_TAGS[lang]) if t]
    platform_label = label("platforms", ctx.platform, lang)
    build = _BUILDERS.get(ctx.platform, _generic)
    text = build(
        _Parts(lang, w, company, audience, hook, summary, points, cta, tags, platform_label)
    )
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    return DraftText(angle_label(code, lang), cut_text(hook, 300), cut_text(text, TEXT_MAX))


@dataclass(frozen=True)
class _Parts:
    lang: str
    w: dict[str, str]
    company: str
    audience: str
    hook: str
    summary: str
    points: list[str]
    cta: str
    tags: list[str]
    platform: str

    def bullets(self, mark: str = "•") -> str:
        return "\n".join(f"{mark} {p}" for p in self.points)

    def numbered(self) -> str:
        return "\n".join(f"{i}. {p}" for i, p in enumerate(self.points, 1))

    def hashtags(self, n: int) -> str:
        return " ".join(self.tags[:n])


def _facebook(p: _Parts) -> str:
    return "\n\n".join(
        [p.hook, p.summary, p.w["key_points"] + "\n" + p.bullets(), p.cta, p.hashtags(5)]
    )


def _generic(p: _Parts) -> str:
    return "\n\n".join([p.hook, p.summary, p.bullets(), p.cta, p.hashtags(3)])


def _instagram(p: _Parts) -> str:
    return "\n\n".join(
        [
            p.hook,
            p.summary,
            p.bullets("✨"),
            p.cta + "\n" + p.w["link_in_bio"].format(company=p.company),
            p.hashtags(8),
        ]
    )


def _threads(p: _Parts) -> str:
    body = cut_text(p.summary, 200)
    return cut_text("\n\n".join([p.hook, body, p.cta]), 480 - 40) + "\n\n" + p.hashtags(2)


def _x(p: _Parts) -> str:
    tags = p.hashtags(2)
    return cut_text(f"{p.hook} {p.cta}", 280 - len(tags) - 2) + "\n\n" + tags


def _linkedin(p: _Parts) -> str:
    return "\n\n".join(
        [
            p.hook,
            p.summary,
            p.w["li_takeaways"] + "\n" + p.numbered(),
            p.cta + " " + p.w["li_question"],
            p.hashtags(3),
        ]
    )


def _script(p: _Parts, *, youtube: bool) -> str:
    w = p.w
    beats = [p.summary, *p.points][:4]
    lines = [w["script_title"].format(platform=p.platform), "", f"{w['hook']}: {p.hook}"]
    lines.append(f"{w['on_screen']}: {p.company}")
    for n, beat in enumerate(beats, 1):
        lines += ["", f"{w['beat'].format(n=n)}: {beat}"]
        if n == 1:
            lines.append(f"{w['visual']}: {w['visual_text'].format(company=p.company)}")
    lines += ["", f"{w['cta_label']}: {p.cta}", ""]
    if youtube:
        lines.append(f"{w['yt_title']}: {cut_text(p.hook, 100)}")
    lines.append(f"{w['caption']}: {cut_text(p.summary, 150)} {p.hashtags(5)}")
    return "\n".join(lines)


def _press(p: _Parts) -> str:
    w = p.w
    lead = w["lead_text"].format(company=p.company, summary=p.summary)
    outline = [
        w["out_background"].format(company=p.company),
        w["out_problem"],
        w["out_facts"] + (": " + "; ".join(x.rstrip(".") for x in p.points) if p.points else ""),
        w["out_audience"].format(audience=p.audience),
        w["out_next"] + ": " + p.cta,
    ]
    return "\n".join(
        [
            f"{w['headline']}: {cut_text(p.hook, 150)}",
            "",
            f"{w['lead']}: {lead}",
            "",
            f"{w['outline']}:",
            *(f"{i}. {line}" for i, line in enumerate(outline, 1)),
            "",
            w["interview"].format(company=p.company),
        ]
    )


def _zalo(p: _Parts) -> str:
    return "\n\n".join([p.hook, p.summary, p.bullets("✅"), p.cta])


def _blog(p: _Parts) -> str:
    w = p.w
    sections = [w["out_problem"], *p.points, w["out_audience"].format(audience=p.audience)]
    return "\n".join(
        [
            f"{w['title']}: {cut_text(p.hook, 120)}",
            "",
            f"{w['intro']}: {p.summary}",
            "",
            f"{w['sections']}:",
            *(f"{i}. {s}" for i, s in enumerate(sections, 1)),
            "",
            f"{w['conclusion']}: {p.cta}",
        ]
    )


def _radio(p: _Parts) -> str:
    w = p.w
    return "\n".join(
        [
            f"{w['radio_intro']}: {p.hook} {p.summary}",
            "",
            f"{w['talking_points']}:",
            p.bullets("-"),
            "",
            f"{w['questions']}:",
            *(
                f"{i}. {w[q].format(company=p.company)}"
                for i, q in enumerate(("q1", "q2", "q3"), 1)
            ),
            "",
            f"{w['outro']}: {p.cta}",
        ]
    )


def _tv(p: _Parts) -> str:
    w = p.w
    return "\n".join(
        [
            f"{w['tv_opening']}: {w['tv_opening_text'].format(company=p.company)}",
            f"{w['voice_over']}: {p.hook} {p.summary}",
            f"{w['b_roll']}: {w['b_roll_text']}",
            f"{w['interview'].format(company=p.company)}",
            *(f"- {w[q].format(company=p.company)}" for q in ("q1", "q2", "q3")),
            f"{w['closing']}: {p.cta}",
        ]
    )


_BUILDERS = {
    "facebook": _facebook,
    "tiktok": lambda p: _script(p, youtube=False),
    "youtube": lambda p: _script(p, youtube=True),
    "linkedin": _linkedin,
    "press": _press,
    "instagram": _instagram,
    "threads": _threads,
    "x": _x,
    "zalo_oa": _zalo,
    "blog": _blog,
    "radio_podcast": _radio,
    "tv": _tv,
    GENERIC: _generic,
}
