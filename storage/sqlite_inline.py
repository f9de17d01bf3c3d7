"""SQLite calls on the event loop's thread, with a worker thread only when SQLite is busy.

aiosqlite runs every call (``BEGIN``, each statement, each fetch, ``COMMIT``) on a
worker thread and wakes the event loop when it is done. The bot's statements are
point lookups and single-row writes that SQLite answers in microseconds, so the
hand-off costs far more than the work, and under load each hand-off waits for a
turn of a busy event loop. On the single writer connection those waits added up
to ~12 ms per update during which no other update could write: the throughput
ceiling measured in docs/benchmarks.md.

``InlineConnection`` keeps aiosqlite's API (SQLAlchemy's aiosqlite dialect drives
it unchanged) but runs each call directly. What could block the loop is SQLite
waiting for a lock held by *another* process (a migration, an admin command): the
connection's own busy timeout is therefore 0, and a call that finds the database
locked is handed to aiosqlite's worker thread, which retries it with back-off for
up to ``busy_timeout_s``, so only that update waits and the loop keeps running.
Retrying is safe: a statement refused with SQLITE_BUSY did not run.

Long-running queries (reports over the whole database) would still block the
loop; they belong in ``asyncio.to_thread`` with their own connection.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

#: Back-off between retries of a locked call in the worker thread (seconds).
_BACKOFF = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


def _is_busy(error: sqlite3.OperationalError) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED))
    return "locked" in str(error)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run inline unless the database is locked."""

    def __init__(
        self, connector: Callable[[], sqlite3.Connection], *, busy_timeout_s: float
    ) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self.busy_timeout_s = busy_timeout_s
        self.inline_calls = 0
        self.thread_calls = 0

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            self.inline_calls += 1
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
        self.thread_calls += 1
        return await super()._execute(self._retry_while_busy, partial(fn, *args, **kwargs))

    def _retry_while_busy(self, call: Callable[[], Any]) -> Any:
        """In the worker thread: retry ``call`` until the lock is free or time is up."""
        deadline = time.monotonic() + self.busy_timeout_s
        attempt = 0
        while True:
            try:
                return call()
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            time.sleep(_BACKOFF[min(attempt, len(_BACKOFF) - 1)])
            attempt += 1


def inline_creator(url: URL, *, busy_timeout_s: float) -> Callable[[], Any]:
    """An ``async_creator`` for ``create_async_engine`` that opens InlineConnections.

    The URL is turned into ``sqlite3.connect`` arguments by SQLAlchemy's own
    aiosqlite dialect, so every URL form it accepts (files, ``uri=true``) still works.
    """
    dialect = SQLiteDialect_aiosqlite(dbapi=SQLiteDialect_aiosqlite.import_dbapi())
    cargs, cparams = dialect.create_connect_args(url)
    database = str(cargs[0])
    # Used from the loop's thread and, when busy, the worker thread; never both at once.
    cparams["check_same_thread"] = False
    cparams["timeout"] = 0  # SQLite's own busy wait would block the event loop

    def connector() -> sqlite3.Connection:
        return sqlite3.connect(database, **cparams)

    async def create() -> InlineConnection:
        connection = InlineConnection(connector, busy_timeout_s=busy_timeout_s)
        connection._thread.daemon = True
        await connection
        return connection

    return create
