"""The database FSM storage keeps state and data across storage instances (a restart)."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.ui.states import Form
from storage.db import create_sessionmaker, current_session
from storage.fsm import SQLAlchemyStorage

KEY = StorageKey(bot_id=42, chat_id=9_000_000_000_001, user_id=9_000_000_000_001)


async def test_state_and_data_survive_a_new_storage(engine: AsyncEngine) -> None:
    storage = SQLAlchemyStorage(create_sessionmaker(engine))
    await storage.set_state(KEY, Form.answering)
    await storage.set_data(KEY, {"role": "startup", "field": "email", "nested": {"a": [1, 2]}})

    restarted = SQLAlchemyStorage(create_sessionmaker(engine))
    assert await restarted.get_state(KEY) == Form.answering.state
    assert await restarted.get_data(KEY) == {
        "role": "startup",
        "field": "email",
        "nested": {"a": [1, 2]},
    }
    other = StorageKey(bot_id=42, chat_id=1, user_id=1)
    assert await restarted.get_state(other) is None
    assert await restarted.get_data(other) == {}


async def test_clearing_removes_the_row(engine: AsyncEngine) -> None:
    storage = SQLAlchemyStorage(create_sessionmaker(engine))
    await storage.set_state(KEY, "S:x")
    await storage.update_data(KEY, {"a": 1})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"a": 1}
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}


async def test_returned_data_is_a_copy(engine: AsyncEngine) -> None:
    storage = SQLAlchemyStorage(create_sessionmaker(engine))
    await storage.set_data(KEY, {"items": [1]})
    data = await storage.get_data(KEY)
    data["items"].append(2)
    assert await storage.get_data(KEY) == {"items": [1]}


async def test_writes_join_the_update_transaction(engine: AsyncEngine) -> None:
    """Inside an update the storage uses that update's session: a rollback undoes it."""
    sessionmaker = create_sessionmaker(engine)
    storage = SQLAlchemyStorage(sessionmaker)
    async with sessionmaker() as session:
        token = current_session.set(session)
        try:
            await storage.set_state(KEY, "S:inside")
            assert await storage.get_state(KEY) == "S:inside"
            await session.rollback()
        finally:
            current_session.reset(token)
    assert await storage.get_state(KEY) is None
