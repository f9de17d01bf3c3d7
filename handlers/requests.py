"""Lists: /requests (a startup's own, or every request for organizers, filtered),
/assignments and /pause /resume for ambassadors, the organizer's request card
(manual assign from ranked candidates, withdraw an offer, cancel the request) and
the startup's own card (cancel its request, after a confirmation).

Pages and cards are edited in place. Every press is re-authorized by the service
(``RequestListService.card``, ``OfferService.own_request``) or by the
organizers-only router filter.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.filters import IsOrganizer, PrivateChat
from bot.i18n import Translator
from bot.offer_notifications import (
    after_closed_offer,
    notify_cancelled,
    notify_closed,
    send_offer,
)
from bot.services import Services
from bot.services.request_lists import Page, RequestCard
from bot.ui.callbacks import AssignmentsCB, RequestCB
from bot.ui.links import submit_button
from bot.ui.reasons import render_reasons
from bot.ui.requests import (
    ASSIGNMENT_STATUS_KEYS,
    FILTER_KEYS,
    REQUEST_STATUS_KEYS,
    assignments_pager_kb,
    candidates_kb,
    confirm_cancel_kb,
    fit,
    offer_kb,
    offer_text,
    organizer_filters_kb,
    organizer_request_kb,
    own_cancel_kb,
    own_cancel_text,
    request_card,
    request_list_kb,
    request_title,
    startup_request_kb,
    story_kb,
)
from handlers.refusals import refuse
from storage.dto import StoryRequestDTO

T = Callable[..., str]
CANDIDATES_SHOWN = 5


# --- request lists ------------------------------------------------------------------


async def _list_text(
    services: Services, page: Page[StoryRequestDTO], lang: str, t: T, *, header: str
) -> str:
    lines = [header]
    if not page.items:
        lines.append(t("request.list.empty"))
    companies = await services.requests.companies(page.items)
    for r in page.items:
        lines.append(
            t(
                "request.list.line",
                title=request_title(r, companies.get(r.startup_id), t, lang),
                status=t(REQUEST_STATUS_KEYS[r.status]),
                accepted=r.accepted,
                wanted=r.wanted or 0,
            )
        )
    return fit("\n".join(lines))


async def _render_list(
    services: Services, viewer: int, organizer: bool, flt: str, page_no: int, lang: str, t: T
) -> tuple[str, InlineKeyboardMarkup]:
    if organizer:
        page = await services.requests.for_organizer(flt or "open", page_no)
        header = t("request.list.organizer", filter=t(FILTER_KEYS[flt or "open"]))
    else:
        page = await services.requests.for_startup(viewer, page_no)
        header = t("request.list.startup")
    text = await _list_text(services, page, lang, t, header=header)
    kb = request_list_kb(list(page.items), page.page, page.has_next, flt or "open", t)
    if organizer:
        kb.inline_keyboard.insert(0, organizer_filters_kb(flt or "open", t))
    return text, kb


async def on_requests(
    message: Message, services: Services, is_organizer: bool, lang: str, t: T
) -> None:
    assert message.from_user
    text, kb = await _render_list(services, message.from_user.id, is_organizer, "", 0, lang, t)
    await message.answer(text, reply_markup=kb)


async def on_list_page(
    callback: CallbackQuery,
    callback_data: RequestCB,
    services: Services,
    is_organizer: bool,
    lang: str,
    t: T,
) -> None:
    text, kb = await _render_list(
        services,
        callback.from_user.id,
        is_organizer,
        callback_data.flt,
        callback_data.page,
        lang,
        t,
    )
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


def _card_text(card: RequestCard, lang: str, t: T, services: Services, organizer: bool) -> str:
    return request_card(
        card.request,
        card.startup.company_name,
        card.lines,
        t,
        lang,
        services.offers.tz,
        for_organizer=organizer,
    )


async def _render_card(
    services: Services, request_id: int, viewer: int, organizer: bool, lang: str, t: T
) -> tuple[str, InlineKeyboardMarkup]:
    card = await services.requests.card(request_id, viewer_id=viewer, organizer=organizer)
    text = _card_text(card, lang, t, services, organizer)
    if organizer:
        kb = organizer_request_kb(card.request, [a for a, _ in card.lines], t)
    else:
        kb = startup_request_kb(card.request, card.startup.status == "approved", t)
    back = RequestCB(action="list").pack()
    kb.inline_keyboard.append([InlineKeyboardButton(text=t("btn.back"), callback_data=back)])
    return text, kb


async def on_show(
    callback: CallbackQuery,
    callback_data: RequestCB,
    services: Services,
    is_organizer: bool,
    lang: str,
    t: T,
) -> None:
    text, kb = await _render_card(
        services, callback_data.id, callback.from_user.id, is_organizer, lang, t
    )
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)


# --- a startup cancels its own request ------------------------------------------------


async def on_own_cancel_ask(
    callback: CallbackQuery, callback_data: RequestCB, services: Services, lang: str, t: T
) -> None:
    """What cancelling will do, with Confirm / Keep it (re-authorized by the service)."""
    preview = await services.offers.own_request(callback_data.id, callback.from_user.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            own_cancel_text(preview, t, lang), reply_markup=own_cancel_kb(preview.request.id, t)
        )


async def on_own_cancel_confirmed(
    callback: CallbackQuery,
    callback_data: RequestCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    lang: str,
    t: T,
) -> None:
    result = await services.offers.cancel_own_request(callback_data.id, callback.from_user.id)
    await callback.answer(t("request.cancelled_toast"))
    if isinstance(callback.message, Message):
        text, kb = await _render_card(
            services, result.request.id, callback.from_user.id, False, lang, t
        )
        await callback.message.edit_text(text, reply_markup=kb)
    await notify_cancelled(bot, services, translator, result)


# --- organizer actions on a request card ------------------------------------------------


async def on_candidates(
    callback: CallbackQuery, callback_data: RequestCB, services: Services, lang: str, t: T
) -> None:
    """Ranked candidates with their scores and reasons, a page at a time."""
    page = max(0, callback_data.page)
    first = page * CANDIDATES_SHOWN
    ranked = await services.offers.candidates(callback_data.id, limit=first + CANDIDATES_SHOWN + 1)
    shown, has_next = (
        ranked[first : first + CANDIDATES_SHOWN],
        len(ranked) > first + CANDIDATES_SHOWN,
    )
    lines = [t("request.candidates.header", id=callback_data.id)]
    if not shown:
        lines.append(t("request.candidates.none"))
    names = await services.offers.display_names([c.ambassador_id for c in shown])
    for n, c in enumerate(shown, first + 1):
        name = names.get(c.ambassador_id) or "—"
        reasons = render_reasons([(r.code, r.args) for r in c.reasons], t, lang)
        lines.append(
            t("request.candidates.line", n=n, name=name, score=f"{c.score:.1f}", reasons=reasons)
        )
    ids = [c.ambassador_id for c in shown]
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            fit("\n".join(lines)),
            reply_markup=candidates_kb(
                callback_data.id, ids, t, page=page, first=first, has_next=has_next
            ),
        )


async def on_assign(
    callback: CallbackQuery,
    callback_data: RequestCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    offer = await services.offers.assign(
        callback_data.id, callback_data.target, organizer_id=callback.from_user.id
    )
    await callback.answer(t("request.assigned_toast"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await send_offer(bot, services, translator, await services.offers.view(offer))


async def on_withdraw(
    callback: CallbackQuery,
    callback_data: RequestCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    closed = await services.offers.withdraw(callback_data.target, request_id=callback_data.id)
    await callback.answer(t("request.withdrawn_toast"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await notify_closed(bot, services, translator, [closed.assignment], "offer.withdrawn")
    await after_closed_offer(bot, services, translator, closed)


async def on_cancel_ask(callback: CallbackQuery, callback_data: RequestCB, t: T) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(
            reply_markup=confirm_cancel_kb(callback_data.id, t)
        )


async def on_cancel_confirmed(
    callback: CallbackQuery,
    callback_data: RequestCB,
    bot: Bot,
    services: Services,
    translator: Translator,
    t: T,
) -> None:
    result = await services.offers.cancel_request(callback_data.id)
    await callback.answer(t("request.cancelled_toast"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await notify_cancelled(bot, services, translator, result)


# --- ambassadors ---------------------------------------------------------------------


async def _send_assignments(
    bot: Bot, chat_id: int, services: Services, page_no: int, lang: str, t: T
) -> None:
    page = await services.requests.for_ambassador(chat_id, page_no)
    if not page.items:
        await bot.send_message(chat_id, t("assignments.empty"))
        return
    for a in page.items:
        view = await services.offers.view(a)
        text = offer_text(view, t, lang, services.offers.tz)
        if a.status == "offered":
            kb = offer_kb(a.id, t)
        else:
            kb = story_kb(a.id, t, draft=a.status in ("accepted", "overdue"))
            kb.inline_keyboard.append([submit_button(a.id, t)])
            status = t(ASSIGNMENT_STATUS_KEYS[a.status])
            text = t("assignments.story_header", status=status) + "\n\n" + text
        await bot.send_message(chat_id, text, reply_markup=kb)
    more = assignments_pager_kb(page.page, page.has_next, t)
    if more is not None:
        await bot.send_message(chat_id, t("assignments.more"), reply_markup=more)


async def on_assignments(message: Message, bot: Bot, services: Services, lang: str, t: T) -> None:
    await _send_assignments(bot, message.chat.id, services, 0, lang, t)


async def on_assignments_page(
    callback: CallbackQuery,
    callback_data: AssignmentsCB,
    bot: Bot,
    services: Services,
    lang: str,
    t: T,
) -> None:
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
    await _send_assignments(bot, callback.from_user.id, services, callback_data.page, lang, t)


async def on_pause(message: Message, services: Services, t: T) -> None:
    assert message.from_user
    await services.requests.set_paused(message.from_user.id, True)
    await message.answer(t("availability.paused"))


async def on_resume(message: Message, services: Services, t: T) -> None:
    assert message.from_user
    await services.requests.set_paused(message.from_user.id, False)
    await message.answer(t("availability.resumed"))


def build_router() -> Router:
    """A fresh router for /requests, /assignments, /pause, /resume and request cards."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    router.message.register(on_requests, Command("requests"))
    router.message.register(on_assignments, Command("assignments"))
    router.message.register(on_pause, Command("pause"))
    router.message.register(on_resume, Command("resume"))
    router.callback_query.register(on_list_page, RequestCB.filter(F.action == "list"))
    router.callback_query.register(on_show, RequestCB.filter(F.action == "show"))
    router.callback_query.register(on_assignments_page, AssignmentsCB.filter())
    # A startup's own request: the service checks the presser owns it, every press.
    router.callback_query.register(on_own_cancel_ask, RequestCB.filter(F.action == "own_cancel"))
    router.callback_query.register(
        on_own_cancel_confirmed, RequestCB.filter(F.action == "own_cancel_yes")
    )

    # Organizers only (checked per handler: one router keeps the hot path short),
    # then a refusal for anyone else pressing these buttons, forged data included.
    org = IsOrganizer()
    router.callback_query.register(on_candidates, RequestCB.filter(F.action == "candidates"), org)
    router.callback_query.register(on_assign, RequestCB.filter(F.action == "assign"), org)
    router.callback_query.register(on_withdraw, RequestCB.filter(F.action == "withdraw"), org)
    router.callback_query.register(on_cancel_ask, RequestCB.filter(F.action == "cancel"), org)
    router.callback_query.register(
        on_cancel_confirmed, RequestCB.filter(F.action == "cancel_yes"), org
    )
    router.callback_query.register(refuse, RequestCB.filter())
    return router
