"""`python -m sandbox`: run the emulator standalone (e.g. for a bot started by hand)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from sandbox.client import Emulator
from sandbox.ratelimit import RateLimits


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default="123456:TEST-token")
    parser.add_argument("--bot-username", default="in2spire_test_bot")
    parser.add_argument("--no-rate-limits", action="store_true")
    parser.add_argument("--no-privacy-mode", action="store_true")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    emu = Emulator(
        token=args.token,
        bot_username=args.bot_username,
        rate_limits=RateLimits.off() if args.no_rate_limits else RateLimits(),
        privacy_mode=not args.no_privacy_mode,
    )
    async with emu:
        print(emu.base_url, flush=True)
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> None:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_parse(argv)))


if __name__ == "__main__":
    main()
