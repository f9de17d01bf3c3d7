"""Taxonomy data file and lookup API."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import reference
from bot.reference import (
    KINDS,
    Item,
    Platform,
    codes,
    is_valid,
    label,
    platform_for_host,
    taxonomy,
)

EXPECTED_CODES = {
    "needs": (
        "funding",
        "partners",
        "market",
        "policy",
        "tech_transfer",
        "talent",
        "media",
    ),
    "sectors": (
        "agritech",
        "fintech",
        "edtech",
        "healthtech",
        "ecommerce",
        "logistics",
        "cleantech",
        "smartcity",
        "tourism",
        "manufacturing",
        "ai_data",
        "media_entertainment",
        "social_impact",
        "other",
    ),
    "stages": ("idea", "mvp", "seed", "series_a", "growth"),
    "platforms": (
        "facebook",
        "youtube",
        "tiktok",
        "zalo_oa",
        "instagram",
        "linkedin",
        "x",
        "threads",
        "press",
        "tv",
        "radio_podcast",
        "blog",
        "other",
    ),
    "languages": ("vi", "en", "other"),
    # issue #3: who a story is for
    "audiences": ("investors", "customers", "partners", "government", "public"),
}

VIETNAMESE_MARKS = re.compile(r"[à-ỹđĐÀ-Ỹ]")


@pytest.mark.parametrize("kind", KINDS)
def test_codes_are_exactly_the_documented_ones(kind: str) -> None:
    assert codes(kind) == EXPECTED_CODES[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_codes_are_stable_lowercase_identifiers(kind: str) -> None:
    for code in codes(kind):
        assert re.fullmatch(r"[a-z][a-z0-9_]*", code), code


@pytest.mark.parametrize("kind", KINDS)
def test_every_item_has_labels_in_both_languages(kind: str) -> None:
    for item in taxonomy().items(kind):
        assert item.vi.strip() == item.vi and item.vi
        assert item.en.strip() == item.en and item.en
        assert label(kind, item.code, "vi") == item.vi
        assert label(kind, item.code, "en") == item.en


def test_vietnamese_labels_carry_diacritics_where_they_are_vietnamese_words() -> None:
    # Brand names (Facebook, TikTok…) are the same in both languages; everything that
    # differs from the English label is a Vietnamese phrase and must be accented.
    for kind in ("needs", "sectors", "stages", "languages"):
        for item in taxonomy().items(kind):
            if item.vi != item.en:
                assert VIETNAMESE_MARKS.search(item.vi), (kind, item.code, item.vi)


def test_label_falls_back_to_vietnamese() -> None:
    assert label("needs", "funding", "fr") == "Gọi vốn, đầu tư"
    assert label("needs", "funding", None) == "Gọi vốn, đầu tư"
    assert label("needs", "funding", "en") == "Funding & investment"
    assert taxonomy().stages[0].label("ko") == taxonomy().stages[0].vi


def test_label_of_unknown_code_is_the_code_itself() -> None:
    assert label("sectors", "retired_sector", "vi") == "retired_sector"


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        codes("colours")
    with pytest.raises(KeyError):
        label("colours", "red", "vi")


def test_singular_kind_names_are_accepted() -> None:
    assert codes("sector") == codes("sectors")
    assert is_valid("platform", "zalo_oa")
    assert label("stage", "series_a", "en") == "Series A+"


def test_is_valid() -> None:
    assert is_valid("needs", "tech_transfer")
    assert not is_valid("needs", "Tech_Transfer")
    assert not is_valid("needs", "")
    assert not is_valid("stages", "funding")


def test_taxonomy_is_loaded_once_and_frozen() -> None:
    tx = taxonomy()
    assert taxonomy() is tx
    assert isinstance(tx.needs, tuple)
    assert all(isinstance(p, Platform) for p in tx.platforms)
    assert all(isinstance(i, Item) for i in tx.sectors)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tx.needs[0].vi = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        tx.needs = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("facebook.com", "facebook"),
        ("www.facebook.com", "facebook"),
        ("m.facebook.com", "facebook"),
        ("fb.com", "facebook"),
        ("fb.watch", "facebook"),
        ("WWW.FACEBOOK.COM.", "facebook"),
        ("facebook.com:443", "facebook"),
        ("youtube.com", "youtube"),
        ("m.youtube.com", "youtube"),
        ("youtu.be", "youtube"),
        ("tiktok.com", "tiktok"),
        ("vt.tiktok.com", "tiktok"),
        ("zalo.me", "zalo_oa"),
        ("oa.zalo.me", "zalo_oa"),
        ("instagram.com", "instagram"),
        ("linkedin.com", "linkedin"),
        ("vn.linkedin.com", "linkedin"),
        ("x.com", "x"),
        ("twitter.com", "x"),
        ("mobile.twitter.com", "x"),
        ("threads.net", "threads"),
        ("threads.com", "threads"),
        ("www.threads.com", "threads"),
        ("notfacebook.com", None),
        ("facebook.com.evil.vn", None),
        ("ox.com", None),
        ("vnexpress.net", None),
        ("", None),
        ("[::1]", None),
    ],
)
def test_platform_for_host(host: str, expected: str | None) -> None:
    assert platform_for_host(host) == expected


def test_platform_metadata_is_consistent() -> None:
    seen: dict[str, str] = {}
    for p in taxonomy().platforms:
        for host in p.hosts:
            assert host == host.lower()
            assert host not in seen, f"{host} claimed by {seen.get(host)} and {p.code}"
            seen[host] = p.code
        if p.canonical_host:
            assert p.owns_host(p.canonical_host)
        for alias in p.host_aliases:
            assert p.owns_host(alias), (p.code, alias)
        assert (p.handle_url is None) == (p.handle_pattern is None)
        if p.handle_url:
            assert "{handle}" in p.handle_url
            assert p.handle_url.startswith("https://")


def test_social_platforms_require_a_profile_url_and_broadcast_media_do_not() -> None:
    required = {p.code for p in taxonomy().platforms if p.profile_url_required}
    assert {"facebook", "youtube", "tiktok", "zalo_oa", "instagram", "linkedin"} <= required
    assert {"x", "threads", "blog"} <= required
    assert not {"press", "tv", "radio_podcast", "other"} & required
    # Platforms with a profile URL but no known host accept any site.
    assert reference.platform("press") is not None
    assert reference.platform("press").hosts == ()  # type: ignore[union-attr]
    assert reference.platform("nope") is None


_HOSTED = [(p.code, h) for p in taxonomy().platforms for h in p.hosts]


@settings(max_examples=100, deadline=None)
@given(
    pair=st.sampled_from(_HOSTED),
    sub=st.lists(st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True), max_size=2),
)
def test_any_subdomain_of_a_platform_host_belongs_to_it(
    pair: tuple[str, str], sub: list[str]
) -> None:
    code, host = pair
    assert platform_for_host(".".join([*sub, host])) == code
