"""Matching: which ambassadors to offer a story request, in which order, and why.

A pure domain service: no Telegram, no database. A repository query gathers the
facts (``Candidate``) and the request's needs (``RequestFacts``); this module
decides eligibility, scores, orders and explains. Organizers see the reasons, so
every point of the score can be traced to a fact about the ambassador.

The score is a weighted sum of components, each in [0, 1]:

- topic: share of the startup's sectors the ambassador covers;
- region: covers one of the request's provinces (1.0), covers the whole country
  (0.8), or the request accepts a nationwide audience (0.5);
- language: share of the requested publication languages the ambassador writes in;
- platform: has a channel on a preferred platform (no preference: 1.0 for all);
- audience: followers on the fitting channels, with diminishing returns
  (log10: 1k ~ 0.5, 10k ~ 0.67, 1M = 1.0);
- track record: accepted stories published on time, with a prior of one on time
  and one late, so a newcomer starts at 0.5 instead of 0 or 1;
- load: 1 / (1 + stories accepted and not yet published);

minus two fairness penalties: recent offers (n / (n + 3)) and recent offers or
stories for the same startup (min(1, n / 2)). Equal scores are ordered by
ambassador id, so ranking is deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.provinces import NATIONWIDE

#: How many reasons are kept with an offer.
TOP_REASONS = 3
#: Followers at which the audience component reaches 1.0 (10^6).
_AUDIENCE_FULL_LOG10 = 6.0


@dataclass(frozen=True, slots=True)
class MatchWeights:
    """Weights of the score's components (configuration: MATCH_WEIGHTS)."""

    topic: float = 3.0
    region: float = 2.0
    language: float = 1.5
    platform: float = 1.5
    audience: float = 1.0
    track_record: float = 1.5
    load: float = 1.0
    recent_offers: float = 1.0
    same_startup: float = 2.0


@dataclass(frozen=True, slots=True)
class ChannelFacts:
    platform: str
    audience: int


@dataclass(frozen=True, slots=True)
class Candidate:
    """What matching needs to know about one ambassador."""

    ambassador_id: int
    topics: frozenset[str]
    regions: frozenset[str]
    languages: frozenset[str]
    channels: tuple[ChannelFacts, ...] = ()
    capacity_left: int = 1
    paused: bool = False
    approved: bool = True
    #: Accepted stories whose deadline has passed, and how many of them were on time.
    accepted_due: int = 0
    published_on_time: int = 0
    #: Accepted, not yet published.
    open_load: int = 0
    #: Offers received in the fairness window (any startup).
    recent_offers: int = 0
    #: Offers or stories for this request's startup in the fairness window.
    recent_same_startup: int = 0


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What matching needs to know about one story request."""

    sectors: frozenset[str]
    regions: frozenset[str]
    languages: frozenset[str]
    platforms: frozenset[str] = frozenset()
    #: Ambassadors already offered this request (whatever they answered).
    already_offered: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Reason:
    """One fact behind a score, rendered by the UI in the reader's language.

    ``code`` names the message (``match.reason.<code>``); ``args`` are its values.
    """

    code: str
    args: tuple[str, ...] = ()
    weight: float = 0.0

    def as_json(self) -> list[object]:
        return [self.code, list(self.args)]


@dataclass(frozen=True, slots=True)
class Scored:
    ambassador_id: int
    score: float
    reasons: tuple[Reason, ...] = field(default=())


def is_eligible(request: RequestFacts, c: Candidate) -> bool:
    """Approved, not paused, capacity left, not offered before, shares a language."""
    return (
        c.approved
        and not c.paused
        and c.capacity_left > 0
        and c.ambassador_id not in request.already_offered
        and bool(c.languages & request.languages)
    )


def _fitting_channels(request: RequestFacts, c: Candidate) -> list[ChannelFacts]:
    if not request.platforms:
        return list(c.channels)
    return [ch for ch in c.channels if ch.platform in request.platforms]


def _region(request: RequestFacts, c: Candidate) -> tuple[float, Reason | None]:
    provinces = request.regions - {NATIONWIDE}
    local = sorted(provinces & c.regions)
    if local:
        return 1.0, Reason("region", (local[0],))
    if NATIONWIDE in c.regions:
        return 0.8, Reason("nationwide")
    if NATIONWIDE in request.regions:
        return 0.5, None
    return 0.0, None


def _audience(channels: list[ChannelFacts]) -> tuple[float, Reason | None]:
    total = sum(max(0, ch.audience) for ch in channels)
    if total <= 0:
        return 0.0, None
    value = min(1.0, math.log10(1 + total) / _AUDIENCE_FULL_LOG10)
    biggest = max(channels, key=lambda ch: (ch.audience, ch.platform))
    return value, Reason("audience", (str(biggest.audience), biggest.platform))


def score(request: RequestFacts, c: Candidate, weights: MatchWeights) -> Scored:
    """The candidate's score for this request and the facts behind it (best first)."""
    w = weights
    parts: list[tuple[float, Reason | None]] = []

    sectors = sorted(request.sectors & c.topics)
    topic = len(sectors) / len(request.sectors) if request.sectors else 0.0
    parts.append((w.topic * topic, Reason("sector", tuple(sectors)) if sectors else None))

    region, region_reason = _region(request, c)
    parts.append((w.region * region, region_reason))

    langs = sorted(request.languages & c.languages)
    language = len(langs) / len(request.languages) if request.languages else 0.0
    parts.append((w.language * language, Reason("language", tuple(langs)) if langs else None))

    fitting = _fitting_channels(request, c)
    if request.platforms:
        platforms = sorted({ch.platform for ch in fitting})
        platform_reason = Reason("platform", tuple(platforms)) if platforms else None
        parts.append((w.platform * (1.0 if fitting else 0.0), platform_reason))
    else:
        parts.append((w.platform, None))

    audience, audience_reason = _audience(fitting)
    parts.append((w.audience * audience, audience_reason))

    on_time = max(0, min(c.published_on_time, c.accepted_due))
    record = (on_time + 1) / (max(0, c.accepted_due) + 2)
    record_reason = (
        Reason("track_record", (str(on_time), str(c.accepted_due))) if c.accepted_due else None
    )
    parts.append((w.track_record * record, record_reason))

    load = 1.0 / (1 + max(0, c.open_load))
    parts.append((w.load * load, Reason("free") if c.open_load == 0 else None))

    recent = max(0, c.recent_offers)
    same = max(0, c.recent_same_startup)
    penalty = w.recent_offers * (recent / (recent + 3)) + w.same_startup * min(1.0, same / 2)

    total = sum(value for value, _ in parts) - penalty
    reasons = sorted(
        (Reason(r.code, r.args, round(value, 4)) for value, r in parts if r is not None),
        key=lambda r: (-r.weight, r.code),
    )
    return Scored(c.ambassador_id, round(total, 6), tuple(reasons[:TOP_REASONS]))


def rank(
    request: RequestFacts,
    candidates: Iterable[Candidate],
    weights: MatchWeights | None = None,
    *,
    limit: int | None = None,
) -> list[Scored]:
    """Eligible candidates, best first; equal scores by ambassador id."""
    weights = weights or MatchWeights()
    scored = [score(request, c, weights) for c in candidates if is_eligible(request, c)]
    scored.sort(key=lambda s: (-s.score, s.ambassador_id))
    return scored if limit is None else scored[:limit]
