"""/ai_usage for organizers: AI calls, tokens and the estimated cost per local day and
feature (the rows come from ``ai_calls``, aggregated in SQL by ``AIRepo.usage``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from storage.dto import UsageRow
from storage.repositories import Repositories

#: The longest window /ai_usage shows.
MAX_DAYS = 90


def estimated_cost(
    prompt_tokens: int, completion_tokens: int, price_input: float, price_output: float
) -> float:
    """USD, from prices per million tokens."""
    return (prompt_tokens * price_input + completion_tokens * price_output) / 1_000_000


@dataclass(frozen=True, slots=True)
class UsageReport:
    """The local days ``first``..``last`` (inclusive) and their rows, oldest first."""

    first: date
    last: date
    rows: tuple[UsageRow, ...]

    @property
    def total(self) -> UsageRow:
        return UsageRow(
            day=self.last,
            feature="",
            calls=sum(r.calls for r in self.rows),
            failed=sum(r.failed for r in self.rows),
            disabled=sum(r.disabled for r in self.rows),
            prompt_tokens=sum(r.prompt_tokens for r in self.rows),
            completion_tokens=sum(r.completion_tokens for r in self.rows),
        )


class AIUsageService:
    def __init__(self, repos: Repositories, clock: Clock, *, tz: ZoneInfo) -> None:
        self.repos = repos
        self.clock = clock
        self.tz = tz

    async def usage(self, days: int) -> UsageReport:
        """The last ``days`` local days, today included (up to now)."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be 1-{MAX_DAYS}")
        now = self.clock()
        last = now.astimezone(self.tz).date()
        first = last - timedelta(days=days - 1)
        since = datetime.combine(first, time(), tzinfo=self.tz)
        rows = await self.repos.ai.usage(since, now + timedelta(microseconds=1), self.tz)
        return UsageReport(first=first, last=last, rows=tuple(rows))
