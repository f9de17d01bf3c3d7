"""/mydata and /deleteme and the conversation state (issue #7): a half-filled form can
hold personal text, so every FSM key of the person (all bots, private chats, groups,
topics, destinies) is in their export and gone after erasure, in the database storage
and in Redis; other people's keys (even one whose topic id equals the person's id)
and Redis's isolation locks stay."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.fsm import RedisConversations, SQLAlchemyStorage, conversations_in
from storage.models import FsmRecord
from storage.repositories import Repositories
from tests.conftest import REDIS_URL, FakeClock
from tests.services.test_privacy import person, services

BOT, OTHER_BOT = 42, 43
UID, OTHER = 7_501, 7_502
GROUP = -100_777_000
SECRET = "Số điện thoại 0903 123 456 đang nhập dở"


def keys_of(uid: int) -> list[StorageKey]:
    """A person's conversations: two bots, a private chat, a group and a topic."""
    return [
        StorageKey(bot_id=BOT, chat_id=uid, user_id=uid),
        StorageKey(bot_id=OTHER_BOT, chat_id=uid, user_id=uid),
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=uid),
        StorageKey(bot_id=BOT, chat_id=GROUP, thread_id=77, user_id=uid),
    ]


def others_keys() -> list[StorageKey]:
    """Someone else: their private chat, the same group, and a topic whose id is UID."""
    return [
        StorageKey(bot_id=BOT, chat_id=OTHER, user_id=OTHER),
        StorageKey(bot_id=BOT, chat_id=GROUP, user_id=OTHER),
        StorageKey(bot_id=BOT, chat_id=GROUP, thread_id=UID, user_id=OTHER),
    ]


async def fill(storage: Any, keys: list[StorageKey], text: str) -> None:
    for key in keys:
        await storage.set_state(key, "Form:phone")
        await storage.set_data(key, {"draft": text})


async def people(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await person(repos, clock, UID, "Lan", "lan_vn")
        await person(repos, clock, OTHER, "Minh", "minh_vn")


async def test_the_database_storage(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await people(sessionmaker, clock)
    storage = SQLAlchemyStorage(sessionmaker)
    assert conversations_in(storage) is None  # its rows go with the person's other rows
    await fill(storage, keys_of(UID), SECRET)
    await fill(storage, others_keys(), "Minh đang điền")
    mine = {storage.key_builder.build(k) for k in keys_of(UID)}
    theirs = {storage.key_builder.build(k) for k in others_keys()}

    async with sessionmaker() as s:
        privacy, _ = services(Repositories.bind(s), clock)
        export = await privacy.export(UID)
    assert {r["key"] for r in export["fsm_states"]} == mine
    assert all(r["state"] == "Form:phone" for r in export["fsm_states"])
    assert SECRET in json.dumps(export, ensure_ascii=False)

    async with sessionmaker() as s, s.begin():
        privacy, _ = services(Repositories.bind(s), clock)
        await privacy.erase(UID)
    async with sessionmaker() as s:
        rows = (await s.execute(select(FsmRecord.key, FsmRecord.data))).all()
    assert {key for key, _ in rows} == theirs  # the whole table scanned
    assert not any(SECRET in json.dumps(data, ensure_ascii=False) for _, data in rows)
    for key in keys_of(UID):
        assert await storage.get_state(key) is None and await storage.get_data(key) == {}


# --- Redis ------------------------------------------------------------------------------

needs_redis = pytest.mark.skipif(
    not REDIS_URL, reason="TEST_REDIS_URL is not set: these tests need a Redis server"
)


@pytest.fixture
async def redis() -> AsyncIterator[Any]:
    from redis.asyncio import Redis

    assert REDIS_URL
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def _all_keys(redis: Any, prefix: str) -> set[str]:
    return {k.decode() async for k in redis.scan_iter(match=f"{prefix}:*", count=100)}


@needs_redis
@pytest.mark.parametrize("with_destiny", [False, True])
async def test_redis(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    redis: Any,
    with_destiny: bool,
) -> None:
    from aiogram.fsm.storage.redis import RedisStorage

    prefix = f"fsm-test-{uuid.uuid4().hex}"  # parallel runs never share a key
    builder = DefaultKeyBuilder(prefix=prefix, with_bot_id=True, with_destiny=with_destiny)
    storage = RedisStorage(redis, key_builder=builder)
    try:
        await people(sessionmaker, clock)
        mine = keys_of(UID)
        if with_destiny:
            mine.append(StorageKey(bot_id=BOT, chat_id=UID, user_id=UID, destiny="brief"))
        await fill(storage, mine, SECRET)
        await fill(storage, others_keys(), "Minh đang điền")
        # Event isolation's locks (held while an update runs) are not conversation state.
        locks = {builder.build(mine[0], "lock"), builder.build(others_keys()[0], "lock")}
        for lock in locks:
            await redis.set(lock, "1")
        theirs = {builder.build(k, part) for k in others_keys() for part in ("state", "data")}
        everything = await _all_keys(redis, prefix)
        assert len(everything) == 2 * len(mine) + len(theirs) + len(locks)

        conversations = conversations_in(storage)
        assert isinstance(conversations, RedisConversations)
        assert len(await conversations.keys(UID)) == 2 * len(mine)
        async with sessionmaker() as s:
            privacy, _ = services(Repositories.bind(s), clock)
            export = await privacy.export(UID, conversations)
        assert {r["key"] for r in export["fsm_states"]} == {builder.build(k) for k in mine}
        assert all(r["state"] == "Form:phone" for r in export["fsm_states"])
        assert all(r["data"] == {"draft": SECRET} for r in export["fsm_states"])

        async with sessionmaker() as s, s.begin():
            privacy, _ = services(Repositories.bind(s), clock)
            await privacy.erase(UID, conversations)
        assert await _all_keys(redis, prefix) == theirs | locks
        for key in mine:
            assert await storage.get_state(key) is None and await storage.get_data(key) == {}
        assert await storage.get_data(others_keys()[2]) == {"draft": "Minh đang điền"}
        assert await conversations.forget(UID) == 0
    finally:
        leftover = [k async for k in redis.scan_iter(match=f"{prefix}:*", count=100)]
        if leftover:
            await redis.delete(*leftover)


def test_only_the_persons_own_keys_match() -> None:
    class Fake:
        key_builder = DefaultKeyBuilder(with_bot_id=True)
        redis = None
        json_loads = staticmethod(json.loads)

    c = RedisConversations(Fake())
    assert c.base_of(f"fsm:42:{UID}:{UID}:state", UID) == f"fsm:42:{UID}:{UID}"
    assert c.base_of(f"fsm:42:{GROUP}:77:{UID}:data", UID) == f"fsm:42:{GROUP}:77:{UID}"
    for key in (
        f"fsm:42:{UID}:{UID}:lock",  # isolation's lock
        f"fsm:42:{GROUP}:{UID}:{OTHER}:state",  # someone else in topic UID
        f"fsm:42:{UID}{UID}:state",
        f"fsm:{UID}:state",  # too short to be a key
        f"other:42:{UID}:{UID}:state",  # another prefix
    ):
        assert c.base_of(key, UID) is None, key
    assert c._pattern(UID) == f"fsm:*:{UID}:*"
