"""Broadcasts (organizers): /broadcast composes one, /broadcasts lists them.

Composing: the organizer sends the message as it should look (text with its
formatting, or one photo or document with a caption); the bot answers with an exact
preview and the draft card (audience, options, recipient count), where Send now
asks for confirmation and Schedule takes a local time. The draft lives in the
database (a ``draft`` broadcast without rows), so every button names it by id and
is re-checked against its state.

Sending: the progress message (``bot/broadcast_progress.py`` edits it) carries
Stop; the report has CSV exports. "Got it" under a broadcast message is pressed by
recipients, in any chat, and checked against that exact delivered message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.broadcast_message import content_from_message, send_content
from bot.config import Settings
from bot.deadlines import MOMENT_FORMAT, parse_local_moment, tomorrow_at
from bot.errors import InvalidInput
from bot.filters import IsOrganizer, PrivateChat, TextAnswer
from bot.services import Services
from bot.services.broadcasts import Audience
from bot.ui.broadcasts import (
    TAG_PAGE,
    confirm_send_kb,
    confirm_stop_kb,
    draft_card,
    draft_kb,
    list_kb,
    list_text,
    progress_kb,
    progress_text,
    report_csv,
    report_kb,
    report_text,
    schedule_kb,
    tags_kb,
    tags_text,
)
from bot.ui.callbacks import AckCB, BroadcastCB
from bot.ui.cards import error_message
from bot.ui.requests import local_time
from bot.ui.states import Broadcasts
from handlers.refusals import refuse, refuse_message
from storage.dto import BroadcastDTO

T = Callable[..., str]

# --- helpers --------------------------------------------------------------------------


async def _edit(callback: CallbackQuery, text: str, kb: InlineKeyboardMarkup | None = None) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


async def _card(
    services: Services, broadcast: BroadcastDTO, t: T
) -> tuple[str, InlineKeyboardMarkup]:
    sizes = await services.broadcasts.sizes()
    audience = Audience.from_json(broadcast.audience)
    count = len(await services.broadcasts.recipients(audience))
    return draft_card(broadcast, sizes, count, t), draft_kb(broadcast, sizes, t)


async def _preview(
    bot: Bot, chat_id: int, broadcast: BroadcastDTO, services: Services, t: T
) -> None:
    """The exact message recipients get, then the card below it."""
    await send_content(bot, chat_id, broadcast.id, broadcast.content, broadcast.options)
    text, kb = await _card(services, broadcast, t)
    await bot.send_message(
        chat_id, t("broadcast.preview_note", id=broadcast.id) + "\n\n" + text, reply_markup=kb
    )


# --- composing ------------------------------------------------------------------------


async def on_broadcast(message: Message, state: FSMContext, t: T) -> None:
    await state.set_state(Broadcasts.composing)
    await state.set_data({})
    await message.answer(t("broadcast.ask.message"))


async def on_content(
    message: Message, bot: Bot, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    if (message.text or "").startswith("/"):
        await message.answer(t("broadcast.error.command"))
        return
    content = content_from_message(message)
    if content is None:
        await message.answer(t("broadcast.error.unsupported"))
        return
    assert message.from_user is not None
    data = await state.get_data()
    if data.get("broadcast_id"):
        broadcast = await services.broadcasts.replace_content(int(data["broadcast_id"]), content)
    else:
        broadcast = await services.broadcasts.draft(message.from_user.id, content)
    await state.set_state(Broadcasts.drafting)
    await state.set_data({"broadcast_id": broadcast.id, "album": message.media_group_id})
    if message.media_group_id:
        await message.answer(t("broadcast.error.album"))
    await _preview(bot, message.chat.id, broadcast, services, t)


async def on_album_rest(message: Message, state: FSMContext) -> None:
    """The other photos of an album already answered: nothing more to say."""


class SameAlbum(Filter):
    """A message of the album whose first item became the draft."""

    async def __call__(
        self, message: Message, state: FSMContext, raw_state: str | None = None
    ) -> bool:
        if raw_state != Broadcasts.drafting.state or not message.media_group_id:
            return False
        return bool((await state.get_data()).get("album") == message.media_group_id)


# --- the draft card -------------------------------------------------------------------


async def on_part(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get(callback_data.id)
    audience = Audience.from_json(broadcast.audience).toggled(callback_data.value)
    broadcast = await services.broadcasts.set_audience(broadcast.id, audience)
    await _edit(callback, *await _card(services, broadcast, t))


async def on_option(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.toggle_option(callback_data.id, callback_data.value)
    await _edit(callback, *await _card(services, broadcast, t))


async def on_tags(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    sizes = await services.broadcasts.sizes()
    page = int(callback_data.value) if callback_data.value.isdigit() else 0
    await _edit(callback, tags_text(broadcast, sizes, t), tags_kb(broadcast, sizes, page, t))


async def on_tag(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get(callback_data.id)
    sizes = await services.broadcasts.sizes()
    tag = callback_data.value
    chosen = Audience.from_json(broadcast.audience)
    if tag not in sizes.per_tag and tag not in chosen.tags:
        raise InvalidInput("broadcast.error.bad_choice")
    broadcast = await services.broadcasts.set_audience(broadcast.id, chosen.with_tag(tag))
    page = list(sizes.per_tag).index(tag) // TAG_PAGE if tag in sizes.per_tag else 0
    await _edit(callback, tags_text(broadcast, sizes, t), tags_kb(broadcast, sizes, page, t))


async def on_show_card(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, state: FSMContext, t: T
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    if await state.get_state() == Broadcasts.scheduling.state:
        await state.set_state(Broadcasts.drafting)
    await _edit(callback, *await _card(services, broadcast, t))


async def on_preview(
    callback: CallbackQuery, callback_data: BroadcastCB, bot: Bot, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    await callback.answer()
    await _preview(bot, callback.from_user.id, broadcast, services, t)


async def on_change(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, state: FSMContext, t: T
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    await state.set_state(Broadcasts.composing)
    await state.set_data({"broadcast_id": broadcast.id})
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(t("broadcast.ask.message"))


async def on_send(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    count = len(await services.broadcasts.recipients(Audience.from_json(broadcast.audience)))
    if not count:
        raise InvalidInput("broadcast.error.no_recipients")
    await _edit(
        callback,
        t("broadcast.confirm_send", id=broadcast.id, count=count),
        confirm_send_kb(broadcast.id, count, t),
    )


async def on_go(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, state: FSMContext, t: T
) -> None:
    broadcast, _ = await services.broadcasts.launch(callback_data.id)
    await state.clear()
    if isinstance(callback.message, Message):  # this card becomes the progress message
        # Recorded before the edit: the transaction commits before anything is sent,
        # and the progress pass must not open a second progress message meanwhile.
        await services.broadcasts.set_progress_message(
            broadcast.id, callback.message.chat.id, callback.message.message_id
        )
    counts = await services.broadcasts.counts(broadcast.id)
    await _edit(callback, progress_text(broadcast, counts, None, t), progress_kb(broadcast.id, t))


async def on_schedule(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    services: Services,
    state: FSMContext,
    settings: Settings,
    t: T,
) -> None:
    broadcast = await services.broadcasts.get_draft(callback_data.id)
    await state.set_state(Broadcasts.scheduling)
    await state.set_data({"broadcast_id": broadcast.id})
    now, tz = services.broadcasts.clock(), settings.tz
    picks = [tomorrow_at(now, tz, 8), tomorrow_at(now, tz, 20)]
    example = tomorrow_at(now, tz, 8).strftime(MOMENT_FORMAT)
    await _edit(
        callback,
        t("broadcast.ask.schedule", id=broadcast.id, tz=settings.timezone, example=example),
        schedule_kb(broadcast.id, picks, tz, t),
    )


async def _scheduled(
    services: Services, broadcast_id: int, when: datetime, settings: Settings, t: T
) -> str:
    broadcast, count = await services.broadcasts.launch(broadcast_id, when.astimezone(UTC))
    assert broadcast.scheduled_at is not None
    return t(
        "broadcast.scheduled",
        id=broadcast.id,
        when=local_time(broadcast.scheduled_at, settings.tz),
        tz=settings.timezone,
        count=count,
    )


async def on_pick_time(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    services: Services,
    state: FSMContext,
    settings: Settings,
    t: T,
) -> None:
    if not callback_data.value.isdigit():
        raise InvalidInput("broadcast.error.bad_choice")
    when = datetime.fromtimestamp(int(callback_data.value), UTC)
    text = await _scheduled(services, callback_data.id, when, settings, t)
    await state.clear()
    await _edit(callback, text)


async def on_time_typed(
    message: Message, services: Services, state: FSMContext, settings: Settings, lang: str, t: T
) -> None:
    data = await state.get_data()
    try:
        when = parse_local_moment(message.text or "", services.broadcasts.clock(), settings.tz)
        text = await _scheduled(services, int(data["broadcast_id"]), when, settings, t)
    except InvalidInput as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    await message.answer(text)


async def on_discard(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, state: FSMContext, t: T
) -> None:
    await services.broadcasts.discard(callback_data.id)
    await state.clear()
    await _edit(callback, t("broadcast.discarded", id=callback_data.id))


# --- /broadcasts, stop, cancel, reports -----------------------------------------------


async def _list(
    services: Services, page_no: int, settings: Settings, t: T
) -> tuple[str, InlineKeyboardMarkup]:
    page = await services.broadcasts.page(page_no)
    items = [(b, (await services.broadcasts.counts(b.id)).total) for b in page.items]
    return list_text(items, page.page, settings.tz, t), list_kb(
        page.items, page.page, page.has_next, t
    )


async def on_broadcasts(message: Message, services: Services, settings: Settings, t: T) -> None:
    text, kb = await _list(services, 0, settings, t)
    await message.answer(text, reply_markup=kb)


async def on_list(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    services: Services,
    settings: Settings,
    t: T,
) -> None:
    page = int(callback_data.value) if callback_data.value.isdigit() else 0
    await _edit(callback, *await _list(services, page, settings, t))


async def on_cancel(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    services: Services,
    settings: Settings,
    t: T,
) -> None:
    await services.broadcasts.cancel(callback_data.id)
    page = int(callback_data.value) if callback_data.value.isdigit() else 0
    text, kb = await _list(services, page, settings, t)
    await callback.answer(t("broadcast.cancelled", id=callback_data.id), show_alert=True)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


async def on_stop(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    """Ask first, in a message of its own (the progress message keeps being edited)."""
    broadcast = await services.broadcasts.get_sending(callback_data.id)
    counts = await services.broadcasts.counts(broadcast.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(
            t("broadcast.confirm_stop", id=broadcast.id, left=counts.left),
            reply_markup=confirm_stop_kb(broadcast.id, t),
        )


async def on_halt(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    broadcast = await services.broadcasts.get_sending(callback_data.id)
    cancelled = await services.broadcasts.stop(broadcast.id)
    await _edit(callback, t("broadcast.stopped", count=cancelled))


async def on_keep(callback: CallbackQuery) -> None:
    """ "Back" from the stop question: the question goes away."""
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.delete()


async def on_report(
    callback: CallbackQuery, callback_data: BroadcastCB, services: Services, t: T
) -> None:
    report = await services.broadcasts.report(callback_data.id)
    failed = await services.broadcasts.lines(callback_data.id, only_failed=True, limit=50)
    text, kb = report_text(report, failed, t), report_kb(report, t)
    if callback_data.value == "edit":
        await _edit(callback, text, kb)
        return
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(text, reply_markup=kb)


async def on_csv(
    callback: CallbackQuery,
    callback_data: BroadcastCB,
    services: Services,
    settings: Settings,
    t: T,
) -> None:
    only_failed = callback_data.value == "failed"
    lines = await services.broadcasts.lines(callback_data.id, only_failed=only_failed)
    name = f"broadcast-{callback_data.id}-{'failed' if only_failed else 'all'}.csv"
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer_document(
            BufferedInputFile(report_csv(lines, t, settings.tz), filename=name)
        )


# --- "Got it" (anyone, any chat) ------------------------------------------------------


async def on_ack(callback: CallbackQuery, callback_data: AckCB, services: Services, t: T) -> None:
    message = callback.message
    if not isinstance(message, Message):  # too old to know which message it was
        await callback.answer(t("broadcast.error.not_found"), show_alert=True)
        return
    first = await services.broadcasts.ack(
        callback_data.id, message.chat.id, message.message_id, callback.from_user.id
    )
    await callback.answer(t("broadcast.ack.thanks" if first else "broadcast.ack.already"))


def build_router() -> Router:
    """A fresh router for broadcasts (organizer-only handlers gated one by one,
    refusals last; "Got it" open to everyone)."""
    router = Router(name=__name__)
    router.callback_query.register(on_ack, AckCB.filter())
    org, private = IsOrganizer(), PrivateChat()
    router.message.register(on_broadcast, private, Command("broadcast"), org)
    router.message.register(on_broadcasts, private, Command("broadcasts"), org)
    router.message.register(refuse_message, private, Command("broadcast", "broadcasts"))
    router.message.register(on_content, StateFilter(Broadcasts.composing), private, org)
    router.message.register(on_album_rest, SameAlbum(), private, org)
    router.message.register(
        on_time_typed, StateFilter(Broadcasts.scheduling), private, TextAnswer(), org
    )

    actions: dict[str, Callable[..., Any]] = {
        "part": on_part,
        "opt": on_option,
        "tags": on_tags,
        "tag": on_tag,
        "card": on_show_card,
        "preview": on_preview,
        "edit": on_change,
        "send": on_send,
        "go": on_go,
        "schedule": on_schedule,
        "at": on_pick_time,
        "discard": on_discard,
        "list": on_list,
        "cancel": on_cancel,
        "stop": on_stop,
        "halt": on_halt,
        "keep": on_keep,
        "report": on_report,
        "csv": on_csv,
    }
    for action, handler in actions.items():
        router.callback_query.register(
            handler, BroadcastCB.filter(F.action == action), private, org
        )
    router.callback_query.register(refuse, BroadcastCB.filter())
    return router
