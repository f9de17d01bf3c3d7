"""Registration throughput and latency against the Bot API emulator.

N simulated users go through the whole startup registration at once (rate limits
off), against the real bot run as a subprocess (`python -m bot`, SQLite by
default); then, in the same run, the same number of users send the same number
of messages to a bare aiogram echo bot: the framework's floor. Reported: updates
per second, p50/p95/p99 of the time from an update being queued to the bot's
reply, and the bot process's peak RSS. The ratio of the two throughputs is what
the target refers to (>= 40% of the echo floor; p99 < 100 ms at 200 users).

    .venv/bin/python benchmarks/registration.py --users 200
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.i18n import default_translator  # noqa: E402
from bot.reference import label  # noqa: E402
from sandbox import Emulator, RateLimits, SimUser  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

TOKEN = "123456:BENCHMARK-token"
STEPS = 17
#: BENCH_BOT_CMD overrides how the bot is started (e.g. under a profiler).
BOT_CMD = os.environ.get("BENCH_BOT_CMD", f"{sys.executable} -m bot").split()
LOG_DIR = Path(tempfile.gettempdir()) / "in2spire-bench"
LOG_DIR.mkdir(exist_ok=True)
#: BENCH_PROFILE=1 samples the bot with py-spy (pip install py-spy) into LOG_DIR.
PROFILE = bool(os.environ.get("BENCH_PROFILE"))
T = default_translator("vi")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    wall: float = 0.0
    peak_rss: int = 0
    failures: int = 0
    cpu_seconds: float = 0.0
    api_calls: int = 0

    @property
    def updates(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        """The bot process's CPU time (all threads) per update handled."""
        return self.cpu_seconds * 1000 / self.updates if self.updates else float("nan")

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def row(self) -> str:
        calls = self.api_calls / self.updates if self.updates else float("nan")
        return (
            f"{self.name:<24} {self.updates:>7} {self.rate:>9.1f} {self.pct(50):>8.1f} "
            f"{self.pct(95):>8.1f} {self.pct(99):>8.1f} {self.peak_rss / 2**20:>8.1f} "
            f"{self.cpu_ms_per_update:>8.2f} {calls:>7.2f} {self.failures:>5}"
        )


async def timed(
    result: Result, step: int, action: Awaitable[object], reply: Callable[[], Awaitable[object]]
) -> None:
    start = time.perf_counter()
    await action
    await reply()
    elapsed = time.perf_counter() - start
    result.latencies.append(elapsed)
    result.by_step.setdefault(step, []).append(elapsed)


class Pace:
    """Think time between a person's steps: none (saturation) or human-like (paced)."""

    def __init__(self, low: float, high: float, seed: int) -> None:
        self.low, self.high = low, high
        self.rng = random.Random(seed)

    async def think(self) -> None:
        if self.high > 0:
            await asyncio.sleep(self.rng.uniform(self.low, self.high))


async def registration(user: SimUser, result: Result, pace: Pace) -> None:
    """The startup conversation, one step = one update; waits for each reply."""
    msg = user.expect_message
    edit = user.expect_edit

    async def two_messages() -> object:  # "all done" and the summary card
        await msg()
        return await msg()

    tx = lambda key: T.t("vi", key)  # noqa: E731
    steps: list[tuple[Callable[[], Awaitable[object]], Callable[[], Awaitable[object]]]] = [
        (lambda: user.send("/start"), msg),
        (lambda: user.press("Tiếng Việt"), edit),
        (lambda: user.press(tx("consent.accept")), msg),
        (lambda: user.press(tx("role.startup")), msg),
        (lambda: user.send(f"Công ty {user.id}"), msg),
        (lambda: user.press(label("sectors", "agritech", "vi")), edit),
        (lambda: user.press(tx("btn.done")), msg),
        (lambda: user.press(label("stages", "mvp", "vi")), msg),
        (lambda: user.send("Cần Thơ"), msg),
        (lambda: user.send("nongtraiso.vn"), msg),
        (lambda: user.send("Cảm biến độ ẩm đất cho nông dân."), msg),
        (lambda: user.send("Trần An"), msg),
        (lambda: user.send("0901234567"), msg),
        (lambda: user.send(f"an{user.id}@example.vn"), msg),
        (lambda: user.press(label("needs", "funding", "vi")), edit),
        (lambda: user.press(tx("btn.done")), two_messages),
        (lambda: user.press(tx("btn.submit")), msg),
    ]
    for step, (action, reply) in enumerate(steps):
        await pace.think()
        user.drain()
        await timed(result, step, action(), reply)


async def echo(user: SimUser, result: Result, count: int, pace: Pace) -> None:
    for n in range(count):
        await pace.think()
        user.drain()
        await timed(result, n, user.send(f"echo {n}"), user.expect_message)


async def sample_rss(pid: int, result: Result, stop: asyncio.Event) -> None:
    proc = psutil.Process(pid)
    while not stop.is_set():
        with contextlib.suppress(psutil.Error):
            result.peak_rss = max(result.peak_rss, proc.memory_info().rss)
        await asyncio.sleep(0.05)


def _api_calls(emu: Emulator) -> int:
    """Bot API calls the bot made, other than fetching updates."""
    return sum(n for method, n in emu.stats.items() if method != "getUpdates")


async def run_phase(
    emu: Emulator,
    name: str,
    cmd: list[str],
    env: dict[str, str],
    users: int,
    first_id: int,
    body: Callable[[SimUser, Result], Awaitable[None]],
) -> Result:
    result = Result(name)
    log = open(LOG_DIR / f"{name.replace(' ', '_')}.log", "w")  # noqa: SIM115, ASYNC230
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)  # noqa: ASYNC220
    try:
        try:
            await emu.wait_for_polls(2, alive=lambda: proc.poll() is None)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{name} did not start: see {log.name}") from error
        people = [
            emu.user(id=first_id + i, first_name=f"U{i}", language_code="vi") for i in range(users)
        ]
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_rss(proc.pid, result, stop))
        cpu_before = psutil.Process(proc.pid).cpu_times()
        spy = None
        if PROFILE:
            spy = subprocess.Popen(  # noqa: ASYNC220
                [
                    "py-spy",
                    "record",
                    "--gil",
                    "-r",
                    "100",
                    "-f",
                    "raw",
                    "-o",
                    str(LOG_DIR / f"{name.replace(' ', '_')}.spy"),
                    "--pid",
                    str(proc.pid),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        calls_before = _api_calls(emu)
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(body(u, result) for u in people), return_exceptions=True)
        result.wall = time.perf_counter() - start
        result.api_calls = _api_calls(emu) - calls_before
        cpu_after = psutil.Process(proc.pid).cpu_times()
        result.cpu_seconds = (cpu_after.user + cpu_after.system) - (
            cpu_before.user + cpu_before.system
        )
        result.failures = sum(1 for o in outcomes if isinstance(o, BaseException))
        for o in outcomes:
            if isinstance(o, BaseException):
                print(f"[{name}] a user failed: {str(o).splitlines()[0]}", file=sys.stderr)
                break
        stop.set()
        await sampler
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    return result


async def run_floor(
    emu: Emulator,
    floor: str,
    tag: str,
    users: int,
    concurrency: int,
    pace: Pace,
    env: dict[str, str],
    first_id: int = 10_000_000,
) -> Result:
    """One of benchmarks/echo_bot.py's floors, same people and step count."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "benchmarks/echo_bot.py",
            "--api",
            emu.base_url,
            "--token",
            TOKEN,
            "--concurrency",
            str(concurrency),
            "--floor",
            floor,
            "--database-url",
            f"sqlite+aiosqlite:///{tmp}/floor.db",
        ]
        first = first_id + (0 if tag == "saturated" else 1_000_000)
        return await run_phase(
            emu, f"{floor} {tag}", cmd, env, users, first, lambda u, r: echo(u, r, STEPS, pace)
        )


async def compare(
    emu: Emulator, users: int, database_url: str | None, concurrency: int, pace: Pace, tag: str
) -> tuple[Result, Result]:
    """Echo floor and registration, same users and steps, one after the other."""
    base_env = {**os.environ, "PYTHONPATH": str(ROOT)}
    echo_res = await run_floor(emu, "echo", tag, users, concurrency, pace, base_env)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        if database_url and database_url.startswith("postgresql"):
            from tests.conftest import reset_postgres

            await reset_postgres(database_url)
        await upgrade(url)
        env = {
            **base_env,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": emu.base_url,
            "DATABASE_URL": url,
            "ORGANIZER_IDS": "1",
            "LOG_LEVEL": "INFO",
            "MAX_CONCURRENT_UPDATES": str(concurrency),
            "REDIS_URL": "",
            "WEBHOOK_URL": "",
        }
        bot_res = await run_phase(
            emu,
            f"registration {tag}",
            BOT_CMD,
            env,
            users,
            20_000_000 + (0 if tag == "saturated" else 1_000_000),
            lambda u, r: registration(u, r, pace),
        )
    return echo_res, bot_res


HEADER = (
    f"{'phase':<24} {'updates':>7} {'upd/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
    f"{'RSS MiB':>8} {'CPU ms/u':>8} {'calls/u':>7} {'fail':>5}"
)


async def main(
    users: int,
    database_url: str | None,
    concurrency: int,
    think: tuple[float, float],
    shapes: list[str],
    show_steps: bool = False,
    ladder: bool = False,
) -> None:
    db = "SQLite" if not database_url else database_url.split("://")[0]
    results: list[Result] = []
    ratio = None
    async with Emulator(token=TOKEN, bot_username="bench_bot", rate_limits=RateLimits.off()) as emu:
        if "saturated" in shapes:
            sat_echo, sat_bot = await compare(
                emu, users, database_url, concurrency, Pace(0, 0, 1), "saturated"
            )
            results += [sat_echo, sat_bot]
            ratio = sat_bot.rate / sat_echo.rate
            if ladder:
                env = {**os.environ, "PYTHONPATH": str(ROOT)}
                for n, floor in enumerate(("two-calls", "two-calls-db"), start=1):
                    results.append(
                        await run_floor(
                            emu,
                            floor,
                            "saturated",
                            users,
                            concurrency,
                            Pace(0, 0, 1),
                            env,
                            first_id=30_000_000 + n * 2_000_000,
                        )
                    )
        if "paced" in shapes:
            results += await compare(
                emu, users, database_url, concurrency, Pace(think[0], think[1], 2), "paced"
            )
    print(
        f"\n{users} concurrent users x {STEPS} updates (the whole startup registration), "
        f"rate limits off, database: {db}, MAX_CONCURRENT_UPDATES={concurrency}"
    )
    print(HEADER)
    for res in results:
        print(res.row())
    if show_steps:
        for res in results:
            cells = " ".join(
                f"{max(v) * 1000 if len(v) < 100 else sorted(v)[int(0.99 * len(v))] * 1000:6.0f}"
                for _, v in sorted(res.by_step.items())
            )
            print(f"p99 ms by step, {res.name:<24} {cells}")
    if ratio is not None:
        print(f"saturated throughput ratio (registration / echo floor): {ratio:.0%}")
    print(f"paced: think time {think[0]}-{think[1]} s between a person's steps")
    print(f"bot logs: {LOG_DIR}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--concurrency", type=int, default=64, help="MAX_CONCURRENT_UPDATES")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 5.0),
        metavar=("MIN", "MAX"),
        help="paced phase: seconds a person takes between steps (uniform)",
    )
    parser.add_argument(
        "--shape",
        choices=("saturated", "paced"),
        action="append",
        help="run only this shape (repeatable; default: both)",
    )
    parser.add_argument("--steps", action="store_true", help="also print p99 for each step")
    parser.add_argument(
        "--ladder",
        action="store_true",
        help="saturated: also run the two-calls and two-calls-db floors (benchmarks/echo_bot.py)",
    )
    args = parser.parse_args()
    shapes = args.shape or ["saturated", "paced"]
    asyncio.run(
        main(
            args.users,
            args.database_url,
            args.concurrency,
            tuple(args.think),
            shapes,
            args.steps,
            args.ladder,
        )
    )
