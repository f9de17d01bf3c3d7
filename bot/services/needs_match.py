"""Needs from a startup's own words, without a model: a keyword match.

Vietnamese with or without diacritics ("vốn" and "von" alike: both sides are folded
by ``bot.provinces.fold``) and English. A keyword matches whole words; one ending in
``*`` matches words starting with it ("invest*": invest, investor, investment).
Where the words without diacritics are ambiguous ("quy": quỹ or quy định; "tuyen":
tuyển or tuyến), the keyword is a phrase, or starts with ``=`` and then matches
only as written, with its diacritics. The result is codes of the needs taxonomy in
its display order.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from bot.provinces import fold
from bot.reference import codes

KEYWORDS: dict[str, tuple[str, ...]] = {
    "funding": (
        "vốn",
        "gọi vốn",
        "đầu tư",
        "nhà đầu tư",
        "tài trợ",
        "=quỹ",
        "quỹ đầu tư",
        "=vay",
        "vay vốn",
        "tài chính",
        "invest*",
        "fund*",
        "capital",
        "seed",
        "series a",
        "grant*",
        "loan*",
        "financ*",
    ),
    "partners": (
        "đối tác",
        "hợp tác",
        "liên kết",
        "liên doanh",
        "partner*",
        "collaborat*",
        "joint venture",
        "alliance*",
    ),
    "market": (
        "khách hàng",
        "thị trường",
        "bán hàng",
        "doanh số",
        "phân phối",
        "đầu ra",
        "xuất khẩu",
        "market",
        "markets",
        "market access",
        "customer*",
        "client*",
        "sales",
        "distribut*",
        "export*",
        "buyer*",
    ),
    "policy": (
        "chính sách",
        "pháp lý",
        "pháp luật",
        "giấy phép",
        "cấp phép",
        "quy định",
        "thủ tục",
        "luật",
        "=thuế",
        "polic*",
        "regulat*",
        "licen*",
        "legal*",
        "permit*",
        "sandbox",
        "compliance",
        "tax*",
    ),
    "tech_transfer": (
        "chuyển giao",
        "chuyển giao công nghệ",
        "sáng chế",
        "bằng sáng chế",
        "nghiên cứu",
        "viện nghiên cứu",
        "patent*",
        "technology transfer",
        "tech transfer",
        "research*",
        "licensing technology",
    ),
    "talent": (
        "=tuyển",
        "tuyển dụng",
        "tuyển người",
        "nhân sự",
        "nhân lực",
        "nhân tài",
        "nhân viên",
        "kỹ sư",
        "lập trình viên",
        "hire",
        "hiring",
        "recruit*",
        "talent*",
        "staff*",
        "engineer*",
        "developer*",
        "team member*",
    ),
    "media": (
        "truyền thông",
        "báo chí",
        "nhà báo",
        "quảng bá",
        "quảng cáo",
        "nhận diện",
        "thương hiệu",
        "truyền hình",
        "mạng xã hội",
        "media",
        "press",
        "pr",
        "marketing",
        "brand*",
        "visibility",
        "journalist*",
        "publicity",
        "awareness",
    ),
}


_NON_WORD = re.compile(r"[\W_]+")


def _exact(text: str) -> str:
    """Lowercase NFC words, diacritics kept, separated by one space."""
    return " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFC", text).casefold()).split())


def _pattern(keyword: str) -> str:
    prefix = keyword.endswith("*")
    keyword = keyword.rstrip("*")
    words = (_exact(keyword[1:]) if keyword.startswith("=") else fold(keyword)).split()
    body = r"\s+".join(re.escape(w) for w in words)
    return rf"\b{body}\w*\b" if prefix else rf"\b{body}\b"


@cache
def _patterns() -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    """Per code: the pattern on folded text, and the one on text with diacritics."""
    found: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
    for code, words in KEYWORDS.items():
        folded = [_pattern(k) for k in words if not k.startswith("=")]
        exact = [_pattern(k) for k in words if k.startswith("=")]
        found[code] = (
            re.compile("|".join(folded)) if folded else None,
            re.compile("|".join(exact)) if exact else None,
        )
    return found


def match_needs(text: str) -> list[str]:
    """Codes of the needs ``text`` names, in the taxonomy's order (empty when none)."""
    folded, exact = fold(text), _exact(text)
    if not folded:
        return []
    patterns = _patterns()
    matched: list[str] = []
    for code in codes("needs"):
        on_folded, on_exact = patterns.get(code, (None, None))
        if (on_folded is not None and on_folded.search(folded)) or (
            on_exact is not None and on_exact.search(exact)
        ):
            matched.append(code)
    return matched
