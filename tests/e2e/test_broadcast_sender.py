"""The broadcast sender against the emulator with Telegram's rate limits on: ~150
recipients (private chats and groups) with injected 429s, 5xx and dropped
connections, a person who blocked the bot, a group that removed it, a group that
became a supergroup and a chat that does not exist. Every reachable recipient gets
exactly one message, the report is exact, and a sender that dies mid-broadcast is
taken over by another after the lease without re-sending delivered rows.

Time: the fake clock drives leases and ``not_before``; the emulator's rate limiter
runs on real time (about 6 s per run at 28 messages a second).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast_sender import CONCURRENCY, BroadcastSender
from bot.config import Settings
from bot.services.broadcasts import LEASE, Audience, BroadcastService, Report
from bot.services.groups import GroupService
from sandbox import Emulator, RateLimits
from sandbox.users import SimChat, SimUser
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.factories import add_users, approved_ambassador

TOKEN = "123456:TEST-token-for-broadcasts"
ORG = 900_000_000_001
TEXT = "Demo day on <b>Friday</b>"
PEOPLE = range(5000, 5120)  # 120 ambassadors
MISSING = 5999  # approved in the database, unknown to Telegram: "chat not found"


def settings() -> Settings:
    return Settings(_env_file=None, bot_token=TOKEN, link_check=False)  # type: ignore[call-arg]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(token=TOKEN, rate_limits=RateLimits()) as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: Emulator) -> AsyncIterator[Bot]:
    session = AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url))
    aiogram_bot = Bot(emu.token, session=session)
    try:
        yield aiogram_bot
    finally:
        await session.close()


def sender(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, token: str
) -> BroadcastSender:
    return BroadcastSender(sessionmaker, settings(), clock, token=token, jitter=lambda: 0.5)


async def people(
    sessionmaker: async_sessionmaker[AsyncSession], emu: Emulator, clock: FakeClock, ids: range
) -> dict[int, SimUser]:
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, ids, clock())
        for uid in ids:
            await approved_ambassador(repos, uid)
    return {uid: emu.user(uid, first_name=f"P{uid}") for uid in ids}


async def report(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, broadcast_id: int
) -> Report:
    async with sessionmaker() as s, s.begin():
        return await BroadcastService(Repositories.bind(s), clock).report(broadcast_id)


def received(chat: SimUser | SimChat) -> int:
    return sum(1 for m in chat.messages() if m.text == "Demo day on Friday")


async def test_every_reachable_recipient_gets_one_message(
    sessionmaker: async_sessionmaker[AsyncSession], emu: Emulator, bot: Bot, clock: FakeClock
) -> None:
    users = await people(sessionmaker, emu, clock, PEOPLE)
    owner = emu.user(ORG, first_name="Org")
    groups: list[SimChat] = []
    for n in range(30):
        group = emu.group(f"G{n}", type="group" if n == 1 else "supergroup")
        await owner.add_bot_to(group)
        groups.append(group)
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [MISSING], clock())
        await approved_ambassador(repos, MISSING)
        registry = GroupService(repos, clock)
        for group in groups:
            await registry.bot_added(group.id, group.title or "", group.type, ORG, True, False)
    kicked, migrating = groups[0], groups[1]
    await owner.remove_bot_from(kicked)  # the registry has not heard yet
    supergroup = await emu.migrate_group(migrating)  # nor of this
    await users[5001].block_bot()
    emu.fail_next(users[5002], "429", retry_after=1)
    emu.fail_next(users[5003], "429", retry_after=2)
    emu.fail_next(groups[5], "429", retry_after=1)
    emu.fail_next(users[5004], "500")
    emu.fail_next(users[5005], "drop")
    emu.fail_next(groups[6], "500", times=2)
    emu.fail_next(users[5006], "500", times=5)  # fails every attempt: "other"

    async with sessionmaker() as s, s.begin():
        created = await BroadcastService(Repositories.bind(s), clock).create(
            ORG,
            content={"text": TEXT, "parse_mode": "HTML"},
            audience=Audience(all_groups=True, ambassadors=True),
        )
    async with sessionmaker() as s, s.begin():
        assert len(await Repositories.bind(s).broadcasts.deliveries(created.id)) == 151

    running = sender(sessionmaker, clock, "one")
    for _ in range(10):
        await running.run_once(bot)
        result = await report(sessionmaker, clock, created.id)
        if result.left == 0:
            break
        clock.advance(timedelta(minutes=5))

    assert result.broadcast.status == "done"
    assert result.failed == {"blocked": 1, "removed": 1, "not_found": 1, "other": 1}
    assert result.delivered == 151 - 4
    for uid, user in users.items():
        assert received(user) == (0 if uid in (5001, 5006) else 1), uid
    for group in groups[2:]:
        assert received(group) == 1, group.id
    assert received(kicked) == 0 and received(migrating) == 0
    assert received(supergroup) == 1
    # Only the injected 429s: the sender's pacing never tripped Telegram's limits.
    assert emu.error_stats["sendMessage:429"] == 3
    assert running.stats["retry_after"] == 3
    async with sessionmaker() as s, s.begin():
        repos = Repositories.bind(s)
        blocked = await repos.users.get(5001)
        assert blocked is not None and blocked.blocked_at is not None
        gone = await repos.groups.by_chat(kicked.id)
        assert gone is not None and gone.status == "inactive"
        moved = await repos.groups.by_chat(supergroup.id)
        assert moved is not None and moved.migrated_from == migrating.id
        rows = {d.chat_id: d for d in await repos.broadcasts.deliveries(created.id)}
        assert rows[supergroup.id].status == "sent" and migrating.id not in rows
        assert rows[5006].attempts == 5 and rows[5006].error_reason == "other"
        assert rows[5002].attempts == 1  # a 429 does not count as an attempt
        sent = [d for d in rows.values() if d.status == "sent"]
        assert all(d.message_id for d in sent)
    # A second pass has nothing to do.
    assert await running.run_once(bot) == 0


async def test_a_sender_dies_mid_broadcast_and_another_finishes(
    sessionmaker: async_sessionmaker[AsyncSession], emu: Emulator, bot: Bot, clock: FakeClock
) -> None:
    users = await people(sessionmaker, emu, clock, range(6000, 6100))
    async with sessionmaker() as s, s.begin():
        created = await BroadcastService(Repositories.bind(s), clock).create(
            ORG, content={"text": TEXT}, audience=Audience(ambassadors=True)
        )
    first = sender(sessionmaker, clock, "first")
    task = asyncio.create_task(first.run_once(bot))
    while emu.stats["sendMessage"] < 40:  # noqa: ASYNC110 (the emulator has no event for it)
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.3)  # outcomes already on their way are committed (shielded)
    async with sessionmaker() as s, s.begin():
        before = await Repositories.bind(s).broadcasts.deliveries(created.id)
    delivered_before = {d.chat_id for d in before if d.status == "sent"}
    held = [d for d in before if d.status == "claimed"]
    assert len(delivered_before) >= 30 and held  # it died holding a claimed batch

    second = sender(sessionmaker, clock, "second")
    await second.run_once(bot)  # the rows the first one held are not touched yet
    assert (await report(sessionmaker, clock, created.id)).left == len(held)
    clock.advance(LEASE + timedelta(seconds=1))
    await second.run_once(bot)
    result = await report(sessionmaker, clock, created.id)
    assert result.broadcast.status == "done" and result.delivered == 100 and result.left == 0
    counts = {uid: received(user) for uid, user in users.items()}
    assert all(counts[uid] == 1 for uid in delivered_before)  # delivered: never again
    assert all(n >= 1 for n in counts.values())
    # Only sends in flight at the crash may have gone twice (the documented window).
    assert sum(1 for n in counts.values() if n > 1) <= CONCURRENCY
