"""Re-checking links: the backoff after failures (1 h, 6 h, 24 h, then never), the one
re-check 7 days after submission, who is told what; and the scheduled pass, which is
off when LINK_CHECK is off and keeps to the checker's concurrency limit."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from aiogram import Bot
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import default_translator
from bot.link_checks import LinkChecks
from bot.services.link_check import LinkCheck
from bot.services.link_rechecks import BACKOFF, REMOVAL_CHECK_AFTER, Plan, failing, plan
from storage.dto import LinkDTO
from storage.repositories import Repositories
from storage.repositories.links import RecheckState
from tests.conftest import FakeClock
from tests.services.test_link_checks import settings
from tests.storage.test_link_rechecks_repo import add_links

SUBMITTED = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LINK = LinkDTO(
    id=1,
    assignment_id=1,
    request_id=1,
    startup_id=1,
    ambassador_id=1,
    submitted_by=1,
    platform="web",
    original_url="https://a.vn/x",
    normalized_url="https://a.vn/x",
    sponsored=False,
    late=False,
    submitted_at=SUBMITTED,
)
OK = LinkCheck(status=200, final_url=LINK.normalized_url)
DOWN = LinkCheck(status=503, final_url=LINK.normalized_url)
GONE = LinkCheck(status=404, final_url=LINK.normalized_url)
SLOW = LinkCheck(status=None, final_url=LINK.normalized_url, error="timeout")
FORBIDDEN = LinkCheck(status=403, final_url=LINK.normalized_url)


def stored(state: RecheckState, check: LinkCheck, outcome: Plan, now: datetime) -> RecheckState:
    """The link after ``check`` was stored and ``outcome`` scheduled."""
    link = replace(state.link, check_status=check.status, check_error=check.error, checked_at=now)
    return RecheckState(link, outcome.failures, outcome.told, outcome.next_check_at)


def run(checks: list[LinkCheck], first_at: datetime = SUBMITTED) -> list[Plan]:
    """Each check at the time the previous one scheduled (the first at ``first_at``)."""
    state = RecheckState(LINK, 0, False, None)
    now = first_at
    plans = []
    for check in checks:
        outcome = plan(state, check, now)
        plans.append(outcome)
        state = stored(state, check, outcome, now)
        if outcome.next_check_at is None:
            break
        now = outcome.next_check_at
    return plans


def test_what_counts_as_failing() -> None:
    assert failing(503, None) and failing(404, None) and failing(None, "unreachable")
    assert failing(None, "timeout")  # retried, though nobody is told
    assert not failing(200, None) and not failing(403, None) and not failing(429, None)
    assert not failing(200, "not_html")


def test_a_broken_link_is_retried_after_1_6_and_24_hours_then_left_broken() -> None:
    plans = run([DOWN, DOWN, GONE, DOWN, OK])
    assert len(plans) == 4  # no check after the fourth failure in a row
    t0 = SUBMITTED
    assert [p.next_check_at for p in plans] == [
        t0 + timedelta(hours=1),
        t0 + timedelta(hours=7),
        t0 + timedelta(hours=31),
        None,
    ]
    assert [p.failures for p in plans] == [1, 2, 3, 4]
    assert [p.notice for p in plans] == ["broken", None, None, None]  # told once
    assert all(p.told for p in plans)
    assert (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24)) == BACKOFF


def test_a_link_that_works_again_is_announced_and_rechecked_at_7_days() -> None:
    down, up, week = run([DOWN, OK, OK])
    assert down.notice == "broken" and down.next_check_at == SUBMITTED + timedelta(hours=1)
    assert up == Plan(SUBMITTED + REMOVAL_CHECK_AFTER, 0, "fixed", False)
    assert week == Plan(None, 0, None, False)  # the 7-day check is the last one


def test_a_working_link_is_checked_once_more_after_7_days() -> None:
    first, week = run([OK, OK, OK])
    assert first == Plan(SUBMITTED + timedelta(days=7), 0, None, False)
    assert week.next_check_at is None and week.notice is None


def test_a_link_removed_later_is_announced_as_such_and_retried() -> None:
    first, week, retry, back = run([OK, GONE, GONE, OK])
    assert first.notice is None
    assert week.notice == "removed" and week.told
    assert week.next_check_at == SUBMITTED + timedelta(days=7, hours=1)
    assert retry.notice is None and retry.failures == 2
    assert back.notice == "fixed" and back.next_check_at is None  # past the 7 days


def test_timeouts_and_403_tell_nobody() -> None:
    slow, gone = run([SLOW, GONE])
    assert slow.notice is None and not slow.told and slow.failures == 1
    assert slow.next_check_at == SUBMITTED + timedelta(hours=1)
    assert gone.notice == "broken"  # the first time it looks broken
    (forbidden, _) = run([FORBIDDEN, OK])
    assert forbidden.notice is None and forbidden.failures == 0


def test_a_timeout_between_broken_and_working_still_ends_with_the_good_news() -> None:
    plans = run([GONE, SLOW, OK])
    assert [p.notice for p in plans] == ["broken", None, "fixed"]


def test_nobody_hears_it_works_who_did_not_hear_it_was_broken() -> None:
    plans = run([SLOW, SLOW, OK])
    assert [p.notice for p in plans] == [None, None, None]


# --------------------------------------------------------------------------- the pass


async def test_the_pass_does_nothing_while_checks_are_off(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await add_links(sessionmaker, 3, due=clock() - timedelta(minutes=1))
    resolved: list[str] = []

    async def resolver(host: str) -> list[str]:
        resolved.append(host)
        return []

    off = LinkChecks(
        sessionmaker, settings(link_check=False), default_translator("vi"), clock, resolver=resolver
    )
    assert await off.recheck_due(cast(Bot, object())) == 0
    assert resolved == []


async def test_the_pass_keeps_to_the_concurrency_limit_and_plans_the_next_check(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    ids = await add_links(sessionmaker, 5, due=clock() - timedelta(minutes=1))
    async with sessionmaker() as s, s.begin():  # already told: nothing is sent this time
        for link_id in ids:
            await Repositories.bind(s).links.schedule(
                link_id, next_check_at=clock() - timedelta(minutes=1), failures=1, told=True
            )
    running = 0
    most = 0

    async def resolver(host: str) -> list[str]:
        nonlocal running, most
        running += 1
        most = max(most, running)
        for _ in range(20):  # let every other check start, if the limit allowed it
            await asyncio.sleep(0)
        running -= 1
        return []  # unreachable: still failing

    checks = LinkChecks(
        sessionmaker,
        settings(link_check=True),
        default_translator("vi"),
        clock,
        resolver=resolver,
        concurrency=2,
    )
    assert await checks.recheck_due(cast(Bot, object())) == 5
    assert most == 2
    async with sessionmaker() as s:
        repos = Repositories.bind(s)
        states: list[Any] = [await repos.links.recheck_state(i) for i in ids]
    assert {(st.failures, st.next_check_at) for st in states} == {(2, clock() + timedelta(hours=6))}
    assert {st.link.check_error for st in states} == {"unreachable"}
    assert await checks.recheck_due(cast(Bot, object())) == 0  # nothing due any more
