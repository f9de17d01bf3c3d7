"""Published links: /submit and "Submit link" for ambassadors (pick the story, send
the links, mark each editorial or sponsored, confirm), and /links and /export for
organizers.

The conversation: ``Links.waiting`` (FSM data: the story, and the link being
replaced if any) takes any message with text or a caption — typed, pasted, or a
forwarded post — and answers with a confirmation card (``Links.confirming``; the
card's message id and the links are added to the data). Card buttons are accepted
only on the card currently shown, for the story in the FSM data; the service
re-checks the story (this ambassador's, still taking links) on every step. Link
checks start after the links are committed (``bot/link_checks.py``).

Callback data carries ids only. Organizer buttons live behind ``IsOrganizer``, with
a refusal router for everyone else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.errors import InvalidInput
from bot.filters import IsOrganizer, PrivateChat
from bot.i18n import Translator
from bot.link_checks import LinkChecks
from bot.link_notifications import notify_startup
from bot.services import Services
from bot.services.links import EXPORT_PERIODS, Prepared, Story
from bot.ui.callbacks import LinkCB
from bot.ui.cards import error_message
from bot.ui.links import (
    EXPORT_PERIOD_KEYS,
    ask_text,
    card_kb,
    card_text,
    confirmed_text,
    export_csv,
    export_kb,
    list_kb,
    list_text,
    nothing_valid_text,
    stories_kb,
)
from bot.ui.states import Links
from handlers.refusals import refuse
from storage.dto import LinkDTO

T = Callable[..., str]


class LinkMessage(Filter):
    """A message that may carry links: text or a caption, not a command."""

    async def __call__(self, message: Message) -> bool:
        content = message.text if message.text is not None else message.caption
        return bool(content) and not (message.text or "").startswith("/")


class NotCommand(Filter):
    """Anything but a command (a sticker, a photo without a caption...)."""

    async def __call__(self, message: Message) -> bool:
        return not (message.text or "").startswith("/")


def _entities(message: Message) -> list[dict[str, Any]]:
    found = message.entities if message.text is not None else message.caption_entities
    return [
        {"type": str(e.type), "offset": e.offset, "length": e.length, "url": e.url}
        for e in found or ()
    ]


# --- ambassadors: choosing the story ------------------------------------------------------


async def _begin(
    state: FSMContext,
    message: Message,
    story: Story,
    lang: str,
    t: T,
    replacing: LinkDTO | None = None,
) -> None:
    await state.set_state(Links.waiting)
    await state.set_data(
        {
            "assignment_id": story.assignment.id,
            "replaces": replacing.id if replacing is not None else None,
        }
    )
    await message.answer(ask_text(story, t, lang, replacing))


async def on_submit(
    message: Message, state: FSMContext, services: Services, lang: str, t: T
) -> None:
    assert message.from_user
    stories = await services.links.stories_for(message.from_user.id)
    if not stories:
        await message.answer(t("link.no_stories"))
    elif len(stories) == 1:
        await _begin(state, message, stories[0], lang, t)
    else:
        await message.answer(t("link.choose"), reply_markup=stories_kb(stories, t, lang))


async def on_start(
    callback: CallbackQuery,
    callback_data: LinkCB,
    state: FSMContext,
    services: Services,
    lang: str,
    t: T,
) -> None:
    story = await services.links.story(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await _begin(state, callback.message, story, lang, t)


async def on_fix(
    callback: CallbackQuery,
    callback_data: LinkCB,
    state: FSMContext,
    services: Services,
    lang: str,
    t: T,
) -> None:
    """ "Send the right link" under a broken-link warning: the next links replace it."""
    story, link = await services.links.fixable(callback.from_user.id, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await _begin(state, callback.message, story, lang, t, replacing=link)


# --- ambassadors: the links and the card -----------------------------------------------------


async def on_links(
    message: Message, state: FSMContext, services: Services, lang: str, t: T
) -> None:
    assert message.from_user
    data = await state.get_data()
    assignment_id, replaces = data.get("assignment_id"), data.get("replaces")
    if not isinstance(assignment_id, int):
        await state.clear()
        raise InvalidInput("error.stale_button")
    content = message.text if message.text is not None else message.caption
    try:
        prepared = await services.links.prepare(
            message.from_user.id, assignment_id, content, _entities(message)
        )
    except InvalidInput as exc:
        await state.set_state(Links.waiting)  # an older card stops working
        await message.answer(error_message(t, lang, exc))
        return
    tz = services.links.tz
    if not prepared.valid:
        await state.set_state(Links.waiting)
        await message.answer(nothing_valid_text(prepared, t, tz))
        return
    replacing = await _replacing(services, message.from_user.id, replaces)
    sponsored = [False] * len(prepared.valid)
    card = await message.answer(
        card_text(prepared, t, lang, tz, replacing),
        reply_markup=card_kb(assignment_id, sponsored, t),
    )
    await state.set_state(Links.confirming)
    await state.set_data(
        {
            "assignment_id": assignment_id,
            "replaces": replacing.id if replacing is not None else None,
            "card": card.message_id,
            "links": _stored_drafts(prepared),
            "sponsored": sponsored,
        }
    )


async def _replacing(services: Services, user_id: int, link_id: object) -> LinkDTO | None:
    if not isinstance(link_id, int):
        return None
    _, link = await services.links.fixable(user_id, link_id)
    return link


def _stored_drafts(prepared: Prepared) -> list[str]:
    """The valid links as sent (normalized again at confirmation)."""
    return [d.original for d in prepared.valid]


async def on_not_links(message: Message, t: T) -> None:
    await message.answer(t("link.error.none"))


async def _card_data(
    callback: CallbackQuery, callback_data: LinkCB, state: FSMContext
) -> dict[str, Any]:
    """The FSM data of the card pressed, if it is the one currently shown."""
    data = await state.get_data()
    current = await state.get_state()
    card = callback.message.message_id if callback.message is not None else None
    links, sponsored = data.get("links"), data.get("sponsored")
    if (
        current != Links.confirming.state
        or data.get("assignment_id") != callback_data.id
        or data.get("card") != card
        or not isinstance(links, list)
        or not isinstance(sponsored, list)
        or len(links) != len(sponsored)
    ):
        raise InvalidInput("error.stale_button")
    return data


async def on_toggle(
    callback: CallbackQuery, callback_data: LinkCB, state: FSMContext, t: T
) -> None:
    data = await _card_data(callback, callback_data, state)
    sponsored: list[bool] = data["sponsored"]
    if not callback_data.value.isdigit() or int(callback_data.value) >= len(sponsored):
        raise InvalidInput("error.stale_button")
    index = int(callback_data.value)
    sponsored[index] = not sponsored[index]
    await state.update_data(sponsored=sponsored)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(
            reply_markup=card_kb(callback_data.id, sponsored, t)
        )


async def on_confirm(
    callback: CallbackQuery,
    callback_data: LinkCB,
    bot: Bot,
    state: FSMContext,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
    link_checks: LinkChecks | None = None,
) -> None:
    data = await _card_data(callback, callback_data, state)
    replaces = data.get("replaces")
    done = await services.links.confirm(
        callback.from_user.id,
        callback_data.id,
        list(zip(data["links"], data["sponsored"], strict=True)),
        replaces=replaces if isinstance(replaces, int) else None,
    )
    await state.clear()
    await callback.answer(t("link.recorded_toast") if done.stored else None)
    # Committed by now (before the Bot API call above): the checks may read the rows.
    told = await notify_startup(bot, services, translator, done)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            confirmed_text(done, t, lang, services.links.tz, startup_told=told),
            reply_markup=None,
        )
    if link_checks is not None:
        link_checks.schedule(bot, services.links.check_targets(done))


async def on_cancel(
    callback: CallbackQuery, callback_data: LinkCB, state: FSMContext, t: T
) -> None:
    """Cancel on the card: nothing is recorded (an old card just loses its buttons)."""
    try:
        await _card_data(callback, callback_data, state)
    except InvalidInput:
        pass
    else:
        await state.clear()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(t("link.cancelled"), reply_markup=None)


# --- organizers -------------------------------------------------------------------------

_FILTER_WORDS = {"startup": "s", "s": "s", "ambassador": "a", "a": "a"}


async def _render_list(
    services: Services, kind: str, target: int, page_no: int, lang: str, t: T
) -> tuple[str, InlineKeyboardMarkup]:
    links = services.links
    startup_id = target if kind == "s" else None
    ambassador_id = target if kind == "a" else None
    page = await links.recent(page_no, startup_id=startup_id, ambassador_id=ambassador_id)
    count = await links.count(startup_id=startup_id, ambassador_id=ambassador_id)
    if kind:
        name = await links.filter_name(kind, target) or "—"
        key = "links.header_startup" if kind == "s" else "links.header_ambassador"
        header = t(key, name=name, id=target, count=count)
    else:
        header = t("links.header", count=count)
    return list_text(page, header, t, lang, links.tz), list_kb(page, kind, target, t)


async def on_links_command(
    message: Message, command: CommandObject, services: Services, lang: str, t: T
) -> None:
    """/links, /links startup <id>, /links ambassador <id>."""
    words = (command.args or "").split()
    kind, target = "", 0
    if words:
        if len(words) != 2 or words[0].lower() not in _FILTER_WORDS or not words[1].isdigit():
            await message.answer(t("links.usage"))
            return
        kind, target = _FILTER_WORDS[words[0].lower()], int(words[1])
    text, kb = await _render_list(services, kind, target, 0, lang, t)
    await message.answer(text, reply_markup=kb)


async def on_list_page(
    callback: CallbackQuery, callback_data: LinkCB, services: Services, lang: str, t: T
) -> None:
    kind, _, page = callback_data.value.partition(".")
    if kind not in ("", "s", "a") or not page.isdigit():
        raise InvalidInput("error.stale_button")
    text, kb = await _render_list(services, kind, callback_data.id, int(page), lang, t)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


async def on_export_command(message: Message, t: T) -> None:
    await message.answer(t("links.export.ask"), reply_markup=export_kb(t))


async def on_export(
    callback: CallbackQuery, callback_data: LinkCB, bot: Bot, services: Services, lang: str, t: T
) -> None:
    period = callback_data.value
    if period not in EXPORT_PERIODS:
        raise InvalidInput("error.stale_button")
    lines = await services.links.export(period)
    await callback.answer()
    name = t(EXPORT_PERIOD_KEYS[period])
    if not lines:
        await bot.send_message(callback.from_user.id, t("links.export.empty", period=name))
        return
    stamp = services.links.clock().astimezone(services.links.tz).strftime("%Y%m%d-%H%M")
    document = BufferedInputFile(
        export_csv(lines, t, lang, services.links.tz), filename=f"links-{period}-{stamp}.csv"
    )
    caption = t("links.export.caption", count=len(lines), period=name)
    await bot.send_document(callback.from_user.id, document, caption=caption)


def build_router() -> Router:
    """A fresh router for link submission (ambassadors) and /links, /export (organizers)."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_submit, Command("submit"))
    router.callback_query.register(on_start, LinkCB.filter(F.action == "start"))
    router.callback_query.register(on_fix, LinkCB.filter(F.action == "fix"))
    router.callback_query.register(on_toggle, LinkCB.filter(F.action == "toggle"))
    router.callback_query.register(on_confirm, LinkCB.filter(F.action == "confirm"))
    router.callback_query.register(on_cancel, LinkCB.filter(F.action == "cancel"))
    in_links = StateFilter(Links.waiting, Links.confirming)
    router.message.register(on_links, in_links, LinkMessage())
    router.message.register(on_not_links, in_links, NotCommand())

    # Organizers only (checked per handler, so this stays one router: every router
    # an update passes costs time on the hot path); then a refusal for anyone else.
    org = IsOrganizer()
    router.message.register(on_links_command, Command("links"), org)
    router.message.register(on_export_command, Command("export"), org)
    router.callback_query.register(on_list_page, LinkCB.filter(F.action == "list"), org)
    router.callback_query.register(on_export, LinkCB.filter(F.action == "export"), org)
    router.callback_query.register(refuse, LinkCB.filter())  # forged data included
    return router
