"""Keyboards, one function each. Texts come from the translator ``t`` (bound to a
language) or from the taxonomy/province labels; callback data from ``callbacks``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.provinces import NATIONWIDE, all_provinces, region_label
from bot.reference import Item, label
from bot.services.forms import FormField, Kind
from bot.ui.callbacks import (
    ChannelCB,
    ConsentCB,
    FormCB,
    LangCB,
    PitchCB,
    ProfileCB,
    ReviewCB,
    RoleCB,
)
from storage.dto import ChannelDTO

T = Callable[..., str]
CHECK = "✅ "
LANGUAGE_NAMES = {"vi": "🇻🇳 Tiếng Việt", "en": "🇬🇧 English"}


def language_kb(preselected: str) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, name in LANGUAGE_NAMES.items():
        mark = "● " if code == preselected else ""
        kb.button(text=mark + name, callback_data=LangCB(code=code))
    kb.adjust(2)
    return kb.as_markup()


def consent_kb(t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("consent.accept"), callback_data=ConsentCB(accept=True))
    kb.button(text=t("consent.decline"), callback_data=ConsentCB(accept=False))
    kb.adjust(1)
    return kb.as_markup()


def role_kb(t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("role.startup"), callback_data=RoleCB(role="startup"))
    kb.button(text=t("role.ambassador"), callback_data=RoleCB(role="ambassador"))
    kb.adjust(1)
    return kb.as_markup()


def _rows(buttons: list[InlineKeyboardButton], columns: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + columns] for i in range(0, len(buttons), columns)]


def taxonomy_items(kind: str, items: Iterable[Item], lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((i.code, label(kind, i.code, lang)) for i in items)


AnswerCB = type[FormCB] | type[PitchCB]


@lru_cache(maxsize=2048)
def _choice_markup(
    cb: AnswerCB,
    field_name: str,
    items: tuple[tuple[str, str], ...],
    selected: frozenset[str],
    multi: bool,
    columns: int,
    done_text: str,
) -> InlineKeyboardMarkup:
    """Built once per (question, language, selection): these keyboards are big (34
    provinces) and pydantic objects are not free, so they are cached; they are
    never mutated after construction."""
    action = "toggle" if multi else "pick"
    buttons = [
        InlineKeyboardButton(
            text=(CHECK if code in selected else "") + text,
            callback_data=cb(action=action, field=field_name, value=code).pack(),
        )
        for code, text in items
    ]
    rows = _rows(buttons, columns)
    if multi:
        done = cb(action="done", field=field_name).pack()
        rows.append([InlineKeyboardButton(text=done_text, callback_data=done)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def choice_kb(
    field: FormField,
    items: Sequence[tuple[str, str]],
    *,
    selected: Sequence[str],
    multi: bool,
    t: T,
    columns: int = 2,
    cb: AnswerCB = FormCB,
) -> InlineKeyboardMarkup:
    """Single choice (tap = answer) or multi choice (tap = toggle, then Done).

    ``cb`` is the conversation's callback class: registration or pitch."""
    return _choice_markup(
        cb, field.name, tuple(items), frozenset(selected), multi, columns, t("btn.done")
    )


@lru_cache(maxsize=8)
def province_items(lang: str, *, nationwide: bool) -> tuple[tuple[str, str], ...]:
    items = tuple((p.code, p.label(lang)) for p in all_provinces())
    if nationwide:
        return ((NATIONWIDE, region_label(NATIONWIDE, lang)), *items)
    return items


def province_kb(
    field: FormField, lang: str, selected: Sequence[str], t: T, cb: AnswerCB = FormCB
) -> InlineKeyboardMarkup:
    multi = field.kind is Kind.REGIONS
    return choice_kb(
        field,
        province_items(lang, nationwide=multi),
        selected=selected,
        multi=multi,
        t=t,
        columns=3,
        cb=cb,
    )


def skip_kb(field: FormField, t: T, cb: AnswerCB = FormCB) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.skip"), callback_data=cb(action="skip", field=field.name))
    return kb.as_markup()


def platforms_kb(items: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for code, text in items:
        kb.button(text=text, callback_data=ChannelCB(action="platform", value=code))
    kb.adjust(3)
    return kb.as_markup()


def no_url_kb(t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.no_url"), callback_data=ChannelCB(action="nourl"))
    return kb.as_markup()


def channels_menu_kb(
    channels: Sequence[ChannelDTO], t: T, *, can_add: bool
) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for n, ch in enumerate(channels, start=1):
        kb.button(
            text=t("btn.remove_channel", n=n),
            callback_data=ChannelCB(action="remove", value=str(ch.id)),
        )
    kb.adjust(3)
    if can_add:
        kb.row(
            InlineKeyboardButton(
                text=t("btn.add_channel"), callback_data=ChannelCB(action="add").pack()
            )
        )
    if channels:
        kb.row(
            InlineKeyboardButton(text=t("btn.done"), callback_data=ChannelCB(action="done").pack())
        )
    return kb.as_markup()


def profile_kb(status: str, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("btn.edit_field"), callback_data=ProfileCB(action="edit"))
    if status == "draft":
        kb.button(text=t("btn.submit"), callback_data=ProfileCB(action="submit"))
    elif status == "rejected":
        kb.button(text=t("btn.resubmit"), callback_data=ProfileCB(action="submit"))
    kb.adjust(1)
    return kb.as_markup()


def fields_kb(fields: Sequence[FormField], labels: dict[str, str], t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for f in fields:
        kb.button(text=labels[f.name], callback_data=ProfileCB(action="field", field=f.name))
    kb.adjust(2)
    kb.row(InlineKeyboardButton(text=t("btn.back"), callback_data=ProfileCB(action="back").pack()))
    return kb.as_markup()


def review_kb(role: str, profile_id: int, t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(
        text=t("btn.approve"), callback_data=ReviewCB(action="approve", role=role, id=profile_id)
    )
    kb.button(
        text=t("btn.reject"), callback_data=ReviewCB(action="reject", role=role, id=profile_id)
    )
    kb.adjust(2)
    return kb.as_markup()
