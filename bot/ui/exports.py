"""/export, everything (organizers): the scope question (the same choice as /report:
campaigns, this month, the last 30 days, the last quarter), the format question
(XLSX / CSV) and the document's caption."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.campaigns import DATE_FORMAT
from bot.ui.callbacks import ExportCB
from bot.ui.campaigns import short_name
from bot.ui.cards import T
from bot.ui.reports import CAMPAIGN_BUTTONS, PERIOD_KEYS
from storage.dto import CampaignDTO
from storage.repositories.reports import ReportScope


def full_export_button(t: T) -> InlineKeyboardButton:
    """The button under /export's links question that leads to the full export."""
    return InlineKeyboardButton(
        text=t("export.btn.full"), callback_data=ExportCB(action="scope").pack()
    )


def scope_kb(campaigns: Sequence[CampaignDTO], t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for c in campaigns[:CAMPAIGN_BUTTONS]:
        key = "report.btn.active" if c.active else "report.btn.campaign"
        kb.row(
            InlineKeyboardButton(
                text=t(key, name=short_name(c.name)),
                callback_data=ExportCB(action="fmt", kind="campaign", id=c.id).pack(),
            )
        )
    kb.row(
        *(
            InlineKeyboardButton(
                text=t(button), callback_data=ExportCB(action="fmt", kind=kind).pack()
            )
            for kind, (button, _) in PERIOD_KEYS.items()
        )
    )
    return kb.as_markup()


def format_kb(kind: str, campaign_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("export.btn.xlsx"),
        callback_data=ExportCB(action="go", kind=kind, id=campaign_id, fmt="xlsx"),
    )
    kb.button(
        text=t("export.btn.csv"),
        callback_data=ExportCB(action="go", kind=kind, id=campaign_id, fmt="csv"),
    )
    kb.adjust(2)
    return kb.as_markup()


def caption(scope: ReportScope, counts: dict[str, int], t: T, tz: ZoneInfo) -> str:
    first = scope.start.astimezone(tz).date().strftime(DATE_FORMAT)
    last = (scope.end - timedelta(microseconds=1)).astimezone(tz).date().strftime(DATE_FORMAT)
    return t(
        "export.caption",
        start=first,
        end=last,
        startups=counts.get("startups", 0),
        ambassadors=counts.get("ambassadors", 0),
        requests=counts.get("requests", 0),
        assignments=counts.get("assignments", 0),
        links=counts.get("links", 0),
        broadcasts=counts.get("broadcasts", 0),
    )
