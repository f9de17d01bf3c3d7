"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)
and a controllable clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.clock import ShiftableClock
from storage.db import create_engine, create_sessionmaker
from storage.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL")
REDIS_URL = os.environ.get("TEST_REDIS_URL")
DB_BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


#: Where test clocks start unless told otherwise: a Monday, 09:00 in Vietnam.
TEST_START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


class FakeClock(ShiftableClock):
    """The production ``ShiftableClock``, frozen (at ``TEST_START`` by default):
    tests move it by hand (``advance``, or ``clock.now = ...``), never sleep."""

    def __init__(self, start: datetime | None = None) -> None:
        super().__init__(start or TEST_START)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def reset_postgres(url: str) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(params=DB_BACKENDS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (schema not created)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    assert PG_URL
    await reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
async def migrated_url(db_url: str) -> str:
    await upgrade(db_url)
    return db_url


@pytest.fixture
async def engine(migrated_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(migrated_url, pool_size=20)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)
