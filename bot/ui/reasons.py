"""Matching reasons as a line of text, in the reader's language.

Offers store their reasons as ``[code, [args...]]`` (``bot/services/matching.py``),
so the same offer reads "cùng lĩnh vực: Agritech; ở Cần Thơ; 12k người theo dõi
trên TikTok" for one organizer and "same sector: Agritech; covers Cần Thơ; 12k
followers on TikTok" for another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.i18n import Html
from bot.provinces import region_label
from bot.reference import label, labels
from bot.ui.cards import T

#: Reason code -> i18n key (literal keys so the catalog check sees them).
REASON_KEYS = {
    "sector": "match.reason.sector",
    "region": "match.reason.region",
    "nationwide": "match.reason.nationwide",
    "language": "match.reason.language",
    "platform": "match.reason.platform",
    "audience": "match.reason.audience",
    "track_record": "match.reason.track_record",
    "free": "match.reason.free",
}


def compact_number(value: int) -> str:
    """12000 -> "12k", 1500000 -> "1.5M" (audiences read at a glance)."""
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if value >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return str(value)


def _params(code: str, args: Sequence[str], lang: str) -> dict[str, str]:
    if code == "sector":
        return {"sectors": labels("sectors", args, lang)}
    if code == "region":
        return {"region": region_label(args[0], lang)}
    if code == "language":
        return {"languages": labels("languages", args, lang)}
    if code == "platform":
        return {"platforms": labels("platforms", args, lang)}
    if code == "audience":
        return {
            "count": compact_number(int(args[0])),
            "platform": label("platforms", args[1], lang),
        }
    if code == "track_record":
        return {"on_time": args[0], "total": args[1]}
    return {}


def render_reasons(reasons: Iterable[tuple[str, Sequence[str]]], t: T, lang: str) -> Html:
    """``(("sector", ("agritech",)), ...)`` -> "same sector: Agritech; ..." (escaped).

    Unknown codes or malformed arguments (from another version, say) are left out
    rather than shown raw or failing the whole card.
    """
    parts = []
    for code, args in reasons:
        key = REASON_KEYS.get(code)
        if key is None:
            continue
        try:
            params = _params(code, [str(a) for a in args], lang)
        except (ValueError, IndexError):  # stored by another version: leave it out
            continue
        parts.append(t(key, **params))
    return Html("; ".join(parts))
