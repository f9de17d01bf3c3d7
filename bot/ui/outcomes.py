"""The question "what came of it?" with its toggle buttons, and the thanks."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.outcomes import KINDS
from bot.status_labels import OUTCOME_KIND_KEYS as KIND_KEYS
from bot.ui.callbacks import OutcomeCB
from bot.ui.cards import T
from storage.dto import OutcomeDTO

assert tuple(KIND_KEYS) == KINDS


def question_text(request_id: int, company: str, story: str, links: int, t: T) -> str:
    snippet = " ".join(story.split())
    snippet = snippet if len(snippet) <= 120 else snippet[:119] + "…"
    return t("outcome.ask", id=request_id, company=company, story=snippet, links=links)


def question_kb(outcome: OutcomeDTO, t: T) -> InlineKeyboardMarkup:
    def button(text: str, action: str, kind: str = "") -> InlineKeyboardButton:
        data = OutcomeCB(action=action, id=outcome.request_id, kind=kind).pack()
        return InlineKeyboardButton(text=text, callback_data=data)

    marks = [
        button(("☑ " if kind in outcome.kinds else "☐ ") + t(KIND_KEYS[kind]), "toggle", kind)
        for kind in KINDS
    ]
    rows = [marks[i : i + 2] for i in range(0, len(marks), 2)]
    rows.append([button(t("outcome.btn.note"), "note"), button(t("outcome.btn.done"), "done")])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def answered_text(outcome: OutcomeDTO, t: T) -> str:
    kinds = ", ".join(t(KIND_KEYS[k]) for k in outcome.kinds)
    text = t("outcome.thanks", kinds=kinds)
    if outcome.note:
        text += "\n" + t("outcome.note_saved", note=outcome.note)
    return text
