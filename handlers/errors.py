"""Typed error handlers: a domain error gets its translated message; anything else
is logged with the update and the person is told to try again. Either way the
update's transaction is rolled back (``trace['failed']``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.errors import DomainError
from bot.middlewares.logging import TRACE_KEY
from bot.ui.cards import error_message

T = Callable[..., str]
log = logging.getLogger(__name__)


async def _reply(event: ErrorEvent, text: str) -> None:
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.message is not None and update.message.chat.type == "private":
        await update.message.answer(text)


def _mark_failed(data: dict[str, Any]) -> None:
    trace = data.get(TRACE_KEY)
    if trace is not None:
        trace["failed"] = True


async def on_domain_error(event: ErrorEvent, **data: Any) -> None:
    _mark_failed(data)
    exc = event.exception
    assert isinstance(exc, DomainError)
    t: T | None = data.get("t")
    if t is not None:
        await _reply(event, error_message(t, str(data.get("lang")), exc))


async def on_any_error(event: ErrorEvent, **data: Any) -> None:
    _mark_failed(data)
    log.error(
        "update failed",
        exc_info=event.exception,
        extra={"update": event.update.model_dump(mode="json", exclude_none=True, fallback=repr)},
    )
    t: T | None = data.get("t")
    if t is not None:
        try:
            await _reply(event, t("error.internal"))
        except Exception:  # the reply itself failed (e.g. Telegram down): already logged
            log.warning("could not tell the user about the error")


def build_router() -> Router:
    """A fresh router for typed error handlers."""
    router = Router(name=__name__)
    router.error.register(on_domain_error, ExceptionTypeFilter(DomainError))
    router.error.register(on_any_error)
    return router
