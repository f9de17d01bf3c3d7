"""Per-(user, chat) stream of what the bot did, read by tests as a conversation.

Waiters are woken with futures when an event is pushed; nothing polls. `take` consumes the
earliest unconsumed event of the asked kind and leaves other kinds in place, so a test can
read an edit and a new message in either order.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.models import SimMessage

MAX_PENDING = 2000  # unconsumed events kept per stream (benchmarks rarely read them all)


@dataclass(slots=True)
class Event:
    kind: str  # "message" | "edit" | "delete"
    message: SimMessage


class EventStream:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self._waiters: list[asyncio.Future[None]] = []

    def push(self, event: Event) -> None:
        self.events.append(event)
        if len(self.events) > MAX_PENDING:
            del self.events[0]
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for fut in waiters:
                if not fut.done():
                    fut.set_result(None)

    def take_nowait(self, kind: str) -> Event | None:
        for i, event in enumerate(self.events):
            if event.kind == kind:
                del self.events[i]
                return event
        return None

    async def take(self, kind: str, seconds: float) -> Event | None:
        """The next event of `kind`, waiting up to `seconds`; None if none arrives in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            event = self.take_nowait(kind)
            if event is not None:
                return event
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                await asyncio.wait_for(fut, remaining)
            except TimeoutError:
                return self.take_nowait(kind)
            finally:
                if fut in self._waiters:
                    self._waiters.remove(fut)

    def clear(self) -> None:
        self.events.clear()
