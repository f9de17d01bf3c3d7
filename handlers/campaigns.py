"""/campaigns (organizers, private): the list with Activate / Deactivate and
"➕ New campaign" (a typed name, then typed dates), and "Move to campaign" under an
organizer's request card.

One router; every handler is gated with ``IsOrganizer`` and a refusal for everyone
else comes last (forged callback data included).
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.errors import Conflict, InvalidInput
from bot.filters import IsOrganizer, PrivateChat, TextAnswer
from bot.services import Services
from bot.ui.callbacks import CampaignCB
from bot.ui.campaigns import campaign_dates, campaign_list_kb, campaign_list_text, move_kb
from bot.ui.cards import error_message
from bot.ui.states import Campaigns
from handlers.refusals import refuse, refuse_message

T = Callable[..., str]


async def _list(services: Services, t: T) -> tuple[str, object]:
    campaigns = await services.campaigns.all()
    return campaign_list_text(campaigns, t), campaign_list_kb(campaigns, t)


async def on_campaigns(message: Message, services: Services, t: T) -> None:
    text, kb = await _list(services, t)
    await message.answer(text, reply_markup=kb)  # type: ignore[arg-type]


async def _edit_list(callback: CallbackQuery, services: Services, t: T, note: str) -> None:
    text, kb = await _list(services, t)
    await callback.answer(note)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(text, reply_markup=kb)  # type: ignore[arg-type]


async def on_activate(
    callback: CallbackQuery, callback_data: CampaignCB, services: Services, t: T
) -> None:
    campaign = await services.campaigns.activate(callback_data.id)
    await _edit_list(callback, services, t, t("campaign.done.activated", name=campaign.name))


async def on_deactivate(
    callback: CallbackQuery, callback_data: CampaignCB, services: Services, t: T
) -> None:
    campaign = await services.campaigns.deactivate(callback_data.id)
    await _edit_list(callback, services, t, t("campaign.done.deactivated", name=campaign.name))


async def on_new(callback: CallbackQuery, state: FSMContext, t: T) -> None:
    await state.set_state(Campaigns.name)
    await state.set_data({})
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(t("campaign.ask.name"))


async def on_name_typed(
    message: Message, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    try:
        name = await services.campaigns.check_name(message.text or "")
    except (InvalidInput, Conflict) as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await state.set_state(Campaigns.dates)
    await state.set_data({"name": name})
    await message.answer(t("campaign.ask.dates", name=name))


async def on_dates_typed(
    message: Message, services: Services, state: FSMContext, lang: str, t: T
) -> None:
    assert message.from_user
    data = await state.get_data()
    try:
        campaign = await services.campaigns.create(
            str(data.get("name", "")), message.text or "", message.from_user.id
        )
    except (InvalidInput, Conflict) as exc:
        await message.answer(error_message(t, lang, exc))
        return
    await state.clear()
    text, kb = await _list(services, t)
    await message.answer(t("campaign.created", name=campaign.name, **campaign_dates(campaign)))
    await message.answer(text, reply_markup=kb)  # type: ignore[arg-type]


async def on_move(
    callback: CallbackQuery, callback_data: CampaignCB, services: Services, t: T
) -> None:
    request = await services.campaigns.request(callback_data.req)
    campaigns = await services.campaigns.all()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            t("campaign.move.title", id=request.id),
            reply_markup=move_kb(request.id, request.campaign_id, campaigns, t),
        )


async def on_move_to(
    callback: CallbackQuery, callback_data: CampaignCB, services: Services, t: T
) -> None:
    target = callback_data.id or None
    moved = await services.campaigns.move_request(callback_data.req, target)
    rid = moved.request.id
    if moved.campaign is None:
        note = t("campaign.moved_none", id=rid)
    else:
        note = t("campaign.moved", id=rid, name=moved.campaign.name)
    campaigns = await services.campaigns.all()
    await callback.answer(note)
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            note, reply_markup=move_kb(rid, moved.request.campaign_id, campaigns, t)
        )


def build_router() -> Router:
    """A fresh router for /campaigns and moving requests between campaigns."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    org = IsOrganizer()
    router.message.register(on_campaigns, Command("campaigns"), org)
    router.message.register(refuse_message, Command("campaigns"))
    router.message.register(on_name_typed, StateFilter(Campaigns.name), TextAnswer(), org)
    router.message.register(on_dates_typed, StateFilter(Campaigns.dates), TextAnswer(), org)
    router.callback_query.register(on_activate, CampaignCB.filter(F.action == "activate"), org)
    router.callback_query.register(on_deactivate, CampaignCB.filter(F.action == "deactivate"), org)
    router.callback_query.register(on_new, CampaignCB.filter(F.action == "new"), org)
    router.callback_query.register(on_move, CampaignCB.filter(F.action == "move"), org)
    router.callback_query.register(on_move_to, CampaignCB.filter(F.action == "to"), org)
    router.callback_query.register(refuse, CampaignCB.filter())
    return router
