"""Work that outlives the update that started it (link checks, AI calls), and waiting
for it at shutdown.

``TaskRegistry.spawn`` runs a coroutine as an asyncio task in an empty
``contextvars.Context``: it never sees, let alone holds, the update's database
session, so it opens its own unit of work when it needs one. ``wait`` returns when
every task (and any they spawned) is done (tests); ``close`` takes no new tasks,
waits up to ``grace`` seconds, then cancels the rest (shutdown, after the updates
in flight are done, since one of them may still spawn a task).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class TaskRegistry:
    def __init__(self, name: str) -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    @property
    def pending(self) -> int:
        return len(self._tasks)

    @property
    def closed(self) -> bool:
        return self._closed

    def spawn(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        """Run ``work`` in the background; ``None`` (and the work dropped) once closing."""
        if self._closed:
            work.close()
            log.warning("background work refused: shutting down", extra={"registry": self.name})
            return None
        task = asyncio.create_task(work, name=self.name, context=contextvars.Context())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait(self) -> None:
        """Until every task spawned so far (and any they spawn) is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self, grace: float) -> None:
        """Take no new work; wait up to ``grace`` seconds, then cancel what is left."""
        self._closed = True
        running = list(self._tasks)
        if not running:
            return
        log.info(
            "waiting for background work", extra={"registry": self.name, "count": len(running)}
        )
        _, late = await asyncio.wait(running, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            log.warning(
                "background work cancelled at shutdown",
                extra={"registry": self.name, "count": len(late)},
            )
            await asyncio.gather(*late, return_exceptions=True)
