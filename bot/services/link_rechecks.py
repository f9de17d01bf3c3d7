"""Checking published links again: a failure may be passing, and a link may die later.

Knows nothing of Telegram. After every check (the first one, right after /submit,
and each re-check) ``LinkRechecks.after_check`` decides when the link is checked
next and whom to tell:

- **A failing check** (``failing``: it looks broken, or timed out) is retried with
  backoff: 1 h after it, then 6 h after the second failure, then 24 h after the
  third (``BACKOFF``); a fourth failure in a row ends it: the link stays broken and
  is not checked again.
- **A working check** clears the failures; the link is checked once more about
  ``REMOVAL_CHECK_AFTER`` (7 days) after it was submitted, to catch a post removed
  later. Once only: a check after that moment schedules nothing, so every link costs
  one extra fetch (plus the retries of the failing ones). Checking every link
  periodically forever would fetch thousands of pages a week for little: a story
  removed after a week hardly matters to the startup any more.
- **Messages.** A check that looks broken (``bot.services.links.looks_broken``) tells
  the ambassador, once until it works again: "broken" at first, "no longer opens"
  when an earlier check found it working. A working check after that tells them it
  works now. A timeout or a 403 tells nobody (as on the first check), but a timeout
  is retried. "Told" means a message was attempted: someone who blocked the bot is
  not told it works either.

Links recorded before re-checks existed have no ``next_check_at`` and are not
re-checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.clock import Clock
from bot.services.link_check import LinkCheck
from bot.services.links import CheckTarget, looks_broken
from storage.dto import LinkDTO
from storage.repositories import Repositories
from storage.repositories.links import RecheckState

#: Wait before each retry of a failing link: after the 1st, 2nd, 3rd failure in a row.
BACKOFF = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24))
#: The one re-check of a working link, counted from its submission.
REMOVAL_CHECK_AFTER = timedelta(days=7)
#: A claimed link is due again after this if its check never finished (a crash).
LEASE = timedelta(minutes=15)

Notice = Literal["broken", "removed", "fixed"]


def failing(status: int | None, error: str | None) -> bool:
    """Whether a check failed in a way worth retrying: broken, or timed out."""
    return looks_broken(status, error) or error == "timeout"


@dataclass(frozen=True, slots=True)
class Plan:
    """What follows a check: when the next one is due, the failures in a row, the
    message to send (if any) and whether the ambassador then holds a broken notice."""

    next_check_at: datetime | None
    failures: int
    notice: Notice | None
    told: bool


def plan(before: RecheckState, check: LinkCheck, now: datetime) -> Plan:
    """The rules of the module docstring; ``before`` is the link as it was before
    this check was stored."""
    if failing(check.status, check.error):
        failures = before.failures + 1
        due = now + BACKOFF[failures - 1] if failures <= len(BACKOFF) else None
        notice: Notice | None = None
        if looks_broken(check.status, check.error) and not before.told:
            was_working = before.link.checked_at is not None and not failing(
                before.link.check_status, before.link.check_error
            )
            notice = "removed" if was_working else "broken"
        return Plan(due, failures, notice, before.told or notice is not None)
    removal_check = before.link.submitted_at + REMOVAL_CHECK_AFTER
    due = removal_check if removal_check > now else None
    return Plan(due, 0, "fixed" if before.told else None, False)


class LinkRechecks:
    def __init__(self, repos: Repositories, clock: Clock) -> None:
        self.repos = repos
        self.clock = clock

    async def claim_due(self, limit: int) -> list[CheckTarget]:
        """Links due a check now, claimed for ``LEASE`` (no other process takes them)."""
        now = self.clock()
        claimed = await self.repos.links.claim_due(now=now, lease_until=now + LEASE, limit=limit)
        names: dict[int, tuple[str, ...]] = {}
        targets = []
        for state in claimed:
            link = state.link
            if link.startup_id not in names:
                startup = await self.repos.startups.get(link.startup_id)
                names[link.startup_id] = (
                    (startup.company_name,) if startup and startup.company_name else ()
                )
            targets.append(CheckTarget(link.id, link.normalized_url, names[link.startup_id]))
        return targets

    async def before_check(self, link_id: int) -> RecheckState | None:
        """The link as it is before a check's result is stored (None: deleted)."""
        return await self.repos.links.recheck_state(link_id)

    async def after_check(self, before: RecheckState, link: LinkDTO, check: LinkCheck) -> Plan:
        """Schedule the next check of ``link`` (just stored) and say what to tell."""
        decided = plan(before, check, self.clock())
        await self.repos.links.schedule(
            link.id,
            next_check_at=decided.next_check_at,
            failures=decided.failures,
            told=decided.told,
        )
        return decided
