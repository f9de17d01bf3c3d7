"""The group registry as organizers see it: the notice, the /groups list, a card."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.groups import PAGE_SIZE
from bot.ui.callbacks import GroupCB
from bot.ui.requests import pager_row
from storage.dto import GroupDTO

T = Callable[..., str]

STATUS_KEYS = {"active": "group.status.active", "inactive": "group.status.inactive"}


def tags_text(group: GroupDTO, t: T) -> str:
    return ", ".join(group.tags) if group.tags else t("group.tags.none")


def _facts(group: GroupDTO, t: T) -> dict[str, str]:
    members = (
        t("group.members", count=group.member_count)
        if group.member_count is not None
        else t("group.members.unknown")
    )
    return {
        "title": group.title or str(group.chat_id),
        "status": t(STATUS_KEYS[group.status]),
        "confirmed": t("group.confirmed" if group.confirmed else "group.unconfirmed"),
        "members": members,
        "tags": tags_text(group, t),
    }


def group_list_text(groups: Sequence[GroupDTO], page: int, t: T) -> str:
    if not groups and page == 0:
        return t("group.list.empty")
    lines = [t("group.list.header", page=page + 1)]
    for n, group in enumerate(groups, start=page * PAGE_SIZE + 1):
        lines.append(t("group.list.line", n=n, **_facts(group, t)))
    return "\n\n".join(lines)


def group_list_kb(
    groups: Sequence[GroupDTO], page: int, has_next: bool, t: T
) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=f"{n}. {group.title or group.chat_id}"[:60],
                callback_data=GroupCB(action="show", id=group.id, page=page).pack(),
            )
        ]
        for n, group in enumerate(groups, start=page * PAGE_SIZE + 1)
    ]
    pager = pager_row(lambda p: GroupCB(action="page", page=p).pack(), page, has_next, t)
    if pager:
        rows.append(pager)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def group_card(group: GroupDTO, t: T) -> str:
    return t("group.card", **_facts(group, t))


def group_kb(group: GroupDTO, page: int, t: T, *, back: bool = True) -> InlineKeyboardMarkup:
    def button(key: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=t(key), callback_data=GroupCB(action=action, id=group.id, page=page).pack()
        )

    row = []
    if not group.confirmed and group.status == "active":
        row.append(button("btn.group_confirm", "confirm"))
    if group.status == "active":
        row.append(button("btn.group_leave", "leave"))
    rows = [row] if row else []
    rows.append([button("btn.group_tags", "tags")])
    if back:
        rows.append([button("btn.group_list", "page")])
    return InlineKeyboardMarkup(inline_keyboard=rows)
