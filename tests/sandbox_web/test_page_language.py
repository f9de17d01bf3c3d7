"""The sandbox page's own words in Vietnamese (the default) and English: the page, the
strings its script gets, message fragments and the API's errors follow ``?lang=``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import load_catalog, placeholders
from sandbox.local import LocalSandbox
from sandbox.web import routes
from sandbox.web.personas import ORGANIZER_ID
from sandbox.web.strings import ALL_PAGE_KEYS, PAGE_KEYS, page_lang, page_strings, text
from tests.sandbox_web.conftest import Api, EventStream

#: Labels of the page as a person reads them, per language.
LABELS = {
    "vi": ["Nhân vật", "Người mới", "Thêm người", "Giờ của bot", "+1 giờ", "+1 ngày", "Gửi",
           "Nhóm", "Tạo nhóm", "Thêm bot", "Thêm bot làm quản trị viên", "Xoá bot khỏi nhóm",
           "Nâng cấp thành siêu nhóm", "Ngôn ngữ trang", "trong vai", "Chưa có tin nhắn nào."],
    "en": ["Personas", "New person", "Add person", "Bot time", "+1 hour", "+1 day", "Send",
           "Groups", "Create group", "Add bot", "Add bot as admin", "Remove bot",
           "Upgrade to supergroup", "Page language", "as", "No messages yet."],
}  # fmt: skip


async def get_page(api: Api, **params: Any) -> str:
    async with api.session.get(api.base + "/", params=params) as resp:
        assert resp.status == 200
        return await resp.text()


async def post(api: Api, path: str, body: Any, lang: str | None) -> tuple[int, Any]:
    params = {"lang": lang} if lang else {}
    async with api.session.post(api.base + path, json=body, params=params) as resp:
        return resp.status, await resp.json()


def element_texts(page: str) -> set[str]:
    """The text between tags, and the values of attributes people read."""
    found = {m.strip() for m in re.findall(r">([^<>]+)<", page) if m.strip()}
    found |= set(re.findall(r'(?:aria-label|placeholder|title)="([^"]*)"', page))
    return found


def inline_json(page: str, element_id: str) -> Any:
    block = page.split(f'<script type="application/json" id="{element_id}">', 1)[1]
    return json.loads(block.split("</script>", 1)[0])


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_strings_exist_in_both_catalogs(lang: str) -> None:
    catalog = load_catalog(lang)
    strings = page_strings(lang)
    assert set(strings) == set(ALL_PAGE_KEYS)
    for key, value in strings.items():
        assert catalog.get(key, "").strip(), f"{lang} lacks {key}"
        assert value == catalog[key]
    other = load_catalog("en" if lang == "vi" else "vi")
    assert all(placeholders(catalog[k]) == placeholders(other[k]) for k in strings)


def test_page_language_defaults_to_vietnamese() -> None:
    assert page_lang("en") == "en" and page_lang("vi") == "vi"
    assert page_lang(None) == "vi" and page_lang("fr") == "vi" and page_lang(["en"]) == "vi"
    assert text("en", "sandbox.page.unread", count=3) == "3 unread"
    assert text("vi", "sandbox.page.unread", count=3) == "3 tin chưa đọc"


@pytest.mark.parametrize(
    ("params", "lang"),
    [({}, "vi"), ({"lang": "vi"}, "vi"), ({"lang": "en"}, "en"), ({"lang": "xx"}, "vi")],
)
async def test_page_renders_in_its_language(api: Api, params: dict[str, str], lang: str) -> None:
    page = await get_page(api, **params)
    assert f'<html lang="{lang}">' in page and f'data-lang="{lang}"' in page
    shown = element_texts(page)
    for wanted in LABELS[lang]:
        assert wanted in shown, wanted
    other = "en" if lang == "vi" else "vi"
    for unwanted in LABELS[other]:
        if unwanted not in LABELS[lang]:
            assert unwanted not in shown, unwanted
    # The script's strings: the same texts, by key.
    assert inline_json(page, "strings") == page_strings(lang)
    # Every placeholder of the template was filled.
    assert not re.search(r"\$[a-z_]+", page.replace("$state_json", "")), "unfilled placeholder"
    # The organizer's role, in the page's language.
    assert text(lang, "sandbox.role.organizer") in shown
    # The switch: both languages, the current one marked, links keep persona and chat.
    switch = re.search(r'<div class="langs" id="lang-switch".*?</div>', page, re.S)
    assert switch is not None
    for code, name in (("vi", "Tiếng Việt"), ("en", "English")):
        link = re.search(rf'<a [^>]*id="lang-{code}"[^>]*>{name}</a>', switch.group(0))
        assert link is not None, code
        assert f"?persona={ORGANIZER_ID}&amp;chat={ORGANIZER_ID}&amp;lang={code}" in link.group(0)
        assert ('aria-current="true"' in link.group(0)) == (code == lang)
    # Persona and chat links carry the language too.
    assert f'href="?persona={ORGANIZER_ID}&amp;lang={lang}"' in page


async def test_fallback_page_is_translated(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(routes, "TEMPLATE", tmp_path / "missing.html")
    for lang in ("vi", "en"):
        page = await get_page(api, lang=lang)
        assert f'<html lang="{lang}">' in page
        assert f'aria-label="{text(lang, "sandbox.page.personas")}"' in page
        assert f'aria-label="{text(lang, "sandbox.page.chats")}"' in page
        assert not re.search(r"\$[a-z_]+", page)
        assert inline_json(page, "strings") == page_strings(lang)


def test_every_template_placeholder_is_a_page_string() -> None:
    names = {key.removeprefix("sandbox.").replace(".", "_") for key in PAGE_KEYS}
    for template in (routes.TEMPLATE.read_text(encoding="utf-8"), routes.FALLBACK_PAGE):
        used = set(re.findall(r"\$(page_[a-z_]+)", template))
        assert used and used <= names, used - names


@pytest.mark.parametrize(
    ("lang", "title_error", "name_error"),
    [
        (None, "Tên nhóm đang để trống", "Tên đang để trống"),
        ("vi", "Tên nhóm đang để trống", "Tên đang để trống"),
        ("en", "the group title is empty", "the name is empty"),
    ],
)
async def test_api_errors_in_the_requests_language(
    api: Api, lang: str | None, title_error: str, name_error: str
) -> None:
    status, body = await post(api, "/api/groups", {"title": "  ", "persona": ORGANIZER_ID}, lang)
    assert (status, body) == (400, {"error": title_error})
    status, body = await post(api, "/api/personas", {"name": " ", "lang": "vi"}, lang)
    assert (status, body) == (400, {"error": name_error})
    status, body = await post(api, "/api/clock/jump", {"seconds": 10**9}, lang)
    assert status == 400 and body == {
        "error": text(lang or "vi", "sandbox.error.jump_max", seconds=2592000)
    }
    status, body = await post(api, "/api/groups/-42/bot", {"action": "add"}, lang)
    assert status == 404 and body == {"error": text(lang or "vi", "sandbox.error.no_group")}


async def test_fragments_follow_the_streams_language(api: Api, sandbox: LocalSandbox) -> None:
    """Two tabs, one per language: the same service message in each one's words."""
    base = f"{api.base}/events?persona={ORGANIZER_ID}"
    async with (
        EventStream(api.session, base + "&lang=en") as en,
        EventStream(api.session, base) as vi,
    ):
        group = await api.ok("/api/groups", {"title": "Đại sứ <HN>", "persona": ORGANIZER_ID})
        got_en = await en.wait_for("message", chat_id=group["id"])
        got_vi = await vi.wait_for("message", chat_id=group["id"])
    assert "Thu Hà created the group “Đại sứ &lt;HN&gt;”" in got_en["html"]
    assert "Thu Hà đã tạo nhóm “Đại sứ &lt;HN&gt;”" in got_vi["html"]
    _, data = await api.get("/api/messages", persona=ORGANIZER_ID, chat=group["id"], lang="en")
    assert data["messages"][0]["html"] == got_en["html"]
    _, data = await api.get("/api/messages", persona=ORGANIZER_ID, chat=group["id"])
    assert data["messages"][0]["html"] == got_vi["html"]
    # The page, opened on the group: its chats list names the type in the page's language.
    page = await get_page(api, persona=str(ORGANIZER_ID), chat=str(group["id"]), lang="en")
    assert '<span class="persona__role">group</span>' in page
    page = await get_page(api, persona=str(ORGANIZER_ID), chat=str(group["id"]))
    assert '<span class="persona__role">nhóm</span>' in page
    assert "Thu Hà đã tạo nhóm" in page
