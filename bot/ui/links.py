"""Texts, keyboards and the CSV of published links.

Ambassadors: the story picker, the "send your links" prompt, the confirmation card
(one editorial/sponsored toggle per link, Confirm / Cancel), the recorded summary
and the broken-link warning. Startups: the links of their story. Organizers: /links
pages with filter buttons per line, the /export period question and the CSV.

Every text is Telegram HTML; URLs, names and titles enter through ``t`` parameters,
which escapes them. Long URLs are shortened on screen only (``short_url``); what is
stored and exported is whole.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Html
from bot.reference import label
from bot.services.link_urls import PLATFORM_WEB
from bot.services.links import (
    Confirmed,
    Draft,
    LinkLine,
    Prepared,
    Story,
    looks_broken,
)
from bot.services.request_lists import Page
from bot.ui.callbacks import LinkCB
from bot.ui.cards import T
from bot.ui.csv_export import cell, csv_bytes
from bot.ui.exports import full_export_button
from bot.ui.requests import fit, local_time, pager_row, request_title
from storage.dto import LinkDTO

#: URLs longer than this are cut on screen (cards must fit one message).
URL_SHOWN = 150
BUTTON_TEXT = 40

#: Why a check failed, for people (literal keys so the catalog check sees them).
CHECK_ERROR_KEYS = {
    "invalid_url": "link.check.invalid_url",
    "blocked_address": "link.check.blocked_address",
    "unreachable": "link.check.unreachable",
    "timeout": "link.check.timeout",
    "tls_error": "link.check.tls_error",
    "bad_response": "link.check.bad_response",
    "bad_redirect": "link.check.bad_redirect",
    "too_many_redirects": "link.check.too_many_redirects",
    "not_html": "link.check.not_html",
}
EXPORT_PERIOD_KEYS = {
    "7d": "links.export.7d",
    "30d": "links.export.30d",
    "month": "links.export.month",
    "all": "links.export.all",
}
CSV_COLUMNS = (
    "links.csv.submitted_at",
    "links.csv.startup",
    "links.csv.request",
    "links.csv.ambassador",
    "links.csv.platform",
    "links.csv.url",
    "links.csv.original_url",
    "links.csv.sponsored",
    "links.csv.late",
    "links.csv.check",
    "links.csv.title",
)


def short_url(url: str, limit: int = URL_SHOWN) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _cut(text: str, limit: int = BUTTON_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _button(text: str, limit: int = BUTTON_TEXT) -> str:
    """A button label from ``t`` output: buttons are plain text, so unescape it."""
    return _cut(html.unescape(text), limit)


def platform_label(code: str, lang: str, t: T) -> str:
    if code == PLATFORM_WEB:
        return t("links.platform.web")
    return label("platforms", code, lang)


def story_title(story: Story, t: T, lang: str) -> Html:
    """The request's title; already HTML (``t`` escaped the company's name), so passed
    on as ``Html`` and not escaped twice."""
    return Html(request_title(story.request, story.startup.company_name, t, lang))


def check_reason(link: LinkDTO, t: T) -> str:
    """What a check found, in words: the HTTP status or the error."""
    if link.check_error is not None and link.check_error in CHECK_ERROR_KEYS:
        return t(CHECK_ERROR_KEYS[link.check_error])
    return t("link.check.http", status=link.check_status or 0)


# --- ambassadors -------------------------------------------------------------------


def submit_button(assignment_id: int, t: T) -> InlineKeyboardButton:
    """ "Submit link" under a story (/assignments, reminders)."""
    return InlineKeyboardButton(
        text=t("link.btn.submit"), callback_data=LinkCB(action="start", id=assignment_id).pack()
    )


def stories_kb(stories: Sequence[Story], t: T, lang: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for story in stories:
        published = story.assignment.status == "published"
        key = "link.btn.story_published" if published else "link.btn.story"
        text = t(key, title=story_title(story, t, lang))
        kb.button(
            text=_button(text, 60), callback_data=LinkCB(action="start", id=story.assignment.id)
        )
    kb.adjust(1)
    return kb.as_markup()


def ask_text(story: Story, t: T, lang: str, replacing: LinkDTO | None = None) -> str:
    title = story_title(story, t, lang)
    if replacing is not None:
        return t("link.ask_replace", title=title, url=short_url(replacing.normalized_url))
    return t("link.ask", title=title)


def refusal_line(draft: Draft, t: T, tz: ZoneInfo) -> str:
    url = short_url(draft.original)
    known = draft.duplicate
    if known is None:
        reason = t(draft.error or "error.invalid_input", **dict(draft.error_params))
        return t("link.refused.invalid", url=url, reason=Html(reason))
    when = local_time(known.link.submitted_at, tz)
    if known.mine:
        return t("link.refused.mine", url=url, request=known.link.request_id, time=when)
    return t(
        "link.refused.recorded",
        url=url,
        request=known.link.request_id,
        company=known.company or "—",
        time=when,
    )


def _refusals(drafts: Sequence[Draft], t: T, tz: ZoneInfo) -> list[str]:
    if not drafts:
        return []
    return ["", t("link.card.refused"), *(refusal_line(d, t, tz) for d in drafts)]


def nothing_valid_text(prepared: Prepared, t: T, tz: ZoneInfo) -> str:
    lines = [t("link.none_valid"), *_refusals(prepared.refused, t, tz)[2:]]
    lines += ["", t("link.send_again")]
    return fit("\n".join(lines))


def card_text(
    prepared: Prepared, t: T, lang: str, tz: ZoneInfo, replacing: LinkDTO | None = None
) -> str:
    lines = [t("link.card.header", title=story_title(prepared.story, t, lang))]
    for n, draft in enumerate(prepared.valid, 1):
        platform = platform_label(draft.platform or PLATFORM_WEB, lang, t)
        lines.append(
            t("link.card.line", n=n, platform=platform, url=short_url(draft.normalized or ""))
        )
    if replacing is not None:
        lines += ["", t("link.card.replacing", url=short_url(replacing.normalized_url))]
    lines += _refusals(prepared.refused, t, tz)
    lines += ["", t("link.card.question")]
    return fit("\n".join(lines))


def card_kb(assignment_id: int, sponsored: Sequence[bool], t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n, paid in enumerate(sponsored, 1):
        key = "link.btn.sponsored" if paid else "link.btn.editorial"
        kb.button(
            text=t(key, n=n),
            callback_data=LinkCB(action="toggle", id=assignment_id, value=str(n - 1)),
        )
    kb.adjust(2)
    kb.row(
        InlineKeyboardButton(
            text=t("link.btn.confirm"),
            callback_data=LinkCB(action="confirm", id=assignment_id).pack(),
        ),
        InlineKeyboardButton(
            text=t("link.btn.cancel"),
            callback_data=LinkCB(action="cancel", id=assignment_id).pack(),
        ),
    )
    return kb.as_markup()


def _marks(link: LinkDTO, t: T, *, late: bool = True) -> str:
    marks = []
    if link.sponsored:
        marks.append(t("links.mark.sponsored"))
    if late and link.late:
        marks.append(t("links.mark.late"))
    return "".join(" · " + m for m in marks)


def _stored_lines(links: Sequence[LinkDTO], t: T, lang: str, *, late: bool = True) -> list[str]:
    return [
        t(
            "link.stored_line",
            n=n,
            platform=platform_label(link.platform, lang, t),
            url=short_url(link.normalized_url),
            marks=Html(_marks(link, t, late=late)),
        )
        for n, link in enumerate(links, 1)
    ]


def confirmed_text(
    done: Confirmed, t: T, lang: str, tz: ZoneInfo, *, startup_told: bool = False
) -> str:
    """The card once confirmed: what was recorded, and thanks."""
    title = story_title(done.story, t, lang)
    if not done.stored:
        lines = [t("link.nothing_recorded", title=title), *_refusals(done.duplicates, t, tz)[2:]]
        return fit("\n".join(lines))
    lines = [t("link.recorded", title=title), *_stored_lines(done.stored, t, lang)]
    if done.replaced is not None:
        lines.append(t("link.replaced", url=short_url(done.replaced.normalized_url)))
    lines += _refusals(done.duplicates, t, tz)
    lines += ["", t("link.thanks_published" if done.published_now else "link.thanks_more")]
    if startup_told:
        lines.append(t("link.startup_told"))
    return fit("\n".join(lines))


def startup_text(done: Confirmed, t: T, lang: str) -> str:
    """The startup hears where its story appeared (links not recorded are not shown)."""
    key = "link.startup.published" if done.published_now else "link.startup.more"
    name = done.story.ambassador.display_name or "—"
    head = t(key, name=name, title=story_title(done.story, t, lang))
    return fit("\n".join([head, *_stored_lines(done.stored, t, lang, late=False)]))


def broken_text(story: Story, link: LinkDTO, t: T, lang: str) -> str:
    return t(
        "link.broken",
        title=story_title(story, t, lang),
        url=short_url(link.normalized_url),
        reason=check_reason(link, t),
    )


def broken_kb(link_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("link.btn.fix"), callback_data=LinkCB(action="fix", id=link_id))
    return kb.as_markup()


# --- organizers ------------------------------------------------------------------------


def list_value(kind: str, page: int) -> str:
    """``LinkCB.value`` of a /links page: the filter kind ("", "s", "a") and the page."""
    return f"{kind}.{page}"


def check_mark(link: LinkDTO, t: T) -> str:
    if link.checked_at is None:
        return t("links.check.pending")
    if looks_broken(link.check_status, link.check_error):
        return t("links.check.broken", reason=check_reason(link, t))
    if link.check_error is not None or (link.check_status or 0) >= 400:
        return t("links.check.unsure", reason=check_reason(link, t))
    return t("links.check.ok", status=link.check_status or 0)


def list_line(n: int, line: LinkLine, t: T, lang: str, tz: ZoneInfo) -> str:
    link = line.link
    return t(
        "links.line",
        n=n,
        time=local_time(link.submitted_at, tz),
        company=line.company or "—",
        startup_id=link.startup_id,
        request=link.request_id,
        name=line.ambassador or "—",
        ambassador_id=link.ambassador_id,
        platform=platform_label(link.platform, lang, t),
        marks=Html(_marks(link, t)),
        check=check_mark(link, t),
        url=short_url(link.normalized_url),
    )


def list_text(page: Page[LinkLine], header: str, t: T, lang: str, tz: ZoneInfo) -> str:
    lines = [header]
    if not page.items:
        lines.append(t("links.empty"))
    for n, line in enumerate(page.items, 1):
        lines += ["", list_line(n, line, t, lang, tz)]
    return fit("\n".join(lines))


def list_kb(page: Page[LinkLine], kind: str, target: int, t: T) -> InlineKeyboardMarkup:
    """Per line: show only this startup's / this ambassador's links; ◀ ▶; all links."""
    kb = InlineKeyboardBuilder()
    for n, line in enumerate(page.items, 1):
        link = line.link
        row = []
        if not (kind == "s" and target == link.startup_id):
            row.append(
                InlineKeyboardButton(
                    text=_button(t("links.btn.startup", n=n, name=_cut(line.company or "—", 18))),
                    callback_data=LinkCB(
                        action="list", id=link.startup_id, value=list_value("s", 0)
                    ).pack(),
                )
            )
        if not (kind == "a" and target == link.ambassador_id):
            row.append(
                InlineKeyboardButton(
                    text=_button(
                        t("links.btn.ambassador", n=n, name=_cut(line.ambassador or "—", 18))
                    ),
                    callback_data=LinkCB(
                        action="list", id=link.ambassador_id, value=list_value("a", 0)
                    ).pack(),
                )
            )
        if row:
            kb.row(*row)
    pager = pager_row(
        lambda p: LinkCB(action="list", id=target, value=list_value(kind, p)).pack(),
        page.page,
        page.has_next,
        t,
    )
    if pager:
        kb.row(*pager)
    if kind:
        kb.row(
            InlineKeyboardButton(
                text=t("links.btn.all"),
                callback_data=LinkCB(action="list", value=list_value("", 0)).pack(),
            )
        )
    return kb.as_markup()


def export_kb(t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for period, key in EXPORT_PERIOD_KEYS.items():
        kb.button(text=t(key), callback_data=LinkCB(action="export", value=period))
    kb.adjust(2)
    kb.row(full_export_button(t))  # everything, as XLSX / CSV (handlers/exports.py)
    return kb.as_markup()


def _check_cell(link: LinkDTO) -> str:
    parts = [str(link.check_status)] if link.check_status is not None else []
    if link.check_error:
        parts.append(link.check_error)
    return " ".join(parts)


def export_csv(lines: Sequence[LinkLine], t: T, lang: str, tz: ZoneInfo) -> bytes:
    """One row per link (see ``bot/ui/csv_export.py`` for the file's shape)."""
    yes, no = t("links.csv.yes"), t("links.csv.no")
    rows = (
        [
            cell(line.link.submitted_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")),
            cell(line.company),
            line.link.request_id,
            cell(line.ambassador),
            cell(platform_label(line.link.platform, lang, t)),
            cell(line.link.normalized_url),
            cell(line.link.original_url),
            yes if line.link.sponsored else no,
            yes if line.link.late else no,
            cell(_check_cell(line.link)),
            cell(line.link.title),
        ]
        for line in lines
    )
    return csv_bytes([t(key) for key in CSV_COLUMNS], rows)
