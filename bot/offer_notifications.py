"""Messages about story requests sent to people other than the one pressing a button:
offers to ambassadors, news to startups, alerts and review cards to organizers.

The same functions serve handlers (an accept, a decline, an approval) and the
periodic expiry job, so an offer reads the same whichever way it was made. Each
recipient reads in their own language; an unreachable recipient is logged and
skipped (``safe_send``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from aiogram import Bot

from bot.i18n import Html, Translator
from bot.notifications import safe_send
from bot.services import Services
from bot.services.offers import AcceptResult, CancelResult, ClosedOffer, FillResult, OfferView
from bot.services.pitches import Pitch
from bot.ui.brief import render_brief
from bot.ui.requests import (
    ambassador_public_profile,
    offer_kb,
    offer_text,
    pitch_card,
    pitch_review_kb,
    request_title,
    story_kb,
)
from storage.dto import AssignmentDTO


async def _lang(services: Services, translator: Translator, user_id: int) -> str:
    person = await services.users.get(user_id)
    return person.language if person and person.language else translator.default


async def recipient(
    services: Services, translator: Translator, user_id: int
) -> tuple[str, Callable[..., str]]:
    """The language someone reads, and a translator bound to it."""
    lang = await _lang(services, translator, user_id)
    return lang, translator.bind(lang)


async def send_offers(
    bot: Bot, services: Services, translator: Translator, fill: FillResult
) -> None:
    """Send each new offer to its ambassador; alert organizers of a shortfall.

    An offer that cannot be delivered (the ambassador blocked the bot, say) is
    withdrawn at once and the next candidate asked, rather than left to expire.
    """
    pending = list(fill.offers)
    shortfall = fill.shortfall
    while pending:
        offer = pending.pop(0)
        if await send_offer(bot, services, translator, await services.offers.view(offer)):
            continue
        closed = await services.offers.withdraw(offer.id, request_id=offer.request_id)
        pending += closed.refill.offers
        shortfall = closed.refill.shortfall
    if shortfall > 0:
        await alert_shortfall(bot, services, translator, replace(fill, shortfall=shortfall))


async def send_offer(bot: Bot, services: Services, translator: Translator, view: OfferView) -> bool:
    lang, t = await recipient(services, translator, view.ambassador.user_id)
    text = offer_text(view, t, lang, services.offers.tz)
    return await safe_send(
        bot, view.ambassador.user_id, text, reply_markup=offer_kb(view.assignment.id, t)
    )


async def alert_shortfall(
    bot: Bot, services: Services, translator: Translator, fill: FillResult
) -> None:
    request, startup = await services.offers.request_and_startup(fill.request_id)
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    for org_id in ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        text = t(
            "request.alert.shortfall",
            title=request_title(request, startup.company_name, t, lang),
            missing=fill.shortfall,
            accepted=request.accepted,
            wanted=request.wanted or 0,
            id=request.id,
        )
        await safe_send(bot, org_id, text)


async def alert_startup_cancelled(
    bot: Bot, services: Services, translator: Translator, result: CancelResult
) -> None:
    """Organizers hear that a startup cancelled its own request, and what it closed."""
    request, startup = await services.offers.request_and_startup(result.request.id)
    offers = sum(1 for a in result.closed if a.status == "withdrawn")
    stories = sum(1 for a in result.closed if a.status == "cancelled")
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    for org_id in ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        title = request_title(request, startup.company_name, t, lang)
        text = t("request.alert.startup_cancelled", title=title, offers=offers, stories=stories)
        await safe_send(bot, org_id, text)


async def notify_accepted(
    bot: Bot, services: Services, translator: Translator, result: AcceptResult
) -> None:
    """The startup hears who took its story; others whose offers were withdrawn are told."""
    view = await services.offers.view(result.assignment)
    lang, t = await recipient(services, translator, view.startup.user_id)
    title = request_title(view.request, view.startup.company_name, t, lang)
    text = "\n".join(
        [
            t(
                "offer.startup.accepted",
                title=title,
                accepted=result.request.accepted,
                wanted=result.request.wanted or 0,
            ),
            "",
            ambassador_public_profile(view.ambassador, lang, t),
        ]
    )
    await safe_send(bot, view.startup.user_id, text)
    await notify_closed(bot, services, translator, result.withdrawn, "offer.withdrawn_filled")


async def notify_closed(
    bot: Bot, services: Services, translator: Translator, closed: Iterable[AssignmentDTO], key: str
) -> None:
    """Tell each ambassador that an offer (or story) of theirs was closed, and why (``key``)."""
    for assignment in closed:
        view = await services.offers.view(assignment)
        lang, t = await recipient(services, translator, view.ambassador.user_id)
        title = request_title(view.request, view.startup.company_name, t, lang)
        await safe_send(bot, view.ambassador.user_id, t(key, title=title))


async def after_closed_offer(
    bot: Bot, services: Services, translator: Translator, closed: ClosedOffer
) -> None:
    """A decline, expiry or withdrawal: offer the request to the next candidates."""
    await send_offers(bot, services, translator, closed.refill)


async def notify_expired(
    bot: Bot, services: Services, translator: Translator, closed: list[ClosedOffer]
) -> None:
    for item in closed:
        await notify_closed(bot, services, translator, [item.assignment], "offer.expired")
        await after_closed_offer(bot, services, translator, item)


async def notify_cancelled(
    bot: Bot, services: Services, translator: Translator, result: CancelResult
) -> None:
    """Everyone concerned by a cancelled request: its ambassadors, and its startup
    (cancelled by organizers) or the organizers (cancelled by the startup; not for a
    draft, which they never saw)."""
    if result.actor == "startup":
        key = "request.cancelled.by_startup"
        await notify_closed(bot, services, translator, result.closed, key)
        if result.previous_status != "draft":
            await alert_startup_cancelled(bot, services, translator, result)
        return
    await notify_closed(bot, services, translator, result.closed, "request.cancelled.ambassador")
    request, startup = await services.offers.request_and_startup(result.request.id)
    lang, t = await recipient(services, translator, startup.user_id)
    title = request_title(request, startup.company_name, t, lang)
    await safe_send(bot, startup.user_id, t("request.cancelled.startup", title=title))


async def send_full_brief(
    bot: Bot, services: Services, translator: Translator, view: OfferView
) -> None:
    """After accepting: the brief with the startup's contact, and the deadline."""
    lang, t = await recipient(services, translator, view.ambassador.user_id)
    brief = render_brief(view.request, view.startup, t, lang, services.offers.tz, with_contact=True)
    text = t("offer.accepted_full", brief=Html(brief))
    await safe_send(
        bot, view.ambassador.user_id, text, reply_markup=story_kb(view.assignment.id, t)
    )


async def notify_organizers_of_pitch(
    bot: Bot, services: Services, translator: Translator, pitch: Pitch
) -> None:
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    for org_id in ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        text = t("pitch.review.header") + "\n\n" + pitch_card(pitch, lang, t, services.offers.tz)
        await safe_send(bot, org_id, text, reply_markup=pitch_review_kb(pitch.request.id, t))


async def notify_pitch_decision(
    bot: Bot, services: Services, translator: Translator, pitch: Pitch, reason: str | None
) -> None:
    lang, t = await recipient(services, translator, pitch.startup.user_id)
    title = request_title(pitch.request, pitch.startup.company_name, t, lang)
    if pitch.request.status == "open":
        text = t("pitch.decision.approved", title=title)
    else:
        text = t("pitch.decision.rejected", title=title, reason=reason or "—")
    await safe_send(bot, pitch.startup.user_id, text)


async def notify_startup_opened(
    bot: Bot, services: Services, translator: Translator, pitch: Pitch, fill: FillResult
) -> None:
    """Tell the startup its request is out, to how many ambassadors."""
    _, t = await recipient(services, translator, pitch.startup.user_id)
    await safe_send(
        bot, pitch.startup.user_id, t("pitch.opened", id=pitch.request.id, offered=len(fill.offers))
    )
