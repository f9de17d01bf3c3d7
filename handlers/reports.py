"""/report (organizers, private): choose the scope (a campaign, this month, the last
30 days, the last quarter), then one concise message with the figures and the chart
(one PNG, ``bot/ui/report_chart.py``, drawn in a worker thread) with the weekly report
toggle under it (🔔 on / 🔕 off: every Monday 08:00 local time, ``bot/report_job.py``).

Every handler is gated with ``IsOrganizer``; a refusal for everyone else comes last
(forged callback data included). The chart image (a later part of issue #7) reads
the same ``Report``.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.errors import NotFound
from bot.filters import IsOrganizer, PrivateChat
from bot.services import Services
from bot.services.reports import PERIODS, Report
from bot.ui.callbacks import ReportCB
from bot.ui.report_chart import render_chart
from bot.ui.reports import SUBSCRIBE, report_text, scope_kb, subscription_kb
from handlers.refusals import refuse, refuse_message

T = Callable[..., str]


async def on_report(message: Message, services: Services, t: T) -> None:
    campaigns = await services.campaigns.all()
    await message.answer(t("report.choose"), reply_markup=scope_kb(campaigns, t))


async def on_scope(
    callback: CallbackQuery, callback_data: ReportCB, services: Services, lang: str, t: T
) -> None:
    if callback_data.kind == "campaign":
        report = await services.reports.for_campaign(callback_data.id)
    elif callback_data.kind in PERIODS:
        report = await services.reports.for_period(callback_data.kind)
    else:
        raise NotFound("error.not_found")
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(report_text(report, t, lang))
        chart = await render_chart(report, lang, t)
        subscribed = await services.reports.subscribed(callback.from_user.id)
        await callback.message.answer_photo(
            BufferedInputFile(chart, filename=chart_filename(report)),
            reply_markup=subscription_kb(subscribed, t),
        )


def chart_filename(report: Report) -> str:
    return f"report-{report.first_day:%Y%m%d}-{report.last_day:%Y%m%d}.png"


async def on_subscribe(callback: CallbackQuery, services: Services, t: T) -> None:
    """Weekly report on/off for the organizer who pressed (re-checked by the filter)."""
    subscribed = await services.reports.toggle_weekly(callback.from_user.id)
    await callback.answer(t("report.sub.on" if subscribed else "report.sub.off"))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=subscription_kb(subscribed, t))


def build_router() -> Router:
    """A fresh router for /report."""
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.callback_query.filter(PrivateChat())
    org = IsOrganizer()
    router.message.register(on_report, Command("report"), org)
    router.message.register(refuse_message, Command("report"))
    router.callback_query.register(on_subscribe, ReportCB.filter(F.kind == SUBSCRIBE), org)
    router.callback_query.register(on_scope, ReportCB.filter(), org)
    router.callback_query.register(refuse, ReportCB.filter())
    return router
