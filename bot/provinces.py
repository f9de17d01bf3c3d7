"""Vietnam's 34 provincial-level units (since 1 July 2025) and how people type them.

People still write former provinces ("Bình Dương"), cities ("Nha Trang"), English
names and abbreviations ("TPHCM"), with or without diacritics. Everything is
matched on a *folded* form so all of these resolve to one stable code, which is
what the database stores. Data lives in ``bot/data/provinces.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib import resources
from typing import Any, Literal

NATIONWIDE = "nationwide"
"""Region code for "the whole country" (an ambassador's reach); not a province."""

NATIONWIDE_LABELS: dict[str, str] = {"vi": "Toàn quốc", "en": "Nationwide"}

ProvinceKind = Literal["city", "province"]


@dataclass(frozen=True, slots=True)
class Province:
    """A current provincial-level unit; ``former`` lists the units merged into it in 2025."""

    code: str
    vi: str
    en: str
    kind: ProvinceKind
    former: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    def label(self, lang: str | None) -> str:
        """Display name; anything but English falls back to Vietnamese."""
        return self.en if lang == "en" else self.vi


# --------------------------------------------------------------------------- folding

_PREFIXES: tuple[tuple[str, ...], ...] = (
    ("thanh", "pho"),
    ("tinh",),
    ("tp",),
    ("province", "of"),
    ("city", "of"),
    ("province",),
    ("city",),
)
# Only English suffixes: a Vietnamese "tinh" suffix would eat "Hà Tĩnh".
_SUFFIXES: tuple[tuple[str, ...], ...] = (("province",), ("city",))

_NON_WORD = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    """Lowercase, compatibility-decomposed text without combining marks; đ becomes d.

    Casefolding runs both before and after NFKD because each can produce input for
    the other ("İ" folds to i + dot above; "ℌ" decomposes to a capital H).
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold()).casefold()
    decomposed = unicodedata.normalize("NFKD", decomposed)
    without = "".join(c for c in decomposed if not unicodedata.combining(c))
    return without.replace("đ", "d")


def fold(text: str) -> str:
    """Matching key: lowercase, no diacritics (đ→d), words separated by one space.

    Administrative prefixes ("tỉnh", "thành phố", "TP.") and English "province"/"city"
    are dropped, so "TP. Hồ Chí Minh", "tp ho chi minh" and "HỒ CHÍ MINH" fold alike.
    """
    words = _NON_WORD.sub(" ", _strip_marks(text)).split()
    changed = True
    while changed and words:
        changed = False
        for prefix in _PREFIXES:
            n = len(prefix)
            if len(words) > n and tuple(words[:n]) == prefix:
                words = words[n:]
                changed = True
        for suffix in _SUFFIXES:
            n = len(suffix)
            if len(words) > n and tuple(words[-n:]) == suffix:
                words = words[:-n]
                changed = True
    return " ".join(words)


def _compact(key: str) -> str:
    return key.replace(" ", "")


# ----------------------------------------------------------------- Vietnamese order

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# Breve, circumflex and horn make distinct letters (ă, â, ê, ô, ơ, ư), not accents.
_SHAPE_MARKS = frozenset("\u0306\u0302\u031b")
# Dictionary tone order: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vi_sort_key(text: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """Sort key following the Vietnamese alphabet (a < ă < â … d < đ …), tones second.

    Plain code-point or diacritic-stripped order puts "Đ" and "Â" in the wrong place
    for Vietnamese readers.
    """
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", text.casefold()):
        if ch in _SHAPE_MARKS and letters and letters[-1] >= 100:
            combined = unicodedata.normalize("NFC", _ALPHABET[letters[-1] - 100] + ch)
            if combined in _LETTER_RANK:
                letters[-1] = 100 + _LETTER_RANK[combined]
            continue
        if ch in _TONE_RANK:
            if tones:
                tones[-1] = _TONE_RANK[ch]
            continue
        if unicodedata.combining(ch):
            continue
        if ch in _LETTER_RANK:
            letters.append(100 + _LETTER_RANK[ch])
        elif ch.isspace():
            letters.append(0)
        elif ch.isdigit():
            letters.append(10 + int(ch) if ch.isascii() else 50)
        else:
            letters.append(1000 + ord(ch))
        tones.append(0)
    return tuple(letters), tuple(tones), text


# -------------------------------------------------------------------------- loading


@dataclass(frozen=True, slots=True)
class _Registry:
    ordered: tuple[Province, ...]
    by_code: dict[str, Province]
    index: dict[str, Province]
    ambiguous: dict[str, tuple[Province, ...]]


def _province(raw: dict[str, Any]) -> Province:
    return Province(
        code=raw["code"],
        vi=raw["vi"],
        en=raw["en"],
        kind=raw["kind"],
        former=tuple(raw.get("former", ())),
        aliases=tuple(raw.get("aliases", ())),
    )


def _names(p: Province) -> tuple[str, ...]:
    return (p.code, p.vi, p.en, *p.former, *p.aliases)


@cache
def _registry() -> _Registry:
    text = resources.files("bot").joinpath("data/provinces.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    provinces = [_province(r) for r in raw["provinces"]]
    by_code = {p.code: p for p in provinces}
    if len(by_code) != len(provinces):
        raise ValueError("duplicate province code in provinces.json")

    index: dict[str, Province] = {}
    for p in provinces:
        for name in _names(p):
            key = fold(name)
            for k in {key, _compact(key)}:
                other = index.setdefault(k, p)
                if other is not p:
                    raise ValueError(f"{name!r} folds to {k!r}, already used by {other.code}")

    ambiguous: dict[str, tuple[Province, ...]] = {}
    for name, codes in raw.get("ambiguous", {}).items():
        key = fold(name)
        if key in index:
            raise ValueError(f"ambiguous alias {name!r} also resolves to {index[key].code}")
        ambiguous[key] = tuple(by_code[c] for c in codes)

    cities = [p for p in provinces if p.kind == "city"]
    others = sorted((p for p in provinces if p.kind != "city"), key=lambda p: vi_sort_key(p.vi))
    return _Registry(ordered=(*cities, *others), by_code=by_code, index=index, ambiguous=ambiguous)


# ------------------------------------------------------------------------ public API


def all_provinces() -> tuple[Province, ...]:
    """All 34 units for display: the 6 cities first, then provinces in Vietnamese order."""
    return _registry().ordered


def get_province(code: str) -> Province | None:
    """The unit with this stable code, or None."""
    return _registry().by_code.get(code)


def resolve_province(text: str) -> Province | None:
    """Exact match on a current name, former name, alias or code (folded); else None.

    Ambiguous abbreviations ("ĐN": Đà Nẵng or Đồng Nai?) deliberately resolve to None;
    ``suggest_provinces`` offers their candidates.
    """
    key = fold(text)
    if not key:
        return None
    index = _registry().index
    return index.get(key) or index.get(_compact(key))


def suggest_provinces(text: str, limit: int = 3) -> list[Province]:
    """Best guesses for "did you mean …?", most likely first (empty when nothing is close)."""
    if limit <= 0:
        return []
    key = fold(text)
    if not key:
        return []
    exact = resolve_province(text)
    if exact is not None:
        return [exact]
    reg = _registry()
    if key in reg.ambiguous:
        return list(reg.ambiguous[key][:limit])

    compact = _compact(key)
    best: dict[str, float] = {}
    for candidate, province in reg.index.items():
        probe = compact if " " not in candidate else key
        score = SequenceMatcher(None, probe, candidate).ratio()
        if len(key) >= 3 and candidate.startswith(key):
            score = max(score, 0.9)
        if score > best.get(province.code, 0.0):
            best[province.code] = score
    order = {p.code: i for i, p in enumerate(reg.ordered)}
    ranked = sorted(
        (code for code, score in best.items() if score >= 0.6),
        key=lambda code: (-best[code], order[code]),
    )
    return [reg.by_code[code] for code in ranked[:limit]]


def pre_2025_units() -> dict[str, Province]:
    """Each of the 63 pre-July-2025 provincial units (Vietnamese name) → its current unit."""
    result: dict[str, Province] = {}
    for p in _registry().ordered:
        result[p.vi] = p
        for name in p.former:
            result[name] = p
    return result


_NATIONWIDE_KEYS = frozenset(
    _compact(fold(s))
    for s in (
        NATIONWIDE,
        "Toàn quốc",
        "Cả nước",
        "Toàn Việt Nam",
        "Việt Nam",
        "Vietnam",
        "All",
        "Whole country",
        "All provinces",
    )
)


def resolve_region(text: str) -> str | None:
    """A province code, ``NATIONWIDE`` for "toàn quốc"/"cả nước"/…, or None."""
    if _compact(fold(text)) in _NATIONWIDE_KEYS:
        return NATIONWIDE
    province = resolve_province(text)
    return province.code if province else None


def is_region(code: str) -> bool:
    """Whether ``code`` is a province code or ``NATIONWIDE`` (e.g. for callback data)."""
    return code == NATIONWIDE or code in _registry().by_code


def region_label(code: str, lang: str | None) -> str:
    """Label for a province code or ``NATIONWIDE``; an unknown code is shown as itself."""
    if code == NATIONWIDE:
        return NATIONWIDE_LABELS["en" if lang == "en" else "vi"]
    province = get_province(code)
    return province.label(lang) if province else code
