"""MessageEntity helpers: UTF-16 offsets, trimming, and Telegram's automatic entity detection.

Telegram measures entity offsets in UTF-16 code units, so every conversion between Python
string indices and offsets goes through here.
"""

from __future__ import annotations

import re
from typing import Any

from sandbox.errors import bad_request

ENTITY_TYPES = frozenset(
    {
        "mention",
        "hashtag",
        "cashtag",
        "bot_command",
        "url",
        "email",
        "phone_number",
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "blockquote",
        "expandable_blockquote",
        "code",
        "pre",
        "text_link",
        "text_mention",
        "custom_emoji",
        "date_time",
    }
)
# Entities that auto-detection must not overlap (Telegram never nests links inside these).
_OPAQUE = frozenset(
    {
        "code",
        "pre",
        "text_link",
        "text_mention",
        "url",
        "email",
        "mention",
        "hashtag",
        "bot_command",
        "custom_emoji",
    }
)
_SPACE = " \t\r\n\v\f\x00"


def utf16_len(s: str) -> int:
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le")) // 2


def utf16_index(s: str) -> list[int] | None:
    """Prefix table char index -> UTF-16 offset, or None when they coincide (all BMP)."""
    if s.isascii() or all(ord(c) <= 0xFFFF for c in s):
        return None
    table = [0] * (len(s) + 1)
    acc = 0
    for i, c in enumerate(s):
        table[i] = acc
        acc += 2 if ord(c) > 0xFFFF else 1
    table[len(s)] = acc
    return table


def sort_entities(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Trim surrounding whitespace as Telegram does, shifting and clipping entities to match."""
    stripped = text.strip(_SPACE)
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip(_SPACE))])
    total = utf16_len(stripped)
    out = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return stripped, out


def drop_nested_in_code(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Telegram allows no formatting inside code/pre, so anything nested there is removed."""
    blocks = [e for e in entities if e["type"] in ("code", "pre")]
    if not blocks:
        return entities
    out = []
    for e in entities:
        inside = any(
            b is not e
            and not (b["type"] == "code" and e["type"] == "pre")
            and b["offset"] <= e["offset"]
            and e["offset"] + e["length"] <= b["offset"] + b["length"]
            for b in blocks
        )
        if not inside:
            out.append(e)
    return out


def validate_entities(text: str, raw: list[Any]) -> list[dict[str, Any]]:
    """Check an explicit `entities` array the way the Bot API does and keep the known fields."""
    total = utf16_len(text)
    out: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse entities: MessageEntity must be an Object")
        kind = item.get("type")
        offset, length = item.get("offset"), item.get("length")
        if not isinstance(kind, str) or kind not in ENTITY_TYPES:
            raise bad_request(f"can't parse entities: Unsupported entity type {kind!r}")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 0:
            raise bad_request("can't parse entities: wrong entity offset or length")
        if length == 0 or offset >= total:
            continue
        entity: dict[str, Any] = {
            "type": kind,
            "offset": offset,
            "length": min(length, total - offset),
        }
        for key in ("url", "user", "language", "custom_emoji_id"):
            if item.get(key) is not None:
                entity[key] = item[key]
        if kind == "text_link" and not entity.get("url"):
            raise bad_request("can't parse entities: text_link entity must have a url")
        out.append(entity)
    return out


_TLDS = (
    "com|org|net|io|vn|ru|me|dev|app|ai|co|edu|gov|info|uk|us|de|fr|jp|sg|tech|xyz|online|"
    "site|biz|asia"
)
_DETECTORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "email",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"),
    ),
    (
        "url",
        re.compile(
            r"(?<![\w@/.])(?:https?://[^\s<>\"]+|(?:www\.)?(?:[A-Za-z0-9-]+\.)+(?:"
            + _TLDS
            + r")\b(?:[/?#][^\s<>\"]*)?)",
            re.IGNORECASE,
        ),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}\b")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
    ("bot_command", re.compile(r"(?<![^\s])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z][A-Za-z0-9_]{2,31})?")),
)
_URL_TRAILING = ".,;:!?)]}'\""


def detect_entities(text: str, existing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add the entities Telegram finds on its own: commands, mentions, hashtags, URLs, emails."""
    if not any(ch in text for ch in "@#/."):
        return existing
    table = utf16_index(text)
    taken = [(e["offset"], e["offset"] + e["length"]) for e in existing if e["type"] in _OPAQUE]
    found: list[dict[str, Any]] = []
    for kind, pattern in _DETECTORS:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if kind == "url":
                while end > start and text[end - 1] in _URL_TRAILING:
                    end -= 1
            if table is not None:
                start16, end16 = table[start], table[end]
            else:
                start16, end16 = start, end
            if end16 <= start16 or any(s < end16 and start16 < e for s, e in taken):
                continue
            taken.append((start16, end16))
            found.append({"type": kind, "offset": start16, "length": end16 - start16})
    if not found:
        return existing
    return sort_entities(existing + found)
