"""Broadcasts as organizers see them: the draft card, the tag picker, the progress
message, the final report (and its CSV), the /broadcasts list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.broadcasts import Audience, Report, Sizes
from bot.status_labels import BROADCAST_STATUS_KEYS
from bot.ui.callbacks import BroadcastCB
from bot.ui.csv_export import cell, csv_bytes
from bot.ui.requests import fit, local_time, pager_row
from storage.dto import BroadcastDTO, DeliveryCounts, DeliveryLine

T = Callable[..., str]

#: Tags shown per page of the tag picker.
TAG_PAGE = 12
#: Failed chats listed in the report message (the CSV has them all).
FAILED_SHOWN = 15
BAR_WIDTH = 20
CSV_COLUMNS = (
    "broadcast.csv.chat_id",
    "broadcast.csv.kind",
    "broadcast.csv.name",
    "broadcast.csv.status",
    "broadcast.csv.reason",
    "broadcast.csv.error",
    "broadcast.csv.sent_at",
    "broadcast.csv.acks",
)
STATUS_KEYS = BROADCAST_STATUS_KEYS
REASON_KEYS = {
    "blocked": "broadcast.reason.blocked",
    "removed": "broadcast.reason.removed",
    "not_found": "broadcast.reason.not_found",
    "other": "broadcast.reason.other",
}
KIND_KEYS = {"group": "broadcast.kind.group", "private": "broadcast.kind.private"}
DELIVERY_KEYS = {
    "planned": "broadcast.delivery.planned",
    "claimed": "broadcast.delivery.claimed",
    "sent": "broadcast.delivery.sent",
    "failed": "broadcast.delivery.failed",
    "cancelled": "broadcast.delivery.cancelled",
}
OPTION_KEYS = {
    "pin": ("broadcast.option.pin", "broadcast.btn.pin"),
    "silent": ("broadcast.option.silent", "broadcast.btn.silent"),
    "ack": ("broadcast.option.ack", "broadcast.btn.ack"),
}


def _button(text: str, action: str, broadcast_id: int = 0, value: str = "") -> InlineKeyboardButton:
    data = BroadcastCB(action=action, id=broadcast_id, value=value).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _mark(on: bool, text: str) -> str:
    return ("☑ " if on else "☐ ") + text


# --- the draft ---------------------------------------------------------------------


def _content_line(content: dict[str, object], t: T) -> str:
    chars = len(str(content.get("caption") or content.get("text") or ""))
    if content.get("photo"):
        return t("broadcast.content.photo", chars=chars)
    if content.get("document"):
        return t("broadcast.content.document", name=content.get("file_name") or "", chars=chars)
    return t("broadcast.content.text", chars=chars)


def tagged_groups(audience: Audience, sizes: Sizes) -> int:
    """Groups carrying a chosen tag (an upper bound shown on the card: a group with
    two chosen tags counts once in the real recipient count)."""
    return sum(sizes.per_tag.get(tag, 0) for tag in audience.tags)


def _audience_line(audience: Audience, sizes: Sizes, t: T) -> str:
    parts = []
    if audience.all_groups:
        parts.append(t("broadcast.audience.all_groups", count=sizes.groups))
    elif audience.tags:
        parts.append(
            t(
                "broadcast.audience.tags",
                tags=", ".join(audience.tags),
                count=tagged_groups(audience, sizes),
            )
        )
    if audience.ambassadors:
        parts.append(t("broadcast.audience.ambassadors", count=sizes.ambassadors))
    if audience.startups:
        parts.append(t("broadcast.audience.startups", count=sizes.startups))
    return " + ".join(parts) if parts else t("broadcast.audience.none")


def _options_line(options: dict[str, object], t: T) -> str:
    chosen = [t(keys[0]) for name, keys in OPTION_KEYS.items() if options.get(name)]
    return ", ".join(chosen) if chosen else t("broadcast.options.none")


def draft_card(broadcast: BroadcastDTO, sizes: Sizes, count: int, t: T) -> str:
    audience = Audience.from_json(broadcast.audience)
    return t(
        "broadcast.card",
        id=broadcast.id,
        content=_content_line(broadcast.content, t),
        audience=_audience_line(audience, sizes, t),
        count=count,
        options=_options_line(broadcast.options, t),
    )


def draft_kb(broadcast: BroadcastDTO, sizes: Sizes, t: T) -> InlineKeyboardMarkup:
    audience = Audience.from_json(broadcast.audience)
    i = broadcast.id

    def part(name: str, on: bool, key: str, count: int) -> InlineKeyboardButton:
        return _button(_mark(on, t(key, count=count)), "part", i, name)

    def option(name: str) -> InlineKeyboardButton:
        return _button(
            _mark(bool(broadcast.options.get(name)), t(OPTION_KEYS[name][1])), "opt", i, name
        )

    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                part("all_groups", audience.all_groups, "broadcast.btn.all_groups", sizes.groups),
                _button(
                    _mark(bool(audience.tags), t("broadcast.btn.tags", count=len(audience.tags))),
                    "tags",
                    i,
                    "0",
                ),
            ],
            [
                part(
                    "ambassadors",
                    audience.ambassadors,
                    "broadcast.btn.ambassadors",
                    sizes.ambassadors,
                ),
                part("startups", audience.startups, "broadcast.btn.startups", sizes.startups),
            ],
            [option("pin"), option("silent"), option("ack")],
            [
                _button(t("broadcast.btn.preview"), "preview", i),
                _button(t("broadcast.btn.edit"), "edit", i),
            ],
            [
                _button(t("broadcast.btn.send"), "send", i),
                _button(t("broadcast.btn.schedule"), "schedule", i),
            ],
            [_button(t("broadcast.btn.discard"), "discard", i)],
        ]
    )


def tags_text(broadcast: BroadcastDTO, sizes: Sizes, t: T) -> str:
    text = t("broadcast.tags.title", id=broadcast.id)
    return text if sizes.per_tag else text + "\n\n" + t("broadcast.tags.empty")


def tags_kb(broadcast: BroadcastDTO, sizes: Sizes, page: int, t: T) -> InlineKeyboardMarkup:
    chosen = set(Audience.from_json(broadcast.audience).tags)
    tags = list(sizes.per_tag.items())
    page = max(0, min(page, (len(tags) - 1) // TAG_PAGE)) if tags else 0
    shown = tags[page * TAG_PAGE : (page + 1) * TAG_PAGE]
    rows = [
        [
            _button(_mark(tag in chosen, f"{tag} ({n})"), "tag", broadcast.id, tag)
            for tag, n in shown[k : k + 2]
        ]
        for k in range(0, len(shown), 2)
    ]
    pager = pager_row(
        lambda p: BroadcastCB(action="tags", id=broadcast.id, value=str(p)).pack(),
        page,
        (page + 1) * TAG_PAGE < len(tags),
        t,
    )
    if pager:
        rows.append(pager)
    rows.append([_button(t("btn.back"), "card", broadcast.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def confirm_send_kb(broadcast_id: int, count: int, t: T) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("broadcast.btn.go", count=count), "go", broadcast_id)],
            [_button(t("btn.back"), "card", broadcast_id)],
        ]
    )


def schedule_kb(
    broadcast_id: int, choices: Sequence[datetime], tz: ZoneInfo, t: T
) -> InlineKeyboardMarkup:
    """Quick picks (tomorrow morning and evening); typing a time works too."""
    row = [
        _button(local_time(when, tz), "at", broadcast_id, str(int(when.timestamp())))
        for when in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[row, [_button(t("btn.back"), "card", broadcast_id)]]
    )


# --- while sending ------------------------------------------------------------------


def progress_bar(done: int, total: int, width: int = BAR_WIDTH) -> str:
    filled = width if total <= 0 else min(width, done * width // total)
    return "█" * filled + "░" * (width - filled)


def eta_text(seconds: float | None, t: T) -> str:
    if seconds is None:
        return t("broadcast.eta.unknown")
    whole = max(0, round(seconds))
    if whole < 60:
        return t("broadcast.eta.seconds", s=whole)
    if whole < 3600:
        return t("broadcast.eta.minutes", m=whole // 60, s=whole % 60)
    return t("broadcast.eta.hours", h=whole // 3600, m=whole % 3600 // 60)


def progress_text(broadcast: BroadcastDTO, counts: DeliveryCounts, rate: float | None, t: T) -> str:
    failed = sum(counts.failed.values())
    done = counts.sent + failed
    total = counts.total - counts.cancelled
    eta = counts.left / rate if rate and counts.left else (0.0 if not counts.left else None)
    return t(
        "broadcast.progress",
        id=broadcast.id,
        status=t(STATUS_KEYS[broadcast.status]),
        bar=progress_bar(done, total),
        percent=100 if total <= 0 else done * 100 // total,
        sent=counts.sent,
        failed=failed,
        left=counts.left,
        rate=f"{rate:.1f}" if rate is not None else "…",
        eta=eta_text(eta, t),
    )


def progress_kb(broadcast_id: int, t: T) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(t("broadcast.btn.stop"), "stop", broadcast_id)]]
    )


def confirm_stop_kb(broadcast_id: int, t: T) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t("broadcast.btn.halt"), "halt", broadcast_id)],
            [_button(t("btn.back"), "keep", broadcast_id)],
        ]
    )


# --- the report ---------------------------------------------------------------------


def report_text(report: Report, failed: Sequence[DeliveryLine], t: T) -> str:
    b, counts = report.broadcast, report.counts
    lines = [
        t(
            "broadcast.report",
            id=b.id,
            status=t(STATUS_KEYS[b.status]),
            total=counts.total,
            sent=counts.sent,
            failed=sum(counts.failed.values()),
            cancelled=counts.cancelled,
            **{reason: report.failed.get(reason, 0) for reason in REASON_KEYS},
        )
    ]
    if counts.left:
        lines.append(t("broadcast.report.in_flight", count=counts.left))
    if b.options.get("ack"):
        lines.append(
            t(
                "broadcast.report.acks",
                recipients=report.acks.recipients,
                sent=counts.sent,
                people=report.acks.people,
            )
        )
    total_failed = sum(counts.failed.values())
    if failed:
        lines.append("")
        lines.append(t("broadcast.report.failed_header"))
        for line in failed[:FAILED_SHOWN]:
            lines.append(
                t(
                    "broadcast.report.failed_line",
                    name=line.name,
                    kind=t(KIND_KEYS[line.kind]),
                    reason=t(REASON_KEYS[line.reason or "other"]),
                )
            )
        if total_failed > min(len(failed), FAILED_SHOWN):
            lines.append(
                t("broadcast.report.more", count=total_failed - min(len(failed), FAILED_SHOWN))
            )
    return fit("\n".join(lines))


def report_kb(report: Report, t: T) -> InlineKeyboardMarkup:
    i = report.broadcast.id
    rows = []
    if sum(report.counts.failed.values()):
        rows.append([_button(t("broadcast.btn.csv_failed"), "csv", i, "failed")])
    rows.append([_button(t("broadcast.btn.csv_all"), "csv", i, "all")])
    rows.append([_button(t("broadcast.btn.refresh"), "report", i, "edit")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def report_csv(lines: Sequence[DeliveryLine], t: T, tz: ZoneInfo) -> bytes:
    rows = (
        [
            line.chat_id,
            t(KIND_KEYS[line.kind]),
            cell(line.name),
            t(DELIVERY_KEYS[line.status]),
            t(REASON_KEYS[line.reason]) if line.reason else "",
            cell(line.error),
            line.sent_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S") if line.sent_at else "",
            line.acks,
        ]
        for line in lines
    )
    return csv_bytes([t(key) for key in CSV_COLUMNS], rows)


# --- /broadcasts --------------------------------------------------------------------


def _snippet(content: dict[str, object], limit: int = 60) -> str:
    text = " ".join(str(content.get("text") or content.get("caption") or "").split())
    if not text:
        text = "🖼" if content.get("photo") else "📎"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def list_text(items: Sequence[tuple[BroadcastDTO, int]], page: int, tz: ZoneInfo, t: T) -> str:
    """``items``: each broadcast with its recipient count."""
    if not items and page == 0:
        return t("broadcast.list.empty")
    lines = [t("broadcast.list.header", page=page + 1)]
    for b, count in items:
        when = b.scheduled_at if b.status == "scheduled" else (b.started_at or b.created_at)
        lines.append(
            t(
                "broadcast.list.line",
                id=b.id,
                status=t(STATUS_KEYS[b.status]),
                when=local_time(when, tz),
                count=count,
                snippet=_snippet(b.content),
            )
        )
    return fit("\n\n".join(lines))


def list_kb(items: Sequence[BroadcastDTO], page: int, has_next: bool, t: T) -> InlineKeyboardMarkup:
    rows = []
    for b in items:
        if b.status == "scheduled":
            rows.append([_button(t("broadcast.btn.cancel", id=b.id), "cancel", b.id, str(page))])
        elif b.status == "sending":
            rows.append([_button(t("broadcast.btn.stop_one", id=b.id), "stop", b.id)])
        elif b.status in ("done", "stopped"):
            rows.append([_button(t("broadcast.btn.report", id=b.id), "report", b.id)])
    pager = pager_row(lambda p: BroadcastCB(action="list", value=str(p)).pack(), page, has_next, t)
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(inline_keyboard=rows)
