"""Engine and session factories.

SQLite gets WAL, a busy timeout and foreign keys, and its write transactions
begin IMMEDIATE so a read-then-write in one update never fails with "database is
locked" halfway through (the lock is taken up front and waits instead). Reads
that run outside an update transaction use ``read_only_sessions`` which begins
DEFERRED, so they do not queue behind writers (WAL lets them read concurrently).
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 30_000

#: The session of the update being handled (set by the DB middleware), so the
#: FSM storage writes inside the same transaction instead of a second connection.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> AsyncEngine:
    """Create the async engine for SQLite (aiosqlite) or PostgreSQL (asyncpg)."""
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": False}
    sa_url = make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        database = sa_url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.update(pool_size=pool_size, max_overflow=0, pool_timeout=60)
        engine = create_async_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    kwargs.update(pool_size=pool_size, max_overflow=max(4, pool_size // 4), pool_timeout=30)
    return create_async_engine(url, **kwargs)


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("sqlite_read_only"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


def read_only_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for pure reads outside an update transaction (DEFERRED on SQLite)."""
    ro_engine = engine.execution_options(sqlite_read_only=True)
    return async_sessionmaker(ro_engine, expire_on_commit=False, autoflush=False)
