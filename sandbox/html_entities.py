"""parse_mode="HTML": a port of the rules TDLib applies, with its error wording.

Errors carry TDLib's text; the caller prefixes "Bad Request: can't parse entities: ".
Byte offsets in errors are UTF-8 offsets into the original text, as Telegram reports them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.entities import utf16_len

_SPACE = frozenset(" \t\r\n\v\f\x00")
_SUPPORTED = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPECIAL = re.compile(r"[<&]")
_NAME_TOKEN = re.compile(r"[A-Za-z0-9.\-]*")
_USER_LINK = re.compile(r"tg://user\?id=(\d+)$", re.IGNORECASE)

UserLookup = Callable[[int], dict[str, Any] | None]


class EntityParseError(ValueError):
    """The text is not valid markup; the message is TDLib's wording."""


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def decode_entity(text: str, i: int) -> tuple[str | None, int]:
    """Decode "&name;" / "&#N;" / "&#xN;" at i. Unknown entities stay literal, like TDLib."""
    end = text.find(";", i + 1, i + 12)
    if end == -1:
        return None, i
    body = text[i + 1 : end]
    if body in _NAMED:
        return _NAMED[body], end + 1
    if body.startswith("#"):
        digits = body[1:]
        try:
            code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits, 10)
        except ValueError:
            return None, i
        if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
            return chr(code), end + 1
    return None, i


def normalize_url(url: str) -> str | None:
    """Mimic Telegram's link check: add a scheme if missing and a "/" after a bare host."""
    url = url.strip()
    if not url or any(c in _SPACE for c in url):
        return None
    if "://" not in url:
        if url.lower().startswith(("mailto:", "tel:")):
            return url
        if "." not in url:
            return None
        url = "http://" + url
    scheme, rest = url.split("://", 1)
    if scheme.lower() not in ("http", "https", "tg", "ton", "ftp"):
        return None
    if not rest:
        return None
    if scheme.lower() in ("http", "https") and "/" not in rest and "?" not in rest:
        rest += "/"
    return f"{scheme.lower()}://{rest}"


def parse_html(text: str, user_lookup: UserLookup | None = None) -> tuple[str, list[dict]]:
    """Return (plain_text, entities) or raise EntityParseError."""
    out: list[str] = []
    out_len = 0  # UTF-16 length of the output so far
    entities: list[dict[str, Any]] = []
    # each open tag: [tag_name, argument, utf16_offset, len(out) at open]
    stack: list[list[Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "&":
            ch, j = decode_entity(text, i)
            if ch is not None:
                out.append(ch)
                out_len += 2 if ord(ch) > 0xFFFF else 1
                i = j
                continue
            out.append("&")
            out_len += 1
            i += 1
            continue
        if c != "<":
            m = _SPECIAL.search(text, i)
            j = m.start() if m else n
            chunk = text[i:j]
            out.append(chunk)
            out_len += utf16_len(chunk)
            i = j
            continue
        begin = i
        i += 1
        if i < n and text[i] == "/":
            i = _close_tag(text, begin, stack, entities, out, out_len, user_lookup)
        else:
            i = _open_tag(text, begin, stack, out, out_len)
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), entities


def _open_tag(text: str, begin: int, stack: list[list[Any]], out: list[str], out_len: int) -> int:
    n = len(text)
    i = begin + 1
    while i < n and text[i] not in _SPACE and text[i] != ">":
        i += 1
    if i >= n:
        raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
    tag = text[begin + 1 : i].lower()
    if tag not in _SUPPORTED:
        raise EntityParseError(
            f'Unsupported start tag "{tag}" at byte offset {byte_offset(text, begin)}'
        )
    argument = ""
    while True:
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
        if text[i] == ">":
            break
        attr_begin = i
        while i < n and text[i] not in _SPACE and text[i] not in "=>":
            i += 1
        attr = text[attr_begin:i].lower()
        if not attr:
            raise EntityParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {byte_offset(text, begin)}'
            )
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n or text[i] != "=":
            if tag == "blockquote" and attr == "expandable":
                argument = "1"
                continue
            raise EntityParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {byte_offset(text, begin)}'
            )
        i += 1
        while i < n and text[i] in _SPACE:
            i += 1
        if i >= n:
            raise EntityParseError(
                f'Unclosed start tag "{tag}" at byte offset {byte_offset(text, begin)}'
            )
        if text[i] not in "'\"":
            m = _NAME_TOKEN.match(text, i)
            assert m is not None
            value = m.group().lower()
            if m.end() < n and text[m.end()] not in _SPACE and text[m.end()] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {byte_offset(text, i)}"
                )
            i = m.end()
        else:
            quote = text[i]
            i += 1
            parts: list[str] = []
            while i < n and text[i] != quote:
                if text[i] == "&":
                    ch, j = decode_entity(text, i)
                    if ch is not None:
                        parts.append(ch)
                        i = j
                        continue
                parts.append(text[i])
                i += 1
            if i < n:
                i += 1
            value = "".join(parts)
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {byte_offset(text, begin)}")
        if tag == "a" and attr == "href":
            argument = value
        elif tag == "code" and attr == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and attr == "class" and value.startswith("tg-"):
            argument = value[len("tg-") :]
        elif tag == "tg-emoji" and attr == "emoji-id":
            argument = value
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(text, begin)}'
        )
    stack.append([tag, argument, out_len, len(out)])
    return i + 1


def _close_tag(
    text: str,
    begin: int,
    stack: list[list[Any]],
    entities: list[dict[str, Any]],
    out: list[str],
    out_len: int,
    user_lookup: UserLookup | None,
) -> int:
    n = len(text)
    if not stack:
        raise EntityParseError(f"Unexpected end tag at byte offset {byte_offset(text, begin)}")
    i = begin + 2
    while i < n and text[i] not in _SPACE and text[i] != ">":
        i += 1
    end_name = text[begin + 2 : i].lower()
    while i < n and text[i] in _SPACE:
        i += 1
    if i >= n or text[i] != ">":
        raise EntityParseError(f"Unclosed end tag at byte offset {byte_offset(text, begin)}")
    tag, argument, offset, out_pos = stack[-1]
    if end_name and end_name != tag:
        raise EntityParseError(
            f"Unmatched end tag at byte offset {byte_offset(text, begin)}, "
            f'expected "</{tag}>", found "</{end_name}>"'
        )
    stack.pop()
    length = out_len - offset
    if length > 0:
        _add_entity(tag, argument, offset, length, "".join(out[out_pos:]), entities, user_lookup)
    return i + 1


def _add_entity(
    tag: str,
    argument: str,
    offset: int,
    length: int,
    inner: str,
    entities: list[dict[str, Any]],
    user_lookup: UserLookup | None,
) -> None:
    if tag in _SIMPLE:
        entities.append({"type": _SIMPLE[tag], "offset": offset, "length": length})
    elif tag == "a":
        url = argument or inner
        m = _USER_LINK.match(url)
        user = user_lookup(int(m.group(1))) if m and user_lookup else None
        if user is not None:
            entities.append(
                {"type": "text_mention", "offset": offset, "length": length, "user": user}
            )
            return
        normalized = normalize_url(url)
        if normalized is not None:
            entities.append(
                {"type": "text_link", "offset": offset, "length": length, "url": normalized}
            )
    elif tag == "pre":
        last = entities[-1] if entities else None
        if (
            last is not None
            and last["type"] == "code"
            and last["offset"] == offset
            and last["length"] == length
            and last.get("language")
        ):
            entities[-1] = {
                "type": "pre",
                "offset": offset,
                "length": length,
                "language": last["language"],
            }
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif tag == "code":
        entity: dict[str, Any] = {"type": "code", "offset": offset, "length": length}
        if argument:
            entity["language"] = argument
        entities.append(entity)
    elif tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    elif tag == "tg-emoji":
        if not argument.isdigit():
            raise EntityParseError(
                "Custom emoji entity must contain a valid custom emoji identifier"
            )
        entities.append(
            {
                "type": "custom_emoji",
                "offset": offset,
                "length": length,
                "custom_emoji_id": argument,
            }
        )
