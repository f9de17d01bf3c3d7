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
LOG_DIR = Path(tempfile.gettempdir()) / "in2spire-bench"
LOG_DIR.mkdir(exist_ok=True)
#: BENCH_PROFILE=1 samples the bot with py-spy (pip install py-spy) into LOG_DIR.
PROFILE = bool(os.environ.get("BENCH_PROFILE"))
T = default_translator("vi")


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    wall: float = 0.0
    peak_rss: int = 0
    failures: int = 0

    @property
    def updates(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def row(self) -> str:
        return (
            f"{self.name:<14} {self.updates:>7} {self.rate:>9.1f} {self.pct(50):>8.1f} "
            f"{self.pct(95):>8.1f} {self.pct(99):>8.1f} {self.peak_rss / 2**20:>8.1f} "
            f"{self.failures:>5}"
        )


async def timed(
    result: Result, action: Awaitable[object], reply: Callable[[], Awaitable[object]]
) -> None:
    start = time.perf_counter()
    await action
    await reply()
    result.latencies.append(time.perf_counter() - start)


async def registration(user: SimUser, result: Result) -> None:
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
    for action, reply in steps:
        user.drain()
        await timed(result, action(), reply)


async def echo(user: SimUser, result: Result, count: int) -> None:
    for n in range(count):
        user.drain()
        await timed(result, user.send(f"echo {n}"), user.expect_message)


async def sample_rss(pid: int, result: Result, stop: asyncio.Event) -> None:
    proc = psutil.Process(pid)
    while not stop.is_set():
        with contextlib.suppress(psutil.Error):
            result.peak_rss = max(result.peak_rss, proc.memory_info().rss)
        await asyncio.sleep(0.05)


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
        polls = emu.stats["getUpdates"]
        deadline = time.monotonic() + 60
        while emu.stats["getUpdates"] <= polls + 1:  # the bot is up and polling
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start: see {log.name}")
            await asyncio.sleep(0.05)
        people = [
            emu.user(id=first_id + i, first_name=f"U{i}", language_code="vi") for i in range(users)
        ]
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_rss(proc.pid, result, stop))
        spy = None
        if PROFILE:
            spy = subprocess.Popen(  # noqa: ASYNC220
                ["py-spy", "record", "--nonblocking", "-r", "100", "-f", "raw", "-o",
                 str(LOG_DIR / f"{name.replace(' ', '_')}.spy"), "--pid", str(proc.pid)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(body(u, result) for u in people), return_exceptions=True)
        result.wall = time.perf_counter() - start
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


async def main(users: int, database_url: str | None, concurrency: int) -> None:
    steps = 17
    async with Emulator(token=TOKEN, bot_username="bench_bot", rate_limits=RateLimits.off()) as emu:
        base_env = {**os.environ, "PYTHONPATH": str(ROOT)}
        echo_res = await run_phase(
            emu,
            "echo floor",
            [
                sys.executable,
                "benchmarks/echo_bot.py",
                "--api",
                emu.base_url,
                "--token",
                TOKEN,
                "--concurrency",
                str(concurrency),
            ],
            base_env,
            users,
            10_000_000,
            lambda u, r: echo(u, r, steps),
        )
        with tempfile.TemporaryDirectory() as tmp:
            url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
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
                "registration",
                [sys.executable, "-m", "bot"],
                env,
                users,
                20_000_000,
                registration,
            )
    print(
        f"\n{users} concurrent users, {steps} updates each, rate limits off, "
        f"database: {'SQLite' if not database_url else database_url.split('://')[0]}"
    )
    print(
        f"{'phase':<14} {'updates':>7} {'upd/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'RSS MiB':>8} {'fail':>5}"
    )
    print(echo_res.row())
    print(bot_res.row())
    print(f"bot logs: {LOG_DIR}")
    print(f"throughput ratio (registration / echo floor): {bot_res.rate / echo_res.rate:.0%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--concurrency", type=int, default=64, help="MAX_CONCURRENT_UPDATES")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.database_url, args.concurrency))
