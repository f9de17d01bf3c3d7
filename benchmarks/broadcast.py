"""Broadcasting to 5,000 recipients through Telegram's limits (issue #5).

Seeds a fresh database with 4,000 approved people (3 ambassadors to 1 startup) and
1,000 confirmed groups (supergroups with the bot as member), creates one broadcast to
all of them (``BroadcastService.create``: one delivery row each), and sends it with the
bot's own sender (``BroadcastSender.run_once``: claim 50, 10 sends in flight, paced
overall and per chat, each outcome committed) against the Bot API emulator with
Telegram's flood limits on (a global token bucket of 30/s with a burst of 30; 1/s per
private chat, 20/min per group), over loopback HTTP with aiogram's real session (the
production ``create_bot``). The emulator runs in the same process.

Three phases, each on a fresh emulator (same chats, same limits):

1. **ours**: the sender at ``--rate`` (BROADCAST_RATE) messages a second;
2. **aiogram-broadcaster** (PyPI ``aiogram-broadcaster``, ``pip install -e '.[bench]'``):
   the same audience with that library as its users configure it for ~30/s: one
   ``Mailer`` with a ``TextContent`` and ``SimpleInterval(interval=1/30)`` (the library
   sends one chat at a time and sleeps the interval between sends; it has no rate
   limiter of its own, and with no interval it sends as fast as round trips allow);
3. **paid**: a second broadcast to the same audience with ``BROADCAST_PAID`` (every
   send carries ``allow_paid_broadcast``; the emulator then uses its paid overall
   bucket, 1,000/s, and keeps the per-chat limits), sender ceiling ``--paid-rate``.

For each phase: elapsed time, messages a second (overall and sustained: between the
10th and the 90th percentile of deliveries), the ratio to what the limits allow
(the least time for N messages through a bucket of burst B and rate R is (N - B) / R;
ratio = that / elapsed), lost (recipients without the message), duplicates
(recipients with it more than once), 429s the emulator answered, and the peak RSS of
the process so far (emulator included).

    .venv/bin/python benchmarks/broadcast.py                  # 5,000 recipients, ~7 min
    .venv/bin/python benchmarks/broadcast.py --quick          # 600 recipients, ~1 min
    .venv/bin/python benchmarks/broadcast.py --phases ours --rate 29.5
    .venv/bin/python benchmarks/broadcast.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_broadcast
    PATH=.venv/bin:$PATH py-spy record -o /tmp/paid.svg -- \\
        .venv/bin/python benchmarks/broadcast.py --phases paid
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiogram import Bot  # noqa: E402
from sqlalchemy import Table, insert, text  # noqa: E402

from bot.app import settle_heap  # noqa: E402
from bot.broadcast_sender import (  # noqa: E402
    BATCH,
    CONCURRENCY,
    PAID_CONCURRENCY,
    BroadcastSender,
)
from bot.clock import system_clock  # noqa: E402
from bot.config import Settings, load_settings  # noqa: E402
from bot.dispatcher import create_bot  # noqa: E402
from bot.jobs import unit_of_work  # noqa: E402
from bot.services.broadcasts import Audience  # noqa: E402
from sandbox import Emulator, RateLimits  # noqa: E402
from storage.db import create_engine, create_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Ambassador, Group, Startup, User  # noqa: E402

TOKEN = "123456:BENCH-broadcast"
ORG = 900_000_000_001
FIRST_USER = 7_000_000_000
FIRST_GROUP = -1_001_500_000_000
HTML = "Demo day on <b>Friday</b>, 9:00 at the Innovation Hub"
PLAIN = "Demo day on Friday, 9:00 at the Innovation Hub"
NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)


@dataclass
class Recipients:
    people: list[int]
    groups: list[int]

    @property
    def chats(self) -> list[int]:
        return self.groups + self.people


@dataclass
class Result:
    phase: str
    n: int
    elapsed: float
    delivered: int
    lost: int
    dupes: int
    floods: int
    peak_mib: float
    floor: float
    limit: float
    sustained: float
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.delivered / self.elapsed if self.elapsed else 0.0

    @property
    def ratio(self) -> float:
        return self.floor / self.elapsed if self.elapsed else 0.0


def table(model: type) -> Table:
    return model.__table__  # type: ignore[attr-defined,no-any-return]


async def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade(url)


def audience(recipients: int) -> Recipients:
    groups = recipients // 5
    people = recipients - groups
    return Recipients(
        people=[FIRST_USER + n for n in range(people)],
        groups=[FIRST_GROUP - n for n in range(groups)],
    )


async def seed(url: str, who: Recipients) -> None:
    """People (3 ambassadors : 1 startup, all approved) and confirmed active groups."""
    engine = create_engine(url)
    stamps = {"created_at": NOW, "updated_at": NOW}
    startup = {uid for n, uid in enumerate(who.people) if n % 4 == 3}
    async with engine.begin() as conn:
        await conn.execute(
            insert(table(User)),
            [
                {
                    "id": uid,
                    "language": "vi",
                    "consent_version": "v1",
                    "consented_at": NOW,
                    "role": "startup" if uid in startup else "ambassador",
                    **stamps,
                }
                for uid in who.people
            ],
        )
        await conn.execute(
            insert(table(Ambassador)),
            [
                {"user_id": uid, "status": "approved", "display_name": f"Đại sứ {uid}", **stamps}
                for uid in who.people
                if uid not in startup
            ],
        )
        await conn.execute(
            insert(table(Startup)),
            [
                {"user_id": uid, "status": "approved", "company_name": f"Startup {uid}", **stamps}
                for uid in who.people
                if uid in startup
            ],
        )
        await conn.execute(
            insert(table(Group)),
            [
                {
                    "chat_id": chat_id,
                    "title": f"Nhóm {n}",
                    "type": "supergroup",
                    "added_by": ORG,
                    "status": "active",
                    "confirmed": True,
                    "tags": [],
                    **stamps,
                }
                for n, chat_id in enumerate(who.groups)
            ],
        )
    await engine.dispose()


async def populate(emu: Emulator, who: Recipients) -> None:
    """The same chats in a fresh emulator: people who started the bot, groups it is in."""
    owner = emu.user(ORG, first_name="Org")
    for uid in who.people:
        emu.user(uid, first_name=f"P{uid}", language_code="vi")
    for n, chat_id in enumerate(who.groups):
        await owner.add_bot_to(emu.group(f"Nhóm {n}", type="supergroup", id=chat_id))


def sent_ok(emu: Emulator) -> int:
    """Successful sendMessage calls so far."""
    errors = sum(v for k, v in emu.error_stats.items() if k.startswith("sendMessage:"))
    return emu.stats["sendMessage"] - errors


async def measure(
    phase: str,
    emu: Emulator,
    who: Recipients,
    limits: RateLimits,
    run: Callable[[], Awaitable[list[str]]],
    *,
    paid: bool = False,
) -> Result:
    """Run one phase, sampling deliveries every 100 ms; then count what arrived."""
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()

    async def sample() -> None:
        while True:
            samples.append((time.perf_counter() - started, sent_ok(emu)))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    try:
        notes = await run()
    finally:
        elapsed = time.perf_counter() - started
        sampler.cancel()
    samples.append((elapsed, sent_ok(emu)))
    counts = [
        sum(1 for m in emu.chat(chat).messages() if m.from_bot and m.text == PLAIN)
        for chat in who.chats
    ]
    n = len(who.chats)
    rate, burst = (
        (limits.paid_rate, limits.paid_burst) if paid else (limits.global_rate, limits.global_burst)
    )
    return Result(
        phase=phase,
        n=n,
        elapsed=elapsed,
        delivered=sum(1 for c in counts if c >= 1),
        lost=sum(1 for c in counts if c == 0),
        dupes=sum(1 for c in counts if c > 1),
        floods=emu.error_stats["sendMessage:429"],
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        floor=max(0.0, (n - burst) / rate),
        limit=rate,
        sustained=sustained_rate(samples, n),
        notes=notes,
    )


def sustained_rate(samples: list[tuple[float, int]], n: int) -> float:
    """Messages a second between the 10th and the 90th percentile of deliveries
    (start-up burst and tail left out)."""

    def when(count: float) -> float:
        for t, done in samples:
            if done >= count:
                return t
        return samples[-1][0]

    low, high = when(n * 0.1), when(n * 0.9)
    return (0.8 * n) / (high - low) if high > low else 0.0


async def run_ours(
    url: str,
    emu: Emulator,
    who: Recipients,
    limits: RateLimits,
    settings: Settings,
    phase: str,
    concurrency: int | None,
    batch: int,
) -> Result:
    engine = create_engine(url, pool_size=(concurrency or PAID_CONCURRENCY) + 4)
    sessionmaker = create_sessionmaker(engine)
    async with unit_of_work(sessionmaker, settings, system_clock) as services:
        created = await services.broadcasts.create(
            ORG,
            content={"text": HTML, "parse_mode": "HTML"},
            audience=Audience(all_groups=True, ambassadors=True, startups=True),
        )
    async with unit_of_work(sessionmaker, settings, system_clock) as services:
        rows = (await services.broadcasts.report(created.id)).left
    assert rows == len(who.chats), f"{rows} delivery rows for {len(who.chats)} recipients"
    bot = create_bot(settings)
    sender = BroadcastSender(
        sessionmaker, settings, system_clock, concurrency=concurrency, batch=batch
    )
    passes = 0

    async def run() -> list[str]:
        nonlocal passes
        while True:
            passes += 1
            await sender.run_once(bot)
            async with unit_of_work(sessionmaker, settings, system_clock) as services:
                report = await services.broadcasts.report(created.id)
            if report.left == 0:
                return [
                    f"sender: {sender.stats}, {passes} pass(es), "
                    f"failed rows: {sum(report.failed.values())}"
                ]
            await asyncio.sleep(0.2)  # rows put back after a 429 wait for not_before

    try:
        return await measure(phase, emu, who, limits, run, paid=settings.broadcast_paid)
    finally:
        await bot.session.close()
        await engine.dispose()


async def run_theirs(
    emu: Emulator, who: Recipients, limits: RateLimits, settings: Settings, interval: float
) -> Result | None:
    try:
        from aiogram_broadcaster import Broadcaster
        from aiogram_broadcaster.contents import TextContent
        from aiogram_broadcaster.intervals import SimpleInterval
        from aiogram_broadcaster.mailer.chats import ChatState
    except ImportError:
        print(
            "aiogram-broadcaster is not installed: skipping the comparison "
            "(pip install -e '.[bench]', or make bench)"
        )
        return None
    bot: Bot = create_bot(settings)
    broadcaster = Broadcaster(bot)
    mailer = await broadcaster.create_mailer(
        chats=who.chats,
        content=TextContent(text=HTML),  # parse_mode: the bot's default (HTML)
        interval=SimpleInterval(interval=interval) if interval > 0 else None,
    )

    async def run() -> list[str]:
        await mailer.start()
        failed = len(mailer.chats.registry[ChatState.FAILED])
        return [f"library: interval {interval:.4f} s, failed chats: {failed}"]

    try:
        return await measure("aiogram-broadcaster", emu, who, limits, run)
    finally:
        await bot.session.close()


def print_results(results: list[Result], db: str, concurrency: int | None) -> None:
    print()
    print(f"database: {db}; recipients: {results[0].n:,} per phase")
    header = (
        "| phase | delivered | time s | msg/s | least time s | ratio | sustained msg/s "
        "| sustained / limit | lost | dupes | 429s | peak RSS MiB |"
    )
    print(header)
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        floor, ratio = (f"{r.floor:.1f}", f"{r.ratio:.3f}") if r.floor else ("-", "-")
        print(
            f"| {r.phase} | {r.delivered} / {r.n} | {r.elapsed:.1f} | {r.rate:.2f} "
            f"| {floor} | {ratio} | {r.sustained:.2f} | {r.sustained / r.limit:.3f} "
            f"| {r.lost} | {r.dupes} | {r.floods} | {r.peak_mib:.0f} |"
        )
    print(
        "least time: (N - burst) / rate of the emulator's overall bucket (30/s, burst 30; "
        "paid: 1000/s, burst 1000); ratio = least time / time; sustained: between the "
        "10th and 90th percentile of deliveries"
    )
    for r in results:
        for note in r.notes:
            print(f"  {r.phase}: {note}")
    by = {r.phase: r for r in results}
    ours, theirs = by.get("ours"), by.get("aiogram-broadcaster")
    if ours and theirs:
        print(f"ours / aiogram-broadcaster msg/s: {ours.rate / theirs.rate:.3f}")
    paid = by.get("paid")
    if paid:
        concurrency = concurrency or PAID_CONCURRENCY
        slot = paid.elapsed * concurrency / paid.n * 1000
        print(
            f"paid ceiling reached: {paid.rate:.0f} msg/s; {concurrency} sends in flight "
            f"-> each send slot held {slot:.1f} ms per message (round trip + outcome commit)"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=5000, help="4/5 people, 1/5 groups")
    parser.add_argument("--quick", action="store_true", help="600 recipients: a sanity run")
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument(
        "--rate",
        type=float,
        default=Settings.model_fields["broadcast_rate"].default,
        help="BROADCAST_RATE for phase 1 (default: the bot's default)",
    )
    parser.add_argument("--paid-rate", type=float, default=1000, help="BROADCAST_PAID_RATE")
    parser.add_argument(
        "--theirs-interval",
        type=float,
        default=1 / 30,
        help="aiogram-broadcaster's SimpleInterval in seconds (0: none, the library default)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help=f"sends in flight (default: the sender's, {CONCURRENCY}; paid {PAID_CONCURRENCY})",
    )
    parser.add_argument("--batch", type=int, default=BATCH, help="sender's rows per claim")
    parser.add_argument(
        "--phases", default="ours,theirs,paid", help="comma-separated: ours, theirs, paid"
    )
    args = parser.parse_args()
    recipients = 600 if args.quick else args.recipients
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    who = audience(recipients)
    limits = RateLimits()
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await reset(url)
        await seed(url, who)
        tuning = f", {args.concurrency or 'default'} in flight, batch {args.batch}"
        base: dict[str, Any] = {"bot_token": TOKEN, "database_url": url, "link_check": False}
        for phase in phases:
            async with Emulator(token=TOKEN, rate_limits=limits) as emu:
                await populate(emu, who)
                settle_heap()
                base["telegram_api_base"] = emu.base_url
                print(f"phase {phase}: {len(who.chats):,} recipients ...", flush=True)
                result: Result | None
                if phase == "ours":
                    settings = load_settings(**base, broadcast_rate=args.rate)
                    result = await run_ours(
                        url, emu, who, limits, settings, "ours", args.concurrency, args.batch
                    )
                    result.notes.insert(0, f"BROADCAST_RATE={args.rate:g}{tuning}")
                elif phase == "theirs":
                    settings = load_settings(**base)
                    result = await run_theirs(emu, who, limits, settings, args.theirs_interval)
                elif phase == "paid":
                    settings = load_settings(
                        **base, broadcast_paid=True, broadcast_paid_rate=args.paid_rate
                    )
                    result = await run_ours(
                        url, emu, who, limits, settings, "paid", args.concurrency, args.batch
                    )
                    result.notes.insert(0, f"BROADCAST_PAID_RATE={args.paid_rate:g}{tuning}")
                else:
                    parser.error(f"unknown phase {phase!r}")
                if result is not None:
                    results.append(result)
                    print(
                        f"  {result.elapsed:.1f} s, {result.rate:.2f} msg/s, "
                        f"ratio {result.ratio:.3f}, 429s {result.floods}",
                        flush=True,
                    )
    if results:
        db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        print_results(results, db, args.concurrency)


if __name__ == "__main__":
    asyncio.run(main())
