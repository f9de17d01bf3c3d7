"""Link checking against a local aiohttp server (allowed via ``allow_hosts``), the SSRF
guard with fake resolvers, and the HTML reading on its own."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.services import link_check
from bot.services.link_check import (
    USER_AGENT,
    LinkCheck,
    check_link,
    parse_datetime,
    parse_page,
)

LOCAL = frozenset({"127.0.0.1"})

ARTICLE = """<!doctype html>
<html lang="vi"><head>
<meta charset="utf-8">
<title>Startup nông nghiệp gọi vốn - VnExpress</title>
<meta property="og:title" content="Startup nông nghiệp gọi vốn 2 triệu USD">
<meta property="og:description" content="Một startup ở Cần Thơ vừa gọi vốn.">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "VnExpress"},
  {"@type": "NewsArticle", "headline": "Startup", "datePublished": "2024-05-01T08:30:00+07:00"}
]}
</script>
<style>.x { content: "Nông Nghiệp Xanh"; }</style>
</head><body>
<h1>Startup nông nghiệp gọi vốn</h1>
<p>Công ty Cổ phần <b>NÔNG NGHIỆP XANH</b> (Đồng Tháp) vừa hoàn tất vòng gọi vốn.</p>
<script>var hidden = "Đại Dương Xanh";</script>
</body></html>
"""


@dataclass
class Site:
    """The local test server and what it saw."""

    server: TestServer
    release: asyncio.Event
    hosts: list[str] = field(default_factory=list)
    user_agents: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    @property
    def port(self) -> int:
        assert self.server.port is not None
        return self.server.port


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


def build_app(site_ref: list[Site]) -> web.Application:
    async def article(request: web.Request) -> web.Response:
        site_ref[0].hosts.append(request.host)
        site_ref[0].user_agents.append(request.headers.get("User-Agent", ""))
        return html(ARTICLE)

    async def host(request: web.Request) -> web.Response:
        site_ref[0].hosts.append(request.host)
        return html(f"<title>{request.host}</title>")

    async def missing(request: web.Request) -> web.Response:
        return html("<title>Không tìm thấy</title>", status=404)

    async def hop(request: web.Request) -> web.Response:
        left = int(request.match_info["n"])
        target = f"/hop/{left - 1}" if left > 1 else "/article"
        raise web.HTTPFound(target)

    async def relative(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("../article?from=relative#frag")

    async def to_evil(request: web.Request) -> web.Response:
        raise web.HTTPFound("http://evil.example/steal")

    async def to_ftp(request: web.Request) -> web.Response:
        raise web.HTTPFound("ftp://files.example.com/x")

    async def no_location(request: web.Request) -> web.Response:
        return web.Response(status=302)

    async def cookie_gate(request: web.Request) -> web.Response:
        if request.cookies.get("seen") == "1":
            return html("<title>Qua cổng cookie</title>")
        response = web.HTTPFound("/cookie")
        response.set_cookie("seen", "1")
        raise response

    async def big(request: web.Request) -> web.Response:
        head = b"<html><head><title>Trang dai</title></head><body>"
        filler = b"<p>" + b"x" * 1020 + b"</p>"
        body = head + filler * 3000 + b"<p>Nong Nghiep Xanh</p></body></html>"
        return web.Response(body=body, content_type="text/html")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.wait_for(site_ref[0].release.wait(), 10)
        return html("<title>late</title>")

    async def slow_body(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        await response.write("<html><head><title>Chậm</title>".encode())
        await asyncio.wait_for(site_ref[0].release.wait(), 10)
        return response

    async def pdf(request: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7\n...", content_type="application/pdf")

    async def untyped(request: web.Request) -> web.Response:
        html_body = b"<!DOCTYPE html><title>No type</title>"
        body = html_body if request.match_info["kind"] == "html" else b"\x89PNG\r\n"
        return web.Response(body=body)  # served as application/octet-stream

    async def legacy(request: web.Request) -> web.Response:
        body = '<meta charset="windows-1252"><title>Café Startup</title>'.encode("cp1252")
        return web.Response(body=body, headers={"Content-Type": "text/html"})

    app = web.Application()
    app.router.add_get("/article", article)
    app.router.add_get("/host", host)
    app.router.add_get("/missing", missing)
    app.router.add_get("/hop/{n}", hop)
    app.router.add_get("/a/relative", relative)
    app.router.add_get("/to-evil", to_evil)
    app.router.add_get("/to-ftp", to_ftp)
    app.router.add_get("/no-location", no_location)
    app.router.add_get("/cookie", cookie_gate)
    app.router.add_get("/big", big)
    app.router.add_get("/slow", slow)
    app.router.add_get("/slow-body", slow_body)
    app.router.add_get("/file.pdf", pdf)
    app.router.add_get("/untyped/{kind}", untyped)
    app.router.add_get("/legacy", legacy)
    return app


@pytest.fixture
async def site() -> AsyncIterator[Site]:
    ref: list[Site] = []
    server = TestServer(build_app(ref), host="127.0.0.1")
    await server.start_server()
    ref.append(Site(server=server, release=asyncio.Event()))
    try:
        yield ref[0]
    finally:
        ref[0].release.set()
        await server.close()


def resolver_for(mapping: dict[str, list[str]], calls: list[str] | None = None) -> Any:
    async def resolve(host: str) -> list[str]:
        if calls is not None:
            calls.append(host)
        return mapping[host]

    return resolve


async def never_resolve(host: str) -> list[str]:
    raise AssertionError(f"resolved {host}")


@pytest.fixture
async def traced() -> AsyncIterator[tuple[aiohttp.ClientSession, list[str]]]:
    """A session that records every request and connection it starts."""
    started: list[str] = []

    async def on_request(_: Any, __: Any, params: aiohttp.TraceRequestStartParams) -> None:
        started.append(f"request {params.url}")

    async def on_connect(_: Any, __: Any, ___: Any) -> None:
        started.append("connection")

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request)
    trace.on_connection_create_start.append(on_connect)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        yield session, started


# ---------------------------------------------------------------------------- pages


async def test_article_with_og_tags_and_json_ld(site: Site) -> None:
    result = await check_link(
        site.url("/article"), allow_hosts=LOCAL, company_names=["Nông nghiệp Xanh"]
    )
    assert result == LinkCheck(
        status=200,
        final_url=site.url("/article"),
        title="Startup nông nghiệp gọi vốn 2 triệu USD",
        published_at=datetime(2024, 5, 1, 1, 30, tzinfo=UTC),
        mentions_startup=True,
    )
    assert not result.broken
    assert result.published_at is not None and result.published_at.tzinfo is UTC
    assert site.user_agents == [USER_AGENT]


@pytest.mark.parametrize(
    ("names", "mentioned"),
    [
        (["nong nghiep xanh"], True),
        (["NÔNG NGHIỆP XANH"], True),
        (["Nông-Nghiệp  Xanh!"], True),
        (["Green Farm", "cong ty co phan nong nghiep xanh"], True),
        (["Dong Thap"], True),  # đ folds to d
        (["Đại Dương Xanh"], False),  # only inside a <script>
        (["Nghiệp X"], False),  # whole words only
        (["Green Farm"], False),
        ([], None),
        (["", "  "], None),
    ],
)
async def test_mention_ignores_case_and_diacritics(
    site: Site, names: list[str], mentioned: bool | None
) -> None:
    result = await check_link(site.url("/article"), allow_hosts=LOCAL, company_names=names)
    assert result.mentions_startup is mentioned


async def test_404_is_broken(site: Site) -> None:
    result = await check_link(site.url("/missing"), allow_hosts=LOCAL, company_names=["x"])
    assert (result.status, result.error, result.broken) == (404, None, True)
    assert result.title is None and result.mentions_startup is None


async def test_redirect_chain_is_followed_and_counted(site: Site) -> None:
    result = await check_link(site.url("/hop/5"), allow_hosts=LOCAL)
    assert (result.status, result.redirects, result.error) == (200, 5, None)
    assert result.final_url == site.url("/article")
    assert result.title == "Startup nông nghiệp gọi vốn 2 triệu USD"


async def test_too_many_redirects(site: Site) -> None:
    result = await check_link(site.url("/hop/6"), allow_hosts=LOCAL)
    assert (result.status, result.redirects, result.error) == (302, 5, "too_many_redirects")
    assert result.broken
    fewer = await check_link(site.url("/hop/2"), allow_hosts=LOCAL, max_redirects=1)
    assert fewer.error == "too_many_redirects"


async def test_relative_redirect_drops_the_fragment(site: Site) -> None:
    result = await check_link(site.url("/a/relative"), allow_hosts=LOCAL)
    assert result.final_url == site.url("/article?from=relative")
    assert (result.status, result.redirects) == (200, 1)


@pytest.mark.parametrize("path", ["/to-ftp", "/no-location"])
async def test_unusable_redirects(site: Site, path: str) -> None:
    result = await check_link(site.url(path), allow_hosts=LOCAL)
    assert (result.status, result.error) == (302, "bad_redirect")


async def test_cookies_set_along_the_chain_are_sent_back(site: Site) -> None:
    result = await check_link(site.url("/cookie"), allow_hosts=LOCAL)
    assert (result.title, result.redirects) == ("Qua cổng cookie", 1)


async def test_body_over_the_limit_is_cut(site: Site) -> None:
    names = ["Nông nghiệp xanh"]
    result = await check_link(site.url("/big"), allow_hosts=LOCAL, company_names=names)
    assert (result.status, result.title, result.truncated) == (200, "Trang dai", True)
    assert result.mentions_startup is False  # the name is after the first megabyte
    whole = await check_link(
        site.url("/big"), allow_hosts=LOCAL, company_names=["Nong nghiep xanh"], max_bytes=4_000_000
    )
    assert (whole.truncated, whole.mentions_startup) == (False, True)


@pytest.mark.parametrize("path", ["/slow", "/slow-body"])
async def test_slow_server_times_out(site: Site, path: str) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await check_link(site.url(path), allow_hosts=LOCAL, timeout=0.3)
    assert result.error == "timeout" and result.broken
    assert result.final_url == site.url(path)
    assert loop.time() - started < 2


async def test_not_html(site: Site) -> None:
    result = await check_link(site.url("/file.pdf"), allow_hosts=LOCAL, company_names=["x"])
    assert (result.status, result.error, result.title) == (200, "not_html", None)
    assert result.broken
    untyped = await check_link(site.url("/untyped/png"), allow_hosts=LOCAL)
    assert untyped.error == "not_html"
    sniffed = await check_link(site.url("/untyped/html"), allow_hosts=LOCAL)
    assert (sniffed.error, sniffed.title) == (None, "No type")


async def test_charset_from_meta(site: Site) -> None:
    result = await check_link(site.url("/legacy"), allow_hosts=LOCAL)
    assert result.title == "Café Startup"


async def test_a_session_passed_in_is_used_and_left_open(site: Site) -> None:
    async with aiohttp.ClientSession() as session:
        result = await check_link(site.url("/article"), session=session, allow_hosts=LOCAL)
        assert result.status == 200
        assert not session.closed


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "not a url", "/relative/path", "http://user:pw@example.com/",
     "mailto:an@example.com", "http://"],
)  # fmt: skip
async def test_invalid_urls(url: str) -> None:
    result = await check_link(url, resolver=never_resolve)
    assert (result.error, result.status, result.broken) == ("invalid_url", None, True)


async def test_unreachable(site: Site) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    closed = await check_link(f"http://127.0.0.1:{port}/", allow_hosts=LOCAL)
    assert closed.error == "unreachable"

    nothing = resolver_for({"nowhere.example": []})
    empty = await check_link("http://nowhere.example/", resolver=nothing)
    assert empty.error == "unreachable"

    async def failing(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    assert (await check_link("http://nxdomain.example/", resolver=failing)).error == "unreachable"


# ------------------------------------------------------------------------------ SSRF


@pytest.mark.parametrize(
    "addresses",
    [["10.0.0.5"], ["127.0.0.1"], ["::1"], ["169.254.169.254"], ["::ffff:127.0.0.1"],
     ["100.64.1.1"], ["fd00::1"], ["0.0.0.0"], ["224.0.0.1"], ["64:ff9b::a00:5"],
     ["fe80::1%1"], ["93.184.216.34", "10.0.0.5"], ["not-an-address"]],
)  # fmt: skip
async def test_private_resolution_is_refused_without_connecting(
    traced: tuple[aiohttp.ClientSession, list[str]], addresses: list[str]
) -> None:
    session, started = traced
    result = await check_link(
        "http://evil.example/admin",
        session=session,
        resolver=resolver_for({"evil.example": addresses}),
    )
    assert (result.error, result.status, result.broken) == ("blocked_address", None, True)
    assert result.final_url == "http://evil.example/admin"
    assert started == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://[::1]/", "http://2130706433/", "http://0x7f.1/",
     "http://0177.0.0.1/", "http://127.1:8080/", "http://[::ffff:127.0.0.1]/",
     "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3:8080/", "https://[fd00::1]/",
     "http://0.0.0.0:5432/"],
)  # fmt: skip
async def test_ip_literals_are_refused_without_resolving(
    traced: tuple[aiohttp.ClientSession, list[str]], url: str
) -> None:
    session, started = traced
    result = await check_link(url, session=session, resolver=never_resolve)
    assert result.error == "blocked_address"
    assert started == []


async def test_allowing_an_ip_does_not_allow_its_other_spellings(site: Site) -> None:
    result = await check_link(
        f"http://[::ffff:127.0.0.1]:{site.port}/article", allow_hosts=LOCAL, resolver=never_resolve
    )
    assert result.error == "blocked_address"
    assert site.hosts == []


async def test_redirect_to_a_private_address_is_refused_at_the_hop(site: Site) -> None:
    calls: list[str] = []
    result = await check_link(
        site.url("/to-evil"),
        allow_hosts=LOCAL,
        resolver=resolver_for({"evil.example": ["10.0.0.5"]}, calls),
    )
    assert result.error == "blocked_address"
    assert (result.status, result.redirects) == (302, 1)
    assert result.final_url == "http://evil.example/steal"
    assert calls == ["evil.example"]


async def test_connects_to_the_vetted_address_without_resolving_again(site: Site) -> None:
    # A rebinding resolver: the first answer is vetted, later ones would be private.
    calls: list[str] = []
    answers = iter([["127.0.0.1"], ["10.0.0.5"], ["10.0.0.5"]])

    async def rebinding(host: str) -> list[str]:
        calls.append(host)
        return next(answers)

    # "pinned.example" does not exist in DNS: only connecting to the vetted address works.
    result = await check_link(
        f"http://pinned.example:{site.port}/host", allow_hosts=LOCAL, resolver=rebinding
    )
    assert (result.status, result.error) == (200, None)
    assert result.title == f"pinned.example:{site.port}"  # the Host header kept the name
    assert calls == ["pinned.example"]
    assert result.final_url == f"http://pinned.example:{site.port}/host"


async def test_next_address_is_tried_when_one_refuses(site: Site) -> None:
    resolver = resolver_for({"two.example": ["127.0.0.2", "127.0.0.1"]})
    result = await check_link(
        f"http://two.example:{site.port}/host",
        allow_hosts=frozenset({"127.0.0.1", "127.0.0.2"}),
        resolver=resolver,
    )
    assert (result.status, result.title) == (200, f"two.example:{site.port}")


async def test_every_redirect_hop_is_vetted(site: Site) -> None:
    calls: list[str] = []
    resolver = resolver_for({"a.example": ["127.0.0.1"]}, calls)
    url = f"http://a.example:{site.port}/hop/3"
    result = await check_link(url, allow_hosts=LOCAL, resolver=resolver)
    assert (result.status, result.redirects) == (200, 3)
    assert calls == ["a.example"] * 4
    assert site.hosts == [f"a.example:{site.port}"]


# ------------------------------------------------------------------------------- TLS


CONNECTION_HEADERS = web.AppKey("connection_headers", list[str | None])


@dataclass
class Tls:
    server: ssl.SSLContext
    client: ssl.SSLContext


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> Tls:
    """A self-signed certificate for ``secure.example`` (skipped without openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not available")
    folder: Path = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
         "-subj", "/CN=secure.example", "-addext", "subjectAltName=DNS:secure.example"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert, key)
    client = ssl.create_default_context(cafile=str(cert))
    return Tls(server=server, client=client)


@pytest.fixture
async def tls_site(tls: Tls) -> AsyncIterator[TestServer]:
    async def host(request: web.Request) -> web.Response:
        request.app[CONNECTION_HEADERS].append(request.headers.get("Connection"))
        return html(f"<title>{request.host}</title>")

    app = web.Application()
    app[CONNECTION_HEADERS] = []
    app.router.add_get("/host", host)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(ssl=tls.server)
    try:
        yield server
    finally:
        await server.close()


@pytest.mark.parametrize("pool_key_has_sni", [True, False])
async def test_https_to_the_vetted_address_verifies_the_name(
    tls: Tls, tls_site: TestServer, pool_key_has_sni: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # aiohttp < 3.14 pools TLS connections by address only: then none is kept.
    monkeypatch.setattr(link_check, "_POOL_KEY_HAS_SNI", pool_key_has_sni)
    resolver = resolver_for({"secure.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
    connector = aiohttp.TCPConnector(ssl=tls.client)
    async with aiohttp.ClientSession(connector=connector) as session:
        good = await check_link(
            f"https://secure.example:{tls_site.port}/host",
            session=session, allow_hosts=LOCAL, resolver=resolver,
        )  # fmt: skip
        assert (good.status, good.error, good.title) == (
            200, None, f"secure.example:{tls_site.port}"
        )  # fmt: skip
        wrong = await check_link(
            f"https://other.example:{tls_site.port}/host",
            session=session, allow_hosts=LOCAL, resolver=resolver,
        )  # fmt: skip
        assert wrong.error == "tls_error"
    seen = tls_site.app[CONNECTION_HEADERS]
    assert seen == ([None] if pool_key_has_sni else ["close"])


# ------------------------------------------------------------------------ parse_page


def page_with(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("head", "body", "expected"),
    [
        ('<meta property="article:published_time" content="2024-05-01T08:30:00+07:00">'
         '<meta name="pubdate" content="2020-01-01">', "", datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta property="og:published_time" content="2024-05-01T01:30:00Z">', "",
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta name="pubdate" content="2024-05-01 08:30">', "",
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta name="publishdate" content="01/05/2024 08:30">', "",
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta name="date" content="Wed, 01 May 2024 01:30:00 GMT">', "",
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta itemprop="datePublished" content="2024-05-01T08:30:00.000+0700">', "",
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ('<meta name="pubdate" content="hôm qua">'
         '<script type="application/ld+json">[{"@type": "NewsArticle",'
         ' "datePublished": "2024-05-01"}]</script>', "",
         datetime(2024, 4, 30, 17, 0, tzinfo=UTC)),
        ('<script type="application/ld+json">{broken</script>',
         '<time datetime="2024-05-01T08:30:00+07:00">1/5</time>',
         datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ("", "<time>hôm qua</time>", None),
        ('<meta name="date" content="0001-01-01">', "", None),
    ],
)  # fmt: skip
def test_publication_time(head: str, body: str, expected: datetime | None) -> None:
    assert parse_page(page_with(head, body)).published_at == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01T08:30:00+07:00", datetime(2024, 5, 1, 1, 30, tzinfo=UTC)),
        ("2024-05-01T08:30:00.123456789Z", datetime(2024, 5, 1, 8, 30, 0, 123456, tzinfo=UTC)),
        ("20240501T083000Z", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)),
        ("  2024-05-01  ", datetime(2024, 4, 30, 17, 0, tzinfo=UTC)),
        ("1/5/2024", datetime(2024, 4, 30, 17, 0, tzinfo=UTC)),
        ("31/02/2024", None),
        ("1850-01-01", None),
        ("", None),
        ("x" * 100, None),
        ("tháng 5", None),
    ],
)
def test_parse_datetime(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


def test_title_falls_back_to_the_title_element_and_is_tidied() -> None:
    page = parse_page(page_with("<title>\n  Tin   &amp; bài\n</title>"))
    assert page.title == "Tin & bài"
    assert parse_page(page_with("<svg><title>icon</title></svg>")).title is None
    assert parse_page(page_with("<title>" + "a" * 1000 + "</title>")).title == "a" * 300
    assert parse_page("").title is None


def test_mentions_in_the_description_count() -> None:
    # Facebook and TikTok pages often carry the post's text only in their meta tags.
    page = parse_page(
        page_with('<meta property="og:description" content="Cảm ơn Nông Nghiệp Xanh!">'),
        ["nong nghiep xanh"],
    )
    assert page.mentions_startup is True


def test_pathological_markup_does_not_fail() -> None:
    page = parse_page("<![foo[ <title>ok</title>", ["ok"])
    assert page.title in {None, "ok"}


def test_json_ld_is_searched_everywhere() -> None:
    article = {"mainEntity": {"datePublished": "2024-05-01T00:00:00Z"}}
    doc = {"@graph": [{"@type": "Person"}, article]}
    script = f'<script type="application/ld+json">{json.dumps(doc)}</script>'
    assert parse_page(page_with(script)).published_at == datetime(2024, 5, 1, tzinfo=UTC)


def test_link_check_is_broken_on_error_or_http_error() -> None:
    assert not LinkCheck(status=200, final_url="https://a.vn").broken
    assert not LinkCheck(status=302, final_url="https://a.vn").broken
    assert LinkCheck(status=500, final_url="https://a.vn").broken
    assert LinkCheck(status=None, final_url="https://a.vn", error="timeout").broken
    assert LinkCheck(status=200, final_url="https://a.vn", error="not_html").broken
