"""One structured log line per update: update id, user id, handler, duration, outcome."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update

log = logging.getLogger("in2spire.updates")

TRACE_KEY = "trace"


class UpdateLogMiddleware(BaseMiddleware):
    """Outer middleware on ``update``: times the whole handling of one update."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        trace: dict[str, Any] = {"handler": None, "failed": False}
        data[TRACE_KEY] = trace
        start = time.perf_counter()
        outcome = "ok"
        try:
            result = await handler(event, data)
            if result is UNHANDLED:
                outcome = "unhandled"
            return result
        except Exception:
            outcome = "error"
            raise
        finally:
            user = data.get("event_from_user")
            assert isinstance(event, Update)
            log.info(
                "update handled",
                extra={
                    "update_id": event.update_id,
                    "update_type": event.event_type,
                    "user_id": user.id if user else None,
                    "handler": trace["handler"],
                    "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                    "outcome": "error" if trace["failed"] else outcome,
                },
            )


class HandlerNameMiddleware(BaseMiddleware):
    """Inner middleware: records which handler the filters chose, for the log line."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        trace = data.get(TRACE_KEY)
        handler_object = data.get("handler")
        if trace is not None and handler_object is not None:
            callback = handler_object.callback
            trace["handler"] = f"{callback.__module__}.{callback.__qualname__}"
        return await handler(event, data)
