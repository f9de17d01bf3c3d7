"""Checking a published link: does it load, where does it end, what is it, does it
name the startup.

``check_link`` fetches one URL with aiohttp (GET, a browser-like User-Agent, one
``timeout`` for everything, at most ``max_bytes`` of body) and follows redirects
itself (``allow_redirects=False``), at most ``max_redirects``, so that every hop goes
through the same guard.

**SSRF guard.** The URL comes from a chat message, and the bot runs next to a
database and maybe a cloud metadata service, so before connecting to any hop its
host is resolved (the injectable ``resolver``; by default the system resolver via
``loop.getaddrinfo``) and the hop is refused (``blocked_address``) if *any* address
is not public (``bot.services.link_urls.is_public_ip``: private, loopback,
link-local, CGNAT, multicast, reserved, unspecified, IPv4-mapped/NAT64/6to4 forms of
those…). IP literals in the URL, including the legacy forms ``2130706433`` and
``0x7f.1``, are checked the same way without resolving.

**DNS rebinding.** A name that resolves to a public address for the check and to
127.0.0.1 a moment later must not reach 127.0.0.1. So nothing is resolved twice: the
request is sent to the vetted address itself (``http://93.184.216.34:80/path``), with
the name in the ``Host`` header and, for https, as ``server_hostname`` (TLS SNI and
certificate verification still use the name). aiohttp does no DNS look-up for an IP
URL, whatever session is passed in. Addresses are tried in the resolver's order when
one refuses the connection. Cookies set along a redirect chain are kept for that
check only (a session's cookie jar ignores IP hosts).

``allow_hosts`` (exact host names or IP addresses) bypasses the guard. It exists only
so tests can reach a loopback ``aiohttp.web`` server: an allowed IP may appear in the
URL or among a name's addresses; an allowed name is connected to by name, without
vetting. Production code passes nothing.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import re
import socket
import unicodedata
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any, Literal

import aiohttp
from yarl import URL

from bot.services.link_urls import IPAddress, is_public_ip, parse_ip

try:  # aiohttp ≥ 3.14 keeps connections for different TLS names apart in its pool.
    from aiohttp.client_reqrep import ConnectionKey

    _POOL_KEY_HAS_SNI = "server_hostname" in ConnectionKey._fields
except ImportError:  # pragma: no cover - internal module moved
    _POOL_KEY_HAS_SNI = False

Resolver = Callable[[str], Awaitable[Sequence[str]]]
"""Host name → its IP addresses as text (any order; the first is tried first)."""

LinkError = Literal[
    "invalid_url",  # not an absolute http(s) URL, or with credentials
    "blocked_address",  # a hop resolves to (or is) a non-public address
    "unreachable",  # no address, connection refused, network error
    "timeout",  # the whole check took longer than ``timeout``
    "tls_error",  # certificate or TLS handshake failure
    "bad_response",  # malformed HTTP, connection dropped mid-response
    "bad_redirect",  # a redirect without a usable http(s) Location
    "too_many_redirects",  # more than ``max_redirects``
    "not_html",  # loaded, but not a web page (PDF, image, video file…)
]

USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)
_HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8",
}
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_UNKNOWN_TYPES = frozenset({"", "application/octet-stream"})
_CHUNK = 64 * 1024
_TITLE_MAX = 300
_VIETNAM = timezone(timedelta(hours=7))


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What fetching a link found.

    ``status`` is the last HTTP status received (None if none was); ``final_url`` the
    last URL requested (after redirects, or the hop that was refused); ``title`` the
    page's ``og:title`` or ``<title>``; ``published_at`` its publication time (aware,
    UTC); ``mentions_startup`` whether the page names one of the company names (None
    when no names were given or no page was read); ``error`` a ``LinkError`` code;
    ``redirects`` how many were followed; ``truncated`` whether the body was longer
    than ``max_bytes`` and only its start was read.
    """

    status: int | None
    final_url: str | None
    title: str | None = None
    published_at: datetime | None = None
    mentions_startup: bool | None = None
    error: LinkError | None = None
    redirects: int = 0
    truncated: bool = False

    @property
    def broken(self) -> bool:
        """The link does not lead to a readable page (an error, or HTTP 4xx/5xx)."""
        return self.error is not None or (self.status is not None and self.status >= 400)


async def system_resolver(host: str) -> list[str]:
    """The addresses the system resolver gives for ``host`` (IPv4 and IPv6, in order)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for family, _, _, _, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6) and sockaddr[0] not in addresses:
            addresses.append(str(sockaddr[0]))
    return addresses


class _Stop(Exception):
    """Ends a check early with an error code."""

    def __init__(self, code: LinkError) -> None:
        super().__init__(code)
        self.code: LinkError = code


@dataclass
class _Progress:
    """Where a check is, so a timeout or a failure can still report it."""

    url: str
    status: int | None = None
    redirects: int = 0
    cookies: dict[tuple[str, str], tuple[bool, str]] = field(default_factory=dict)

    def result(self, error: LinkError) -> LinkCheck:
        return LinkCheck(
            status=self.status, final_url=self.url, error=error, redirects=self.redirects
        )


async def check_link(
    url: str,
    *,
    session: aiohttp.ClientSession | None = None,
    resolver: Resolver = system_resolver,
    allow_hosts: frozenset[str] = frozenset(),
    company_names: Sequence[str] = (),
    timeout: float = 10.0,  # noqa: ASYNC109 - the whole check, enforced with asyncio.timeout
    max_bytes: int = 1_000_000,
    max_redirects: int = 5,
) -> LinkCheck:
    """Fetch ``url`` (guarded, see the module docstring) and report what it is.

    Never raises for anything the remote side does: failures are ``LinkCheck.error``
    codes. A session passed in is used as is and left open; otherwise one is made and
    closed. ``timeout`` (seconds) bounds the whole check: resolving, every hop, reading
    and parsing.
    """
    progress = _Progress(url)
    own_session = session is None
    if session is None:
        session = aiohttp.ClientSession(
            cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=timeout)
        )
    try:
        async with asyncio.timeout(timeout):
            return await _follow(
                session,
                progress,
                resolver=resolver,
                allow_hosts=allow_hosts,
                company_names=company_names,
                request_timeout=aiohttp.ClientTimeout(total=timeout),
                max_bytes=max_bytes,
                max_redirects=max_redirects,
            )
    except _Stop as stop:
        return progress.result(stop.code)
    except aiohttp.InvalidURL:
        return progress.result("invalid_url")
    except TimeoutError:
        return progress.result("timeout")
    except aiohttp.ClientSSLError:
        return progress.result("tls_error")
    except (aiohttp.ClientConnectorError, socket.gaierror):
        return progress.result("unreachable")
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError):
        return progress.result("bad_response")
    except aiohttp.ClientResponseError:  # malformed status line or headers
        return progress.result("bad_response")
    except (aiohttp.ClientError, OSError):
        return progress.result("unreachable")
    finally:
        if own_session:
            await session.close()


def _target(text: str) -> URL:
    """An absolute http(s) URL without credentials or fragment, or ``_Stop``."""
    try:
        url = URL(text.strip())
    except (ValueError, TypeError, UnicodeError):
        raise _Stop("invalid_url") from None
    if url.scheme not in _DEFAULT_PORTS or not url.raw_host or url.raw_user is not None:
        raise _Stop("invalid_url")
    return url.with_fragment(None)


async def _follow(
    session: aiohttp.ClientSession,
    progress: _Progress,
    *,
    resolver: Resolver,
    allow_hosts: frozenset[str],
    company_names: Sequence[str],
    request_timeout: aiohttp.ClientTimeout,
    max_bytes: int,
    max_redirects: int,
) -> LinkCheck:
    current = _target(progress.url)
    allowed = _Allowed.of(allow_hosts)
    while True:
        progress.url = str(current)
        addresses = await _vet(current, resolver, allowed)
        response = await _open(session, current, addresses, progress, request_timeout)
        try:
            progress.status = response.status
            _keep_cookies(progress, current, response)
            if response.status in _REDIRECTS:
                location = response.headers.get("Location")
                if not location:
                    raise _Stop("bad_redirect")
                try:
                    following = _target(str(current.join(URL(location))))
                except (_Stop, ValueError, TypeError, UnicodeError):
                    raise _Stop("bad_redirect") from None
                if progress.redirects >= max_redirects:
                    raise _Stop("too_many_redirects")
                progress.redirects += 1
                current = following
                continue
            done = LinkCheck(
                status=response.status, final_url=progress.url, redirects=progress.redirects
            )
            if response.status >= 300:
                return done
            return await _read_page(response, done, company_names, max_bytes)
        finally:
            response.release()


# ------------------------------------------------------------------------ the guard


@dataclass(frozen=True, slots=True)
class _Allowed:
    names: frozenset[str]
    ips: frozenset[IPAddress]

    @classmethod
    def of(cls, hosts: frozenset[str]) -> _Allowed:
        names = frozenset(h.strip().lower().rstrip(".") for h in hosts)
        ips = frozenset(ip for h in hosts if (ip := parse_ip(h)) is not None)
        return cls(names, ips)

    def permits(self, address: IPAddress) -> bool:
        return address in self.ips or is_public_ip(address)


async def _vet(url: URL, resolver: Resolver, allowed: _Allowed) -> list[IPAddress] | None:
    """The addresses to connect to for ``url``'s host, all vetted; None to connect by name
    (an allowed name, tests only)."""
    host = (url.raw_host or "").lower().rstrip(".")
    literal = parse_ip(host)
    if literal is None and host in allowed.names:
        return None
    if literal is not None:
        if not allowed.permits(literal):
            raise _Stop("blocked_address")
        return [literal]
    answers = await resolver(host)
    addresses: list[IPAddress] = []
    for answer in answers:
        address = parse_ip(str(answer))
        if address is None or not allowed.permits(address):
            raise _Stop("blocked_address")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise _Stop("unreachable")
    return addresses


def _host_header(url: URL) -> str:
    host = (url.raw_host or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if url.port is not None and url.port != _DEFAULT_PORTS[url.scheme]:
        host += f":{url.port}"
    return host


def _pinned(url: URL, address: IPAddress) -> URL:
    host = f"[{address.compressed}]" if address.version == 6 else str(address)
    return URL(f"{url.scheme}://{host}:{url.port}{url.raw_path_qs}", encoded=True)


async def _open(
    session: aiohttp.ClientSession,
    url: URL,
    addresses: list[IPAddress] | None,
    progress: _Progress,
    request_timeout: aiohttp.ClientTimeout,
) -> aiohttp.ClientResponse:
    headers = dict(_HEADERS)
    cookie = _cookie_header(progress, url)
    if cookie:
        headers["Cookie"] = cookie
    options: dict[str, Any] = {
        "allow_redirects": False,
        "raise_for_status": False,
        "timeout": request_timeout,
    }
    if addresses is None:
        return await session.get(url, headers=headers, **options)

    headers["Host"] = _host_header(url)
    name = (url.raw_host or "").rstrip(".")
    if url.scheme == "https" and parse_ip(name) is None:
        options["server_hostname"] = name
        if not _POOL_KEY_HAS_SNI:
            # Older aiohttp would reuse a TLS connection made for another name on the
            # same IP (a CDN): do not keep this one.
            headers["Connection"] = "close"
    failure: aiohttp.ClientConnectorError | None = None
    for address in addresses:
        try:
            return await session.get(_pinned(url, address), headers=headers, **options)
        except aiohttp.ClientSSLError:
            raise
        except aiohttp.ClientConnectorError as exc:
            failure = exc
    assert failure is not None  # addresses is never empty
    raise failure


def _keep_cookies(progress: _Progress, url: URL, response: aiohttp.ClientResponse) -> None:
    host = (url.raw_host or "").lower().rstrip(".")
    for name, morsel in response.cookies.items():
        domain = str(morsel["domain"]).lower().lstrip(".").rstrip(".")
        host_only = not domain
        domain = domain or host
        if host != domain and not host.endswith("." + domain):
            continue  # a cookie for another site
        if morsel["max-age"] == "0" or not morsel.value:
            progress.cookies.pop((domain, name), None)
        else:
            progress.cookies[(domain, name)] = (host_only, morsel.value)


def _cookie_header(progress: _Progress, url: URL) -> str:
    host = (url.raw_host or "").lower().rstrip(".")
    return "; ".join(
        f"{name}={value}"
        for (domain, name), (host_only, value) in progress.cookies.items()
        if host == domain or (not host_only and host.endswith("." + domain))
    )


# ------------------------------------------------------------------------- the page


async def _read_page(
    response: aiohttp.ClientResponse,
    done: LinkCheck,
    company_names: Sequence[str],
    max_bytes: int,
) -> LinkCheck:
    content_type = response.headers.get("Content-Type") or ""
    mime = content_type.split(";", 1)[0].strip().lower()
    sniff = mime in _UNKNOWN_TYPES  # misconfigured servers: look at the content
    if not sniff and mime not in _HTML_TYPES:
        return replace(done, error="not_html")

    chunks: list[bytes] = []
    size = 0
    while size <= max_bytes:
        chunk = await response.content.read(min(_CHUNK, max_bytes + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    truncated = len(body) > max_bytes
    if truncated:
        body = body[:max_bytes]
        response.close()  # do not download the rest
    if sniff and not _looks_like_html(body):
        return replace(done, error="not_html", truncated=truncated)

    text = body.decode(_charset(response, body), errors="replace")
    # Parsing a megabyte of HTML takes a while: keep it off the event loop.
    page = await asyncio.to_thread(parse_page, text, company_names)
    return replace(
        done,
        title=page.title,
        published_at=page.published_at,
        mentions_startup=page.mentions_startup,
        truncated=truncated,
    )


def _looks_like_html(body: bytes) -> bool:
    start = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<!--", b"<meta", b"<title"))


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)


def _charset(response: aiohttp.ClientResponse, body: bytes) -> str:
    candidates = [response.charset]
    match = _META_CHARSET.search(body[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii"))
    for candidate in candidates:
        if candidate:
            try:
                return codecs.lookup(candidate).name
            except LookupError:
                continue
    return "utf-8"


@dataclass(frozen=True, slots=True)
class Page:
    """What ``parse_page`` read from an HTML document."""

    title: str | None
    published_at: datetime | None
    mentions_startup: bool | None


_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg"})
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "pubdate",
    "publishdate",
    "date",
    "datepublished",  # <meta itemprop="datePublished">, common on Vietnamese news sites
)
_TEXT_META = ("og:title", "twitter:title", "og:description", "description", "twitter:description")


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: list[str] = []
        self.title_seen = False
        self.in_title = False
        self.skip_depth = 0
        self.json_ld: list[str] = []
        self.in_json_ld = False
        self.times: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            content = values.get("content")
            if key and content is not None:
                self.meta.setdefault(key.strip().lower(), content)
        elif tag == "time" and values.get("datetime"):
            self.times.append(values["datetime"])
        elif tag == "title" and not self.title_seen and not self.skip_depth:
            self.in_title = True
        elif tag == "script" and "ld+json" in values.get("type", "").lower():
            self.in_json_ld = True
            self.json_ld.append("")
        elif tag in _SKIPPED:
            self.skip_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title = False
            self.title_seen = True
        elif tag == "script" and self.in_json_ld:
            self.in_json_ld = False
        elif tag in _SKIPPED and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.in_json_ld:
            self.json_ld[-1] += data
        elif self.in_title:
            self.title.append(data)
        elif not self.skip_depth:
            self.text.append(data)


def parse_page(html: str, company_names: Sequence[str] = ()) -> Page:
    """Title, publication time and whether ``company_names`` are named, from HTML.

    Title: ``og:title``, else ``<title>`` (whitespace collapsed, at most 300
    characters). Publication time: the first that parses of ``article:published_time``,
    ``og:published_time``, ``<meta name="pubdate|publishdate|date">``,
    ``<meta itemprop="datePublished">``, JSON-LD ``datePublished``, ``<time datetime>``
    (ISO 8601, RFC 2822 or dd/mm/yyyy; a time without zone is Vietnam time).
    Mention: any name, compared without case, diacritics (đ = d) and punctuation, as
    whole words, in the title, description and visible text; None without names.
    """
    parser = _PageParser()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # pathological markup: keep what was read
        pass
    meta = parser.meta
    title_text = meta.get("og:title") or "".join(parser.title)
    title = " ".join(title_text.split())[:_TITLE_MAX] or None

    published = None
    for raw in _date_candidates(meta, parser.json_ld, parser.times):
        published = parse_datetime(raw)
        if published is not None:
            break

    mentions = None
    names = {key for name in company_names if (key := _fold(name))}
    if names:
        parts = ["".join(parser.title), *(meta.get(k, "") for k in _TEXT_META), *parser.text]
        haystack = f" {_fold(' '.join(parts))} "
        mentions = any(f" {name} " in haystack for name in names)
    return Page(title=title, published_at=published, mentions_startup=mentions)


def _date_candidates(meta: dict[str, str], json_ld: list[str], times: list[str]) -> Iterator[str]:
    for key in _DATE_META:
        if meta.get(key):
            yield meta[key]
    for block in json_ld:
        try:
            data = json.loads(block, strict=False)
        except ValueError:
            continue
        yield from _json_dates(data)
    yield from times


def _json_dates(data: Any) -> Iterator[str]:
    """``datePublished`` values anywhere in a JSON-LD document (``@graph``, lists)."""
    queue: deque[Any] = deque([data])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            value = item.get("datePublished")
            if isinstance(value, str):
                yield value
            queue.extend(v for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            queue.extend(v for v in item if isinstance(v, dict | list))


_DMY = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_datetime(text: str) -> datetime | None:
    """An aware UTC datetime from a page's date text, or None.

    ISO 8601 (``Z``, ``+07:00``, ``+0700``, fractions, date only), RFC 2822, or
    Vietnamese ``dd/mm/yyyy [hh:mm[:ss]]``. Without a zone the time is Vietnam time
    (UTC+7). Years outside 1990-2100 are taken as garbage.
    """
    raw = " ".join(text.split())
    if not raw or len(raw) > 64:
        return None
    value: datetime | None = None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        try:
            value = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            match = _DMY.fullmatch(raw)
            if match:
                day, month, year, hour, minute, second = match.groups()
                try:
                    value = datetime(
                        int(year), int(month), int(day),
                        int(hour or 0), int(minute or 0), int(second or 0),
                    )  # fmt: skip
                except ValueError:
                    value = None
    if value is None or not 1990 <= value.year <= 2100:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=_VIETNAM)
    return value.astimezone(UTC)


_NON_WORD = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Lowercase words without diacritics (đ → d), one space apart.

    Not ``bot.provinces.fold``: that one also drops administrative words ("thành
    phố", "city") at the ends, which would loosen a company name.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(_NON_WORD.sub(" ", plain).split())
