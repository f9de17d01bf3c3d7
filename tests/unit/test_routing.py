"""Routing stays on the event loop.

aiogram hands every synchronous handler or filter (magic ``F``, a ``State`` used as
a filter, a plain function) to a worker thread, once per handler tried and update.
That was the largest single cost in the registration benchmark, so every callable
in the router tree must be a coroutine (use ``bot.filters`` / ``StateFilter``).
"""

from __future__ import annotations

from collections.abc import Iterator

from aiogram import F, Router
from aiogram.dispatcher.event.handler import CallableObject

from handlers import build_root_router


def _callables(router: Router) -> Iterator[tuple[str, CallableObject]]:
    for name, observer in router.observers.items():
        for flt in observer._handler.filters or []:
            yield f"{router.name}.{name} router filter {flt.callback!r}", flt
        for handler in observer.handlers:
            yield f"{router.name}.{name} handler {handler.callback.__name__}", handler
            for flt in handler.filters or []:
                yield f"{router.name}.{name} {handler.callback.__name__} filter", flt
    for sub in router.sub_routers:
        yield from _callables(sub)


def test_every_handler_and_filter_is_a_coroutine() -> None:
    found = list(_callables(build_root_router()))
    assert len(found) > 40  # the walk really reached the feature routers
    blocking = [where for where, obj in found if not obj.awaitable]
    assert blocking == []


def test_the_check_catches_a_magic_filter() -> None:
    router = Router(name="probe")
    router.message.filter(F.text)
    assert [obj.awaitable for _, obj in _callables(router)] == [False]
