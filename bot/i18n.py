"""Translations: gettext ``.po`` catalogs (read with Babel), keyed by message id.

Message ids are stable keys (``reg.ask.company_name``) and both catalogs, vi and
en, carry the full text, so "complete in both languages" is checkable
(``tests/unit/test_i18n.py``). ``Translator.t`` HTML-escapes every parameter,
because replies go out with parse_mode=HTML and parameters are where user text
enters; wrap an already-safe fragment in ``Html`` to pass it through unescaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from babel.messages.pofile import read_po

from bot.config import SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"


class Html(str):
    """A string that is already valid Telegram HTML (not escaped again by ``t``)."""

    __slots__ = ()


def escape(value: object) -> Html:
    """Escape user text for parse_mode=HTML."""
    return Html(html.escape(str(value), quote=False))


def load_catalog(lang: str, locales_dir: Path = LOCALES_DIR) -> dict[str, str]:
    path = locales_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


class Translator:
    """Looks up keys per language; falls back to the default language, then the key."""

    def __init__(self, catalogs: dict[str, dict[str, str]], default: str) -> None:
        self.catalogs = catalogs
        self.default = default

    def normalize(self, lang: str | None) -> str:
        """Map a Telegram language_code ("en-US", "vi") to a supported language."""
        if lang:
            short = lang.split("-")[0].lower()
            if short in self.catalogs:
                return short
        return self.default

    def t(self, lang: str, key: str, /, **params: Any) -> str:
        text = self.catalogs.get(lang, {}).get(key)
        if text is None:
            text = self.catalogs[self.default].get(key, key)
        if not params:
            return text
        safe = {k: v if isinstance(v, Html) else escape(v) for k, v in params.items()}
        return text.format(**safe)

    def bind(self, lang: str) -> Callable[..., str]:
        """A ``t(key, **params)`` for one language, as handlers receive it."""

        def bound(key: str, /, **params: Any) -> str:
            return self.t(lang, key, **params)

        return bound


@cache
def default_translator(default: str = "vi") -> Translator:
    return Translator({lang: load_catalog(lang) for lang in SUPPORTED_LANGUAGES}, default)
