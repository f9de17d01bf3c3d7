"""aiogram FSM storage in the bot's own database, so a conversation survives a restart.

Inside an update the storage uses the update's session (``current_session``):
aiogram's FSM middleware runs inside the update's transaction
(bot/middlewares/isolation.py), so state, data and the domain writes of that
update commit or roll back together, on one connection. Outside an update (tests,
maintenance) it uses a short transaction of its own.

Each key is read at most once per update: the current value is cached in
``session.info``. That is safe because updates of one person run one at a time
(event isolation), so nobody else writes that key meanwhile.
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
from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import system_clock
from storage.db import current_session
from storage.models import FsmRecord

#: (state, data), or None when no row exists.
Record = tuple[str | None, dict[str, Any]] | None

# Built once, on the table rather than the ORM entity: the FSM is read and written
# on every update, and plain Core statements skip the ORM's per-call work.
_T: Table = FsmRecord.__table__  # type: ignore[assignment]
_SELECT = select(_T.c.state, _T.c.data).where(_T.c.key == bindparam("k"))
_DELETE = delete(_T).where(_T.c.key == bindparam("k"))
_UPDATE = (
    update(_T)
    .where(_T.c.key == bindparam("k"))
    .values(state=bindparam("s"), data=bindparam("d"), updated_at=bindparam("u"))
)
_INSERT = insert(_T).values(
    key=bindparam("k"), state=bindparam("s"), data=bindparam("d"), updated_at=bindparam("u")
)

_CACHE = "fsm_cache"


class SQLAlchemyStorage(BaseStorage):
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = key_builder or DefaultKeyBuilder(with_bot_id=True)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[tuple[AsyncSession, bool]]:
        """The update's session if there is one (True), else a short own transaction."""
        session = current_session.get()
        if session is not None:
            yield session, True
            return
        async with self.sessionmaker() as own, own.begin():
            yield own, False

    async def _select(self, session: AsyncSession, key: str) -> Record:
        row = (await session.execute(_SELECT, {"k": key})).first()
        return (row.state, dict(row.data or {})) if row is not None else None

    async def _read(self, session: AsyncSession, in_update: bool, key: str) -> Record:
        if not in_update:
            return await self._select(session, key)
        cache: dict[str, Record] = session.info.setdefault(_CACHE, {})
        if key not in cache:
            cache[key] = await self._select(session, key)
        return cache[key]

    async def _write(self, key: StorageKey, *, state: Any = ..., data: Any = ...) -> None:
        """Change state and/or data (``...`` keeps it); unchanged values are not written."""
        built = self.key_builder.build(key)
        async with self._session() as (session, in_update):
            current = await self._read(session, in_update, built)
            old_state, old_data = current if current is not None else (None, {})
            new_state: str | None = old_state if state is ... else state
            new_data: dict[str, Any] = old_data if data is ... else copy.deepcopy(dict(data))
            if current is not None and (new_state, new_data) == (old_state, old_data):
                return
            if new_state is None and not new_data:
                if current is not None:
                    await session.execute(_DELETE, {"k": built})
                new: Record = None
            else:
                params = {"k": built, "s": new_state, "d": new_data, "u": system_clock()}
                await session.execute(_INSERT if current is None else _UPDATE, params)
                new = (new_state, new_data)
            if in_update:
                session.info.setdefault(_CACHE, {})[built] = new

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as (session, in_update):
            record = await self._read(session, in_update, self.key_builder.build(key))
        return record[0] if record is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=data)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as (session, in_update):
            record = await self._read(session, in_update, self.key_builder.build(key))
        return copy.deepcopy(record[1]) if record is not None else {}

    async def close(self) -> None:
        """The engine is owned and disposed by the application, not by the storage."""


# --- one person's conversations (/mydata, /deleteme) ------------------------------
#
# In the database storage a person's rows are read and deleted with their other data,
# in the same transaction (``storage/repositories/privacy.py``). aiogram's
# RedisStorage keeps them in Redis, as ``<prefix>:<bot>:<chat>[:<thread>]:<user>
# [:<destiny>]:state`` and ``...:data`` (``DefaultKeyBuilder``): they are found with
# SCAN (never KEYS, which blocks the server) and read or deleted here.

#: The parts RedisStorage writes (``lock`` keys belong to event isolation: left alone).
_PARTS = ("state", "data")


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "[]*?\\" else ch for ch in text)


class RedisConversations:
    """Every FSM key of one person in a RedisStorage: all bots, chats (private chats,
    groups, topics) and destinies."""

    def __init__(self, storage: Any, *, batch: int = 500) -> None:
        builder = storage.key_builder
        if not isinstance(builder, DefaultKeyBuilder):
            raise TypeError("RedisConversations needs aiogram's DefaultKeyBuilder")
        self.redis = storage.redis
        self.json_loads = storage.json_loads
        self.builder = builder
        self.batch = batch

    def _pattern(self, user_id: int) -> str:
        sep = _glob_escape(self.builder.separator)
        return f"{_glob_escape(self.builder.prefix)}{sep}*{sep}{user_id}{sep}*"

    def base_of(self, key: str, user_id: int) -> str | None:
        """The key without its part if it is one of ``user_id``'s state or data keys."""
        sep = self.builder.separator
        if not key.startswith(self.builder.prefix + sep):
            return None
        segments = key[len(self.builder.prefix) + len(sep) :].split(sep)
        if segments[-1] not in _PARTS:
            return None
        user = -3 if self.builder.with_destiny else -2
        least = -user + 1 + int(self.builder.with_bot_id)  # [bot] chat user [destiny] part
        if len(segments) < least or segments[user] != str(user_id):
            return None
        return key[: -len(sep + segments[-1])]

    async def keys(self, user_id: int) -> list[str]:
        found: set[str] = set()
        async for raw in self.redis.scan_iter(match=self._pattern(user_id), count=self.batch):
            key = raw.decode() if isinstance(raw, bytes) else str(raw)
            if self.base_of(key, user_id) is not None:
                found.add(key)
        return sorted(found)

    async def states_of(self, user_id: int) -> list[dict[str, Any]]:
        """``{"key", "state", "data"}`` per conversation, as the database rows."""
        records: dict[str, dict[str, Any]] = {}
        for key in await self.keys(user_id):
            base = self.base_of(key, user_id)
            assert base is not None
            value = await self.redis.get(key)
            if value is None:  # gone meanwhile
                continue
            text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
            record = records.setdefault(base, {"key": base, "state": None, "data": {}})
            if key[len(base) :] == self.builder.separator + "state":
                record["state"] = text
            else:
                record["data"] = self.json_loads(text)
        return [records[k] for k in sorted(records)]

    async def forget(self, user_id: int) -> int:
        """Delete every state and data key of ``user_id``; how many were deleted."""
        keys = await self.keys(user_id)
        deleted = 0
        for i in range(0, len(keys), self.batch):
            deleted += int(await self.redis.delete(*keys[i : i + self.batch]))
        return deleted


def conversations_in(storage: BaseStorage) -> RedisConversations | None:
    """What /mydata and /deleteme must read and delete beyond the database: the Redis
    keys of a RedisStorage; None for the database storage (its rows are handled with
    the person's other rows, in the same transaction)."""
    try:
        from aiogram.fsm.storage.redis import RedisStorage
    except ImportError:  # pragma: no cover - redis is a dependency
        return None
    if isinstance(storage, RedisStorage):
        return RedisConversations(storage)
    return None
