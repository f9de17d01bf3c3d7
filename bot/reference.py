"""Translated reference taxonomies (needs, sectors, stages, platforms, languages,
audiences).

The codes are stored in the database and in callback data, so they never change;
labels live in ``bot/data/taxonomy.json`` so wording can be fixed without a
migration. Loaded once and kept in frozen dataclasses so callers cannot mutate
shared state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Kind = Literal["needs", "sectors", "stages", "platforms", "languages", "audiences"]

KINDS: tuple[Kind, ...] = ("needs", "sectors", "stages", "platforms", "languages", "audiences")

# Singular spellings are accepted too, because call sites read naturally either way
# (``label("sector", code, lang)``).
_KIND_ALIASES: dict[str, Kind] = {
    **{k: k for k in KINDS},
    "need": "needs",
    "sector": "sectors",
    "stage": "stages",
    "platform": "platforms",
    "language": "languages",
    "audience": "audiences",
}


@dataclass(frozen=True, slots=True)
class Item:
    """One taxonomy entry: a stable code plus its Vietnamese and English labels."""

    code: str
    vi: str
    en: str

    def label(self, lang: str | None) -> str:
        """Label in ``lang``; anything but English falls back to Vietnamese (the default)."""
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True, slots=True)
class Platform(Item):
    """A publishing platform, with what is needed to recognise and canonicalise its URLs.

    ``hosts`` are registrable domains: a URL host equal to one of them, or a subdomain
    of one, belongs to the platform. ``host_aliases`` are rewritten to
    ``canonical_host`` so the same profile is stored once. ``handle_url`` (with
    ``{handle}``) turns an ``@handle`` into a profile URL when the platform has one.
    """

    hosts: tuple[str, ...] = ()
    canonical_host: str | None = None
    host_aliases: tuple[str, ...] = ()
    profile_url_required: bool = False
    handle_url: str | None = None
    handle_pattern: str | None = None

    def owns_host(self, host: str) -> bool:
        """Whether ``host`` (lowercase, no port) is one of this platform's hosts."""
        return any(host == h or host.endswith("." + h) for h in self.hosts)

    def canonical(self, host: str) -> str:
        """The canonical spelling of ``host`` (mobile/www/legacy variants unified)."""
        if self.canonical_host and host in self.host_aliases:
            return self.canonical_host
        return host


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """All taxonomies, each a tuple in display order."""

    needs: tuple[Item, ...]
    sectors: tuple[Item, ...]
    stages: tuple[Item, ...]
    platforms: tuple[Platform, ...]
    languages: tuple[Item, ...]
    #: Who a story is for (story requests).
    audiences: tuple[Item, ...]

    def items(self, kind: str) -> tuple[Item, ...]:
        """Entries of one kind (plural or singular name); KeyError for an unknown kind."""
        items: tuple[Item, ...] = getattr(self, _kind(kind))
        return items


def _kind(kind: str) -> Kind:
    try:
        return _KIND_ALIASES[kind]
    except KeyError:
        raise KeyError(f"unknown taxonomy kind: {kind!r}") from None


def _item(raw: dict[str, Any]) -> Item:
    return Item(code=raw["code"], vi=raw["vi"], en=raw["en"])


def _platform(raw: dict[str, Any]) -> Platform:
    return Platform(
        code=raw["code"],
        vi=raw["vi"],
        en=raw["en"],
        hosts=tuple(h.lower() for h in raw.get("hosts", ())),
        canonical_host=raw.get("canonical_host"),
        host_aliases=tuple(h.lower() for h in raw.get("host_aliases", ())),
        profile_url_required=raw.get("profile_url", "optional") == "required",
        handle_url=raw.get("handle_url"),
        handle_pattern=raw.get("handle_pattern"),
    )


@cache
def taxonomy() -> Taxonomy:
    """Load ``bot/data/taxonomy.json`` once; later calls return the same object."""
    text = resources.files("bot").joinpath("data/taxonomy.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    return Taxonomy(
        needs=tuple(_item(r) for r in raw["needs"]),
        sectors=tuple(_item(r) for r in raw["sectors"]),
        stages=tuple(_item(r) for r in raw["stages"]),
        platforms=tuple(_platform(r) for r in raw["platforms"]),
        languages=tuple(_item(r) for r in raw["languages"]),
        audiences=tuple(_item(r) for r in raw["audiences"]),
    )


@cache
def _by_code(kind: Kind) -> dict[str, Item]:
    return {item.code: item for item in taxonomy().items(kind)}


def codes(kind: str) -> tuple[str, ...]:
    """Codes of one kind in display order (for keyboards and validation)."""
    return tuple(_by_code(_kind(kind)))


def is_valid(kind: str, code: str) -> bool:
    """Whether ``code`` is a known code of ``kind`` (e.g. to check callback data)."""
    return code in _by_code(_kind(kind))


def get(kind: str, code: str) -> Item | None:
    """The entry for ``code``, or None when it is unknown."""
    return _by_code(_kind(kind)).get(code)


def label(kind: str, code: str, lang: str | None) -> str:
    """Human label of ``code`` in ``lang`` (Vietnamese unless ``lang`` is "en").

    An unknown code (e.g. one retired from the data file but still in old rows) is
    shown as the code itself rather than breaking a message.
    """
    item = get(kind, code)
    return item.label(lang) if item else code


def labels(kind: str, codes: Iterable[str], lang: str | None) -> str:
    """Labels of several codes, comma-separated, in order."""
    return ", ".join(label(kind, code, lang) for code in codes)


def platform(code: str) -> Platform | None:
    """The platform entry for ``code``, or None."""
    item = get("platforms", code)
    return item if isinstance(item, Platform) else None


def platform_for_host(host: str) -> str | None:
    """Code of the platform whose URLs live on ``host`` (subdomains included), or None.

    Accepts a bare host, optionally with a port or trailing dot, in any case.
    """
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") or not host:
        return None
    host = host.rsplit(":", 1)[0] if ":" in host else host
    for p in taxonomy().platforms:
        if p.owns_host(host):
            return p.code
    return None
