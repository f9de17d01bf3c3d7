"""Campaigns as organizers see them: the /campaigns list and its buttons, and the
"Move to campaign" choice under a request card. Telegram HTML; names enter through
``t`` parameters (escaped)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.services.campaigns import DATE_FORMAT
from bot.ui.callbacks import CampaignCB, RequestCB
from bot.ui.requests import fit
from storage.dto import CampaignDTO

T = Callable[..., str]
#: Characters of a campaign name on a button.
BUTTON_NAME = 40


def short_name(name: str, limit: int = BUTTON_NAME) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def campaign_dates(campaign: CampaignDTO) -> dict[str, str]:
    return {
        "start": campaign.starts_on.strftime(DATE_FORMAT),
        "end": campaign.ends_on.strftime(DATE_FORMAT),
    }


def campaign_list_text(campaigns: Sequence[CampaignDTO], t: T) -> str:
    lines = [t("campaign.list.title")]
    if not campaigns:
        lines.append(t("campaign.list.empty"))
    for c in campaigns:
        key = "campaign.line.active" if c.active else "campaign.line"
        lines.append(t(key, name=c.name, **campaign_dates(c)))
    if not any(c.active for c in campaigns):
        lines += ["", t("campaign.list.none_active")]
    return fit("\n".join(lines))


def campaign_list_kb(campaigns: Sequence[CampaignDTO], t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for c in campaigns:
        action, key = (
            ("deactivate", "campaign.btn.deactivate")
            if c.active
            else ("activate", "campaign.btn.activate")
        )
        kb.row(
            InlineKeyboardButton(
                text=t(key, name=short_name(c.name)),
                callback_data=CampaignCB(action=action, id=c.id).pack(),
            )
        )
    kb.row(
        InlineKeyboardButton(
            text=t("campaign.btn.new"), callback_data=CampaignCB(action="new").pack()
        )
    )
    return kb.as_markup()


def move_kb(
    request_id: int, current: int | None, campaigns: Sequence[CampaignDTO], t: T
) -> InlineKeyboardMarkup:
    """One button per campaign (the current one ticked), "No campaign", Back."""
    kb = InlineKeyboardBuilder()
    for c in campaigns:
        mark = "✅ " if c.id == current else ""
        kb.row(
            InlineKeyboardButton(
                text=mark + short_name(c.name),
                callback_data=CampaignCB(action="to", id=c.id, req=request_id).pack(),
            )
        )
    none_mark = "✅ " if current is None else ""
    kb.row(
        InlineKeyboardButton(
            text=none_mark + t("campaign.move.none"),
            callback_data=CampaignCB(action="to", id=0, req=request_id).pack(),
        )
    )
    kb.row(
        InlineKeyboardButton(
            text=t("btn.back"), callback_data=RequestCB(action="show", id=request_id).pack()
        )
    )
    return kb.as_markup()
