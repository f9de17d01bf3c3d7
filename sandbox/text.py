"""Turn what a bot sent (text + parse_mode or entities) into Telegram's stored text + entities."""

from __future__ import annotations

from typing import Any

from sandbox.entities import (
    detect_entities,
    drop_nested_in_code,
    sort_entities,
    strip_text,
    validate_entities,
)
from sandbox.errors import bad_request
from sandbox.html_entities import EntityParseError, UserLookup, parse_html
from sandbox.markdown import parse_markdown, parse_markdown_v2

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[Any] | None,
    *,
    caption: bool = False,
    user_lookup: UserLookup | None = None,
) -> tuple[str, list[dict[str, Any]]]:
    """Parse, trim, auto-detect entities and enforce length limits (after parsing, as Telegram).

    Raises ApiError with Telegram's wording. An empty caption is allowed; empty text is not.
    """
    if entities is not None:
        found = validate_entities(text, entities)
    elif parse_mode:
        parser = _PARSERS.get(parse_mode.lower())
        if parser is None:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
        try:
            text, found = parser(text, user_lookup)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        found = []
    for e in found:
        if e["type"] == "code":
            e.pop("language", None)
    text, found = strip_text(text, found)
    if caption:
        if len(text) > CAPTION_LIMIT:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif len(text) > TEXT_LIMIT:
        raise bad_request("message is too long")
    found = drop_nested_in_code(sort_entities(found))
    return text, detect_entities(text, found)
