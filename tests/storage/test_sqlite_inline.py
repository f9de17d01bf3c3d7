"""SQLite calls run inline, and a database locked by another process never blocks the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.db import create_engine
from storage.sqlite_inline import InlineConnection


async def _driver_connection(engine) -> InlineConnection:  # type: ignore[no-untyped-def]
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert isinstance(driver, InlineConnection)
        return driver


async def test_statements_run_inline(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        driver = await _driver_connection(engine)
        assert driver.inline_calls > 0
        assert driver.thread_calls == 0
    finally:
        await engine.dispose()


async def test_a_lock_held_elsewhere_waits_off_the_loop(tmp_path: Path) -> None:
    """Another process holds the write lock: the update waits, the loop keeps running."""
    path = tmp_path / "db.sqlite"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO t VALUES (1)")

        async def write() -> None:
            async with engine.begin() as conn:  # BEGIN IMMEDIATE: locked
                await conn.execute(text("INSERT INTO t VALUES (2)"))

        writer = asyncio.create_task(write())
        ticks = 0
        for _ in range(20):  # the loop is free while the writer waits
            await asyncio.sleep(0.005)
            ticks += 1
        assert not writer.done()
        other.execute("COMMIT")
        other.close()
        await asyncio.wait_for(writer, 5)
        assert ticks == 20
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT x FROM t ORDER BY x"))).scalars().all()
        assert rows == [1, 2]
        driver = await _driver_connection(engine)
        assert driver.thread_calls >= 1
    finally:
        await engine.dispose()


async def test_other_errors_are_raised_at_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        async with engine.connect() as conn:
            with pytest.raises(OperationalError, match="no such table"):
                await conn.execute(text("SELECT * FROM missing"))
        driver = await _driver_connection(engine)
        assert driver.thread_calls == 0
    finally:
        await engine.dispose()
