"""Feeds the pure matching service from storage: who could take this request, ranked.

``bot/services/matching.py`` scores and orders; this module gathers its inputs (the
candidates, the request, the startup's sectors, who was already offered) and applies
the time windows: capacity counts stories accepted since the first day of the month
in ``TIMEZONE``, fairness looks back ``FAIRNESS_DAYS``.

For the top ``limit`` (what offers ask for), not everyone is loaded and scored. The
profiles and all-time counts come from the candidate repository's cache (checked
against the database on every call); ``matching.BoundedOrder`` hands out candidates
by decreasing upper bound of their score; only the best ``first_batch(limit)`` are
read from the database and scored exactly, and more follow (twice as many each
time) only while someone not yet scored could still enter the top
(``matching.top_is_final``). So the cache decides whom to look at, never what is
returned; the result is the one ranking everyone gives
(``tests/services/test_matching_fast_path.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.matching import (
    BoundedOrder,
    Candidate,
    ChannelFacts,
    MatchWeights,
    RequestFacts,
    Scored,
    profile_bound,
    rank,
    top_is_final,
)
from storage.dto import CandidateFactsDTO, StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

#: How far back offers count against an ambassador for fairness.
FAIRNESS_DAYS = 30


#: Past this many exact scores the search is no cheaper than ranking everyone (only
#: with bounds far above the scores, which the benchmark's data never comes near).
MAX_EXACT = 2000


def first_batch(limit: int) -> int:
    """How many candidates get an exact score at first. With the benchmark's data the
    top 20 is final within the best 21-28 by bound, the top 5 within 5-9."""
    return 8 + 2 * limit


def month_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Midnight of the first day of ``now``'s month in ``tz``."""
    local = now.astimezone(tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def to_candidate(facts: CandidateFactsDTO) -> Candidate:
    capacity = facts.capacity if facts.capacity is not None else 0
    return Candidate(
        ambassador_id=facts.ambassador_id,
        topics=frozenset(facts.topics),
        regions=frozenset(facts.regions),
        languages=frozenset(facts.languages),
        channels=tuple(ChannelFacts(p, a) for p, a in facts.channels),
        capacity_left=capacity - facts.taken_this_month,
        accepted_due=facts.accepted_due,
        published_on_time=facts.published_on_time,
        open_load=facts.open_load,
        recent_offers=facts.recent_offers,
        recent_same_startup=facts.recent_same_startup,
    )


def to_request_facts(
    request: StoryRequestDTO, startup: StartupDTO, already_offered: Iterable[int]
) -> RequestFacts:
    return RequestFacts(
        sectors=frozenset(startup.sectors),
        regions=frozenset(request.regions),
        languages=frozenset(request.languages),
        platforms=frozenset(request.platforms),
        already_offered=frozenset(already_offered),
    )


async def rank_for_request(
    repos: Repositories,
    request: StoryRequestDTO,
    startup: StartupDTO,
    *,
    now: datetime,
    tz: ZoneInfo,
    weights: MatchWeights,
    limit: int | None = None,
) -> list[Scored]:
    """Eligible ambassadors for ``request``, best first, with their reasons."""
    start, since = month_start(now, tz), now - timedelta(days=FAIRNESS_DAYS)
    offered = await repos.assignments.offered_ambassadors(request.id)
    wanted = to_request_facts(request, startup, offered)
    if not wanted.languages:
        return []  # nobody shares a language with the request

    async def everyone() -> list[Scored]:
        facts = await repos.candidates.available(
            startup_id=startup.id, month_start=start, fairness_since=since
        )
        return rank(wanted, (to_candidate(f) for f in facts), weights, limit=limit)

    if limit is None or limit <= 0 or min(astuple(weights)) < 0:
        # (The bound counts on weights of at least zero, as configuration ensures: a
        # deleted channel the cache still lists can then only raise it.)
        return await everyone()
    profiles = await repos.candidates.profiles()
    order = BoundedOrder(
        profile_bound(wanted, weights),
        profiles.holding("languages", wanted.languages) - offered,
        profiles.holding,
        profiles.by_id.__getitem__,
    )
    scored: list[Candidate] = []
    taken = 0
    batch = first_batch(limit)
    while batch <= MAX_EXACT:
        more = [amb_id for _, amb_id in order.take(batch - taken)]
        taken += len(more)
        found = await repos.candidates.facts_for(
            more,
            startup_id=startup.id,
            month_start=start,
            fairness_since=since,
        )
        scored += (to_candidate(f) for f in found)
        ranked = rank(wanted, scored, weights, limit=limit)
        if top_is_final(ranked, limit, order.rest):
            return ranked
        batch *= 2
    return await everyone()


async def score_one(
    repos: Repositories,
    request: StoryRequestDTO,
    startup: StartupDTO,
    ambassador_id: int,
    *,
    now: datetime,
    tz: ZoneInfo,
    weights: MatchWeights,
) -> Scored | None:
    """One ambassador's score and reasons for ``request``, or None if not eligible
    (an organizer's manual pick: no need to rank everyone to check one person)."""
    offered = await repos.assignments.offered_ambassadors(request.id)
    wanted = to_request_facts(request, startup, offered)
    found = await repos.candidates.facts_for(
        [ambassador_id],
        startup_id=startup.id,
        month_start=month_start(now, tz),
        fairness_since=now - timedelta(days=FAIRNESS_DAYS),
    )
    ranked = rank(wanted, (to_candidate(f) for f in found), weights, limit=1)
    return ranked[0] if ranked else None
