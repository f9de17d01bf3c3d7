"""Sending due reminders: 100,000 planned in the database, 2,000 due at once.

Seeds a fresh database with 2,000 ambassadors, each with an accepted story and 50
planned reminders (100,000 rows), one of which is due now; then runs the bot's own
reminder pass (``bot.jobs.ReminderJob.run_once``: claim, coalesce, send, record)
against the Bot API emulator with Telegram's flood limits on (30 messages a second
overall, 1 a second per chat), over loopback HTTP with aiogram's real session.

Reports the time until all due reminders were delivered, and its ratio to the least
Telegram's limits allow ((N - burst) / 30 s); the CPU one idle pass of the claim loop
costs (nothing due: the claim is one indexed UPDATE) and what that is as a share of
one core at the poll interval; and the peak RSS of the process (emulator included).

    .venv/bin/python benchmarks/reminders.py
    .venv/bin/python benchmarks/reminders.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_reminders
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Table, insert, text  # noqa: E402

from bot import jobs  # noqa: E402
from bot.app import settle_heap  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.dispatcher import REMINDER_POLL_SECONDS, create_bot  # noqa: E402
from bot.i18n import default_translator  # noqa: E402
from bot.jobs import ReminderJob  # noqa: E402
from sandbox import Emulator, RateLimits  # noqa: E402
from storage.db import create_engine, create_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import (  # noqa: E402
    Ambassador,
    Assignment,
    Reminder,
    Startup,
    StoryRequest,
    User,
)

NOW = datetime(2026, 6, 15, 3, 0, tzinfo=UTC)
TOKEN = "123456:BENCH-reminders"
FIRST_USER = 8_000_000_000


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


async def seed(url: str, people: int, per_story: int) -> None:
    engine = create_engine(url)
    deadline = NOW + timedelta(days=60)
    async with engine.begin() as conn:
        users = [
            {
                "id": FIRST_USER + n,
                "language": "vi" if n % 3 else "en",
                "consent_version": "v1",
                "consented_at": NOW,
                "role": "ambassador",
                "created_at": NOW,
                "updated_at": NOW,
            }
            for n in range(people + 1)
        ]
        await conn.execute(insert(table(User)), users)
        await conn.execute(
            insert(table(Startup)),
            [
                {
                    "id": 1,
                    "user_id": FIRST_USER + people,
                    "status": "approved",
                    "company_name": "Nông Trại Số",
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        await conn.execute(
            insert(table(StoryRequest)),
            [
                {
                    "id": 1,
                    "startup_id": 1,
                    "status": "filled",
                    "need": "media",
                    "story": "x",
                    "deadline": deadline,
                    "wanted": people,
                    "accepted": people,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            ],
        )
        await conn.execute(
            insert(table(Ambassador)),
            [
                {
                    "id": n + 1,
                    "user_id": FIRST_USER + n,
                    "status": "approved",
                    "display_name": f"Đại sứ {n}",
                    "capacity": 5,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
                for n in range(people)
            ],
        )
        await conn.execute(
            insert(table(Assignment)),
            [
                {
                    "id": n + 1,
                    "request_id": 1,
                    "ambassador_id": n + 1,
                    "status": "accepted",
                    "score": 1.0,
                    "reasons": [],
                    "offered_at": NOW - timedelta(days=1),
                    "expires_at": NOW,
                    "answered_at": NOW - timedelta(hours=20),
                    "updated_at": NOW,
                }
                for n in range(people)
            ],
        )
        rows = []
        for n in range(people):
            rows.append(
                {
                    "assignment_id": n + 1,
                    "kind": "before",
                    "seq": 1000,
                    "due_at": NOW - timedelta(minutes=1),
                    "created_at": NOW,
                }
            )
            rows += [
                {
                    "assignment_id": n + 1,
                    "kind": "before",
                    "seq": k,
                    "due_at": NOW + timedelta(hours=k),
                    "created_at": NOW,
                }
                for k in range(1, per_story)
            ]
        for start in range(0, len(rows), 10_000):
            await conn.execute(insert(table(Reminder)), rows[start : start + 10_000])
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000, help="due reminders (one each)")
    parser.add_argument("--per-story", type=int, default=50, help="planned rows per story")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--idle-passes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await reset(url)
        await seed(url, args.people, args.per_story)
        limits = RateLimits()
        async with Emulator(token=TOKEN, rate_limits=limits) as emu:
            for n in range(args.people):
                emu.user(id=FIRST_USER + n, first_name=f"A{n}", language_code="vi")
            settings = load_settings(
                bot_token=TOKEN, telegram_api_base=emu.base_url, database_url=url
            )
            engine = create_engine(url, pool_size=jobs.REMINDER_CONCURRENCY + 4)
            job = ReminderJob(
                create_sessionmaker(engine),
                settings,
                default_translator("vi"),
                lambda: NOW,
            )
            bot = create_bot(settings)
            settle_heap()
            started = time.perf_counter()
            sent = await job.run_once(bot)
            elapsed = time.perf_counter() - started
            delivered = sum(
                1
                for n in range(args.people)
                for m in emu.chat(FIRST_USER + n).messages()
                if m.from_bot
            )
            refused = dict(emu.error_stats)
            idle_cpu = []
            for _ in range(args.idle_passes):
                cpu = time.process_time()
                assert await job.run_once(bot) == 0
                idle_cpu.append(time.process_time() - cpu)
            await bot.session.close()
            await engine.dispose()
    floor = max(0.0, (args.people - limits.global_burst) / limits.global_rate)
    idle = sorted(idle_cpu)[len(idle_cpu) // 2]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    rows = args.people * args.per_story
    print(f"database: {db}; planned rows: {rows:,}; due now: {args.people:,}")
    print(f"sent {sent} (delivered {delivered}) in {elapsed:.1f} s")
    print(
        f"Telegram's floor ({limits.global_rate:.0f}/s, burst {limits.global_burst}): "
        f"{floor:.1f} s; ratio {elapsed / floor:.2f}"
    )
    print(
        f"idle pass: {idle * 1000:.2f} ms CPU (median of {args.idle_passes}); "
        f"every {REMINDER_POLL_SECONDS} s = {idle / REMINDER_POLL_SECONDS * 100:.3f}% of a core"
    )
    print(f"Bot API errors (429s included): {refused or 'none'}")
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
