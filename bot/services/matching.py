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

Among thousands of ambassadors only a few make the top. ``ProfileBound`` is an upper
bound of the score from the profile alone (the first five components exactly or
nearly, the history part at its maximum); ``BoundedOrder`` hands out candidates by
decreasing bound, computing it only for classes of candidates (by sectors covered,
region tier, platform fit) that could come next; the exact score, which needs the
history, is then computed for the best bounded ones only, until ``top_is_final``
says nobody further down could still enter the top (``bot/services/matchmaking.py``).
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Sequence, Set
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from bot.provinces import NATIONWIDE

#: How many reasons are kept with an offer.
TOP_REASONS = 3
#: Followers at which the audience component reaches 1.0 (10^6).
_AUDIENCE_FULL_LOG10 = 6.0
#: Audience totals are bounded by steps of 1/24 of the log scale (~0.04 of the weight).
_AUDIENCE_STEPS = 24
#: Scores are rounded to 6 decimals: a bound this close to a score may tie with it.
_BOUND_SLACK = 1e-6


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


class ChannelFacts(NamedTuple):
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


def _audience_level(total: int) -> float:
    if total <= 0:
        return 0.0
    return min(1.0, math.log10(1 + total) / _AUDIENCE_FULL_LOG10)


def _audience_fit(channels: list[ChannelFacts]) -> float:
    return _audience_level(sum(max(0, ch.audience) for ch in channels))


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


class Profile(Protocol):
    """What the bound reads of a candidate: a ``Candidate``, or the same facts kept
    elsewhere (the candidate cache's, with tuples for sets)."""

    @property
    def topics(self) -> Collection[str]: ...
    @property
    def regions(self) -> Collection[str]: ...
    @property
    def languages(self) -> Collection[str]: ...
    @property
    def channels(self) -> Iterable[tuple[str, int]]: ...
    @property
    def accepted_due(self) -> int: ...
    @property
    def published_on_time(self) -> int: ...
    @property
    def open_load(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ProfileBound:
    """An upper bound of a candidate's score for one request, from the profile alone.

    ``value`` is, with the request's sectors, languages and preferred platforms:

        topic_each × (sectors covered)
      + the value of the first region tier with a code among the candidate's regions
        (else ``region_else``)
      + language_each × (requested languages written in)
      + ``channel_fit`` if a channel is on a preferred platform (any channel when
        there is no preference), else ``channel_none``
      + the value of the first audience step whose total is at least the fitting
        channels' audience (positive counts summed), else ``audience_max``
      + track record and load as in the score (from the all-time counts)
      + ``fairness``: the most the fairness terms can add (nothing, with the usual
        positive weights: they only subtract).

    Everything but the audience step and fairness equals the score's term; the
    audience step is at most 1/24 of the audience weight above it. So the bound
    misses the score only by the dated counts (recent offers), which it leaves out.
    """

    sectors: frozenset[str]
    topic_each: float
    region_tiers: tuple[tuple[frozenset[str], float], ...]
    region_else: float
    languages: frozenset[str]
    language_each: float
    platforms: frozenset[str]
    channel_fit: float
    channel_none: float
    audience_steps: tuple[tuple[int, float], ...]
    audience_max: float
    track_record: float
    load: float
    fairness: float
    _most: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_most", tuple(most for most, _ in self.audience_steps))

    @property
    def history_max(self) -> float:
        """The most track record, load and fairness can add for anyone."""
        return _upper(self.track_record, 0.0, 1.0) + _upper(self.load, 0.0, 1.0) + self.fairness

    def value(self, c: Profile) -> float:
        """The bound for ``c``. (Computed for many candidates: written for speed.)"""
        region = self.region_else
        for codes, value in self.region_tiers:
            if not codes.isdisjoint(c.regions):
                region = value
                break
        fits, total = False, 0
        for platform, followers in c.channels:
            if not self.platforms or platform in self.platforms:
                fits = True
                if followers > 0:
                    total += followers
        step = bisect_left(self._most, total)
        audience = self.audience_steps[step][1] if step < len(self._most) else self.audience_max
        on_time = max(0, min(c.published_on_time, c.accepted_due))
        return (
            self.topic_each * len(self.sectors.intersection(c.topics))
            + region
            + self.language_each * len(self.languages.intersection(c.languages))
            + (self.channel_fit if fits else self.channel_none)
            + audience
            + self.track_record * (on_time + 1) / (max(0, c.accepted_due) + 2)
            + self.load / (1 + max(0, c.open_load))
            + self.fairness
        )


def _upper(weight: float, low: float, high: float) -> float:
    """The most ``weight × x`` can be for x in [low, high] (weights may be negative)."""
    return max(weight * low, weight * high)


def profile_bound(request: RequestFacts, weights: MatchWeights) -> ProfileBound:
    """The bound matching ``_components`` for this request and these weights."""
    w = weights
    local = request.regions - {NATIONWIDE}
    tiers: list[tuple[frozenset[str], float]] = []
    if local:
        tiers.append((frozenset(local), w.region * 1.0))
    tiers.append((frozenset({NATIONWIDE}), w.region * 0.8))
    # Audience: totals up to ``most`` fit at most _audience_fit(most); above the last
    # step, at most 1.0. With a negative weight the bound is the step's lowest total.
    steps: list[tuple[int, float]] = [(0, 0.0)]
    for k in range(1, _AUDIENCE_STEPS):
        most = round(10 ** (_AUDIENCE_FULL_LOG10 * k / _AUDIENCE_STEPS))
        if most <= steps[-1][0]:
            continue
        lowest = steps[-1][0] + 1
        steps.append((most, _upper(w.audience, _audience_level(lowest), _audience_level(most))))
    lowest_above = _audience_level(steps[-1][0] + 1)
    return ProfileBound(
        sectors=request.sectors,
        topic_each=w.topic / len(request.sectors) if request.sectors else 0.0,
        region_tiers=tuple(tiers),
        region_else=w.region * (0.5 if NATIONWIDE in request.regions else 0.0),
        languages=request.languages,
        language_each=w.language / len(request.languages) if request.languages else 0.0,
        platforms=request.platforms,
        channel_fit=w.platform,
        channel_none=w.platform * (0.0 if request.platforms else 1.0),
        audience_steps=tuple(steps),
        audience_max=_upper(w.audience, lowest_above, 1.0),
        track_record=w.track_record,
        load=w.load,
        fairness=_upper(-w.recent_offers, 0.0, 1.0) + _upper(-w.same_startup, 0.0, 1.0),
    )


def top_is_final(ranked: Sequence[Scored], limit: int, next_bound: float | None) -> bool:
    """Whether ``ranked`` (exact, best first) already holds the top ``limit`` of all
    candidates, when everyone not yet scored has a bound of at most ``next_bound``
    (None: nobody is left)."""
    if next_bound is None:
        return True
    if len(ranked) < limit:
        return False
    return next_bound + _BOUND_SLACK < ranked[limit - 1].score


#: Who holds any of some codes among their topics, regions or platforms.
Holding = Callable[[str, Iterable[str]], Set[int]]
#: One value of a class dimension: its best contribution to the bound, who has it
#: (None: anyone in the pool), and who does not (those holding an earlier value).
_Part = tuple[float, Set[int] | None, tuple[Set[int], ...]]


class BoundedOrder:
    """The candidates of ``pool`` by decreasing ``ProfileBound``, a few at a time.

    Candidates fall in classes by how many of the sectors they cover, their region
    tier and (with preferred platforms) whether a channel fits; a class's best
    possible bound follows from those. Classes are opened best first, and a
    candidate's own bound is computed only when its class is opened, so the
    thousands that cannot come near the top are never looked at one by one. A class
    is a few set operations on who holds which code, done when it is opened.
    """

    def __init__(
        self,
        bound: ProfileBound,
        pool: Set[int],
        holding: Holding,
        profile: Callable[[int], Profile],
    ) -> None:
        self._bound = bound
        self._profile = profile
        self._pool = pool
        # Each dimension: (value, who is in, who is out); "in" None: the whole pool.
        covered: dict[int, int] = {}
        for sector in bound.sectors:
            for amb_id in holding("topics", (sector,)) & pool:
                covered[amb_id] = covered.get(amb_id, 0) + 1
        groups: dict[int, set[int]] = {}
        for amb_id, n in covered.items():
            groups.setdefault(n, set()).add(amb_id)
        topics: list[_Part] = [(n * bound.topic_each, members, ()) for n, members in groups.items()]
        topics.append((0.0, None, (covered.keys(),)))
        regions: list[_Part] = []
        earlier: list[Set[int]] = []
        for codes, value in bound.region_tiers:
            members = holding("regions", codes)
            regions.append((value, members, tuple(earlier)))
            earlier.append(members)
        regions.append((bound.region_else, None, tuple(earlier)))
        silent = next((v for most, v in bound.audience_steps if most >= 0), bound.audience_max)
        loudest = max([v for _, v in bound.audience_steps] + [bound.audience_max])
        channels: list[_Part] = [
            (max(bound.channel_fit + loudest, bound.channel_none + silent), None, ())
        ]
        if bound.platforms:
            fit = holding("platforms", bound.platforms)
            channels = [
                (bound.channel_fit + loudest, fit, ()),
                (bound.channel_none + silent, None, (fit,)),
            ]
        rest = max(0.0, bound.language_each * len(bound.languages)) + bound.history_max
        classes = [
            (a[0] + b[0] + c[0] + rest, (a, b, c))
            for a in topics
            for b in regions
            for c in channels
        ]
        classes.sort(key=lambda c: -c[0])
        self._classes = classes
        self._opened = 0
        self._heap: list[tuple[float, int]] = []

    def _members(self, parts: tuple[_Part, ...]) -> Set[int]:
        included = sorted((p[1] for p in parts if p[1] is not None), key=len)
        members: Set[int] = self._pool
        if included:
            members = included[0] & self._pool
            for other in included[1:]:
                members = members & other
        for part in parts:
            for out in part[2]:
                members = members - out
        return members

    def _open_next(self) -> None:
        _, parts = self._classes[self._opened]
        self._opened += 1
        heap, bound, profile = self._heap, self._bound, self._profile
        for amb_id in self._members(parts):
            heapq.heappush(heap, (-bound.value(profile(amb_id)), amb_id))

    def _next_class(self) -> float | None:
        return self._classes[self._opened][0] if self._opened < len(self._classes) else None

    def take(self, n: int) -> list[tuple[float, int]]:
        """The next ``n`` candidates (bound, id), best bound first (fewer at the end)."""
        out: list[tuple[float, int]] = []
        while len(out) < n:
            best_class = self._next_class()
            if self._heap and (best_class is None or -self._heap[0][0] >= best_class):
                value, amb_id = heapq.heappop(self._heap)
                out.append((-value, amb_id))
            elif best_class is None:
                break
            else:
                self._open_next()
        return out

    @property
    def rest(self) -> float | None:
        """The highest bound anyone not yet taken could have (None: nobody is left)."""
        found = [-self._heap[0][0]] if self._heap else []
        best_class = self._next_class()
        if best_class is not None:
            found.append(best_class)
        return max(found) if found else None
