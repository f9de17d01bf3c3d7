"""HTML / MarkdownV2 parsing: Telegram's entity offsets (UTF-16) and error wording."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.entities import sort_entities, utf16_len
from sandbox.errors import ApiError
from sandbox.html_entities import EntityParseError, parse_html
from sandbox.markdown import parse_markdown, parse_markdown_v2
from sandbox.text import format_text


def test_offsets_are_utf16_code_units():
    text, entities = parse_html("😀 <b>Hà Nội</b> 👍<i>x</i>")
    assert text == "😀 Hà Nội 👍x"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 6},
        {"type": "italic", "offset": 12, "length": 1},
    ]


def test_all_supported_tags():
    source = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        '<strike>k</strike><del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://t.me">a</a><code>c</code><pre>p</pre>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>q</blockquote><blockquote expandable>e</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
    )
    text, entities = parse_html(source)
    assert text == "bsieunskdpqacpx = 1qe👍"
    types = [e["type"] for e in entities]
    assert types == [
        "bold",
        "bold",
        "italic",
        "italic",
        "underline",
        "underline",
        "strikethrough",
        "strikethrough",
        "strikethrough",
        "spoiler",
        "spoiler",
        "text_link",
        "code",
        "pre",
        "pre",
        "blockquote",
        "expandable_blockquote",
        "custom_emoji",
    ]
    assert entities[11]["url"] == "https://t.me/"
    assert entities[14] == {"type": "pre", "offset": 14, "length": 5, "language": "python"}


def test_html_entities_and_nesting():
    text, entities = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &nbsp; <b>a<i>b</i></b>")
    assert text == '<b> & "q" AB &nbsp; ab'
    assert sort_entities(entities) == [
        {"type": "bold", "offset": 20, "length": 2},
        {"type": "italic", "offset": 21, "length": 1},
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("Привет <x>", 'Unsupported start tag "x" at byte offset 13'),
        ("a <b", "Unclosed start tag at byte offset 2"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<i>x", 'Can\'t find end tag corresponding to start tag "i"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
    ],
)
def test_html_errors(source: str, error: str):
    with pytest.raises(EntityParseError) as info:
        parse_html(source)
    assert str(info.value) == error


def test_text_mention_for_known_users():
    def lookup(user_id: int):
        return {"id": user_id, "is_bot": False, "first_name": "Lan"} if user_id == 7 else None

    _, entities = parse_html('<a href="tg://user?id=7">Lan</a>', lookup)
    assert entities[0]["type"] == "text_mention" and entities[0]["user"]["id"] == 7


def test_markdown_v2():
    text, entities = parse_markdown_v2(
        "*bold* _it_ __under__ ~strike~ ||spoiler|| `code` [link](https://x.com/a\\)b) "
        "```python\nprint(1)\n``` 1\\.5"
    )
    assert text == "bold it under strike spoiler code link print(1)\n 1.5"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
        "pre",
    ]
    assert entities[6]["url"] == "https://x.com/a)b"
    assert entities[7]["language"] == "python"


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("Hello!", "Character '!' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("ok _it", "Can't find end of Italic entity at byte offset 3"),
    ],
)
def test_markdown_v2_errors(source: str, error: str):
    with pytest.raises(EntityParseError) as info:
        parse_markdown_v2(source)
    assert str(info.value) == error


def test_markdown_v2_blockquote():
    text, entities = parse_markdown_v2(">quoted\n>lines\nafter")
    assert text == "quoted\nlines\nafter"
    assert entities == [{"type": "blockquote", "offset": 0, "length": 12}]


def test_legacy_markdown():
    text, entities = parse_markdown("*b* _i_ `c` [t](example.com) a\\_b")
    assert text == "b i c t a_b"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(EntityParseError, match="Can't find end of the entity starting at byte"):
        parse_markdown("*open")


def test_format_text_trims_and_detects_entities():
    text, entities = format_text("  <b>Hi</b> /start @someone https://in2spire.vn.  ", "HTML", None)
    assert text == "Hi /start @someone https://in2spire.vn."
    assert entities == [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "bot_command", "offset": 3, "length": 6},
        {"type": "mention", "offset": 10, "length": 8},
        {"type": "url", "offset": 19, "length": 19},
    ]


def test_caption_limits():
    format_text("x" * 1024, None, None, caption=True)
    format_text("", None, None, caption=True)
    with pytest.raises(ApiError, match="message caption is too long"):
        format_text("x" * 1025, None, None, caption=True)


@given(st.text())
def test_escaped_text_round_trips(source: str):
    text, entities = parse_html(html.escape(source))
    assert text == source and entities == []


@given(st.text(), st.text(min_size=1), st.text())
def test_bold_offsets_match_utf16_lengths(before: str, inner: str, after: str):
    text, entities = parse_html(
        f"{html.escape(before)}<b>{html.escape(inner)}</b>{html.escape(after)}"
    )
    assert text == before + inner + after
    assert entities == [{"type": "bold", "offset": utf16_len(before), "length": utf16_len(inner)}]


@given(st.text())
def test_markdown_v2_escaping_round_trips(source: str):
    escaped = "".join("\\" + c if c in "_*[]()~`>#+-=|{}.!\\" else c for c in source)
    text, entities = parse_markdown_v2(escaped)
    assert text == source and entities == []
