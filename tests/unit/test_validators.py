"""Validators: concrete examples with exact error keys, plus properties."""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.reference import codes
from bot.validators import (
    AUDIENCE_MAX,
    TRACKING_PARAMS,
    URL_MAX_LENGTH,
    clean_name,
    clean_text,
    normalize_email,
    normalize_phone,
    normalize_profile_url,
    normalize_url,
    parse_audience,
    parse_capacity,
)

FAST = settings(max_examples=200, deadline=None)


@contextlib.contextmanager
def raises_key(key: str, **params: Any) -> Iterator[None]:
    """Expect ``InvalidInput`` with this i18n key and (at least) these params."""
    with pytest.raises(InvalidInput) as info:
        yield
    assert info.value.code == key
    for name, value in params.items():
        assert info.value.params[name] == value


def attempt(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """(result, None) or (None, i18n key): for properties where rejecting is allowed."""
    try:
        return fn(*args, **kwargs), None
    except InvalidInput as exc:
        return None, exc.code


# ---------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    "text",
    [
        "0901234567",
        "090 123 4567",
        "090.123.4567",
        "090-123-4567",
        "+84 90 123 4567",
        "+84901234567",
        "84901234567",
        "(+84) 901-234-567",
        "+84 (0) 90 123 4567",
        "+84 0901234567",
        "0084 90 123 4567",
        " 0901234567 ",
        "０９０１２３４５６７",  # full-width digits from some keyboards
    ],
)
def test_phone_formats_of_one_mobile_number(text: str) -> None:
    assert normalize_phone(text) == "+84901234567"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("024 3826 1234", "+842438261234"),
        ("(024) 3826-1234", "+842438261234"),
        ("028 3829 1234", "+842838291234"),
        ("0236 3821 234", "+842363821234"),
        ("+1 650 253 0000", "+16502530000"),
        ("+44 20 7946 0958", "+442079460958"),
        ("0084 90 123 4567", "+84901234567"),
        ("0387654321", "+84387654321"),
    ],
)
def test_phone_landlines_and_foreign_numbers(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "0901234",  # too short
        "09012345678",  # one digit too many
        "0901 234 567 890 123 456",
        "1-800-FLOWERS",
        "0901234567a",
        "0901234567 ext 12",
        "++84901234567",
        "0901234567+",
        "84+901234567",
        "0000000000",
        "0101234567",  # no such prefix
        "+999 1234 5678",  # no such country
        "0901234567 / 0912345678",
    ],
)
def test_phone_rejects(text: str) -> None:
    with raises_key("error.phone_invalid"):
        normalize_phone(text)


MOBILE_PREFIXES = [
    *[f"3{d}" for d in "23456789"],
    "56",
    "58",
    "70",
    *[f"7{d}" for d in "6789"],
    *[f"8{d}" for d in "12345678"],
    *[f"9{d}" for d in "012345678"],
]


@st.composite
def vn_mobile(draw: st.DrawFn) -> tuple[str, str]:
    """(national significant number, the same number written some way people write it)."""
    nsn = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(
        st.text(string.digits, min_size=7, max_size=7)
    )
    lead = draw(
        st.sampled_from(["0", "+84", "84", "0084", "(+84) ", "+84 ", "+84 (0)", "(84) ", "+84 0"])
    )
    sep = draw(st.sampled_from(["", " ", ".", "-"]))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(nsn) - 1), max_size=4)))
    groups = [nsn[a:b] for a, b in zip([0, *cuts], [*cuts, len(nsn)], strict=True)]
    return nsn, lead + sep.join(groups)


@FAST
@given(vn_mobile())
def test_any_format_of_a_vn_mobile_gives_the_same_e164(case: tuple[str, str]) -> None:
    nsn, text = case
    assert normalize_phone(text) == "+84" + nsn


@FAST
@given(vn_mobile())
def test_phone_is_idempotent(case: tuple[str, str]) -> None:
    once = normalize_phone(case[1])
    assert normalize_phone(once) == once


@FAST
@given(st.text(alphabet="0123456789 +-.()/x", max_size=24))
def test_phone_either_rejects_with_the_key_or_is_idempotent(text: str) -> None:
    once, code = attempt(normalize_phone, text)
    if code is not None:
        assert code == "error.phone_invalid"
        return
    assert re.fullmatch(r"\+[1-9]\d{6,14}", once)
    assert normalize_phone(once) == once


# ---------------------------------------------------------------------------- email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("an@example.com", "an@example.com"),
        ("Nguyen.Van.An@Example.COM", "Nguyen.Van.An@example.com"),
        ("  lan+bot@GMAIL.com ", "lan+bot@gmail.com"),
        ("mailto:info@in2spire.vn", "info@in2spire.vn"),
        ("x@TÊNMIỀN.VN", "x@tênmiền.vn"),
    ],
)
def test_email_examples(text: str, expected: str) -> None:
    assert normalize_email(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "an", "an@", "@example.com", "an@example", "an @example.com", "an@@example.com",
     "an@example..com", "Nguyen <an@example.com>", "an@localhost", "an@-example.com"],
)  # fmt: skip
def test_email_rejects(text: str) -> None:
    with raises_key("error.email_invalid"):
        normalize_email(text)


@FAST
@given(st.emails())
def test_email_is_idempotent(text: str) -> None:
    once, code = attempt(normalize_email, text)
    if code is not None:
        assert code == "error.email_invalid"
        return
    assert normalize_email(once) == once
    local, _, domain = once.rpartition("@")
    assert domain == domain.lower()
    assert local == text.rpartition("@")[0]


@FAST
@given(st.text(max_size=40))
def test_email_either_rejects_with_the_key_or_is_idempotent(text: str) -> None:
    once, code = attempt(normalize_email, text)
    if code is not None:
        assert code == "error.email_invalid"
        return
    assert normalize_email(once) == once


# ------------------------------------------------------------------------------ URL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("example.vn", "https://example.vn"),
        ("www.example.com/path", "https://www.example.com/path"),
        ("HTTPS://Example.COM/", "https://example.com"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("example.com:8443/x", "https://example.com:8443/x"),
        ("//cdn.example.com/x", "https://cdn.example.com/x"),
        ("https://example.com/a/", "https://example.com/a/"),
        ("https://example.com/a#section", "https://example.com/a"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://vnexpress.net/tin-moi-123.html?utm_source=fb&utm_medium=social",
         "https://vnexpress.net/tin-moi-123.html"),
        ("https://example.com/?b=2&utm_campaign=x&a=1&fbclid=abc&gclid=z",
         "https://example.com?b=2&a=1"),
        ("https://youtu.be/abc123?si=xyz&t=42", "https://youtu.be/abc123?t=42"),
        ("https://www.instagram.com/p/abc/?igshid=xyz", "https://www.instagram.com/p/abc/"),
        ("https://example.com/?UTM_Source=x&q=%C3%A1", "https://example.com?q=%C3%A1"),
        ("https://example.com/?a=&&b", "https://example.com?a=&b"),
        ("https://tênmiền.vn/đường", "https://xn--tnmin-hsa0954c.vn/đường"),
        ("https://ＥＸＡＭＰＬＥ.com", "https://example.com"),
        ("https://sub.domain.example.co.uk/x?y=1", "https://sub.domain.example.co.uk/x?y=1"),
    ],
)  # fmt: skip
def test_url_examples(text: str, expected: str) -> None:
    assert normalize_url(text) == expected


@pytest.mark.parametrize(
    "text",
    ["javascript:alert(1)", "JavaScript:alert(1)", "ftp://example.com/file", "data:text/html,hi",
     "mailto:an@example.com", "file:///etc/passwd", "tel:0901234567", "ws://example.com"],
)  # fmt: skip
def test_url_rejects_other_schemes(text: str) -> None:
    with raises_key("error.url_scheme"):
        normalize_url(text)


def test_url_require_https() -> None:
    assert normalize_url("example.com", require_https=True) == "https://example.com"
    with raises_key("error.url_scheme"):
        normalize_url("http://example.com", require_https=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "example",
        "localhost",
        "localhost:8080",
        "https://localhost/admin",
        "http://192.168.1.1/",
        "http://10.0.0.1",
        "8.8.8.8",
        "http://[::1]/",
        "https://user:pass@example.com",
        "https://user@example.com",
        "https://example.com@evil.com",
        "https://exa mple.com",
        "https://example.com/a b",
        "https://example.c0m",
        "https://example.c",
        "https://-example.com",
        "https://exa_mple.com",
        "https://a..com",
        "https:example.com",
        "https://",
        "https://example.com:99999",
        "https://example.com:0",
        "https://example.com:abc",
        "https://example.com\\@evil.com",
        "https://<script>.com",
        "https://xn--zz.com",
        "https://" + "a" * 64 + ".com",
        "https://example.com/\x00",
    ],
)
def test_url_rejects(text: str) -> None:
    with raises_key("error.url_invalid"):
        normalize_url(text)


def test_url_max_length() -> None:
    base = "https://example.com/"
    ok = base + "a" * (URL_MAX_LENGTH - len(base))
    assert normalize_url(ok) == ok
    with raises_key("error.url_too_long", max=URL_MAX_LENGTH):
        normalize_url(ok + "a")


_LABELS = st.from_regex(r"[a-z0-9]{1,6}(?:-[a-z0-9]{1,6})?", fullmatch=True)
_TLDS = st.sampled_from(["com", "vn", "net", "org", "io", "com.vn", "edu.vn", "xn--p1ai"])
_SAFE = string.ascii_letters + string.digits + "-._~%!$'()*+,;=:@"
_SEGMENT = st.text(alphabet=_SAFE, max_size=8)
_TRACKING = st.sampled_from([*sorted(TRACKING_PARAMS), "utm_source", "utm_medium", "utm_x"])
_PARAM_NAME = st.text(
    alphabet=string.ascii_letters + string.digits + "_-.%", min_size=1, max_size=8
)
_PARAM_VALUE = st.text(alphabet=string.ascii_letters + string.digits + "_-.%+=:/", max_size=8)


@st.composite
def urls(draw: st.DrawFn) -> str:
    """URLs the way people paste them: any case, optional scheme/port/path/query/fragment."""
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://", "Http://", "//"]))
    labels = draw(st.lists(_LABELS, min_size=1, max_size=3))
    host = ".".join([*labels, draw(_TLDS)])
    if draw(st.booleans()):
        host = host.upper()
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":1"]))
    path = "".join("/" + s for s in draw(st.lists(_SEGMENT, max_size=3)))
    if draw(st.booleans()):
        path += "/"
    params = draw(
        st.lists(
            st.one_of(
                st.tuples(_TRACKING.map(lambda k: k.upper() if len(k) % 2 else k), _PARAM_VALUE),
                st.tuples(_PARAM_NAME, _PARAM_VALUE),
            ),
            max_size=5,
        )
    )
    query = "&".join(f"{k}={v}" for k, v in params)
    fragment = draw(st.sampled_from(["", "#top", "#!/a?utm_source=x"]))
    return f"{scheme}{host}{port}{path}" + (f"?{query}" if query else "") + fragment


def _is_tracking_name(name: str) -> bool:
    key = name.strip().lower()
    return key in TRACKING_PARAMS or key.startswith("utm_")


@FAST
@given(urls())
def test_url_is_idempotent(text: str) -> None:
    once = normalize_url(text)
    assert normalize_url(once) == once
    parts = urlsplit(once)
    assert parts.scheme in {"http", "https"}
    assert parts.hostname == parts.hostname.lower()  # type: ignore[union-attr]
    assert not parts.fragment


@FAST
@given(urls())
def test_tracking_params_never_survive(text: str) -> None:
    query = urlsplit(normalize_url(text)).query
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    assert not [name for name in names if _is_tracking_name(name)]


@FAST
@given(urls())
def test_other_params_survive_in_order(text: str) -> None:
    original = urlsplit(text if "//" in text else "https://" + text).query
    kept = [p for p in original.split("&") if p and not _is_tracking_name(p.split("=")[0])]
    query = urlsplit(normalize_url(text)).query
    assert query == "&".join(kept)


@FAST
@given(st.text(alphabet=string.printable + "đêươ@:/?#[]", max_size=40))
def test_url_either_rejects_with_a_url_key_or_is_idempotent(text: str) -> None:
    once, code = attempt(normalize_url, text)
    if code is not None:
        assert code in {"error.url_invalid", "error.url_scheme", "error.url_too_long"}
        return
    assert normalize_url(once) == once


# --------------------------------------------------------------------- profile URLs


@pytest.mark.parametrize(
    ("platform", "text", "expected"),
    [
        ("facebook", "facebook.com/in2spire", "https://www.facebook.com/in2spire"),
        ("facebook", "https://m.facebook.com/in2spire/", "https://www.facebook.com/in2spire"),
        ("facebook", "http://web.facebook.com/in2spire", "https://www.facebook.com/in2spire"),
        ("facebook", "fb.com/in2spire?fbclid=x", "https://www.facebook.com/in2spire"),
        ("facebook", "https://www.facebook.com/profile.php?id=1000",
         "https://www.facebook.com/profile.php?id=1000"),
        ("youtube", "youtube.com/@VTV24", "https://www.youtube.com/@VTV24"),
        ("youtube", "https://m.youtube.com/c/abc", "https://www.youtube.com/c/abc"),
        ("youtube", "@VTV24", "https://www.youtube.com/@VTV24"),
        ("youtube", "youtu.be/xyz?si=abc", "https://youtu.be/xyz"),
        ("tiktok", "@ambassador.vn", "https://www.tiktok.com/@ambassador.vn"),
        ("tiktok", "tiktok.com/@ambassador.vn", "https://www.tiktok.com/@ambassador.vn"),
        ("tiktok", "https://vt.tiktok.com/ZSabc/", "https://vt.tiktok.com/ZSabc"),
        ("instagram", "@in2spire_vn", "https://www.instagram.com/in2spire_vn"),
        ("instagram", "instagram.com/in2spire_vn/?igshid=1",
         "https://www.instagram.com/in2spire_vn"),
        ("x", "@jack", "https://x.com/jack"),
        ("x", "twitter.com/jack", "https://x.com/jack"),
        ("x", "https://mobile.twitter.com/jack", "https://x.com/jack"),
        ("threads", "@zuck", "https://www.threads.com/@zuck"),
        ("threads", "threads.net/@zuck", "https://www.threads.com/@zuck"),
        ("linkedin", "vn.linkedin.com/in/an-nguyen", "https://www.linkedin.com/in/an-nguyen"),
        ("zalo_oa", "zalo.me/1234567890", "https://zalo.me/1234567890"),
        ("zalo_oa", "https://oa.zalo.me/home", "https://oa.zalo.me/home"),
        ("press", "vnexpress.net", "https://vnexpress.net"),
        ("tv", "http://vtv.vn/", "http://vtv.vn"),
        ("blog", "blog.example.vn/about/", "https://blog.example.vn/about/"),
        ("other", "facebook.com/some-page", "https://facebook.com/some-page"),
    ],
)  # fmt: skip
def test_profile_url_examples(platform: str, text: str, expected: str) -> None:
    assert normalize_profile_url(platform, text) == expected


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        ("facebook", "youtube.com/@abc"),
        ("facebook", "notfacebook.com/abc"),
        ("facebook", "facebook.com.evil.vn/abc"),
        ("x", "threads.net/@zuck"),
        ("tiktok", "example.com/@abc"),
        ("zalo_oa", "zalo.vn/abc"),
    ],
)
def test_profile_url_on_another_host(platform: str, text: str) -> None:
    with raises_key("error.profile_url_platform", platform=platform):
        normalize_profile_url(platform, text)


@pytest.mark.parametrize(
    ("platform", "text"),
    [("facebook", "@in2spire"), ("x", "@this_handle_is_far_too_long"), ("tiktok", "@a b"),
     ("instagram", "@"), ("press", "@vnexpress"), ("youtube", "@ab")],
)  # fmt: skip
def test_profile_handle_rejected(platform: str, text: str) -> None:
    with raises_key("error.profile_handle_invalid", platform=platform):
        normalize_profile_url(platform, text)


@pytest.mark.parametrize(
    ("platform", "text"), [("facebook", "facebook.com"), ("x", "https://twitter.com/")]
)
def test_profile_url_without_a_profile(platform: str, text: str) -> None:
    with raises_key("error.profile_url_incomplete", platform=platform):
        normalize_profile_url(platform, text)


def test_profile_url_passes_url_errors_through() -> None:
    with raises_key("error.url_scheme"):
        normalize_profile_url("facebook", "javascript:alert(1)")
    with raises_key("error.url_invalid"):
        normalize_profile_url("press", "not a url")


def test_profile_url_unknown_platform_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown platform"):
        normalize_profile_url("myspace", "myspace.com/abc")


_PROFILE_HOSTS = {
    "facebook": ["facebook.com", "m.facebook.com", "fb.com", "web.facebook.com", "web.fb.com"],
    "youtube": ["youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"],
    "tiktok": ["tiktok.com", "www.tiktok.com", "m.tiktok.com", "vt.tiktok.com"],
    "zalo_oa": ["zalo.me", "oa.zalo.me"],
    "instagram": ["instagram.com", "www.instagram.com"],
    "linkedin": ["linkedin.com", "vn.linkedin.com"],
    "x": ["x.com", "twitter.com", "mobile.twitter.com"],
    "threads": ["threads.net", "threads.com", "www.threads.net"],
    "press": ["vnexpress.net", "tuoitre.vn"],
    "blog": ["medium.com", "blog.example.vn"],
}


@st.composite
def profile_inputs(draw: st.DrawFn) -> tuple[str, str]:
    platform = draw(st.sampled_from(sorted(_PROFILE_HOSTS)))
    if platform in {"tiktok", "instagram", "x", "threads", "youtube"} and draw(st.booleans()):
        return platform, "@" + draw(st.from_regex(r"[A-Za-z0-9_]{3,15}", fullmatch=True))
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://"]))
    host = draw(st.sampled_from(_PROFILE_HOSTS[platform]))
    host = host.upper() if draw(st.booleans()) else host
    path = "/" + draw(st.from_regex(r"@?[A-Za-z0-9_.]{1,12}", fullmatch=True))
    path += draw(st.sampled_from(["", "/", "//"]))
    query = draw(st.sampled_from(["", "?utm_source=zalo", "?id=12&fbclid=x", "?si=abc"]))
    port = draw(st.sampled_from(["", ":443"]))
    return platform, f"{scheme}{host}{port}{path}{query}"


@FAST
@given(profile_inputs())
def test_profile_url_is_idempotent(case: tuple[str, str]) -> None:
    platform, text = case
    once = normalize_profile_url(platform, text)
    assert normalize_profile_url(platform, once) == once
    assert normalize_url(once) == once


@FAST
@given(
    platform=st.sampled_from(codes("platforms")),
    text=st.text(alphabet=string.printable + "đ@", max_size=40),
)
def test_profile_url_either_rejects_with_a_known_key_or_is_idempotent(
    platform: str, text: str
) -> None:
    once, code = attempt(normalize_profile_url, platform, text)
    if code is not None:
        assert code.startswith(("error.url_", "error.profile_"))
        return
    assert normalize_profile_url(platform, once) == once


def test_every_platform_code_is_accepted_by_profile_normaliser() -> None:
    for code in codes("platforms"):
        with raises_key("error.url_invalid"):
            normalize_profile_url(code, "")


# ------------------------------------------------------------------------ audience


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("12000", 12_000),
        ("12.000", 12_000),
        ("12,000", 12_000),
        ("12 000", 12_000),
        ("1.234.567", 1_234_567),
        ("1,234,567", 1_234_567),
        ("12k", 12_000),
        ("12K", 12_000),
        ("12 k", 12_000),
        ("1.2k", 1_200),
        ("1,2k", 1_200),
        ("1,2 triệu", 1_200_000),
        ("1,2 TRIỆU", 1_200_000),
        ("1.5m", 1_500_000),
        ("1.5M", 1_500_000),
        ("2 tr", 2_000_000),
        ("2tr", 2_000_000),
        ("15 nghìn", 15_000),
        ("15 ngàn", 15_000),
        ("15 nghin", 15_000),
        ("1.234,5k", 1_234_500),
        ("1,234.5k", 1_234_500),
        ("2 tỷ", 2_000_000_000),
        ("1,5 tỉ", 1_500_000_000),
        ("1.5b", 1_500_000_000),
        ("~12k+", 12_000),
        ("12k+", 12_000),
        ("1.2345k", 1_235),  # rounded half up
        (" 007 ", 7),
    ],
)
def test_audience_examples(text: str, expected: int) -> None:
    assert parse_audience(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-1",
        "1.5",  # no unit: a fraction of a follower
        "12.00",
        "1.2.3",
        "12.000,5",
        "1.500k",  # 1.5 thousand (English) or 1.5 million (Vietnamese)?
        "12k5",
        "12 xyz",
        "2000000001",
        "2.1 tỷ",
        "3 tỷ",
        "1e6",
        "12 000 k",
        "1,2.3k",
        "k",
    ],
)
def test_audience_rejects(text: str) -> None:
    with raises_key("error.audience_invalid"):
        parse_audience(text)


@FAST
@given(st.integers(min_value=0, max_value=AUDIENCE_MAX))
def test_audience_reads_plain_and_grouped_integers(n: int) -> None:
    assert parse_audience(str(n)) == n
    assert parse_audience(f"{n:,}") == n
    assert parse_audience(f"{n:,}".replace(",", ".")) == n
    assert parse_audience(f"{n:,}".replace(",", " ")) == n


@FAST
@given(
    st.integers(min_value=0, max_value=2_000_000),
    st.sampled_from(["k", "K", " nghìn", " ngàn"]),
)
def test_audience_thousands(n: int, unit: str) -> None:
    assert parse_audience(f"{n}{unit}") == n * 1000


@FAST
@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=9))
def test_audience_decimal_millions(whole: int, tenth: int) -> None:
    assume(whole * 1_000_000 + tenth * 100_000 <= AUDIENCE_MAX)
    expected = whole * 1_000_000 + tenth * 100_000
    assert parse_audience(f"{whole}.{tenth}m") == expected
    assert parse_audience(f"{whole},{tenth} triệu") == expected


@FAST
@given(st.text(alphabet="0123456789.,  kKmMbBtrieuyỷỉnghìà~+-e", max_size=45))
def test_audience_either_rejects_with_the_key_or_is_in_range(text: str) -> None:
    n, code = attempt(parse_audience, text)
    if code is not None:
        assert code == "error.audience_invalid"
        return
    assert 0 <= n <= AUDIENCE_MAX


def test_audience_rejects_absurdly_long_numbers() -> None:
    for text in ["9" * 40 + "k", "9" * 5000, "1" + "0" * 30]:
        with raises_key("error.audience_invalid"):
            parse_audience(text)


# ------------------------------------------------------------------------- capacity


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("5", 5), (" 50 ", 50), ("07", 7)])
def test_capacity_examples(text: str, expected: int) -> None:
    assert parse_capacity(text) == expected


@pytest.mark.parametrize("text", ["", "0", "51", "-1", "abc", "5.5", "1e1", "10 bài", "9" * 30])
def test_capacity_rejects(text: str) -> None:
    with raises_key("error.capacity_invalid", min=1, max=50):
        parse_capacity(text)


@FAST
@given(st.integers(min_value=-1000, max_value=1000))
def test_capacity_range(n: int) -> None:
    if 1 <= n <= 50:
        assert parse_capacity(str(n)) == n
    else:
        with raises_key("error.capacity_invalid"):
            parse_capacity(str(n))


# ----------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Xin chào  ", "Xin chào"),
        ("a\r\nb", "a\nb"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n \n\t\n  \nb", "a\n\nb"),
        ("a\tb", "a\tb"),
        ("a\x00b\x07c\x1bd", "abcd"),
        ("\ufeffchào", "chào"),
        ("line  \nnext", "line\nnext"),
        ("  indented\n  kept", "indented\n  kept"),
        ("Vie\u0302\u0323t Nam", "Việt Nam"),  # decomposed input is stored composed
    ],
)
def test_clean_text_examples(text: str, expected: str) -> None:
    assert clean_text(text, max_len=100) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t", "\x00\x01"])
def test_clean_text_empty(text: str) -> None:
    with raises_key("error.text_empty", field="pitch"):
        clean_text(text, max_len=10, field="pitch")


def test_clean_text_too_long_counts_after_cleaning() -> None:
    assert clean_text("  abcde  ", max_len=5) == "abcde"
    with raises_key("error.text_too_long", max=5, length=6, field="bio"):
        clean_text("abcdef", max_len=5, field="bio")


def test_clean_text_too_short() -> None:
    with raises_key("error.text_too_short", min=10, length=3, field="pitch"):
        clean_text("abc", max_len=100, min_len=10, field="pitch")


@FAST
@given(st.text(max_size=200))
def test_clean_text_is_idempotent_and_clean(text: str) -> None:
    once, code = attempt(clean_text, text, max_len=1000)
    if code is not None:
        assert code == "error.text_empty"
        return
    assert clean_text(once, max_len=1000) == once
    assert once == once.strip()
    assert "\n\n\n" not in once
    assert "\r" not in once
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", once)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Nguyễn   Văn An ", "Nguyễn Văn An"),
        ("Nguyễn\nVăn\tAn", "Nguyễn Văn An"),
        ("An\x00", "An"),
        ("Công ty\u00a0ABC", "Công ty ABC"),
    ],
)
def test_clean_name_examples(text: str, expected: str) -> None:
    assert clean_name(text) == expected


def test_clean_name_limits() -> None:
    assert clean_name("a" * 100) == "a" * 100
    with raises_key("error.text_too_long", max=100, length=101, field="name"):
        clean_name("a" * 101)
    with raises_key("error.text_too_long", max=10):
        clean_name("a" * 11, max_len=10)
    with raises_key("error.text_empty", field="name"):
        clean_name(" \n ")


@FAST
@given(st.text(max_size=120))
def test_clean_name_is_one_line_and_idempotent(text: str) -> None:
    once, code = attempt(clean_name, text, max_len=200)
    if code is not None:
        assert code == "error.text_empty"
        return
    assert "\n" not in once
    assert "\t" not in once
    assert "  " not in once
    assert clean_name(once, max_len=200) == once
