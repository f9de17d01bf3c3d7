"""render.py: a message as the page's HTML fragment, with user text and hostile
entities made harmless."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sandbox.entities import utf16_len
from sandbox.models import ChatRecord, SimMessage, UserRecord
from sandbox.web.render import render_message, render_text, safe_href

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOT = UserRecord(700000000, "in2spire (sandbox)", is_bot=True)
LAN = UserRecord(700000100, "Lan <script>")
WHEN = int(datetime(2026, 3, 2, 2, 5, tzinfo=UTC).timestamp())


def e(kind: str, text: str, part: str, **extra: Any) -> dict[str, Any]:
    """An entity over the first occurrence of ``part`` (UTF-16 offsets)."""
    start = text.index(part)
    return {
        "type": kind,
        "offset": utf16_len(text[:start]),
        "length": utf16_len(part),
        **extra,
    }


def message(text: str, entities: list[dict[str, Any]] | None = None, **fields: Any) -> SimMessage:
    chat = ChatRecord(700000100, "private", user=LAN)
    sender = fields.pop("sender", BOT)
    return SimMessage(
        chat=chat,
        message_id=7,
        sender=sender,
        date=WHEN,
        from_bot=sender.is_bot,
        text=text,
        entities=entities or [],
        **fields,
    )


def test_plain_text_is_escaped_and_keeps_lines() -> None:
    text = "<script>alert(\"x\")</script> & 'q'\nline 2"
    assert render_text(text, []) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;<br>line 2"
    )


@pytest.mark.parametrize(
    ("kind", "extra", "html"),
    [
        ("bold", {}, "<b>word</b>"),
        ("italic", {}, "<i>word</i>"),
        ("underline", {}, "<u>word</u>"),
        ("strikethrough", {}, "<s>word</s>"),
        ("spoiler", {}, '<span class="spoiler">word</span>'),
        ("code", {}, "<code>word</code>"),
        ("pre", {}, "<pre>word</pre>"),
        ("pre", {"language": "py"}, '<pre data-language="py"><code>word</code></pre>'),
        ("blockquote", {}, "<blockquote>word</blockquote>"),
        ("expandable_blockquote", {}, '<blockquote class="expandable">word</blockquote>'),
        (
            "text_link",
            {"url": "https://example.vn/a?b=1&c=2"},
            '<a href="https://example.vn/a?b=1&amp;c=2" rel="noopener" target="_blank">word</a>',
        ),
        ("text_link", {"url": "tg://user?id=1"}, '<a href="tg://user?id=1" rel="noopener" '),
        ("mention", {}, "word"),
        ("hashtag", {}, "word"),
        ("bot_command", {}, "word"),
        ("email", {}, "word"),
        ("phone_number", {}, "word"),
        ("cashtag", {}, "word"),
        ("text_mention", {"user": {"id": 1}}, "word"),
        ("custom_emoji", {"custom_emoji_id": "1"}, "word"),
    ],
)
def test_every_entity_type(kind: str, extra: dict[str, Any], html: str) -> None:
    text = "a word here"
    out = render_text(text, [e(kind, text, "word", **extra)])
    assert out.startswith("a ") and out.endswith(" here")
    assert html in out


def test_url_entities_link_only_safe_schemes() -> None:
    text = "see example.vn/x and javascript:alert(1) and https://ok.vn"
    out = render_text(
        text,
        [
            e("url", text, "example.vn/x"),
            e("url", text, "javascript:alert(1)"),
            e("url", text, "https://ok.vn"),
        ],
    )
    assert '<a href="http://example.vn/x" rel="noopener" target="_blank">example.vn/x</a>' in out
    assert '<a href="https://ok.vn"' in out
    assert "javascript:alert(1)" in out and 'href="javascript' not in out


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example",
        "",
    ],
)
def test_hostile_text_link_is_dropped(url: str) -> None:
    text = "click me"
    out = render_text(text, [e("text_link", text, "click", url=url)])
    assert out == "click me"
    assert safe_href(url) is None


def test_nested_crossing_and_utf16_offsets() -> None:
    text = "😀 bold italic end\ncode"
    entities = [
        e("bold", text, "bold italic"),
        e("italic", text, "italic end"),  # crosses the bold one
        e("pre", text, "end\ncode"),
    ]
    out = render_text(text, entities)
    assert out == "😀 <b>bold <i>italic</i></b><i> <pre>end</pre></i><pre>\ncode</pre>"
    # Tags balance and the emoji (two UTF-16 units) did not shift anything.
    for tag in ("b", "i", "pre"):
        assert out.count(f"<{tag}>") == out.count(f"</{tag}>")
    assert out.startswith("😀 <b>bold ")
    assert "\ncode" in out  # newlines stay as they are inside pre


def test_bad_entities_are_ignored() -> None:
    text = "abc"
    out = render_text(text, [{"type": "bold", "offset": 2, "length": 99}, {"type": "bold"}])
    assert out == "ab<b>c</b>"


def test_fragment_of_a_bot_message_with_keyboard() -> None:
    markup = {
        "inline_keyboard": [
            [{"text": "<OK>", "callback_data": 'x"y'}, {"text": "Site", "url": "https://a.vn"}],
            [{"text": "Bad", "url": "javascript:alert(1)"}],
        ]
    }
    html = render_message(message("Hi <you>", reply_markup=markup, edited=True), VN, "en")
    assert html.startswith(
        '<article class="msg msg--bot" id="m-700000100-7" data-chat="700000100" data-id="7" '
        f'data-from="{BOT.id}" tabindex="-1"><header class="msg__from">in2spire (sandbox)</header>'
    )
    assert '<div class="msg__text">Hi &lt;you&gt;</div>' in html
    assert '<div class="msg__kb" role="group" aria-label="Buttons"><div class="kb-row">' in html
    assert '<button type="button" class="kb-btn" data-data="x&quot;y">&lt;OK&gt;</button>' in html
    assert (
        '<a class="kb-btn kb-btn--url" href="https://a.vn" target="_blank" rel="noopener">'
        "Site ↗</a>"
    ) in html
    assert "javascript" not in html and '<button type="button" class="kb-btn" disabled>Bad' in html
    assert html.endswith(
        '<footer class="msg__meta"><time datetime="2026-03-02T02:05:00+00:00">09:05</time>'
        " · edited</footer></article>"
    )


def test_fragment_of_user_media_and_deleted() -> None:
    doc = {"file_id": "BQ1", "file_name": 'a"b<c>.pdf', "file_size": 2048}
    html = render_message(message("", sender=LAN, media={"document": doc}, deleted=True), VN, "en")
    assert html.startswith('<article class="msg msg--user msg--deleted"')
    assert '<header class="msg__from">Lan &lt;script&gt;</header>' in html
    assert (
        '<a class="msg__doc" href="/files/BQ1" download="a&quot;b&lt;c&gt;.pdf">'
        "📄 a&quot;b&lt;c&gt;.pdf (2.0 KB)</a>"
    ) in html
    photo = [{"file_id": "small"}, {"file_id": "AgBIG"}]
    html = render_message(message("chart <1>", media={"photo": photo}, is_caption=True), VN)
    assert '<img class="msg__photo" src="/files/AgBIG" alt="chart &lt;1&gt;">' in html


def test_service_message() -> None:
    chat = ChatRecord(-4000000001, "group", title="<Nhóm>")
    msg = SimMessage(
        chat=chat,
        message_id=3,
        sender=LAN,
        date=WHEN,
        from_bot=False,
        service={"new_chat_members": [BOT.to_api()]},
    )
    assert render_message(msg, VN, "en") == (
        '<p class="msg msg--service" id="m--4000000001-3" data-chat="-4000000001" data-id="3" '
        f'data-from="{LAN.id}" tabindex="-1">Lan &lt;script&gt; added in2spire (sandbox) (bot)</p>'
    )
    # The page's own words follow the page's language (Vietnamese by default).
    assert render_message(msg, VN).endswith(
        'tabindex="-1">Lan &lt;script&gt; đã thêm in2spire (sandbox) (bot)</p>'
    )


def test_fragment_words_in_vietnamese() -> None:
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    html = render_message(message("Chào", reply_markup=markup, edited=True), VN, "vi")
    assert 'role="group" aria-label="Các nút"' in html
    assert " · đã sửa</footer>" in html and "edited" not in html
    photo = [{"file_id": "AgBIG", "width": 10, "height": 10}]
    html = render_message(message("", media={"photo": photo}, deleted=True), VN, "vi")
    assert 'alt="Ảnh"' in html and " · đã xoá</footer>" in html
