"""Token-bucket flood limits that answer 429 like Telegram.

Telegram's published guidance: ~30 messages/s overall, ~1 message/s per private chat (short
bursts tolerated) and 20 messages/min per group. Paid broadcasts (``allow_paid_broadcast``,
charged in Stars) may go up to 1,000 messages/s overall: those sends draw on a global bucket
of their own instead of the free one; per-chat limits still apply. The private burst defaults
to 10 so a normal exchange (edit + one or two messages after a button press) passes while a
send loop does not.
The clock is injectable so tests can move time without sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from sandbox.errors import ApiError

Clock = Callable[[], float]


@dataclass(frozen=True)
class RateLimits:
    """Limits per bucket: `*_rate` is tokens per second, `*_burst` the bucket size."""

    enabled: bool = True
    global_rate: float = 30.0
    global_burst: int = 30
    private_rate: float = 1.0
    private_burst: int = 10
    group_rate: float = 20 / 60
    group_burst: int = 20
    paid_rate: float = 1000.0
    paid_burst: int = 1000

    @classmethod
    def off(cls) -> RateLimits:
        return cls(enabled=False)


class _Bucket:
    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Refill, then return seconds until one token is available (0 if available now)."""
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate if self.rate > 0 else math.inf


class RateLimiter:
    """One global bucket plus one per chat; O(1) per check."""

    def __init__(self, limits: RateLimits, clock: Clock | None = None) -> None:
        self.limits = limits
        self.clock = clock or time.monotonic
        self._global: _Bucket | None = None
        self._paid: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}

    def consume(self, chat_id: int, is_private: bool, paid: bool = False) -> None:
        """Take one token for a message to `chat_id`, or raise the 429 Telegram would send.
        `paid`: the send carried allow_paid_broadcast (the paid overall bucket)."""
        limits = self.limits
        if not limits.enabled:
            return
        now = self.clock()
        if paid:
            if self._paid is None:
                self._paid = _Bucket(limits.paid_rate, limits.paid_burst, now)
            overall = self._paid
        else:
            if self._global is None:
                self._global = _Bucket(limits.global_rate, limits.global_burst, now)
            overall = self._global
        chat = self._chats.get(chat_id)
        if chat is None:
            if is_private:
                chat = _Bucket(limits.private_rate, limits.private_burst, now)
            else:
                chat = _Bucket(limits.group_rate, limits.group_burst, now)
            self._chats[chat_id] = chat
        wait = max(overall.wait(now), chat.wait(now))
        if wait > 0:
            retry = max(1, math.ceil(wait)) if wait != math.inf else 3600
            raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
        overall.tokens -= 1
        chat.tokens -= 1
