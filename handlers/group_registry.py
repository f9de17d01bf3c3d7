"""The group registry: what Telegram reports about the bot's groups, and the
organizers' tools (``/tag`` ``/untag`` in a group, ``/groups`` in private).

- ``my_chat_member``: added (recorded; confirmed if an organizer added it, and
  organizers are told), removed (inactive), promoted or demoted (admin flag).
- Service messages: ``new_chat_title`` (title), ``migrate_to_chat_id`` /
  ``migrate_from_chat_id`` (the same group, a new id).
- ``/groups``: pages of 5 with member counts (best effort, last known kept), and
  per group Confirm / Leave / Tags (typed).

One router; organizer-only handlers are gated per handler with ``IsOrganizer`` and
a refusal for everyone else comes last (forged callback data included).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message

from bot.errors import InvalidInput
from bot.filters import GroupChat, IsOrganizer, PrivateChat, TextAnswer
from bot.i18n import Translator
from bot.notifications import safe_send
from bot.services import Services
from bot.services.groups import MAX_TAGS, parse_tags
from bot.ui.callbacks import GroupCB
from bot.ui.cards import applicant_name, error_message
from bot.ui.groups import group_card, group_kb, group_list_kb, group_list_text, tags_text
from bot.ui.states import Groups
from handlers.refusals import refuse, refuse_message
from storage.dto import GroupDTO

T = Callable[..., str]
log = logging.getLogger(__name__)

_PRESENT = frozenset({"member", "administrator", "creator", "restricted"})
_GROUP_TYPES = frozenset({"group", "supergroup"})


class HasService(Filter):
    """A service message carrying ``field`` (``new_chat_title``, ``migrate_to_chat_id``...)."""

    def __init__(self, field: str) -> None:
        self.field = field

    async def __call__(self, message: Message) -> bool:
        return getattr(message, self.field, None) is not None


# --- what Telegram reports -----------------------------------------------------------


async def _member_count(bot: Bot, services: Services, group: GroupDTO) -> GroupDTO:
    """The group's member count now (best effort: on failure the last known one)."""
    try:
        count = await bot.get_chat_member_count(group.chat_id)
    except TelegramAPIError as exc:
        log.info("member count unavailable", extra={"chat_id": group.chat_id, "error": str(exc)})
        return group
    await services.groups.record_member_count(group.id, count)
    return await services.groups.get(group.id)


async def _notify_added(
    bot: Bot, services: Services, translator: Translator, group: GroupDTO, who: str
) -> None:
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    key = "group.notice.added_confirmed" if group.confirmed else "group.notice.added_unconfirmed"
    for org_id in ids:
        t = translator.bind(languages[org_id])
        text = t(key, title=group.title or str(group.chat_id), who=who)
        await safe_send(bot, org_id, text, reply_markup=group_kb(group, 0, t, back=False))


async def on_my_chat_member(
    event: ChatMemberUpdated,
    bot: Bot,
    services: Services,
    translator: Translator,
    is_organizer: bool,
) -> None:
    chat = event.chat
    if chat.type not in _GROUP_TYPES:
        return
    old, new = event.old_chat_member.status, event.new_chat_member.status
    is_admin = new in ("administrator", "creator")
    if new in _PRESENT and old not in _PRESENT:
        by = event.from_user
        added = await services.groups.bot_added(
            chat.id, chat.title or "", chat.type, by.id, is_organizer, is_admin
        )
        group = await _member_count(bot, services, added.group)
        if added.news:
            who = applicant_name(by.first_name, by.username, by.id)
            await _notify_added(bot, services, translator, group, who)
    elif new not in _PRESENT:
        await services.groups.bot_removed(chat.id)
    else:
        await services.groups.rights_changed(chat.id, is_admin)


async def on_title(message: Message, services: Services) -> None:
    await services.groups.title_changed(message.chat.id, message.new_chat_title or "")


async def on_migrate_to(message: Message, services: Services) -> None:
    assert message.migrate_to_chat_id is not None
    await services.groups.migrate(message.chat.id, message.migrate_to_chat_id)


async def on_migrate_from(message: Message, services: Services) -> None:
    assert message.migrate_from_chat_id is not None
    await services.groups.migrate(message.migrate_from_chat_id, message.chat.id)


# --- /tag and /untag in a group (organizers) ---------------------------------------------


async def _this_group(message: Message, services: Services) -> GroupDTO:
    group = await services.groups.by_chat(message.chat.id)
    if group is None:  # the bot was added before the registry existed
        assert message.from_user
        added = await services.groups.bot_added(
            message.chat.id,
            message.chat.title or "",
            message.chat.type,
            message.from_user.id,
            True,
            False,
        )
        group = added.group
    return group


async def _tag_command(
    message: Message, command: CommandObject, services: Services, t: T, *, add: bool
) -> None:
    tags = (command.args or "").split()
    if not tags:
        await message.reply(t("group.tags.usage"))
        return
    group = await _this_group(message, services)
    if add:
        group = await services.groups.add_tags(group.id, tags)
    else:
        group = await services.groups.remove_tags(group.id, tags)
    await message.reply(t("group.tags.saved", title=group.title, tags=tags_text(group, t)))


async def on_tag(
    message: Message, command: CommandObject, services: Services, lang: str, t: T
) -> None:
    try:
        await _tag_command(message, command, services, t, add=True)
    except InvalidInput as exc:
        await message.reply(error_message(t, lang, exc))


async def on_untag(
    message: Message, command: CommandObject, services: Services, lang: str, t: T
) -> None:
    try:
        await _tag_command(message, command, services, t, add=False)
    except InvalidInput as exc:
        await message.reply(error_message(t, lang, exc))


async def refuse_in_group(message: Message, t: T) -> None:
    await message.reply(t("error.not_allowed"))


# --- /groups in private (organizers) ------------------------------------------------------


async def _refresh_counts(
    bot: Bot, services: Services, groups: Sequence[GroupDTO]
) -> list[GroupDTO]:
    return [await _member_count(bot, services, g) if g.status == "active" else g for g in groups]


async def _list(bot: Bot, services: Services, page_no: int, t: T) -> tuple[str, Any]:
    page = await services.groups.page(page_no)
    groups = await _refresh_counts(bot, services, page.items)
    return (
        group_list_text(groups, page.page, t),
        group_list_kb(groups, page.page, page.has_next, t),
    )


async def on_groups(message: Message, bot: Bot, services: Services, t: T) -> None:
    text, kb = await _list(bot, services, 0, t)
    await message.answer(text, reply_markup=kb)


async def _edit(callback: CallbackQuery, text: str, kb: Any) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


async def on_page(
    callback: CallbackQuery, callback_data: GroupCB, bot: Bot, services: Services, t: T
) -> None:
    text, kb = await _list(bot, services, callback_data.page, t)
    await _edit(callback, text, kb)


async def on_show(
    callback: CallbackQuery, callback_data: GroupCB, services: Services, t: T
) -> None:
    group = await services.groups.get(callback_data.id)
    await _edit(callback, group_card(group, t), group_kb(group, callback_data.page, t))


async def on_confirm(
    callback: CallbackQuery, callback_data: GroupCB, services: Services, t: T
) -> None:
    group = await services.groups.confirm(callback_data.id)
    await callback.answer(t("group.done.confirmed"))
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            group_card(group, t), reply_markup=group_kb(group, callback_data.page, t)
        )


async def on_leave(
    callback: CallbackQuery, callback_data: GroupCB, bot: Bot, services: Services, t: T
) -> None:
    group = await services.groups.mark_left(callback_data.id)
    try:
        await bot.leave_chat(group.chat_id)
    except TelegramAPIError as exc:  # already gone (kicked, group deleted): recorded anyway
        log.info("leave failed", extra={"chat_id": group.chat_id, "error": str(exc)})
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            t("group.done.left", title=group.title) + "\n\n" + group_card(group, t),
            reply_markup=group_kb(group, callback_data.page, t),
        )


async def on_tags(
    callback: CallbackQuery, callback_data: GroupCB, services: Services, state: FSMContext, t: T
) -> None:
    group = await services.groups.get(callback_data.id)
    await state.set_state(Groups.tags)
    await state.set_data({"group_id": group.id, "page": callback_data.page})
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            t("group.tags.prompt", title=group.title, limit=MAX_TAGS, tags=tags_text(group, t))
        )


async def on_tags_typed(
    message: Message, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    try:
        tags = [] if text == "-" else parse_tags(text)
        group = await services.groups.set_tags(int(data["group_id"]), tags)
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    await message.answer(
        t("group.tags.saved", title=group.title, tags=tags_text(group, t)),
        reply_markup=group_kb(group, int(data.get("page", 0)), t),
    )


def build_router() -> Router:
    """A fresh router for the group registry."""
    router = Router(name=__name__)
    router.callback_query.filter(PrivateChat())
    router.my_chat_member.register(on_my_chat_member)
    group = GroupChat()
    router.message.register(on_title, group, HasService("new_chat_title"))
    router.message.register(on_migrate_to, group, HasService("migrate_to_chat_id"))
    router.message.register(on_migrate_from, group, HasService("migrate_from_chat_id"))

    org, private = IsOrganizer(), PrivateChat()
    router.message.register(on_tag, group, Command("tag"), org)
    router.message.register(on_untag, group, Command("untag"), org)
    router.message.register(refuse_in_group, group, Command("tag", "untag"))
    router.message.register(on_groups, private, Command("groups"), org)
    router.message.register(refuse_message, private, Command("groups"))
    router.message.register(on_tags_typed, StateFilter(Groups.tags), private, TextAnswer(), org)
    router.callback_query.register(on_page, GroupCB.filter(F.action == "page"), org)
    router.callback_query.register(on_show, GroupCB.filter(F.action == "show"), org)
    router.callback_query.register(on_confirm, GroupCB.filter(F.action == "confirm"), org)
    router.callback_query.register(on_leave, GroupCB.filter(F.action == "leave"), org)
    router.callback_query.register(on_tags, GroupCB.filter(F.action == "tags"), org)
    router.callback_query.register(refuse, GroupCB.filter())
    return router
