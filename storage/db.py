"""Engine and session factories.

SQLite gets WAL, foreign keys and a busy wait off the event loop, and its
transactions begin IMMEDIATE so a read-then-write in one update never fails with
"database is locked" halfway through. SQLite admits one writer at a time, so the
engine has a single connection: updates queue for it in asyncio, first come first
served, instead of in SQLite's busy handler, whose sleeps grow to 100 ms. SQLite
calls run on the event loop's thread (storage/sqlite_inline.py): they take
microseconds, whereas plain aiosqlite's thread hand-offs held the writer ~12 ms
per update. An update uses one transaction from its FSM read to its last write,
and the update middleware commits before every Bot API call, so the connection
is never held across the network (docs/benchmarks.md). PostgreSQL uses one pool
sized to the updates in flight.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.sqlite_inline import inline_creator

SQLITE_BUSY_TIMEOUT_MS = 30_000

#: The session of the update being handled (set by the DB middleware), so the
#: FSM storage writes inside the same transaction instead of a second connection.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Create the async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # The Session always ends its transaction before returning a connection,
        # so the pool's own ROLLBACK on return would only be one more thread hop
        # on the single writer connection.
        kwargs.update(pool_size=1, max_overflow=0, pool_timeout=120, pool_reset_on_return=None)
        engine = create_async_engine(url, **kwargs, **_sqlite_connect(sa_url))
        _configure_sqlite(engine)
        return engine
    kwargs.update(pool_size=pool_size, max_overflow=max(4, pool_size // 4), pool_timeout=30)
    return create_async_engine(url, **kwargs)


def _sqlite_connect(url: URL) -> dict[str, Any]:
    """Connections that run SQLite calls inline (storage/sqlite_inline.py)."""
    return {"async_creator": inline_creator(url, busy_timeout_s=SQLITE_BUSY_TIMEOUT_MS / 1000)}


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # 0: a locked database is retried off the event loop (storage/sqlite_inline.py).
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
