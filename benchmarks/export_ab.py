"""Side by side: the XLSX export of two checkouts of this project on one database.

    git worktree add /tmp/before <commit>
    .venv/bin/python benchmarks/export_ab.py /tmp/before . [--runs 3] [--db FILE]

Seeds the large demo data set into a SQLite file once (with this checkout's
``bot/demo.py``; reused when it exists), then times
``ExportService.export_xlsx`` for the active campaign in a fresh process per run,
alternating the checkouts, so both meet the same machine at the same time. Prints each
run, the medians and the ratio (second / first): this machine's timings vary by ±20%
from one minute to the next, the ratio much less.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)

#: Run in a child process with the checkout first on sys.path.
CHILD = """
import asyncio, sys, time
sys.path.insert(0, sys.argv[1])
from datetime import datetime
from bot.config import load_settings
from bot.services.exports import ExportService
from bot.services.reports import ReportService
from storage.db import create_engine, create_sessionmaker
from storage.repositories import Repositories

async def main():
    url = sys.argv[2]
    now = datetime.fromisoformat(sys.argv[3])
    engine = create_engine(url, pool_size=4)
    settings = load_settings(database_url=url, bot_token="123456:BENCH-export")
    async with create_sessionmaker(engine)() as session:
        repos = Repositories.bind(session)
        service = ReportService(repos, lambda: now, tz=settings.tz)
        campaign = await repos.campaigns.active()
        report = await service.for_campaign(campaign.id)
        started = time.perf_counter()
        data = await ExportService(service).export_xlsx(report.scope, "vi", settings.tz)
        print(f"{time.perf_counter() - started:.3f} {len(data)}")
    await engine.dispose()

asyncio.run(main())
"""


async def seed(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bot.demo import seed_demo
    from storage.db import create_engine, create_sessionmaker
    from storage.migrate import upgrade

    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url, pool_size=4)
    await seed_demo(create_sessionmaker(engine), size="large", seed=1, now=NOW)
    await engine.dispose()


def run_once(tree: Path, url: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tree), url, NOW.isoformat()],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path)
    parser.add_argument("second", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, default=Path("/tmp/export_ab.db"))
    args = parser.parse_args()
    if not args.db.exists():
        asyncio.run(seed(args.db))
    url = f"sqlite+aiosqlite:///{args.db}"
    times: dict[Path, list[float]] = {args.first: [], args.second: []}
    sizes: dict[Path, int] = {}
    for n in range(args.runs):
        for tree in (args.first, args.second):
            seconds, size = run_once(tree.resolve(), url)
            times[tree].append(seconds)
            sizes[tree] = size
            print(f"run {n + 1}: {tree}: {seconds:.2f} s, {size / 1024:.0f} KiB", flush=True)
    first, second = (statistics.median(times[t]) for t in (args.first, args.second))
    print(f"\nmedian {args.first}: {first:.2f} s; {args.second}: {second:.2f} s")
    print(f"ratio second/first: {second / first:.3f}")


if __name__ == "__main__":
    main()
