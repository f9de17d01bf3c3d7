"""Texts and keyboards of reminders, the digest and /settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.reminders import MODES, OrganizerDigest, StoryContext
from bot.ui.callbacks import ReminderCB, SettingsCB
from bot.ui.cards import T
from bot.ui.links import platform_label
from bot.ui.requests import fit, local_time, request_title
from storage.dto import ReminderDTO

REMINDER_KEYS = {
    "before": "reminder.before",
    "deadline": "reminder.deadline",
    "overdue": "reminder.overdue",
    "snooze": "reminder.snoozed",
}
MODE_KEYS = {
    "normal": "settings.mode.normal",
    "silent": "settings.mode.silent",
    "digest": "settings.mode.digest",
}


def _title(story: StoryContext, t: T, lang: str) -> str:
    return request_title(story.request, story.startup.company_name, t, lang)


def time_left(deadline: datetime | None, now: datetime, t: T) -> str:
    """ "2 days 3 hours" / "5 hours" / "less than an hour" (rounded down)."""
    if deadline is None:
        return "—"
    hours = int((deadline - now).total_seconds() // 3600)
    if hours < 1:
        return t("reminder.left.under_hour")
    days, rest = divmod(hours, 24)
    if days and rest:
        return t("reminder.left.days_hours", days=days, hours=rest)
    if days:
        return t("reminder.left.days", days=days)
    return t("reminder.left.hours", hours=hours)


def reminder_text(
    reminder: ReminderDTO, story: StoryContext, t: T, lang: str, tz: ZoneInfo, now: datetime
) -> str:
    key = REMINDER_KEYS[reminder.kind]
    return t(
        key,
        title=_title(story, t, lang),
        left=time_left(story.request.deadline, now, t),
        deadline=local_time(story.request.deadline, tz),
        n=reminder.seq,
    )


def reminder_kb(assignment_id: int, t: T, submit: InlineKeyboardButton) -> InlineKeyboardMarkup:
    """Submit link / Snooze 1 day / Can't do it."""
    kb = InlineKeyboardBuilder()
    kb.row(submit)
    kb.button(
        text=t("reminder.btn.snooze"), callback_data=ReminderCB(action="snooze", id=assignment_id)
    )
    kb.button(
        text=t("reminder.btn.release"), callback_data=ReminderCB(action="release", id=assignment_id)
    )
    kb.adjust(1, 2)
    return kb.as_markup()


def confirm_release_kb(assignment_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("reminder.btn.release_yes"),
        callback_data=ReminderCB(action="release_yes", id=assignment_id),
    )
    return kb.as_markup()


def overdue_notice(story: StoryContext, t: T, lang: str, tz: ZoneInfo) -> str:
    """To organizers: a story passed its deadline and the reminders without a link."""
    return t(
        "reminder.overdue_organizers",
        title=_title(story, t, lang),
        name=story.ambassador.display_name or "—",
        deadline=local_time(story.request.deadline, tz),
    )


def digest_text(
    stories: Sequence[StoryContext], t: T, lang: str, tz: ZoneInfo, now: datetime
) -> str:
    lines = [t("digest.ambassador.title")]
    for s in stories:
        key = (
            "digest.ambassador.overdue"
            if s.assignment.status == "overdue"
            else "digest.ambassador.line"
        )
        lines.append(
            t(
                key,
                title=_title(s, t, lang),
                left=time_left(s.request.deadline, now, t),
                deadline=local_time(s.request.deadline, tz),
            )
        )
    return "\n".join(lines)


def settings_kb(current: str, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for mode in MODES:
        mark = "● " if mode == current else ""
        kb.button(text=mark + t(MODE_KEYS[mode]), callback_data=SettingsCB(mode=mode))
    kb.adjust(1)
    return kb.as_markup()


def digest_numbers(digest: OrganizerDigest) -> dict[str, int]:
    """The counts the digest shows (what the narrative is written from)."""
    return {
        "new_links": len(digest.new_links),
        "due_within_48h": len(digest.due_soon),
        "overdue": len(digest.overdue),
    }


def organizer_digest_text(
    digest: OrganizerDigest,
    t: T,
    lang: str,
    tz: ZoneInfo,
    now: datetime,
    *,
    shown: int = 10,
    narrative: str | None = None,
) -> str:
    """Organizers' morning digest: stories due within 48 hours and overdue ones; with
    ``narrative`` (the model's summary of the numbers), that paragraph first, marked."""
    lines = [t("digest.organizer.title", date=now.astimezone(tz).strftime("%d/%m/%Y"))]
    if narrative:
        lines += [t("digest.organizer.narrative", text=narrative), ""]
    lines.append(t("digest.organizer.new_links", count=len(digest.new_links)))
    for link, name in digest.new_links[:shown]:
        platform = platform_label(link.platform, lang, t)
        lines.append(
            t("digest.organizer.link", platform=platform, url=link.normalized_url, name=name)
        )
    lines.append(t("digest.organizer.due_soon", count=len(digest.due_soon)))
    for s in digest.due_soon[:shown]:
        lines.append(
            t(
                "digest.organizer.story",
                title=_title(s, t, lang),
                name=s.ambassador.display_name or "—",
                deadline=local_time(s.request.deadline, tz),
            )
        )
    lines.append(t("digest.organizer.overdue", count=len(digest.overdue)))
    for s in digest.overdue[:shown]:
        lines.append(
            t(
                "digest.organizer.story",
                title=_title(s, t, lang),
                name=s.ambassador.display_name or "—",
                deadline=local_time(s.request.deadline, tz),
            )
        )
    return fit("\n".join(lines))
