"""Feeds the pure matching service from storage: who could take this request, ranked.

``bot/services/matching.py`` scores and orders; this module gathers its inputs (the
candidate query, the request, the startup's sectors, who was already offered) and
applies the time windows: capacity counts stories accepted since the first day of
the month in ``TIMEZONE``, fairness looks back ``FAIRNESS_DAYS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.matching import (
    Candidate,
    ChannelFacts,
    MatchWeights,
    RequestFacts,
    Scored,
    rank,
)
from storage.dto import CandidateFactsDTO, StartupDTO, StoryRequestDTO
from storage.repositories import Repositories

#: How far back offers count against an ambassador for fairness.
FAIRNESS_DAYS = 30


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
    facts = await repos.candidates.available(
        startup_id=startup.id,
        month_start=month_start(now, tz),
        fairness_since=now - timedelta(days=FAIRNESS_DAYS),
    )
    offered = await repos.assignments.offered_ambassadors(request.id)
    wanted = to_request_facts(request, startup, offered)
    return rank(wanted, (to_candidate(f) for f in facts), weights, limit=limit)
