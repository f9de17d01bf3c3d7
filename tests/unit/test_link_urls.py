"""Links: extraction from messages (UTF-16 entities) and canonical forms, with properties."""

from __future__ import annotations

import contextlib
import ipaddress
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.reference import codes
from bot.services.link_urls import (
    LINK_MAX_LENGTH,
    NormalizedLink,
    detect_platform,
    extract_links,
    is_public_ip,
    news_sites,
    normalize_link,
    parse_ip,
)
from bot.validators import TRACKING_PARAMS

FAST = settings(max_examples=300, deadline=None)
LINK_KEYS = {"error.link_scheme", "error.link_host", "error.link_too_long"}


def attempt(text: str) -> tuple[NormalizedLink | None, str | None]:
    """(link, None) or (None, i18n key): for properties where refusing is allowed."""
    try:
        return normalize_link(text), None
    except InvalidInput as exc:
        return None, exc.code


@contextlib.contextmanager
def raises_key(key: str) -> Iterator[pytest.ExceptionInfo[InvalidInput]]:
    with pytest.raises(InvalidInput) as info:
        yield info
    assert info.value.code == key


# ------------------------------------------------------------------ real-world shapes


@pytest.mark.parametrize(
    ("text", "expected", "platform"),
    [
        # Vietnamese press
        ("https://vnexpress.net/startup-viet-goi-von-4712345.html",
         "https://vnexpress.net/startup-viet-goi-von-4712345.html", "press"),
        ("https://vnexpress.net/startup-4712345.html?utm_source=facebook&utm_medium=social"
         "&utm_campaign=x&fbclid=IwAR0abc_def",
         "https://vnexpress.net/startup-4712345.html", "press"),
        ("https://e.vnexpress.net/news/business/companies/startup-4712345.html",
         "https://e.vnexpress.net/news/business/companies/startup-4712345.html", "press"),
        ("https://tuoitre.vn/startup-abc-20240501083000123.htm#comment-box",
         "https://tuoitre.vn/startup-abc-20240501083000123.htm", "press"),
        ("http://thanhnien.vn/kinh-te/startup-185240501.htm",
         "http://thanhnien.vn/kinh-te/startup-185240501.htm", "press"),
        ("https://dantri.com.vn/kinh-doanh/startup-20240501.htm?gidzl=Zx1abc&zarsrc=30",
         "https://dantri.com.vn/kinh-doanh/startup-20240501.htm", "press"),
        ("https://ictnews.vietnamnet.vn/startup-2276543.html",
         "https://ictnews.vietnamnet.vn/startup-2276543.html", "press"),
        ("https://znews.vn/startup-post1465432.html", "https://znews.vn/startup-post1465432.html",
         "press"),
        ("https://cafef.vn/startup-188240501.chn", "https://cafef.vn/startup-188240501.chn",
         "press"),
        ("https://www.vietnamplus.vn/startup-post945678.vnp",
         "https://www.vietnamplus.vn/startup-post945678.vnp", "press"),
        ("https://www.techinasia.com/vietnam-agritech-startup-raises",
         "https://www.techinasia.com/vietnam-agritech-startup-raises", "press"),
        ("https://e27.co/vietnam-startup-20240501/", "https://e27.co/vietnam-startup-20240501",
         "press"),
        # Facebook
        ("https://www.facebook.com/in2spire/posts/pfbid02abc?__cft__[0]=AZX&__tn__=%2CO%2CP-R",
         "https://www.facebook.com/in2spire/posts/pfbid02abc", "facebook"),
        ("https://m.facebook.com/story.php?story_fbid=123&id=456&mibextid=Nif5oz",
         "https://www.facebook.com/story.php?story_fbid=123&id=456", "facebook"),
        ("https://web.facebook.com/groups/startupvn/permalink/789/?_rdr",
         "https://www.facebook.com/groups/startupvn/permalink/789", "facebook"),
        ("https://www.facebook.com/share/p/1AbCdEf/?mibextid=WC7FNe",
         "https://www.facebook.com/share/p/1AbCdEf", "facebook"),
        ("https://www.facebook.com/watch/?v=123456&ref=sharing",
         "https://www.facebook.com/watch?v=123456", "facebook"),
        ("http://mbasic.facebook.com/in2spire", "https://www.facebook.com/in2spire", "facebook"),
        ("https://fb.watch/abcDEF123/", "https://fb.watch/abcDEF123", "facebook"),
        ("facebook.com/in2spire", "https://www.facebook.com/in2spire", "facebook"),
        # Facebook / Instagram / Google / Telegram wrappers
        ("https://l.facebook.com/l.php?u=https%3A%2F%2Ftuoitre.vn%2Fabc.htm%3Ffbclid%3DIwAR1"
         "&h=AT3xyz", "https://tuoitre.vn/abc.htm", "press"),
        ("https://lm.facebook.com/l.php?u=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DdQw4w9WgXcQ"
         "&h=AT3", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://l.instagram.com/?u=https%3A%2F%2Fkenh14.vn%2Fabc.chn&e=AT0",
         "https://kenh14.vn/abc.chn", "press"),
        ("https://www.google.com/url?q=https://vnexpress.net/abc.html&sa=D&source=editors",
         "https://vnexpress.net/abc.html", "press"),
        ("https://www.google.com/url?sa=t&url=https%3A%2F%2Fcafebiz.vn%2Fabc.chn&usg=AOv",
         "https://cafebiz.vn/abc.chn", "press"),
        ("https://t.me/iv?url=https%3A%2F%2Fgenk.vn%2Fabc.chn&rhash=abc123",
         "https://genk.vn/abc.chn", "press"),
        # YouTube
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&pp=ygUE",
         "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://youtu.be/dQw4w9WgXcQ?si=AbC123xyz&t=42",
         "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42", "youtube"),
        ("https://m.youtube.com/shorts/AbCdEfGhIjk?feature=share",
         "https://www.youtube.com/shorts/AbCdEfGhIjk", "youtube"),
        # TikTok
        ("https://www.tiktok.com/@in2spire.vn/video/7350000000000000000?is_from_webapp=1"
         "&sender_device=pc&web_id=7351",
         "https://www.tiktok.com/@in2spire.vn/video/7350000000000000000", "tiktok"),
        ("https://vt.tiktok.com/ZSYabc123/", "https://vt.tiktok.com/ZSYabc123", "tiktok"),
        ("https://vm.tiktok.com/ZMabc/", "https://vm.tiktok.com/ZMabc", "tiktok"),
        # Instagram
        ("https://www.instagram.com/p/C6abcDEF/?igsh=MWx2&img_index=1",
         "https://www.instagram.com/p/C6abcDEF?img_index=1", "instagram"),
        ("https://instagram.com/reel/C6abc/?utm_source=ig_web_copy_link",
         "https://www.instagram.com/reel/C6abc", "instagram"),
        # LinkedIn
        ("https://www.linkedin.com/posts/an-nguyen_startup-activity-7190000000000000000-AbCd"
         "?utm_source=share&utm_medium=member_desktop&trk=public_post",
         "https://www.linkedin.com/posts/an-nguyen_startup-activity-7190000000000000000-AbCd",
         "linkedin"),
        ("https://vn.linkedin.com/in/an-nguyen", "https://www.linkedin.com/in/an-nguyen",
         "linkedin"),
        ("https://lnkd.in/gAbC123", "https://lnkd.in/gAbC123", "linkedin"),
        # X, Threads, Zalo
        ("https://twitter.com/in2spire/status/1780000000000000000?s=20&t=AbC",
         "https://x.com/in2spire/status/1780000000000000000", "x"),
        ("https://mobile.x.com/in2spire/status/1?ref_src=twsrc%5Etfw",
         "https://x.com/in2spire/status/1", "x"),
        ("https://www.threads.net/@in2spire/post/C6abc?xmt=AQGz&slof=1",
         "https://www.threads.com/@in2spire/post/C6abc", "threads"),
        ("https://zalo.me/g/abcdef123", "https://zalo.me/g/abcdef123", "zalo_oa"),
        ("https://oa.zalo.me/1234567890?zarsrc=31&utm_source=zalo",
         "https://oa.zalo.me/1234567890", "zalo_oa"),
        # Any other website
        ("www.example.vn/bai-viet/startup", "https://www.example.vn/bai-viet/startup", "web"),
        ("HTTPS://Blog.Example.COM:443/Bai-Viet/?b=2&a=1",
         "https://blog.example.com/Bai-Viet?b=2&a=1", "web"),
        ("http://blog.example.com:8080/a/", "http://blog.example.com:8080/a", "web"),
        ("https://vi.wikipedia.org/wiki/Việt_Nam",
         "https://vi.wikipedia.org/wiki/Vi%E1%BB%87t_Nam", "web"),
        ("https://vi.wikipedia.org/wiki/Vi%e1%bb%87t_Nam",
         "https://vi.wikipedia.org/wiki/Vi%E1%BB%87t_Nam", "web"),
        ("https://tênmiền.vn/đường", "https://xn--tnmin-hsa0954c.vn/%C4%91%C6%B0%E1%BB%9Dng",
         "web"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c", "web"),
        ("https://example.com/%7Euser/%41%2f", "https://example.com/~user/A%2F", "web"),
        ("https://example.com/search?q=kh%c3%b4ng+gian&x=a b",
         "https://example.com/search?q=kh%C3%B4ng+gian&x=a%20b", "web"),
        ("https://example.com/?srsltid=AfmBOo&q=1&&", "https://example.com?q=1", "web"),
        ("https://example.com./a", "https://example.com/a", "web"),
        ("https:/example.com/a", "https://example.com/a", "web"),
        ("//cdn.example.com/x", "https://cdn.example.com/x", "web"),
        ("http://8.8.8.8/status", "http://8.8.8.8/status", "web"),
        ("https://[2606:4700:4700:0::1111]:443/dns", "https://[2606:4700:4700::1111]/dns", "web"),
    ],
)  # fmt: skip
def test_real_world_links(text: str, expected: str, platform: str) -> None:
    link = normalize_link(text)
    assert link == NormalizedLink(
        original=text, normalized=expected, platform=platform, host=urlsplit(expected).hostname
    )
    assert normalize_link(expected).normalized == expected


@pytest.mark.parametrize(
    "text",
    ["ftp://example.com/file", "javascript:alert(1)", "JavaScript:alert(1)",
     "mailto:an@example.com", "tel:0901234567", "file:///etc/passwd", "data:text/html,hi",
     "ws://example.com/socket", "tg://resolve?domain=in2spire", "intent://scan/#Intent"],
)  # fmt: skip
def test_other_schemes_are_refused(text: str) -> None:
    with raises_key("error.link_scheme"):
        normalize_link(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a link",
        "https://",
        "http://localhost/",
        "https://localhost:8443/admin",
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://172.16.0.1",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[1.2.3.4]/",
        "http://2130706433/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
        "http://017700000001/",
        "http://1.2.3/",
        "https://printer.local/x",
        "https://db.internal/",
        "https://router.lan/",
        "https://site.example/",
        "https://user:pass@example.com/",
        "https://user@example.com/",
        "https://example.com@evil.com/",
        "https://example.com\\@evil.com",
        "https://example",
        "https://exa mple.com",
        "https://exa_mple.com",
        "https://-bad.com/",
        "https://example.com:0/",
        "https://example.com:99999/",
        "https://example.com:abc/",
        "http://[::1",
        "https://l.facebook.com/l.php?u=http%3A%2F%2F127.0.0.1%2Fadmin&h=x",
        "https://www.google.com/url?q=http://localhost:8080/",
    ],
)
def test_unusable_hosts_are_refused(text: str) -> None:
    with raises_key("error.link_host"):
        normalize_link(text)


def test_length_limit() -> None:
    base = "https://example.com/"
    ok = base + "a" * (LINK_MAX_LENGTH - len(base))
    assert normalize_link(ok).normalized == ok
    with raises_key("error.link_too_long") as info:
        normalize_link(ok + "a")
    assert info.value.params == {"max": LINK_MAX_LENGTH}
    # Percent-encoding can push a short text over the limit.
    with raises_key("error.link_too_long"):
        normalize_link(base + "đ" * 400)


def test_wrapper_without_a_usable_target_is_kept_as_it_is() -> None:
    assert normalize_link("https://l.facebook.com/l.php?h=AT0").normalized == (
        "https://l.facebook.com/l.php?h=AT0"
    )
    assert normalize_link("https://www.google.com/url?q=kh%C3%B4ng").platform == "web"


def test_wrappers_are_recognized_in_any_spelling() -> None:
    link = normalize_link("https://L.Facebook.com/l%2Ephp/?%75=https%3A%2F%2Fvov.vn%2Fa&h=1")
    assert link.normalized == "https://vov.vn/a"


def test_nested_wrappers_are_all_unwrapped() -> None:
    inner = "https%3A%2F%2Fvnexpress.net%2Fa.html%3Futm_source%3Dx"
    google = f"https://www.google.com/url?q={inner}"
    facebook = "https://l.facebook.com/l.php?u=" + quote(google, safe="")
    assert normalize_link(facebook).normalized == "https://vnexpress.net/a.html"


def test_youtu_be_keeps_other_parameters_and_drops_a_conflicting_v() -> None:
    link = normalize_link("https://youtu.be/dQw4w9WgXcQ?v=other&list=PL1&t=5")
    assert link.normalized == "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL1&t=5"
    # Not a video id: left as a youtu.be link.
    assert normalize_link("https://youtu.be/").normalized == "https://youtu.be"


def test_platform_hosts_keep_an_explicit_port_and_scheme() -> None:
    assert normalize_link("http://m.facebook.com:8080/x").normalized == (
        "http://m.facebook.com:8080/x"
    )


def test_platform_detection() -> None:
    assert detect_platform("www.facebook.com") == "facebook"
    assert detect_platform("vt.tiktok.com") == "tiktok"
    assert detect_platform("zalo.me") == "zalo_oa"
    assert detect_platform("ictnews.vietnamnet.vn") == "press"
    assert detect_platform("notvnexpress.net") == "web"
    assert detect_platform("vnexpress.net.evil.com") == "web"
    taxonomy_codes = set(codes("platforms"))
    for host in ["facebook.com", "youtu.be", "instagr.am", "lnkd.in", "x.com", "threads.com"]:
        assert detect_platform(host) in taxonomy_codes


def test_news_sites_data() -> None:
    sites = news_sites()
    assert {"vnexpress.net", "tuoitre.vn", "znews.vn", "e27.co", "techinasia.com"} <= sites
    assert all(s == s.lower() and not s.startswith(("www.", "http")) for s in sites)


# ------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True), ("93.184.216.34", True), ("2606:4700::1111", True),
        ("::ffff:8.8.8.8", True), ("64:ff9b::808:808", True), ("2002:808:808::1", True),
        ("10.0.0.5", False), ("127.0.0.1", False), ("::1", False), ("169.254.169.254", False),
        ("::ffff:127.0.0.1", False), ("::ffff:169.254.169.254", False), ("100.64.1.1", False),
        ("0.0.0.0", False), ("::", False), ("224.0.0.1", False), ("ff02::1", False),
        ("240.0.0.1", False), ("255.255.255.255", False), ("fd00::1", False),
        ("fe80::1", False), ("fe80::1%eth0", False), ("fec0::1", False),
        ("64:ff9b::a00:5", False), ("64:ff9b:1::1", False), ("2002:7f00:1::", False),
        ("2001::1", False), ("198.18.0.1", False), ("192.0.2.1", False),
        ("2001:db8::1", False),
    ],
)  # fmt: skip
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_ip(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.0.0.1", "127.0.0.1"), ("[::1]", "::1"), ("::ffff:7f00:1", "::ffff:7f00:1"),
     ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
     ("127.1", "127.0.0.1"), ("0x7F000001", "127.0.0.1"), ("example.com", None),
     ("cafe.bad", None), ("1.2.3.4.5", None)],
)  # fmt: skip
def test_parse_ip_catches_legacy_forms(host: str, address: str | None) -> None:
    parsed = parse_ip(host)
    assert (str(parsed) if parsed else None) == address


# ---------------------------------------------------------------------- extraction


def entity(text: str, part: str, kind: str = "url", **extra: Any) -> dict[str, Any]:
    """A Telegram entity for the first ``part`` in ``text``, offsets in UTF-16 units."""
    start = text.index(part)
    offset = len(text[:start].encode("utf-16-le")) // 2
    length = len(part.encode("utf-16-le")) // 2
    return {"type": kind, "offset": offset, "length": length, **extra}


def test_plain_text_links_with_sentence_punctuation() -> None:
    text = (
        "Bài đã lên: https://vnexpress.net/abc.html. Bản tiếng Anh (https://e.vnexpress.net/x), "
        'và "https://example.com/a_(b)" nữa!'
    )
    assert extract_links(text, None) == [
        "https://vnexpress.net/abc.html",
        "https://e.vnexpress.net/x",
        "https://example.com/a_(b)",
    ]


def test_bare_domains_need_www_or_a_path_on_a_common_tld() -> None:
    text = (
        "Xem www.tuoitre.vn và facebook.com/in2spire/posts/1; không phải node.js/x, v1.2/abc, "
        "vnexpress.net, e.g. this, file.txt, an@vnexpress.net/x hay chỉ facebook.com/."
    )
    assert extract_links(text, []) == ["www.tuoitre.vn", "facebook.com/in2spire/posts/1"]


def test_url_entities_are_read_in_utf16_units() -> None:
    # Emoji outside the BMP take two UTF-16 units: a character-based slice would be off.
    text = "🚀🇻🇳 Tin vui 🎉: vnexpress.net/startup-4712345.html rồi 👍 và cả tuoitre.vn"
    entities = [
        entity(text, "vnexpress.net/startup-4712345.html"),
        entity(text, "tuoitre.vn"),
    ]
    assert entities[0]["offset"] != text.index("vnexpress")
    assert extract_links(text, entities) == ["vnexpress.net/startup-4712345.html", "tuoitre.vn"]


def test_text_links_give_their_hidden_url_in_order() -> None:
    text = "Bài trên 📰 báo đây, còn video ở https://youtu.be/dQw4w9WgXcQ nhé"
    entities = [
        entity(text, "https://youtu.be/dQw4w9WgXcQ"),
        entity(text, "báo đây", "text_link", url="https://tuoitre.vn/startup.htm"),
    ]
    assert extract_links(text, entities) == [
        "https://tuoitre.vn/startup.htm",
        "https://youtu.be/dQw4w9WgXcQ",
    ]


def test_entities_are_authoritative_over_the_text_scan() -> None:
    # Telegram ended the link before ")" and covered a visible URL with another one.
    text = "(https://example.com/a) và https://shown.example.com/x"
    entities = [
        entity(text, "https://example.com/a"),
        entity(text, "https://shown.example.com/x", "text_link", url="https://real.vn/y"),
    ]
    assert extract_links(text, entities) == ["https://example.com/a", "https://real.vn/y"]


def test_non_web_text_links_are_skipped() -> None:
    text = "Liên hệ an, gửi thư hoặc xem trang"
    entities = [
        entity(text, "an", "text_link", url="tg://user?id=123"),
        entity(text, "gửi thư", "text_link", url="mailto:an@example.com"),
        entity(text, "xem trang", "text_link", url="HTTPS://Example.com/page"),
        entity(text, "Liên hệ", "bold"),
    ]
    assert extract_links(text, entities) == ["HTTPS://Example.com/page"]


def test_duplicates_are_removed_by_normalized_form() -> None:
    text = (
        "https://vnexpress.net/a.html?utm_source=zalo vnexpress.net/a.html "
        "https://m.facebook.com/x/posts/1 https://www.facebook.com/x/posts/1/"
    )
    assert extract_links(text, None) == [
        "https://vnexpress.net/a.html?utm_source=zalo",
        "https://m.facebook.com/x/posts/1",
    ]


def test_invalid_candidates_are_returned_for_the_caller_to_explain() -> None:
    assert extract_links("xem http://localhost:8080/admin", None) == ["http://localhost:8080/admin"]


def test_malformed_entities_are_ignored() -> None:
    text = "🚀 https://vnexpress.net/a"
    entities: list[Any] = [
        {"type": "url", "offset": 1, "length": 5},  # splits the emoji's surrogate pair
        {"type": "url", "offset": 500, "length": 5},
        {"type": "url", "offset": -3, "length": 2},
        {"type": "url", "offset": "3", "length": 2},
        {"type": "url", "offset": True, "length": 2},
        {"type": "url", "offset": 0, "length": -1},
        {"type": "text_link", "offset": 0, "length": 1, "url": None},
        {"type": "text_link", "offset": 0, "length": 1},
        "not a mapping",
        {},
    ]
    assert extract_links(text, entities) == ["https://vnexpress.net/a"]


def test_nothing_to_extract() -> None:
    assert extract_links(None, None) == []
    assert extract_links("", []) == []
    assert extract_links("Chào bạn, mình đã đăng bài rồi!", None) == []


# ----------------------------------------------------------------------- properties

_LABEL = st.from_regex(r"[a-z0-9]{1,8}(?:-[a-z0-9]{1,5})?", fullmatch=True)
_TLD = st.sampled_from(["com", "vn", "com.vn", "net", "org", "io", "xn--p1ai"])
_PLATFORM_HOSTS = st.sampled_from(
    ["facebook.com", "m.facebook.com", "web.facebook.com", "l.facebook.com", "fb.watch",
     "youtube.com", "m.youtube.com", "youtu.be", "www.tiktok.com", "vt.tiktok.com",
     "instagram.com", "l.instagram.com", "linkedin.com", "lnkd.in", "twitter.com",
     "mobile.twitter.com", "x.com", "threads.net", "zalo.me", "oa.zalo.me", "vnexpress.net",
     "e.vnexpress.net", "www.google.com", "t.me", "8.8.8.8", "[2606:4700::1111]"]
)  # fmt: skip
_SEGMENT = st.text(
    alphabet=string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@ đêươ🚀", max_size=8
)
_TRACKING = st.sampled_from(
    [*sorted(TRACKING_PARAMS), "utm_source", "UTM_Medium", "utm_x", "mibextid", "__cft__[0]",
     "is_from_webapp", "igsh", "xmt", "trk", "feature"]
)  # fmt: skip
_NAME = st.text(alphabet=string.ascii_letters + string.digits + "_-.%[]đ", min_size=1, max_size=8)
_VALUE = st.text(alphabet=string.ascii_letters + string.digits + "_-.%+=:/?đ ", max_size=10)


@st.composite
def links(draw: st.DrawFn) -> str:
    """Links the way people paste them: any case, scheme or not, ports, paths, queries,
    tracking parameters, fragments, wrappers."""
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://", "//", "https:/"]))
    if draw(st.booleans()):
        host = draw(_PLATFORM_HOSTS)
    else:
        host = ".".join([*draw(st.lists(_LABEL, min_size=1, max_size=3)), draw(_TLD)])
    if draw(st.booleans()):
        host = host.upper()
    port = draw(st.sampled_from(["", "", ":80", ":443", ":8080"]))
    path = "".join("/" + s for s in draw(st.lists(_SEGMENT, max_size=3)))
    path = path or draw(st.sampled_from(["", "/", "/l.php", "/url", "/iv"]))
    if draw(st.booleans()):
        path += "/"
    params = draw(
        st.lists(st.tuples(st.one_of(_TRACKING, _NAME, st.sampled_from(["u", "q", "v"])), _VALUE),
                 max_size=5)
    )  # fmt: skip
    if draw(st.booleans()):
        params.append(("u", draw(st.sampled_from(["https%3A%2F%2Fvnexpress.net%2Fa", "x"]))))
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#!/a?utm_source=x"]))
    return f"{scheme}{host}{port}{path}" + (f"?{query}" if query else "") + fragment


def _check_shape(link: NormalizedLink) -> None:
    parts = urlsplit(link.normalized)
    assert parts.scheme in {"http", "https"}
    assert parts.hostname == link.host.lower() == link.host
    assert not parts.fragment and "#" not in link.normalized
    assert link.normalized.isascii()
    assert len(link.normalized) <= LINK_MAX_LENGTH
    assert link.platform in {*codes("platforms"), "web"}


def _is_tracking(name: str) -> bool:
    key = name.strip().lower()
    return key in TRACKING_PARAMS or key.startswith("utm_")


@FAST
@given(links())
def test_normalizing_is_idempotent(text: str) -> None:
    once, code = attempt(text)
    if once is None:
        assert code in LINK_KEYS
        return
    _check_shape(once)
    twice = normalize_link(once.normalized)
    assert twice.normalized == once.normalized
    assert (twice.platform, twice.host) == (once.platform, once.host)


@FAST
@given(links())
def test_tracking_parameters_never_survive(text: str) -> None:
    link, _ = attempt(text)
    if link is None:
        return
    names = [name for name, _ in parse_qsl(urlsplit(link.normalized).query, True)]
    assert not [name for name in names if _is_tracking(name)]
    if link.platform == "facebook":
        assert not [n for n in names if n in {"mibextid", "__cft__[0]"}]


@FAST
@given(st.text(max_size=60))
def test_arbitrary_text_is_normalized_or_refused_with_a_link_key(text: str) -> None:
    link, code = attempt(text)
    if link is None:
        assert code in LINK_KEYS
        return
    _check_shape(link)
    assert normalize_link(link.normalized).normalized == link.normalized


@FAST
@given(st.text(alphabet=string.printable + "đêươ🚀@:/?#[]%\\", max_size=60))
def test_url_like_text_is_normalized_or_refused_with_a_link_key(text: str) -> None:
    link, code = attempt(text)
    if link is None:
        assert code in LINK_KEYS
        return
    _check_shape(link)
    assert normalize_link(link.normalized).normalized == link.normalized


_WORDS = st.lists(
    st.sampled_from(["Bài", "viết", "đã", "đăng", "🚀", "🇻🇳", "👍🏽", "nhé!", "—", "\n", "Tết"]),
    max_size=6,
).map(" ".join)
_LINKS = st.sampled_from(
    ["https://vnexpress.net/startup-4712345.html", "https://youtu.be/dQw4w9WgXcQ",
     "https://www.facebook.com/in2spire/posts/1", "tuoitre.vn/abc.htm",
     "https://vi.wikipedia.org/wiki/Việt_Nam"]
)  # fmt: skip


@FAST
@given(before=_WORDS, link=_LINKS, after=_WORDS, with_entity=st.booleans())
def test_a_link_among_vietnamese_and_emoji_is_found_exactly(
    before: str, link: str, after: str, with_entity: bool
) -> None:
    text = f"{before} {link} {after}"
    entities = [entity(text, link)] if with_entity else []
    assert extract_links(text, entities) == [link]


@FAST
@given(
    text=st.text(max_size=80),
    entities=st.lists(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["url", "text_link", "bold"]),
             "offset": st.integers(-2, 90), "length": st.integers(-2, 90)},
            optional={"url": st.one_of(st.none(), st.text(max_size=20), _LINKS)},
        ),
        max_size=4,
    ),
)  # fmt: skip
def test_extraction_never_fails(text: str, entities: list[dict[str, Any]]) -> None:
    found = extract_links(text, entities)
    assert len(found) == len(set(found))
    hidden = {e["url"].strip() for e in entities if isinstance(e.get("url"), str)}
    assert all(candidate in text or candidate in hidden for candidate in found)
