"""Matching: eligibility, each score component, fairness, reasons, deterministic order."""

from __future__ import annotations

import itertools
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from bot.provinces import NATIONWIDE
from bot.services.matching import (
    Candidate,
    ChannelFacts,
    MatchWeights,
    RequestFacts,
    is_eligible,
    points,
    rank,
    score,
)

REQ = RequestFacts(
    sectors=frozenset({"agritech"}),
    regions=frozenset({"can_tho", NATIONWIDE}),
    languages=frozenset({"vi"}),
)


def amb(ambassador_id: int, **kw: object) -> Candidate:
    base: dict[str, object] = {
        "ambassador_id": ambassador_id,
        "topics": frozenset({"agritech"}),
        "regions": frozenset({"can_tho"}),
        "languages": frozenset({"vi"}),
        "channels": (ChannelFacts("tiktok", 12_000),),
    }
    base.update(kw)
    return Candidate(**base)  # type: ignore[arg-type]


def test_ineligible_candidates_are_left_out() -> None:
    request = replace(REQ, already_offered=frozenset({5}))
    pool = [
        amb(1),
        amb(2, paused=True),
        amb(3, capacity_left=0),
        amb(4, approved=False),
        amb(5),
        amb(6, languages=frozenset({"en"})),
    ]
    assert [s.ambassador_id for s in rank(request, pool)] == [1]
    assert not is_eligible(request, amb(6, languages=frozenset({"en"})))


def test_sector_region_and_audience_raise_the_score() -> None:
    best = amb(1)
    other_sector = amb(2, topics=frozenset({"fintech"}))
    elsewhere = amb(3, regions=frozenset({"ha_noi"}))
    small = amb(4, channels=(ChannelFacts("tiktok", 100),))
    ranked = [s.ambassador_id for s in rank(REQ, [small, elsewhere, other_sector, best])]
    assert ranked[0] == 1
    assert set(ranked[1:]) == {2, 3, 4}


def test_nationwide_counts_but_local_counts_more() -> None:
    local = score(REQ, amb(1), MatchWeights())
    nationwide = score(REQ, amb(2, regions=frozenset({NATIONWIDE})), MatchWeights())
    far = score(
        replace(REQ, regions=frozenset({"can_tho"})),
        amb(3, regions=frozenset({"ha_noi"})),
        MatchWeights(),
    )
    assert local.score > nationwide.score > far.score


def test_audience_has_diminishing_returns() -> None:
    w = MatchWeights(topic=0, region=0, language=0, platform=0, track_record=0, load=0)

    def points(audience: int) -> float:
        return score(REQ, amb(1, channels=(ChannelFacts("tiktok", audience),)), w).score

    assert points(0) == 0
    assert points(1_000) < points(10_000) < points(1_000_000)
    # each follower adds less the bigger the audience already is
    per_follower_small = (points(10_000) - points(1_000)) / 9_000
    per_follower_big = (points(1_000_000) - points(100_000)) / 900_000
    assert per_follower_small > 50 * per_follower_big
    assert points(10_000_000) == points(1_000_000) == w.audience


def test_preferred_platforms_count_only_fitting_channels() -> None:
    request = replace(REQ, platforms=frozenset({"youtube"}))
    tiktoker = amb(1, channels=(ChannelFacts("tiktok", 1_000_000),))
    youtuber = amb(2, channels=(ChannelFacts("youtube", 5_000),))
    assert [s.ambassador_id for s in rank(request, [tiktoker, youtuber])] == [2, 1]


def test_track_record_and_open_load() -> None:
    reliable = amb(1, accepted_due=10, published_on_time=10)
    unreliable = amb(2, accepted_due=10, published_on_time=2)
    newcomer = amb(3)
    busy = amb(4, accepted_due=10, published_on_time=10, open_load=3)
    order = [s.ambassador_id for s in rank(REQ, [unreliable, busy, newcomer, reliable])]
    assert order.index(1) < order.index(3) < order.index(2)
    assert order.index(1) < order.index(4)


def test_fairness_penalizes_recent_offers_and_the_same_startup() -> None:
    fresh = amb(1)
    often_offered = amb(2, recent_offers=6)
    same_startup = amb(3, recent_same_startup=2)
    order = [s.ambassador_id for s in rank(REQ, [same_startup, often_offered, fresh])]
    assert order[0] == 1
    w = MatchWeights()
    assert score(REQ, fresh, w).score - score(REQ, same_startup, w).score == w.same_startup


def test_equal_scores_are_ordered_by_id_and_limit_applies() -> None:
    pool = [amb(i) for i in (9, 3, 7, 1)]
    assert [s.ambassador_id for s in rank(REQ, pool)] == [1, 3, 7, 9]
    assert [s.ambassador_id for s in rank(REQ, pool, limit=2)] == [1, 3]


def test_reasons_name_the_facts_best_first() -> None:
    scored = score(REQ, amb(1), MatchWeights())
    codes = [r.code for r in scored.reasons]
    assert codes[0] == "sector" and scored.reasons[0].args == ("agritech",)
    assert "region" in codes
    assert len(scored.reasons) == 3
    assert all(a.weight >= b.weight for a, b in itertools.pairwise(scored.reasons))
    audience = score(REQ, amb(2), MatchWeights(topic=0, region=0, language=0, load=0))
    assert audience.reasons[0].as_json() == ["audience", ["12000", "tiktok"]]


def test_weights_change_the_order() -> None:
    big_far = amb(1, regions=frozenset({"ha_noi"}), channels=(ChannelFacts("tiktok", 900_000),))
    small_local = amb(2, channels=(ChannelFacts("tiktok", 500),))
    request = replace(REQ, regions=frozenset({"can_tho"}))
    assert rank(request, [big_far, small_local])[0].ambassador_id == 2
    audience_first = MatchWeights(region=0.1, audience=10)
    assert rank(request, [big_far, small_local], audience_first)[0].ambassador_id == 1


codes = st.sampled_from(["agritech", "fintech", "edtech", "healthtech"])
provinces = st.sampled_from(["can_tho", "ha_noi", "hue", NATIONWIDE])
candidates = st.builds(
    Candidate,
    ambassador_id=st.integers(1, 10_000),
    topics=st.frozensets(codes),
    regions=st.frozensets(provinces),
    languages=st.frozensets(st.sampled_from(["vi", "en"]), min_size=1),
    channels=st.lists(
        st.builds(ChannelFacts, st.sampled_from(["tiktok", "youtube"]), st.integers(0, 10**8)),
        max_size=3,
    ).map(tuple),
    capacity_left=st.integers(0, 5),
    paused=st.booleans(),
    accepted_due=st.integers(0, 50),
    published_on_time=st.integers(0, 50),
    open_load=st.integers(0, 10),
    recent_offers=st.integers(0, 30),
    recent_same_startup=st.integers(0, 5),
)


@given(st.lists(candidates, max_size=30, unique_by=lambda c: c.ambassador_id))
def test_ranking_is_a_deterministic_total_order_of_eligible_candidates(
    pool: list[Candidate],
) -> None:
    ranked = rank(REQ, pool)
    assert ranked == rank(REQ, list(reversed(pool)))
    assert {s.ambassador_id for s in ranked} == {
        c.ambassador_id for c in pool if is_eligible(REQ, c)
    }
    keys = [(-s.score, s.ambassador_id) for s in ranked]
    assert keys == sorted(keys)
    w = MatchWeights()
    ceiling = w.topic + w.region + w.language + w.platform + w.audience + w.track_record + w.load
    assert all(-w.recent_offers - w.same_startup <= s.score <= ceiling for s in ranked)
    by_id = {c.ambassador_id: c for c in pool}
    assert all(s.score == points(REQ, by_id[s.ambassador_id], w) for s in ranked)
    assert rank(REQ, pool, limit=3) == ranked[:3]
