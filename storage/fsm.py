"""aiogram FSM storage in the bot's own database, so a conversation survives a restart.

Inside an update the storage uses the update's session (``current_session``):
state, data and the domain writes of that update commit or roll back together,
and on SQLite no second connection has to wait for the first one's write lock.
Outside an update (tests, maintenance) it opens a short transaction of its own.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.db import current_session
from storage.models import FsmRecord


class SQLAlchemyStorage(BaseStorage):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
        *,
        read_sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        #: For reads outside an update (aiogram reads the state before our
        #: transaction opens): on SQLite these need not queue for the write lock.
        self.read_sessionmaker = read_sessionmaker or sessionmaker
        self.key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True)

    @asynccontextmanager
    async def _session(self, *, write: bool = True) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        maker = self.sessionmaker if write else self.read_sessionmaker
        async with maker() as own, own.begin():
            yield own

    async def _load(self, session: AsyncSession, key: StorageKey) -> FsmRecord | None:
        return await session.get(FsmRecord, self.key_builder.build(key))

    async def _save(
        self, key: StorageKey, *, state: str | type[Any] | None = ..., data: Any = ...
    ) -> None:
        async with self._session() as session:
            row = await self._load(session, key)
            new_state = (row.state if row else None) if state is ... else state
            new_data = (dict(row.data or {}) if row else {}) if data is ... else dict(data)
            if new_state is None and not new_data:
                if row is not None:
                    await session.delete(row)
                    await session.flush()
                return
            if row is None:
                session.add(
                    FsmRecord(key=self.key_builder.build(key), state=new_state, data=new_data)
                )
            else:
                row.state = new_state
                row.data = new_data
            await session.flush()

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._save(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session(write=False) as session:
            row = await self._load(session, key)
            return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._save(key, data=copy.deepcopy(dict(data)))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session(write=False) as session:
            row = await self._load(session, key)
            return copy.deepcopy(dict(row.data or {})) if row else {}

    async def close(self) -> None:
        """The engine is owned and disposed by the application, not by the storage."""
