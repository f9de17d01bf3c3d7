"""What the structured prompts must return (pydantic v2), validated before use.

Models are lenient where that is harmless (extra keys ignored, strings stripped,
hashtags normalised, unknown taxonomy codes dropped, too many list items cut) and
strict where it is not (lengths of the texts a person will read, how many key
messages). Each one's JSON schema is written in its prompt file too
(``prompts/<name>.toml``); ``tests/unit/test_ai_prompts.py`` keeps the two alike.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from bot import reference

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_HASHTAG_RE = re.compile(r"^#\w{1,39}$")
MAX_HASHTAGS = 8
MAX_KEY_MESSAGES = 5
MAX_THEMES = 8


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


def _as_list(value: Any) -> Any:
    """A lone string where a list is expected becomes a one-item list."""
    return [value] if isinstance(value, str) else value


def _codes(kind: str, value: Any) -> list[str]:
    """Known codes of a taxonomy, in order, once each; a label is taken for its code."""
    if not isinstance(value, list | tuple):
        return []
    by_word: dict[str, str] = {}
    for item in reference.taxonomy().items(kind):
        for word in (item.code, item.en, item.vi):
            by_word.setdefault(word.strip().lower(), item.code)
    found: list[str] = []
    for raw in value:
        if not isinstance(raw, str):
            continue
        code = by_word.get(raw.strip().lower())
        if code is not None and code not in found:
            found.append(code)
    return found


def normalize_hashtag(raw: object) -> str | None:
    """``"khởi nghiệp"`` -> ``"#khởinghiệp"``; None when nothing usable is left."""
    if not isinstance(raw, str):
        return None
    tag = unicodedata.normalize("NFC", "".join(raw.split())).lstrip("#")
    tag = "#" + tag
    return tag if _HASHTAG_RE.match(tag) else None


class Brief(_Model):
    """A story request turned into a clear brief for ambassadors."""

    title: str = Field(min_length=1, max_length=120)
    angle: str = Field(min_length=1, max_length=300)
    key_messages: list[Annotated[_Text, StringConstraints(max_length=200)]] = Field(
        min_length=3, max_length=MAX_KEY_MESSAGES
    )
    target_audience: str = Field(min_length=1, max_length=200)
    call_to_action: str = Field(min_length=1, max_length=200)
    hashtags: list[str] = Field(default_factory=list, max_length=MAX_HASHTAGS)
    #: Codes of the platforms taxonomy (``bot/data/taxonomy.json``).
    platforms: list[str] = Field(default_factory=list)

    @field_validator("key_messages", mode="before")
    @classmethod
    def _messages(cls, value: Any) -> Any:
        value = _as_list(value)
        if isinstance(value, list):
            kept = [v for v in value if not isinstance(v, str) or v.strip()]
            return kept[:MAX_KEY_MESSAGES]
        return value

    @field_validator("hashtags", mode="before")
    @classmethod
    def _hashtags(cls, value: Any) -> list[str]:
        value = _as_list(value)
        tags: list[str] = []
        seen: set[str] = set()
        for raw in value if isinstance(value, list) else []:
            tag = normalize_hashtag(raw)
            if tag is not None and tag.lower() not in seen:
                seen.add(tag.lower())
                tags.append(tag)
        return tags[:MAX_HASHTAGS]

    @field_validator("platforms", mode="before")
    @classmethod
    def _platforms(cls, value: Any) -> list[str]:
        return _codes("platforms", _as_list(value))


class PostDraft(_Model):
    """A ready-to-edit post for one ambassador's platform."""

    angle: str = Field(min_length=1, max_length=200)
    hook: str = Field(min_length=1, max_length=300)
    text: str = Field(min_length=1, max_length=3000)


class PolicyTheme(_Model):
    """A policy issue several pitches share, with the pitches that raise it."""

    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=600)
    request_ids: list[int] = Field(min_length=1)

    @field_validator("request_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        ids: list[Any] = []
        for raw in value:
            if raw not in ids:
                ids.append(raw)
        return ids


class PolicyThemes(_Model):
    themes: list[PolicyTheme] = Field(min_length=1, max_length=MAX_THEMES)

    @field_validator("themes", mode="before")
    @classmethod
    def _cut(cls, value: Any) -> Any:
        return value[:MAX_THEMES] if isinstance(value, list) else value


class NeedsSuggestion(_Model):
    """Codes of the needs taxonomy a free-text description points to."""

    needs: list[str]

    @field_validator("needs", mode="before")
    @classmethod
    def _needs(cls, value: Any) -> Any:
        value = _as_list(value)
        return _codes("needs", value) if isinstance(value, list) else value
