"""/export, everything (organizers, private): from /export's question (the links CSV
stays there), choose the scope (as /report: a campaign, this month, the last 30 days,
the last quarter), then XLSX or CSV; the file comes as one document (the workbook,
or the six CSVs in ``export-<scope>.zip``). A file over Telegram's limit for a
bot's document (``MAX_DOCUMENT_BYTES``) is not sent: the organizer is told to choose
a narrower scope or to use ``in2spire export ... --out FILE`` on the server.

Every handler is gated with ``IsOrganizer``; a refusal for everyone else comes last
(forged callback data included). The scope and format are re-checked.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramEntityTooLarge
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.errors import NotFound
from bot.filters import IsOrganizer, PrivateChat
from bot.services import Services
from bot.services.exports import FORMATS, ExportService
from bot.ui.callbacks import ExportCB
from bot.ui.exports import caption, format_kb, scope_kb
from handlers.refusals import refuse

T = Callable[..., str]

#: The largest document a bot may send (Bot API: 50 MB; bigger uploads are refused
#: with 413 Request Entity Too Large). Read at call time, so a test can lower it.
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
_MB = 1024 * 1024


def megabytes(size: int, lang: str) -> str:
    """``size`` bytes in MB, rounded up to one decimal, none when whole (a decimal
    comma in Vietnamese): 50 MB, 73,5 MB."""
    text = f"{math.ceil(size * 10 / _MB) / 10:.1f}".removesuffix(".0")
    return text.replace(".", ",") if lang == "vi" else text


async def on_scope_question(callback: CallbackQuery, services: Services, t: T) -> None:
    campaigns = await services.campaigns.all()
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.answer(t("export.choose"), reply_markup=scope_kb(campaigns, t))


async def on_format_question(
    callback: CallbackQuery, callback_data: ExportCB, services: Services, t: T
) -> None:
    await ExportService(services.reports).resolve(callback_data.kind, callback_data.id)
    await callback.answer()
    if isinstance(callback.message, Message):
        await callback.message.edit_text(
            t("export.format"), reply_markup=format_kb(callback_data.kind, callback_data.id, t)
        )


async def on_go(
    callback: CallbackQuery,
    callback_data: ExportCB,
    bot: Bot,
    services: Services,
    lang: str,
    t: T,
) -> None:
    if callback_data.fmt not in FORMATS:
        raise NotFound("error.not_found")
    exports = ExportService(services.reports)
    scope = await exports.resolve(callback_data.kind, callback_data.id)
    await callback.answer(t("export.working"))
    file = await exports.build(scope, callback_data.fmt, lang)
    uid = callback.from_user.id
    too_big = t(
        "export.too_big",
        size=megabytes(len(file.data), lang),
        limit=megabytes(MAX_DOCUMENT_BYTES, lang),
    )
    if len(file.data) > MAX_DOCUMENT_BYTES:
        await bot.send_message(uid, too_big)  # not tried: Telegram would refuse it
        return
    try:
        await bot.send_document(
            uid,
            BufferedInputFile(file.data, filename=file.name),
            caption=caption(scope.scope, file.counts, t, exports.tz),
        )
    except TelegramEntityTooLarge:  # the server's limit is lower than ours
        await bot.send_message(uid, too_big)


def build_router() -> Router:
    """A fresh router for the full export."""
    router = Router(name=__name__)
    router.callback_query.filter(PrivateChat())
    org = IsOrganizer()
    router.callback_query.register(on_scope_question, ExportCB.filter(F.action == "scope"), org)
    router.callback_query.register(on_format_question, ExportCB.filter(F.action == "fmt"), org)
    router.callback_query.register(on_go, ExportCB.filter(F.action == "go"), org)
    router.callback_query.register(refuse, ExportCB.filter())  # forged data included
    return router
