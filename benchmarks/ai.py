"""AI never blocks the bot (issue #6): replies to other people while 50 briefs are made.

The real bot runs as a subprocess (``python -m bot``, long polling, SQLite by
default) against the Bot API emulator (rate limits off) and a fake OpenAI-compatible
server (``sandbox/fake_openai.py``) that answers every call after ``--latency``
seconds (2 s). Both run in this process, with the simulated people.

Seeded: N founders (approved startups, 50) and M other people (approved startups, 10).
Set-up: every founder walks /pitch to the summary card (their first brief proposal
arrives and is left unanswered). Then idle and load phases of ``--window`` seconds
(15) alternate, ``--rounds`` times (2), so the machine's noise falls on both alike:

- **idle**: the M others send unrelated messages (``/profile`` and ``/help``
  alternately, answered from the database, no AI), each one every ``--interval``
  seconds (staggered); each reply time is measured from the send (the update queued
  in the emulator) to the bot's reply arriving in the emulator.
- **load**: the same, while the N founders, each having opened the story field from
  their card (Edit → Story), send a new story at the same moment; the bot answers
  with the card at once and proposes a brief in the background (an AI call of 2 s).
  As soon as a founder's proposal arrives they edit the story again (Edit → Story →
  a new story), so ~N briefs are being made through the whole window (the bot runs at
  most 32 AI calls at once; the rest wait for a slot). ``--jitter S``: a founder waits
  0..S s (uniform) before editing again, instead of moving in waves with the replies.

Reported: the others' reply times in both phases (median, p95, max), the ratio of the
medians (target: load / idle <= 2), the founders' reply time to their story (the
card must come at once, not after the AI call), AI calls made and proposals
delivered, AI calls in flight at the fake server (sampled every 100 ms), the bot
process's CPU (share of one core), the time its main thread waited for a CPU (other
processes on the machine), and its peak RSS.

    .venv/bin/python benchmarks/ai.py
    .venv/bin/python benchmarks/ai.py \\
        --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bench_ai
    .venv/bin/python benchmarks/ai.py --quick      # one round of 5 s phases (sanity)

``BENCH_PROFILE=1`` samples the bot with py-spy during the first load phase into
``/tmp/in2spire-bench/ai-load.spy`` (collapsed stacks: one line per stack and its
count of samples; ``inferno-flamegraph`` or speedscope draw them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aiohttp import web  # noqa: E402

from bot.i18n import default_translator  # noqa: E402
from bot.reference import label  # noqa: E402
from sandbox import Emulator, RateLimits, SimMessage, SimUser  # noqa: E402
from sandbox.fake_openai import FakeOpenAI  # noqa: E402
from storage.db import create_engine, create_sessionmaker  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.repositories import Repositories  # noqa: E402
from tests.factories import add_users, approved_startup  # noqa: E402

TOKEN = "123456:BENCH-ai"
LANG = "vi"
FIRST_FOUNDER = 9_100_000_000
FIRST_OTHER = 9_200_000_000
STORY = "Nông dân Cần Thơ tiết kiệm 30% nước nhờ cảm biến độ ẩm đất giá rẻ và AI."
BOT_CMD = os.environ.get("BENCH_BOT_CMD", f"{sys.executable} -m bot").split()
LOG_DIR = Path(tempfile.gettempdir()) / "in2spire-bench"
LOG_DIR.mkdir(exist_ok=True)
PROFILE = bool(os.environ.get("BENCH_PROFILE"))
TR = default_translator(LANG)


def t(key: str, **params: Any) -> str:
    return TR.t(LANG, key, **params)


class CountingFake(FakeOpenAI):
    """The fake server, also counting the requests it is answering right now."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.in_flight = 0

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        try:
            return await super()._completions(request)
        finally:
            self.in_flight -= 1


@dataclass
class Phase:
    name: str
    others: list[float] = field(default_factory=list)
    founders: list[float] = field(default_factory=list)
    first_round: list[float] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    harness_cpu: float = 0.0  # this process: emulator, fake server, simulated people
    runq: float = 0.0  # the bot's main thread, ready to run but waiting for a CPU
    rounds: list[tuple[float, float]] = field(default_factory=list)
    peak_rss: int = 0
    ai_calls: int = 0
    proposals: int = 0
    notes: int = 0
    failures: int = 0
    founder_updates: int = 0
    in_flight: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)

    def cells(self, values: list[float]) -> str:
        if not values:
            return f"{'-':>6} {'-':>8} {'-':>8} {'-':>8}"
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        return (
            f"{len(values):>6} {statistics.median(values) * 1000:>8.1f} "
            f"{p95 * 1000:>8.1f} {ordered[-1] * 1000:>8.1f}"
        )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


# --- the database ---------------------------------------------------------------------


async def seed(url: str, founders: list[int], others: list[int]) -> None:
    if url.startswith("postgresql"):
        from tests.conftest import reset_postgres

        await reset_postgres(url)
    await upgrade(url)
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            repos = Repositories.bind(session)
            await add_users(repos, [*founders, *others], datetime.now(UTC))
            for n, user_id in enumerate([*founders, *others]):
                await approved_startup(
                    repos,
                    user_id,
                    company_name=f"Nông Trại Số {n}",
                    sectors=["agritech"],
                    province="can_tho",
                    needs=["media", "funding"],
                    contact_name="Trần Thị An",
                    phone=f"+849{n:08d}",
                )
    finally:
        await engine.dispose()


# --- the people -----------------------------------------------------------------------


async def toggle_done(user: SimUser, kind: str, codes: list[str], question: SimMessage) -> None:
    for code in codes:
        await user.press(label(kind, code, LANG), message=question)
        question = await user.expect_edit()
    await user.press(t("btn.done"), message=question)
    await user.expect_edit()


def is_proposal(message: SimMessage) -> bool:
    return t("brief.btn.use") in message.button_texts


async def walk_to_card(founder: SimUser) -> SimMessage:
    """/start, then /pitch to the summary card; the first proposal is waited for."""
    await founder.send("/start")
    await founder.expect_message()
    founder.drain()
    await founder.send("/pitch")
    await founder.expect_message()  # intro
    await founder.expect_message()  # the need
    await founder.press(label("needs", "media", LANG))
    await founder.expect_edit()
    await founder.expect_message()  # the story
    await founder.send(STORY)
    audiences = await founder.expect_message()
    await founder.expect_message(timeout=120)  # the proposal (or the quiet note)
    await toggle_done(founder, "audiences", ["investors"], audiences)
    await founder.expect_message()  # platforms
    await founder.press(t("btn.done"))
    await founder.expect_edit()
    await founder.expect_message()  # regions
    await founder.press(t("btn.done"))
    await founder.expect_edit()
    languages = await founder.expect_message()
    await toggle_done(founder, "languages", ["vi"], languages)
    await founder.expect_message()  # deadline
    await founder.press(t("pitch.days", n=7))
    await founder.expect_edit()
    await founder.expect_message()  # how many
    await founder.press("1")
    await founder.expect_edit()
    card = await founder.expect_message()
    if t("pitch.btn.submit") not in card.button_texts:
        raise AssertionError(f"expected the summary card, got {card.text[:80]!r}")
    return card


async def open_story(founder: SimUser, card: SimMessage) -> None:
    """From the summary card: Edit, Story; ends when the story question is asked."""
    await founder.press(t("btn.edit_field"), message=card)
    fields = await founder.expect_edit()
    await founder.press(t("pitch.field.story"), message=fields)
    await founder.expect_edit()
    await founder.expect_message(timeout=30)  # the story question


@dataclass
class Load:
    """What the founders share during the load phase."""

    go: asyncio.Event = field(default_factory=asyncio.Event)
    ready: int = 0
    stop_at: float = float("inf")
    waiting: int = 0  # founders whose story was answered and whose proposal is awaited


async def founder_loop(
    founder: SimUser, card: SimMessage, load: Load, res: Phase, jitter: float
) -> SimMessage:
    """Story after story until the window ends; returns the last summary card."""
    rng = random.Random(founder.id)
    await open_story(founder, card)
    load.ready += 1
    await load.go.wait()
    round_ = 0
    while True:
        start = time.perf_counter()
        await founder.send(f"{STORY} (#{round_})")
        card = await founder.expect_message(timeout=30)
        elapsed = time.perf_counter() - start
        if t("pitch.btn.submit") not in card.button_texts:
            raise AssertionError(f"expected the card after the story, got {card.text[:80]!r}")
        res.founders.append(elapsed)
        res.founder_updates += 1
        if round_ == 0:
            res.first_round.append(elapsed)
        load.waiting += 1
        try:
            reply = await founder.expect_message(timeout=120)
        finally:
            load.waiting -= 1
        if is_proposal(reply):
            res.proposals += 1
        else:
            res.notes += 1
        round_ += 1
        if jitter > 0:
            await asyncio.sleep(rng.uniform(0, jitter))
        if time.perf_counter() >= load.stop_at:
            return card
        res.founder_updates += 2  # Edit, Story
        await open_story(founder, card)


async def other_loop(
    user: SimUser, res: Phase, start_at: float, stop_at: float, interval: float
) -> None:
    """One unrelated message every ``interval`` s (never two outstanding)."""
    next_at = start_at
    n = 0
    while True:
        delay = next_at - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        if time.perf_counter() >= stop_at:
            return
        user.drain()
        start = time.perf_counter()
        await user.send("/profile" if n % 2 == 0 else "/help")
        await user.expect_message(timeout=30)
        res.others.append(time.perf_counter() - start)
        n += 1
        next_at += interval


# --- measuring ------------------------------------------------------------------------


async def sample(
    pid: int, res: Phase, fake: CountingFake, load: Load | None, stop: asyncio.Event
) -> None:
    proc = psutil.Process(pid)
    while not stop.is_set():
        with contextlib.suppress(psutil.Error):
            res.peak_rss = max(res.peak_rss, proc.memory_info().rss)
        if load is not None and load.go.is_set() and time.perf_counter() < load.stop_at:
            res.in_flight.append(fake.in_flight)
            res.waiting.append(load.waiting)
        await asyncio.sleep(0.1)


def cpu_seconds(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def runq_seconds(pid: int) -> float:
    """Time the process's main thread was ready to run but waited for a CPU (Linux)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/schedstat") as stat:
            return int(stat.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return float("nan")


async def measured(
    res: Phase,
    pid: int,
    fake: CountingFake,
    load: Load | None,
    body: Callable[[], Awaitable[None]],
) -> None:
    """Run ``body`` with the samplers around it; add what was measured to ``res``."""
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample(pid, res, fake, load, stop))
    spy = None
    if PROFILE and load is not None and res.wall == 0:
        out = str(LOG_DIR / "ai-load.spy")
        command = ["py-spy", "record", "-r", "200", "--threads", "-f", "raw", "-o", out]
        spy = subprocess.Popen(  # noqa: ASYNC220
            [*command, "--pid", str(pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    calls = len(fake.requests)
    cpu, own, runq = cpu_seconds(pid), cpu_seconds(os.getpid()), runq_seconds(pid)
    start = time.perf_counter()
    await body()
    res.wall += time.perf_counter() - start
    res.cpu += cpu_seconds(pid) - cpu
    res.harness_cpu += cpu_seconds(os.getpid()) - own
    res.runq += runq_seconds(pid) - runq
    res.ai_calls += len(fake.requests) - calls
    stop.set()
    await sampler
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


async def run(args: argparse.Namespace) -> list[Phase]:
    founder_ids = [FIRST_FOUNDER + n for n in range(args.founders)]
    other_ids = [FIRST_OTHER + n for n in range(args.others)]
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await seed(url, founder_ids, other_ids)
        async with (
            Emulator(token=TOKEN, bot_username="bench_bot", rate_limits=RateLimits.off()) as emu,
            CountingFake(latency=args.latency) as fake,
        ):
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE": emu.base_url,
                "DATABASE_URL": url,
                "ORGANIZER_IDS": "1",
                "LOG_LEVEL": "INFO",
                "MAX_CONCURRENT_UPDATES": str(args.concurrency),
                "REDIS_URL": "",
                "WEBHOOK_URL": "",
                "LINK_CHECK": "false",
                "OPENAI_API_KEY": "sk-bench",
                "OPENAI_BASE_URL": fake.base_url,
            }
            log = open(LOG_DIR / "ai.log", "w")  # noqa: SIM115, ASYNC230
            proc = subprocess.Popen(  # noqa: ASYNC220
                BOT_CMD, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log
            )
            try:
                try:
                    await emu.wait_for_polls(2, alive=lambda: proc.poll() is None)
                except (RuntimeError, TimeoutError) as error:
                    raise RuntimeError(f"the bot did not start: see {log.name}") from error
                return await phases(args, emu, fake, proc.pid, founder_ids, other_ids)
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    proc.kill()
                log.close()


async def phases(
    args: argparse.Namespace,
    emu: Emulator,
    fake: CountingFake,
    pid: int,
    founder_ids: list[int],
    other_ids: list[int],
) -> list[Phase]:
    founders = [emu.user(id=i, first_name=f"F{i % 1000}", language_code=LANG) for i in founder_ids]
    others = [emu.user(id=i, first_name=f"O{i % 1000}", language_code=LANG) for i in other_ids]
    started = time.perf_counter()
    for person in others:
        await person.send("/start")
        await person.expect_message()
    cards = list(await asyncio.gather(*(walk_to_card(f) for f in founders)))
    await asyncio.sleep(0.5)
    print(
        f"set-up: {len(founders)} founders at their summary card, {len(fake.requests)} AI "
        f"calls, {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )

    def others_for(res: Phase, start: float) -> list[Awaitable[None]]:
        step = args.interval / len(others)
        stop_at = start + args.window
        return [
            other_loop(user, res, start + n * step, stop_at, args.interval)
            for n, user in enumerate(others)
        ]

    async def idle(res: Phase) -> None:
        await asyncio.gather(*others_for(res, time.perf_counter()))

    async def loaded(res: Phase, load: Load) -> None:
        loops = [
            asyncio.create_task(founder_loop(f, card, load, res, args.jitter))
            for f, card in zip(founders, cards, strict=True)
        ]
        while load.ready < len(founders):
            failed = [task for task in loops if task.done()]
            if failed:
                await failed[0]  # raises
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.5)  # the story questions' updates are all handled
        start = time.perf_counter()
        load.stop_at = start + 1.0 + args.window
        load.go.set()
        # The others start a second in, when all the founders' stories have been
        # answered and their briefs are waiting for the model.
        await asyncio.gather(*others_for(res, start + 1.0))
        outcomes = await asyncio.gather(*loops, return_exceptions=True)
        for n, outcome in enumerate(outcomes):
            if isinstance(outcome, BaseException):
                res.failures += 1
                print(f"a founder failed: {str(outcome).splitlines()[0]}", file=sys.stderr)
            else:
                cards[n] = outcome

    idle_res, load_res = Phase("idle"), Phase("load")
    for n in range(args.rounds):
        before = len(idle_res.others), len(load_res.others)
        await measured(idle_res, pid, fake, None, lambda: idle(idle_res))
        load = Load()
        await measured(load_res, pid, fake, load, functools.partial(loaded, load_res, load))
        idle_med = statistics.median(idle_res.others[before[0] :])
        load_med = statistics.median(load_res.others[before[1] :])
        print(
            f"round {n + 1}: others' median idle {idle_med * 1000:.1f} ms, "
            f"load {load_med * 1000:.1f} ms (x{load_med / idle_med:.2f})",
            file=sys.stderr,
        )
        load_res.rounds.append((idle_med, load_med))
    return [idle_res, load_res]


def report(args: argparse.Namespace, results: list[Phase]) -> None:
    idle, load = results
    db = "SQLite" if not args.database_url else args.database_url.split("://")[0]
    print(
        f"\n{args.founders} founders pitching, {args.others} others messaging every "
        f"{args.interval} s; AI latency {args.latency} s; {args.rounds} x (idle, load) of "
        f"{args.window} s; founders' jitter {args.jitter} s; database: {db}; rate limits "
        f"off; MAX_CONCURRENT_UPDATES={args.concurrency}"
    )
    print(
        f"{'phase':<28} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
        f"{'CPU %':>6} {'runq %':>6} {'RSS MiB':>8} {'harness CPU %':>13}"
    )
    for res in results:
        print(
            f"{'others, ' + res.name:<28} {res.cells(res.others)} "
            f"{res.cpu / res.wall * 100:>6.1f} {res.runq / res.wall * 100:>6.1f} "
            f"{res.peak_rss / 2**20:>8.1f} {res.harness_cpu / res.wall * 100:>13.1f}"
        )
    print(f"{'founders: story -> card':<28} {load.cells(load.founders)}")
    print(f"{'  first rounds (all at once)':<28} {load.cells(load.first_round)}")
    if idle.others and load.others:
        ratio = statistics.median(load.others) / statistics.median(idle.others)
        p95 = pct(load.others, 95) / pct(idle.others, 95)
        verdict = "met" if ratio <= 2 else "NOT met"
        rounds = ", ".join(f"x{b / a:.2f}" for a, b in load.rounds)
        print(
            f"load / idle median: x{ratio:.2f} (target <= 2: {verdict}; by round: {rounds}); "
            f"p95: x{p95:.2f}"
        )
    print(
        f"AI calls in the load phases: {load.ai_calls}; proposals delivered: {load.proposals}; "
        f"quiet notes (AI failed): {load.notes}; founders failed: {load.failures}; "
        f"founders' updates: {load.founder_updates} ({load.founder_updates / load.wall:.1f}/s)"
    )
    if load.in_flight:
        print(
            f"AI calls in flight at the fake server (every 100 ms in the windows): "
            f"mean {statistics.mean(load.in_flight):.1f}, min {min(load.in_flight)}, "
            f"max {max(load.in_flight)}; briefs awaited: mean "
            f"{statistics.mean(load.waiting):.1f}, min {min(load.waiting)}"
        )
    print(
        "CPU %: the bot process (one core = 100); runq %: time its main thread was ready "
        f"but waited for a CPU (other processes); bot log: {LOG_DIR / 'ai.log'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--founders", type=int, default=50)
    parser.add_argument("--others", type=int, default=10)
    parser.add_argument("--interval", type=float, default=0.5, help="s between an other's sends")
    parser.add_argument("--window", type=float, default=15.0, help="s per phase")
    parser.add_argument("--latency", type=float, default=2.0, help="s per AI call")
    parser.add_argument(
        "--jitter",
        type=float,
        default=0.0,
        help="a founder waits 0..S s (uniform) after a proposal before editing again "
        "(0: at once, so the founders move in waves with the AI replies)",
    )
    parser.add_argument("--concurrency", type=int, default=64, help="MAX_CONCURRENT_UPDATES")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--rounds", type=int, default=2, help="idle and load phases, alternated")
    parser.add_argument("--quick", action="store_true", help="one round of 5 s phases")
    args = parser.parse_args()
    if args.quick:
        args.window, args.rounds = 5.0, 1
    report(args, asyncio.run(run(args)))


if __name__ == "__main__":
    main()
