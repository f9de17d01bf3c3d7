"""A suggested brief as the startup sees it (with Use / Edit / Keep my own), and the
structured part of the brief ambassadors read once the startup chose it.

Everything in a brief came from a model fed with user text: every value is escaped.
"""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.ai.schemas import Brief
from bot.i18n import Html, escape
from bot.reference import labels
from bot.services.briefs import FIELDS
from bot.ui.callbacks import BriefCB
from bot.ui.cards import T

FIELD_KEYS = {
    "title": "brief.field.title",
    "angle": "brief.field.angle",
    "key_messages": "brief.field.key_messages",
    "target_audience": "brief.field.target_audience",
    "call_to_action": "brief.field.call_to_action",
    "hashtags": "brief.field.hashtags",
}
#: What to type for each field.
ASK_KEYS = {
    "title": "brief.ask.title",
    "angle": "brief.ask.angle",
    "key_messages": "brief.ask.key_messages",
    "target_audience": "brief.ask.target_audience",
    "call_to_action": "brief.ask.call_to_action",
    "hashtags": "brief.ask.hashtags",
}
assert set(FIELD_KEYS) == set(ASK_KEYS) == set(FIELDS)


def brief_block(brief: Brief, lang: str, t: T) -> Html:
    """The structured brief: title, angle, key messages, audience, call to action,
    hashtags, platforms (each line only when it has something)."""
    lines = [
        f"<b>{escape(brief.title)}</b>",
        t("brief.ai.angle", angle=brief.angle),
        t("brief.ai.messages"),
        *(f"• {escape(m)}" for m in brief.key_messages),
        t("brief.ai.audience", audience=brief.target_audience),
        t("brief.ai.cta", cta=brief.call_to_action),
    ]
    if brief.hashtags:
        lines.append(t("brief.ai.hashtags", hashtags=" ".join(brief.hashtags)))
    if brief.platforms:
        lines.append(t("brief.ai.platforms", platforms=labels("platforms", brief.platforms, lang)))
    return Html("\n".join(lines))


def proposal_text(brief: Brief, lang: str, t: T) -> str:
    return t("brief.ai.proposal", brief=brief_block(brief, lang, t))


def _button(t: T, key: str, action: str, request_id: int, field: str = "") -> InlineKeyboardButton:
    data = BriefCB(action=action, id=request_id, field=field).pack()
    return InlineKeyboardButton(text=t(key), callback_data=data)


def proposal_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_button(t, "brief.btn.use", "use", request_id)],
            [
                _button(t, "brief.btn.edit", "edit", request_id),
                _button(t, "brief.btn.own", "own", request_id),
            ],
        ]
    )


def fields_kb(request_id: int, t: T) -> InlineKeyboardMarkup:
    rows = [[_button(t, FIELD_KEYS[f], "field", request_id, f)] for f in FIELDS]
    rows.append([_button(t, "btn.back", "back", request_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
