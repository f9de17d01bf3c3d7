"""Reports on a large network: /report's queries, the chart and the XLSX export.

Seeds the demo data set at its ``large`` size (2,000 startups, 5,000 ambassadors,
50,000 assignments, 60,000 links: ``bot/demo.py``) into a fresh database, then times,
each ``--runs`` times (median and worst reported):

- the report's queries for the active campaign and for the last 30 days
  (``ReportService.build``: every figure is one SQL aggregate);
- the chart (``bot/ui/report_chart.report_chart``) when that module is present;
- the XLSX export for the same scopes (``ExportService.export_xlsx``: every entity in
  scope, read in chunks, the workbook built off the event loop).

Targets: a report under 1 s, an export under 10 s. Also prints the peak RSS.

    .venv/bin/python benchmarks/reports.py
    .venv/bin/python benchmarks/reports.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_reports
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.demo import seed_demo  # noqa: E402
from bot.services.reports import ReportService  # noqa: E402
from storage.db import create_engine, create_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories import Repositories  # noqa: E402

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def reset(url: str) -> None:
    if url.startswith("postgresql"):
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await upgrade(url)


async def timed(fn: Callable[[], Awaitable[Any]], runs: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = await fn()
        times.append(time.perf_counter() - start)
    return times, result


def optional(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        return None


async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A sync function off the loop (as the bot runs it), an async one awaited."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--size", default="large", help="demo size (small, medium, large)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--export-runs",
        type=int,
        default=3,
        help="XLSX exports per scope (the median is the figure)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/reports.db"
        await reset(url)
        engine = create_engine(url, pool_size=8)
        sessionmaker = create_sessionmaker(engine)
        summary = await seed_demo(sessionmaker, size=args.size, seed=1, now=NOW)
        print(
            f"seeded {summary.startups:,} startups, {summary.ambassadors:,} ambassadors, "
            f"{summary.requests:,} requests, {summary.assignments:,} assignments, "
            f"{summary.links:,} links in {summary.seconds:.1f} s"
        )
        settings = load_settings(database_url=url, bot_token="123456:BENCH-reports")
        chart = optional("bot.ui.report_chart", "report_chart")
        export_service = optional("bot.services.exports", "ExportService")
        rows: list[tuple[str, list[float], str]] = []
        async with sessionmaker() as session:
            repos = Repositories.bind(session)
            service = ReportService(repos, lambda: NOW, tz=settings.tz)
            campaign = await repos.campaigns.active()
            assert campaign is not None, "the demo data set has an active campaign"
            scopes = {
                f"campaign {campaign.name}": lambda: service.for_campaign(campaign.id),
                "last 30 days": lambda: service.for_period("30d"),
            }
            for label, build in scopes.items():
                times, report = await timed(build, args.runs)
                rows.append((f"report queries, {label}", times, f"{report.links:,} links"))
                if chart is not None:
                    times, png = await timed(lambda r=report: call(chart, r, "vi"), args.runs)
                    rows.append((f"chart, {label}", times, f"{len(png) / 1024:.0f} KiB PNG"))
                if export_service is not None:
                    exports = export_service(service)
                    times, xlsx = await timed(
                        lambda r=report, e=exports: e.export_xlsx(r.scope, "vi", settings.tz),
                        args.export_runs,
                    )
                    rows.append((f"XLSX export, {label}", times, f"{len(xlsx) / 1024:.0f} KiB"))
        await engine.dispose()
    db = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\ndatabase: {db}; {args.runs} runs ({args.export_runs} of the export)")
    print("| what | median s | worst s | note |\n| --- | ---: | ---: | --- |")
    for label, times, note in rows:
        print(f"| {label} | {statistics.median(times):.3f} | {max(times):.3f} | {note} |")
    if chart is None:
        print("(bot/ui/report_chart.py not found: no chart timed)")
    if export_service is None:
        print("(bot/services/exports.py not found: no export timed)")
    print(f"peak RSS: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
