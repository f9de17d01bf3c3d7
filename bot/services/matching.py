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


def _region_fit(request: RequestFacts, c: Candidate) -> float:
    if not c.regions.isdisjoint(request.regions - {NATIONWIDE}):
        return 1.0
    if NATIONWIDE in c.regions:
        return 0.8
    if NATIONWIDE in request.regions:
        return 0.5
    return 0.0


def _audience_fit(channels: list[ChannelFacts]) -> float:
    total = sum(max(0, ch.audience) for ch in channels)
    if total <= 0:
        return 0.0
    return min(1.0, math.log10(1 + total) / _AUDIENCE_FULL_LOG10)


def _share(wanted: frozenset[str], offered: frozenset[str]) -> float:
    return len(wanted & offered) / len(wanted) if wanted else 0.0


#: The order of the components returned by ``_components`` (and of their reasons).
_COMPONENTS = ("topic", "region", "language", "platform", "audience", "track_record", "load")


def _components(
    request: RequestFacts, c: Candidate, w: MatchWeights
) -> tuple[tuple[float, ...], float, list[ChannelFacts]]:
    """The weighted components (``_COMPONENTS`` order), the fairness penalty, and the
    channels that fit the request. The one place the formula is written."""
    fitting = _fitting_channels(request, c)
    on_time = max(0, min(c.published_on_time, c.accepted_due))
    recent = max(0, c.recent_offers)
    same = max(0, c.recent_same_startup)
    values = (
        w.topic * _share(request.sectors, c.topics),
        w.region * _region_fit(request, c),
        w.language * _share(request.languages, c.languages),
        w.platform * (1.0 if fitting or not request.platforms else 0.0),
        w.audience * _audience_fit(fitting),
        w.track_record * (on_time + 1) / (max(0, c.accepted_due) + 2),
        w.load / (1 + max(0, c.open_load)),
    )
    penalty = w.recent_offers * (recent / (recent + 3)) + w.same_startup * min(1.0, same / 2)
    return values, penalty, fitting


def points(request: RequestFacts, c: Candidate, weights: MatchWeights) -> float:
    """The candidate's score for this request (no explanation: the fast path)."""
    values, penalty, _ = _components(request, c, weights)
    return round(sum(values) - penalty, 6)


def _reason(
    name: str, request: RequestFacts, c: Candidate, fitting: list[ChannelFacts]
) -> tuple[str, tuple[str, ...]] | None:
    """The fact behind one component (code and values), or None when it has nothing
    to show."""
    if name == "topic":
        sectors = tuple(sorted(request.sectors & c.topics))
        return ("sector", sectors) if sectors else None
    if name == "region":
        local = sorted((request.regions - {NATIONWIDE}) & c.regions)
        if local:
            return ("region", (local[0],))
        return ("nationwide", ()) if NATIONWIDE in c.regions else None
    if name == "language":
        langs = tuple(sorted(request.languages & c.languages))
        return ("language", langs) if langs else None
    if name == "platform":
        platforms = tuple(sorted({ch.platform for ch in fitting}))
        return ("platform", platforms) if request.platforms and platforms else None
    if name == "audience":
        if not any(ch.audience > 0 for ch in fitting):
            return None
        biggest = max(fitting, key=lambda ch: (ch.audience, ch.platform))
        return ("audience", (str(biggest.audience), biggest.platform))
    if name == "track_record":
        if not c.accepted_due:
            return None
        on_time = max(0, min(c.published_on_time, c.accepted_due))
        return ("track_record", (str(on_time), str(c.accepted_due)))
    return ("free", ()) if c.open_load == 0 else None


def score(request: RequestFacts, c: Candidate, weights: MatchWeights) -> Scored:
    """The candidate's score for this request and the facts behind it (best first)."""
    values, penalty, fitting = _components(request, c, weights)
    reasons = []
    for name, value in zip(_COMPONENTS, values, strict=True):
        fact = _reason(name, request, c, fitting)
        if fact is not None:
            reasons.append(Reason(*fact, weight=round(value, 4)))
    reasons.sort(key=lambda r: (-r.weight, r.code))
    return Scored(c.ambassador_id, round(sum(values) - penalty, 6), tuple(reasons[:TOP_REASONS]))


def rank(
    request: RequestFacts,
    candidates: Iterable[Candidate],
    weights: MatchWeights | None = None,
    *,
    limit: int | None = None,
) -> list[Scored]:
    """Eligible candidates, best first; equal scores by ambassador id.

    Every eligible candidate is scored on the fast path; only those returned are
    explained (building reasons for thousands of candidates was most of the cost).
    """
    weights = weights or MatchWeights()
    keyed = [
        (-points(request, c, weights), c.ambassador_id, c)
        for c in candidates
        if is_eligible(request, c)
    ]
    keyed.sort(key=lambda k: (k[0], k[1]))
    chosen = keyed if limit is None else keyed[:limit]
    return [score(request, c, weights) for _, _, c in chosen]
