"""parse_mode="MarkdownV2" and legacy "Markdown", ported from TDLib's rules and wording.

Covers bold, italic, underline, strikethrough, spoiler, code, pre (with language), links,
custom emoji and ">" block quotes, plus the reserved-character rule that trips most bots.
"""

from __future__ import annotations

from typing import Any

from sandbox.entities import utf16_len
from sandbox.html_entities import EntityParseError, UserLookup, byte_offset, normalize_url

_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_SPACE = frozenset(" \t\r\n\v\f\x00")
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _reserved_error(text: str, i: int) -> EntityParseError:
    return EntityParseError(
        f"Character '{text[i]}' is reserved and must be escaped with the preceding '\\'"
    )


def _link_entity(
    url: str, offset: int, length: int, user_lookup: UserLookup | None
) -> dict[str, Any] | None:
    if url.lower().startswith("tg://user?id=") and user_lookup:
        tail = url[len("tg://user?id=") :]
        user = user_lookup(int(tail)) if tail.isdigit() else None
        if user is not None:
            return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    normalized = normalize_url(url)
    if normalized is None:
        return None
    return {"type": "text_link", "offset": offset, "length": length, "url": normalized}


def _skip_pre_header(text: str, i: int) -> tuple[int, str]:
    """After an opening ```: read an optional language and one leading newline."""
    n = len(text)
    end = i
    while end < n and text[end] not in _SPACE and text[end] != "`":
        end += 1
    language = ""
    if end != i and end < n and text[end] != "`":
        language = text[i:end]
        i = end
    if i < n and text[i] in "\r\n":
        if i + 1 < n and text[i + 1] in "\r\n" and text[i] != text[i + 1]:
            i += 2
        else:
            i += 1
    return i, language


class _Out:
    """Output buffer that tracks its UTF-16 length."""

    __slots__ = ("len16", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.len16 = 0

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.len16 += utf16_len(s)

    def text(self, start: int = 0) -> str:
        return "".join(self.parts[start:])


def parse_markdown_v2(text: str, user_lookup: UserLookup | None = None) -> tuple[str, list[dict]]:
    out = _Out()
    entities: list[dict[str, Any]] = []
    # open entities: [type, argument, utf16_offset, byte_index_in_text, out_parts_len]
    stack: list[list[Any]] = []
    quote: list[Any] | None = None  # [utf16_offset, expandable]
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        top = stack[-1][0] if stack else None
        line_start = i == 0 or text[i - 1] == "\n"
        if line_start and top not in ("code", "pre"):
            is_quote_line = c == ">" or (text.startswith("**>", i) and quote is None)
            if quote is not None and not is_quote_line:
                _close_quote(out, entities, quote)
                quote = None
            if is_quote_line:
                if quote is None:
                    quote = [out.len16, text.startswith("**>", i)]
                i += 3 if text.startswith("**>", i) else 1
                continue
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            out.add(text[i + 1])
            i += 2
            continue
        reserved = "`" if top in ("code", "pre") else _RESERVED
        if c not in reserved:
            out.add(c)
            i += 1
            continue
        if quote is not None and quote[1] and text.startswith("||", i):
            after = i + 2
            if after >= n or text[after] == "\n":
                quote[1] = "closed"
                i = after
                continue
        is_end = False
        if top is not None:
            is_end = (
                (top == "bold" and c == "*")
                or (top == "italic" and c == "_")
                or (top == "code" and c == "`")
                or (top == "pre" and text.startswith("```", i))
                or (top in ("text_link", "custom_emoji") and c == "]")
                or (top == "underline" and text.startswith("__", i))
                or (top == "strikethrough" and c == "~")
                or (top == "spoiler" and text.startswith("||", i))
            )
        if not is_end:
            i = _open_v2(text, i, stack, out)
        else:
            i = _close_v2(text, i, stack, out, entities, user_lookup)
    if stack:
        kind, _, _, at, _ = stack[-1]
        raise EntityParseError(
            f"Can't find end of {_TYPE_NAMES[kind]} entity at byte offset {byte_offset(text, at)}"
        )
    if quote is not None:
        _close_quote(out, entities, quote)
    return out.text(), entities


def _close_quote(out: _Out, entities: list[dict[str, Any]], quote: list[Any]) -> None:
    full = out.text()
    end = utf16_len(full.rstrip("\n"))
    if end > quote[0]:
        kind = "expandable_blockquote" if quote[1] else "blockquote"
        entities.append({"type": kind, "offset": quote[0], "length": end - quote[0]})


def _open_v2(text: str, i: int, stack: list[list[Any]], out: _Out) -> int:
    n = len(text)
    c = text[i]
    start = i
    argument = ""
    nxt = text[i + 1] if i + 1 < n else ""
    if c == "_":
        kind = "underline" if nxt == "_" else "italic"
        i += 2 if nxt == "_" else 1
    elif c == "*":
        kind, i = "bold", i + 1
    elif c == "~":
        kind, i = "strikethrough", i + 1
    elif c == "|" and nxt == "|":
        kind, i = "spoiler", i + 2
    elif c == "[":
        kind, i = "text_link", i + 1
    elif c == "!" and nxt == "[":
        kind, i = "custom_emoji", i + 2
    elif c == "`":
        if text.startswith("```", i):
            kind = "pre"
            i, argument = _skip_pre_header(text, i + 3)
        else:
            kind, i = "code", i + 1
    else:
        raise _reserved_error(text, i)
    stack.append([kind, argument, out.len16, start, len(out.parts)])
    return i


def _close_v2(
    text: str,
    i: int,
    stack: list[list[Any]],
    out: _Out,
    entities: list[dict[str, Any]],
    user_lookup: UserLookup | None,
) -> int:
    n = len(text)
    kind, argument, offset, _, out_pos = stack.pop()
    length = out.len16 - offset
    if kind in ("underline", "spoiler"):
        i += 2
    elif kind == "pre":
        i += 3
    elif kind in ("text_link", "custom_emoji"):
        url_begin = i + 2
        if i + 1 < n and text[i + 1] == "(":
            i += 2
            url_parts: list[str] = []
            while i < n and text[i] != ")":
                if text[i] == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
                    url_parts.append(text[i + 1])
                    i += 2
                    continue
                url_parts.append(text[i])
                i += 1
            if i >= n:
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {byte_offset(text, url_begin)}"
                )
            url = "".join(url_parts)
        elif kind == "custom_emoji":
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        else:
            url = out.text(out_pos)
        i += 1
        if length <= 0:
            return i
        if kind == "custom_emoji":
            emoji_id = url.partition("?id=")[2]
            if not url.startswith("tg://emoji?id=") or not emoji_id.isdigit():
                raise EntityParseError("Custom emoji URL must have an emoji identifier")
            entities.append(
                {"type": kind, "offset": offset, "length": length, "custom_emoji_id": emoji_id}
            )
            return i
        entity = _link_entity(url, offset, length, user_lookup)
        if entity is not None:
            entities.append(entity)
        return i
    else:
        i += 1
    if length > 0:
        entity = {"type": kind, "offset": offset, "length": length}
        if kind == "pre" and argument:
            entity["language"] = argument
        entities.append(entity)
    return i


def parse_markdown(text: str, user_lookup: UserLookup | None = None) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url), backslash escapes."""
    out = _Out()
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.add(c)
            i += 1
            continue
        begin = i
        end_char = "]" if c == "[" else c
        i += 1
        is_pre = False
        language = ""
        if c == "`" and text.startswith("``", i):
            is_pre = True
            i, language = _skip_pre_header(text, i + 2)
        offset = out.len16
        out_pos = len(out.parts)
        while i < n and (text[i] != end_char or (is_pre and not text.startswith("```", i))):
            out.add(text[i])
            i += 1
        if i >= n:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {byte_offset(text, begin)}"
            )
        length = out.len16 - offset
        if c == "[":
            if i + 1 < n and text[i + 1] == "(":
                close = text.find(")", i + 2)
                close = n if close == -1 else close
                url = text[i + 2 : close]
                i = close
            else:
                url = out.text(out_pos)
            if length > 0:
                entity = _link_entity(url, offset, length, user_lookup)
                if entity is not None:
                    entities.append(entity)
        elif length > 0:
            kind = {"_": "italic", "*": "bold"}.get(c, "pre" if is_pre else "code")
            entity = {"type": kind, "offset": offset, "length": length}
            if is_pre and language:
                entity["language"] = language
            entities.append(entity)
        i += 3 if is_pre else 1
    return out.text(), entities
