"""Every user-facing string exists, complete, in Vietnamese and English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from bot.i18n import Html, Translator, default_translator, load_catalog, placeholders

ROOT = Path(__file__).resolve().parents[2]
KEY_RE = re.compile(
    r"^(ai|ask|assignment|brief|btn|card|cancel|cmd|consent|decision|error|field|fallback|group|help|language|org"
    r"|match|profile|reg|review|role|start|status|value|pitch|request|offer|question|assignments|draft"
    r"|availability|ambassador|reminder|link|links|settings|digest|broadcast|policy|needs|privacy|campaign|report|outcome|export|mine"
    r"|sandbox)\.[a-z0-9_.]+$"
)


def keys_used_in_code() -> set[str]:
    """Every string literal shaped like a message key in bot/, handlers/ and sandbox/
    (the local sandbox's page: ``sandbox/web/strings.py`` and the page's API)."""
    found: set[str] = set()
    for folder in ("bot", "handlers", "sandbox"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                is_str = isinstance(node, ast.Constant) and isinstance(node.value, str)
                if is_str and KEY_RE.match(node.value):
                    found.add(node.value)
    return found


@pytest.fixture(scope="module")
def catalogs() -> dict[str, dict[str, str]]:
    return {lang: load_catalog(lang) for lang in ("vi", "en")}


def test_code_uses_keys() -> None:
    assert len(keys_used_in_code()) > 100


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_key_translated(lang: str, catalogs: dict[str, dict[str, str]]) -> None:
    missing = sorted(k for k in keys_used_in_code() if not catalogs[lang].get(k, "").strip())
    assert missing == [], f"{lang} lacks translations for: {missing}"


def test_no_orphan_translations(catalogs: dict[str, dict[str, str]]) -> None:
    used = keys_used_in_code()
    for lang, catalog in catalogs.items():
        orphans = sorted(set(catalog) - used)
        assert orphans == [], f"{lang} has keys no code uses: {orphans}"


def test_placeholders_match(catalogs: dict[str, dict[str, str]]) -> None:
    for key, vi in catalogs["vi"].items():
        en = catalogs["en"].get(key, "")
        assert placeholders(vi) == placeholders(en), key


def test_vietnamese_is_really_vietnamese(catalogs: dict[str, dict[str, str]]) -> None:
    """Guard against English pasted into vi.po: most texts carry diacritics."""
    vi = catalogs["vi"]
    with_marks = [
        k
        for k, v in vi.items()
        if re.search(
            r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", v.lower()
        )
    ]
    assert len(with_marks) / len(vi) > 0.8


def test_params_are_escaped_but_html_passes() -> None:
    t = Translator({"vi": {"k": "<b>{x}</b> {y}"}}, "vi")
    assert (
        t.t("vi", "k", x="<script>&", y=Html("<i>ok</i>")) == "<b>&lt;script&gt;&amp;</b> <i>ok</i>"
    )


def test_language_fallback() -> None:
    t = default_translator("vi")
    assert t.normalize("en-US") == "en"
    assert t.normalize("fr") == "vi"
    assert t.normalize(None) == "vi"
    assert t.t("fr", "btn.done") == t.t("vi", "btn.done")
