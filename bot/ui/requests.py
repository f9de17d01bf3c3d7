"""Texts and keyboards of story requests: the pitch form, offers, request cards.

Every text is Telegram HTML with user words escaped (``t`` escapes parameters;
``render_brief`` escapes the startup's words). Cards stay under Telegram's 4,096
characters: the story is the only long part (≤ 2,000) and lists are paginated.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.deadlines import PRESET_DAYS
from bot.i18n import Html, escape
from bot.provinces import region_label
from bot.reference import label, labels, taxonomy
from bot.services.forms import FormField, Kind
from bot.services.offers import CANCELLABLE, CancelPreview, OfferView
from bot.services.pitches import PITCH_FORM, WANTED_MAX, WANTED_MIN, Pitch, need_choices
from bot.status_labels import ASSIGNMENT_STATUS_KEYS, DECLINE_REASON_KEYS, REQUEST_STATUS_KEYS
from bot.ui.brief import render_brief
from bot.ui.callbacks import (
    AssignmentsCB,
    CampaignCB,
    OfferCB,
    PitchCardCB,
    PitchCB,
    PitchReviewCB,
    QuestionCB,
    RequestCB,
)
from bot.ui.cards import T, channel_line, format_number
from bot.ui.keyboards import choice_kb, province_kb, taxonomy_items
from bot.ui.post_drafts import draft_button
from bot.ui.reasons import render_reasons
from storage.dto import AmbassadorDTO, AssignmentDTO, StoryRequestDTO

PAGE_SIZE = 5
#: Telegram's limit is 4,096 characters of text after entities are parsed; the
#: HTML we count here is longer than that, so this is a safe bound.
MESSAGE_MAX = 4000
PITCH_QUESTION_KEYS = {
    "need": "pitch.ask.need",
    "story": "pitch.ask.story",
    "audiences": "pitch.ask.audiences",
    "platforms": "pitch.ask.platforms",
    "regions": "pitch.ask.regions",
    "languages": "pitch.ask.languages",
    "deadline": "pitch.ask.deadline",
    "wanted": "pitch.ask.wanted",
}
PITCH_FIELD_KEYS = {
    "need": "pitch.field.need",
    "story": "pitch.field.story",
    "audiences": "pitch.field.audiences",
    "platforms": "pitch.field.platforms",
    "regions": "pitch.field.regions",
    "languages": "pitch.field.languages",
    "deadline": "pitch.field.deadline",
    "wanted": "pitch.field.wanted",
}
FILTER_KEYS = {
    "open": "request.filter.open",
    "short": "request.filter.short",
    "overdue": "request.filter.overdue",
    "all": "request.filter.all",
}


def fit(text: str, limit: int = MESSAGE_MAX) -> str:
    """Cut a card at a line boundary (tags never span lines here) to fit one message."""
    if len(text) <= limit:
        return text
    kept: list[str] = []
    size = 0
    for line in text.split("\n"):
        if size + len(line) + 1 > limit - 2:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept) + "\n…"


def local_time(moment: datetime | None, tz: ZoneInfo, *, with_time: bool = True) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y" if with_time else "%d/%m/%Y")


def request_title(request: StoryRequestDTO, company: str | None, t: T, lang: str) -> Html:
    """ "#12 Company · need", as HTML (escaped once: pass it on as a parameter as is)."""
    need = label("needs", request.need, lang) if request.need else "—"
    return Html(t("request.title", id=request.id, company=company or "—", need=need))


# --- the pitch form ----------------------------------------------------------------


def pitch_value(request: StoryRequestDTO, field: FormField, lang: str, t: T, tz: ZoneInfo) -> Html:
    """One answer of the pitch as escaped HTML (for "current value" and the card)."""
    if field.name in request.skipped:
        return escape(t("value.skipped"))
    value = getattr(request, field.name)
    if value in (None, "", ()):
        return Html("—")
    if field.kind in (Kind.SINGLE, Kind.MULTI) and field.taxonomy:
        return escape(labels(field.taxonomy, value if isinstance(value, tuple) else (value,), lang))
    if field.kind is Kind.REGIONS:
        return escape(", ".join(region_label(c, lang) for c in value))
    if field.kind is Kind.DEADLINE:
        return escape(local_time(value, tz, with_time=False))
    return escape(value)


def pitch_question(
    request: StoryRequestDTO, field: FormField, lang: str, t: T, tz: ZoneInfo, *, editing: bool
) -> str:
    text = t(PITCH_QUESTION_KEYS[field.name])
    if editing and field.kind in (Kind.LONGTEXT, Kind.DEADLINE, Kind.COUNT):
        text += "\n\n" + t("reg.current_value", value=pitch_value(request, field, lang, t, tz))
    return text


def pitch_field_kb(pitch: Pitch, field: FormField, lang: str, t: T) -> InlineKeyboardMarkup | None:
    request = pitch.request
    value = getattr(request, field.name)
    if field.kind is Kind.SINGLE:
        items = tuple((c, label("needs", c, lang)) for c in need_choices(pitch.startup))
        return choice_kb(
            field, items, selected=(value,) if value else (), multi=False, t=t, cb=PitchCB
        )
    if field.kind is Kind.MULTI and field.taxonomy:
        items = taxonomy_items(field.taxonomy, taxonomy().items(field.taxonomy), lang)
        columns = 3 if field.taxonomy == "platforms" else 2
        return choice_kb(field, items, selected=value, multi=True, t=t, cb=PitchCB, columns=columns)
    if field.kind is Kind.REGIONS:
        return province_kb(field, lang, value, t, cb=PitchCB)
    if field.kind is Kind.DEADLINE:
        kb = InlineKeyboardBuilder()
        for days in PRESET_DAYS:
            kb.button(
                text=t("pitch.days", n=days),
                callback_data=PitchCB(action="pick", field=field.name, value=str(days)),
            )
        kb.adjust(4)
        return kb.as_markup()
    if field.kind is Kind.COUNT:
        kb = InlineKeyboardBuilder()
        for n in range(WANTED_MIN, WANTED_MAX + 1):
            kb.button(
                text=str(n), callback_data=PitchCB(action="pick", field=field.name, value=str(n))
            )
        kb.adjust(5)
        return kb.as_markup()
    return None


def pitch_card(pitch: Pitch, lang: str, t: T, tz: ZoneInfo) -> str:
    """The startup's summary of its pitch: status and the brief as ambassadors will read it."""
    request = pitch.request
    lines = [
        t("pitch.card.title", id=request.id),
        t("pitch.card.status", status=t(REQUEST_STATUS_KEYS[request.status])),
        "",
        render_brief(request, pitch.startup, t, lang, tz),
    ]
    if request.status == "rejected" and request.reject_reason:
        lines += ["", t("card.reject_reason", reason=request.reject_reason)]
    return "\n".join(lines)


def pitch_card_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.edit_field"), callback_data=PitchCardCB(action="edit", id=request_id))
    kb.button(text=t("pitch.btn.submit"), callback_data=PitchCardCB(action="submit", id=request_id))
    kb.button(
        text=t("pitch.btn.discard"), callback_data=PitchCardCB(action="discard", id=request_id)
    )
    kb.adjust(2, 1)
    return kb.as_markup()


def pitch_fields_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for f in PITCH_FORM:
        kb.button(
            text=t(PITCH_FIELD_KEYS[f.name]),
            callback_data=PitchCardCB(action="field", id=request_id, field=f.name),
        )
    kb.adjust(2)
    kb.row(
        InlineKeyboardButton(
            text=t("btn.back"), callback_data=PitchCardCB(action="back", id=request_id).pack()
        )
    )
    return kb.as_markup()


def pitch_review_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.approve"), callback_data=PitchReviewCB(action="approve", id=request_id))
    kb.button(text=t("btn.reject"), callback_data=PitchReviewCB(action="reject", id=request_id))
    kb.adjust(2)
    return kb.as_markup()


# --- offers --------------------------------------------------------------------------


def suggested_channels(ambassador: AmbassadorDTO, request: StoryRequestDTO, lang: str) -> str:
    """The ambassador's own channels that fit the request best (wanted platforms first,
    then by audience): where we suggest they publish."""
    wanted = set(request.platforms)
    ranked = sorted(
        ambassador.channels, key=lambda c: (c.platform not in wanted, -c.audience, c.id)
    )
    return "; ".join(channel_line(c, lang) for c in ranked[:2])


def offer_text(view: OfferView, t: T, lang: str, tz: ZoneInfo) -> str:
    lines = [
        t("offer.title"),
        "",
        render_brief(view.request, view.startup, t, lang, tz),
        "",
    ]
    if view.ambassador.channels:
        lines.append(
            t(
                "offer.suggested",
                channels=Html(suggested_channels(view.ambassador, view.request, lang)),
            )
        )
    lines.append(t("offer.expires", time=local_time(view.assignment.expires_at, tz)))
    return "\n".join(lines)


def offer_kb(assignment_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("offer.btn.accept"), callback_data=OfferCB(action="accept", id=assignment_id))
    kb.button(
        text=t("offer.btn.decline"), callback_data=OfferCB(action="decline", id=assignment_id)
    )
    kb.button(text=t("offer.btn.ask"), callback_data=OfferCB(action="ask", id=assignment_id))
    kb.adjust(2, 1)
    return kb.as_markup()


def story_kb(assignment_id: int, t: T, *, draft: bool = True) -> InlineKeyboardMarkup:
    """Under an accepted story: ask the startup a question; draft a post (while the
    story is accepted or overdue)."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("offer.btn.ask"), callback_data=OfferCB(action="ask", id=assignment_id))
    if draft:
        kb.row(draft_button(assignment_id, t))
    return kb.as_markup()


def decline_reasons_kb(assignment_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for reason, key in DECLINE_REASON_KEYS.items():
        kb.button(
            text=t(key),
            callback_data=OfferCB(action="reason", id=assignment_id, value=reason),
        )
    kb.adjust(3)
    return kb.as_markup()


def reply_kb(assignment_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("question.btn.reply"), callback_data=QuestionCB(id=assignment_id))
    return kb.as_markup()


def ambassador_public_profile(ambassador: AmbassadorDTO, lang: str, t: T) -> str:
    """What a startup sees of an ambassador who took its story: name, channels, audience."""
    total = sum(c.audience for c in ambassador.channels)
    lines = [t("ambassador.public.name", name=ambassador.display_name or "—")]
    lines += [f"• {channel_line(c, lang)}" for c in ambassador.channels]
    lines.append(t("ambassador.public.audience", total=format_number(total, lang)))
    return "\n".join(lines)


# --- lists and cards ----------------------------------------------------------------


def assignment_line(a: AssignmentDTO, name: str, t: T, tz: ZoneInfo) -> str:
    status = t(ASSIGNMENT_STATUS_KEYS[a.status])
    if a.status == "offered":
        return t(
            "request.assignment_until", name=name, status=status, time=local_time(a.expires_at, tz)
        )
    return t("request.assignment_line", name=name, status=status)


def request_card(
    request: StoryRequestDTO,
    company: str | None,
    lines: Sequence[tuple[AssignmentDTO, str]],
    t: T,
    lang: str,
    tz: ZoneInfo,
    *,
    for_organizer: bool,
) -> str:
    """A request with its per-ambassador status; organizers also see scores and reasons."""
    out = [
        "<b>" + request_title(request, company, t, lang) + "</b>",
        t(
            "request.card.status",
            status=t(REQUEST_STATUS_KEYS[request.status]),
            accepted=request.accepted,
            wanted=request.wanted or 0,
        ),
        t("brief.deadline", date=local_time(request.deadline, tz, with_time=False)),
    ]
    if not lines:
        out.append(t("request.card.no_offers"))
    for assignment, name in lines:
        out.append(assignment_line(assignment, name, t, tz))
        if for_organizer and assignment.reasons:
            out.append(
                t(
                    "request.card.reasons",
                    score=f"{assignment.score:.1f}",
                    reasons=render_reasons(assignment.reasons[:3], t, lang),
                )
            )
    return fit("\n".join(out))


def pager_row(make: object, page: int, has_next: bool, t: T) -> list[InlineKeyboardButton]:
    """◀ / ▶ buttons; ``make(page)`` gives the callback data of a page."""
    row = []
    if page > 0:
        row.append(InlineKeyboardButton(text=t("btn.prev"), callback_data=make(page - 1)))  # type: ignore[operator]
    if has_next:
        row.append(InlineKeyboardButton(text=t("btn.next"), callback_data=make(page + 1)))  # type: ignore[operator]
    return row


def request_list_kb(
    requests: Sequence[StoryRequestDTO], page: int, has_next: bool, flt: str, t: T
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for r in requests:
        kb.button(
            text=t("request.btn.open", id=r.id), callback_data=RequestCB(action="show", id=r.id)
        )
    kb.adjust(5)
    row = pager_row(lambda p: RequestCB(action="list", page=p, flt=flt).pack(), page, has_next, t)
    if row:
        kb.row(*row)
    return kb.as_markup()


def organizer_filters_kb(current: str, t: T) -> list[InlineKeyboardButton]:
    row = []
    for flt, key in FILTER_KEYS.items():
        mark = "● " if flt == current else ""
        row.append(
            InlineKeyboardButton(
                text=mark + t(key),
                callback_data=RequestCB(action="list", flt=flt).pack(),
            )
        )
    return row


def organizer_request_kb(
    request: StoryRequestDTO, offers: Sequence[AssignmentDTO], t: T
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if request.status == "open":
        kb.row(
            InlineKeyboardButton(
                text=t("request.btn.candidates"),
                callback_data=RequestCB(action="candidates", id=request.id).pack(),
            )
        )
    for n, a in enumerate(offers, 1):
        if a.status == "offered":
            kb.row(
                InlineKeyboardButton(
                    text=t("request.btn.withdraw", n=n),
                    callback_data=RequestCB(action="withdraw", id=request.id, target=a.id).pack(),
                )
            )
    if request.status in ("pending", "open", "filled"):
        kb.row(
            InlineKeyboardButton(
                text=t("request.btn.cancel"),
                callback_data=RequestCB(action="cancel", id=request.id).pack(),
            )
        )
    if request.status != "draft":
        kb.row(
            InlineKeyboardButton(
                text=t("campaign.btn.move"),
                callback_data=CampaignCB(action="move", req=request.id).pack(),
            )
        )
    return kb.as_markup()


def candidates_kb(
    request_id: int,
    ids: Sequence[int],
    t: T,
    *,
    page: int = 0,
    first: int = 0,
    has_next: bool = False,
) -> InlineKeyboardMarkup:
    """ "Offer to N" per candidate shown (numbered across pages from ``first`` + 1),
    ◀ ▶, Back."""
    kb = InlineKeyboardBuilder()
    for n, amb_id in enumerate(ids, first + 1):
        kb.button(
            text=t("request.btn.assign", n=n),
            callback_data=RequestCB(action="assign", id=request_id, target=amb_id),
        )
    kb.adjust(5)
    row = pager_row(
        lambda p: RequestCB(action="candidates", id=request_id, page=p).pack(), page, has_next, t
    )
    if row:
        kb.row(*row)
    kb.row(
        InlineKeyboardButton(
            text=t("btn.back"), callback_data=RequestCB(action="show", id=request_id).pack()
        )
    )
    return kb.as_markup()


def confirm_cancel_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("request.btn.confirm_cancel"),
        callback_data=RequestCB(action="cancel_yes", id=request_id),
    )
    kb.button(text=t("btn.back"), callback_data=RequestCB(action="show", id=request_id))
    kb.adjust(1)
    return kb.as_markup()


def startup_request_kb(request: StoryRequestDTO, approved: bool, t: T) -> InlineKeyboardMarkup:
    """The startup's own request card: "Cancel this request" while it may be."""
    kb = InlineKeyboardBuilder()
    if approved and request.status in CANCELLABLE:
        kb.button(
            text=t("request.btn.cancel_own"),
            callback_data=RequestCB(action="own_cancel", id=request.id),
        )
    return kb.as_markup()


def own_cancel_text(preview: CancelPreview, t: T, lang: str) -> str:
    """What cancelling will do, asked before the startup confirms."""
    title = request_title(preview.request, preview.startup.company_name, t, lang)
    return t(
        "request.cancel_own.confirm",
        title=title,
        offers=preview.open_offers,
        stories=preview.stories,
    )


def own_cancel_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("request.btn.cancel_own_yes"),
        callback_data=RequestCB(action="own_cancel_yes", id=request_id),
    )
    kb.button(text=t("request.btn.keep"), callback_data=RequestCB(action="show", id=request_id))
    kb.adjust(1)
    return kb.as_markup()


def assignments_pager_kb(page: int, has_next: bool, t: T) -> InlineKeyboardMarkup | None:
    row = pager_row(lambda p: AssignmentsCB(page=p).pack(), page, has_next, t)
    return InlineKeyboardMarkup(inline_keyboard=[row]) if row else None
