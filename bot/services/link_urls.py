"""Links ambassadors send: finding them in a message, and one canonical form per link.

Pure: no Telegram, no database, no network. ``extract_links`` finds candidate URLs
in a message's text (or caption) and its entities; ``normalize_link`` turns one
candidate into the form that is stored and compared, so the same post sent twice, or
once from the app and once from a browser, is counted once.

Canonical form (``NormalizedLink.normalized``), in order of the rules applied:

- http or https only (``error.link_scheme``); a missing scheme means https.
- The host is a public DNS name (two labels or more, a letters-only or IDN top-level
  label; not ``localhost`` nor a special-use name such as ``.local``/``.internal``)
  or a public IP literal (dotted IPv4 or bracketed IPv6; loopback, private, link-local,
  CGNAT, multicast, reserved… are refused, as are credentials ``user@``, a zero or
  invalid port: ``error.link_host``). Stored lowercase, in ASCII (punycode).
- Redirect wrappers are unwrapped: Facebook's ``l.facebook.com/l.php?u=``
  (``lm.facebook.com``, ``l.messenger.com``), Instagram's ``l.instagram.com/?u=``,
  Google's ``/url?q=`` (or ``url=``) and Telegram's Instant View ``t.me/iv?url=``.
- Hosts of a known platform (``bot/data/taxonomy.json``) use https and the platform's
  canonical host when they are an alias or a ``m.``/``mobile.``/``web.``/``touch.``/
  ``mbasic.``/``www.`` variant of it (``m.facebook.com`` → ``www.facebook.com``,
  ``mobile.twitter.com`` → ``x.com``); short-link hosts (``youtu.be``, ``fb.watch``,
  ``vt.tiktok.com``, ``lnkd.in``) are kept, except ``youtu.be/ID``, which is spelled
  ``www.youtube.com/watch?v=ID`` (the same video, two spellings). Other hosts keep
  their scheme and ``www.``.
- Default ports and the fragment are dropped.
- Path and query are percent-encoded canonically (RFC 3986: UTF-8, upper-case hex,
  unreserved characters decoded), so the result is pure ASCII; ``.``/``..`` segments
  are resolved; trailing slashes are removed from every path (``/a/`` → ``/a``, a bare
  ``/`` disappears), as ``bot/validators.normalize_url`` does for bare ``/``.
- Tracking parameters are dropped: those of ``bot/validators.TRACKING_PARAMS``
  (``utm_*``, fbclid, gclid, si, igshid, …) everywhere, plus per-platform share
  parameters (Facebook ``mibextid``/``__cft__``, TikTok ``is_from_webapp``/
  ``sender_device``, X ``s``/``t``, LinkedIn ``trk``, Threads ``xmt``, …). Empty
  parameters (``&&``) go too.
- The remaining query parameters keep their order: the same link copied again comes
  in the order the site generated, so sorting would rarely merge two copies, while it
  would make stored links differ from what was published and break the rare
  order-sensitive server.
- At most ``LINK_MAX_LENGTH`` characters, before and after (``error.link_too_long``).

``normalize_link`` is idempotent: ``normalize_link(n.normalized).normalized ==
n.normalized``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit

from bot.errors import InvalidInput
from bot.reference import Platform, platform, platform_for_host
from bot.validators import dns_hostname, explicit_scheme, is_tracking_param

LINK_MAX_LENGTH = 2048

PLATFORM_PRESS = "press"
"""Platform code of a known news site (``bot/data/news_sites.json``); a taxonomy code."""

PLATFORM_WEB = "web"
"""Platform code of any other website (not a taxonomy code)."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class NormalizedLink:
    """A link in canonical form.

    ``original`` is the text given; ``normalized`` the canonical URL; ``platform`` a
    taxonomy platform code (facebook, youtube, tiktok, zalo_oa, instagram, linkedin, x,
    threads), ``press`` for a known news site or ``web``; ``host`` the normalized host
    without port (IPv6 without brackets).
    """

    original: str
    normalized: str
    platform: str
    host: str


# --------------------------------------------------------------------- addresses

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}\.?")


def is_public_ip(address: IPAddress) -> bool:
    """Whether ``address`` is a public unicast address (safe to fetch from).

    Refused: private, loopback, link-local, CGNAT (100.64/10), multicast, reserved,
    unspecified, benchmarking, documentation, site-local, Teredo, scoped IPv6, and
    IPv6 forms embedding a refused IPv4 address (IPv4-mapped ``::ffff:a.b.c.d``,
    NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``).
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return False
        if address.ipv4_mapped is not None:
            return is_public_ip(address.ipv4_mapped)
        if address in _NAT64:
            return is_public_ip(ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF))
        if address in _NAT64_LOCAL or address.teredo is not None or address.is_site_local:
            return False
        if address.sixtofour is not None:
            return is_public_ip(address.sixtofour)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def parse_ip(host: str) -> IPAddress | None:
    """``host`` as an IP address, or None when it is a name.

    Accepts IPv6 with or without brackets and, besides dotted IPv4, the legacy forms
    ``inet_aton`` (and so the system resolver) understands: ``2130706433``,
    ``0x7f.1``, ``0177.0.0.1``, ``127.1``. They must be caught as addresses, or they
    would slip past a check that only looks at names.
    """
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if _LEGACY_IPV4.fullmatch(text):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text.rstrip(".")))
        except OSError:
            return None
    return None


# ------------------------------------------------------------------------ platforms

# Share/referral parameters that only some platforms add (lowercase); generic ones
# are in bot.validators.TRACKING_PARAMS.
_PLATFORM_TRACKING: dict[str, frozenset[str]] = {
    "facebook": frozenset(
        {"mibextid", "rdid", "share_url", "__tn__", "_rdr", "ref", "refsrc", "sfnsn",
         "paipv", "eav", "hc_ref", "hc_location", "fref", "notif_id", "notif_t",
         "comment_tracking", "acontext", "extid"}
    ),
    "youtube": frozenset({"feature", "pp", "ab_channel", "embeds_referring_euri",
                          "source_ve_path"}),
    "tiktok": frozenset(
        {"is_from_webapp", "sender_device", "sender_web_id", "is_copy_url", "web_id", "_r",
         "_t", "_d", "share_app_id", "share_item_id", "share_link_id", "share_author_id",
         "social_share_type", "social_sharing", "source", "tt_from", "u_code", "user_id",
         "preview_pb", "timestamp", "checksum", "sec_uid", "sec_user_id", "enter_from",
         "enter_method", "refer", "lang"}
    ),
    "instagram": frozenset({"igsh", "hl"}),
    "x": frozenset({"s", "t", "ref_url", "cxt"}),
    "linkedin": frozenset(
        {"trk", "trackingid", "lipi", "midtoken", "midsig", "trkemail", "eid",
         "originalsubdomain", "rcm", "lici", "refid"}
    ),
    "threads": frozenset({"xmt", "slof", "hl"}),
}  # fmt: skip
_PLATFORM_TRACKING_PREFIXES: dict[str, tuple[str, ...]] = {
    "facebook": ("__cft__", "__xts__"),
}

_VARIANT_PREFIXES = ("m.", "mobile.", "web.", "touch.", "mbasic.", "www.")

# Special-use or never-delegated top-level names: not on the public internet.
_SPECIAL_TLDS = frozenset(
    {"localhost", "local", "localdomain", "internal", "intranet", "lan", "home", "corp",
     "private", "invalid", "test", "example", "onion", "arpa", "alt"}
)  # fmt: skip


@cache
def news_sites() -> frozenset[str]:
    """Registrable domains of known news sites (``bot/data/news_sites.json``)."""
    text = resources.files("bot").joinpath("data/news_sites.json").read_text(encoding="utf-8")
    return frozenset(domain.strip().lower() for domain in json.loads(text)["press"])


def _is_news_host(host: str) -> bool:
    sites = news_sites()
    labels = host.split(".")
    return any(".".join(labels[i:]) in sites for i in range(len(labels) - 1))


def detect_platform(host: str) -> str:
    """Platform code of a (lowercase) host: a taxonomy code, ``press`` or ``web``."""
    code = platform_for_host(host)
    if code is not None:
        return code
    return PLATFORM_PRESS if _is_news_host(host) else PLATFORM_WEB


def _platform_entry(host: str) -> Platform | None:
    code = platform_for_host(host)
    return platform(code) if code else None


def _canonical_host(entry: Platform, host: str) -> str:
    canonical = entry.canonical_host
    if not canonical:
        return host
    if host in entry.host_aliases:
        return canonical
    bases = {canonical.removeprefix("www.")}
    bases.update(alias for alias in entry.host_aliases if alias.count(".") == 1)
    if host in bases or any(
        host == prefix + base for prefix in _VARIANT_PREFIXES for base in bases
    ):
        return canonical
    return host


def _tracks(name: str, entry: Platform | None) -> bool:
    if is_tracking_param(name):
        return True
    if entry is None:
        return False
    key = unquote_plus(name).strip().lower()
    return key in _PLATFORM_TRACKING.get(entry.code, ()) or key.startswith(
        _PLATFORM_TRACKING_PREFIXES.get(entry.code, ())
    )


# Wrappers whose parameter carries the real destination: (host, path) → names.
_REDIRECTORS: dict[tuple[str, str], tuple[str, ...]] = {
    ("l.facebook.com", "/l.php"): ("u",),
    ("lm.facebook.com", "/l.php"): ("u",),
    ("l.messenger.com", "/l.php"): ("u",),
    ("l.instagram.com", ""): ("u",),
    ("www.google.com", "/url"): ("q", "url"),
    ("google.com", "/url"): ("q", "url"),
    ("www.google.com.vn", "/url"): ("q", "url"),
    ("google.com.vn", "/url"): ("q", "url"),
    ("t.me", "/iv"): ("url",),
}
_HTTP_PREFIX = re.compile(r"[Hh][Tt][Tt][Pp][Ss]?://")
_MAX_UNWRAP = 16
_YOUTU_BE = re.compile(r"/([A-Za-z0-9_-]{6,20})")


# --------------------------------------------------------------------- encoding

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_HEXDIGITS = frozenset(string.hexdigits)
_PATH_SAFE = _UNRESERVED | frozenset("!$&'()*+,;=:@/")
_KEY_SAFE = _UNRESERVED | frozenset("!$'()*+,;:@/?")
_VALUE_SAFE = _KEY_SAFE | {"="}


def _requote(text: str, safe: frozenset[str]) -> str:
    """RFC 3986 percent-encoding normalization (idempotent).

    ``%xx`` of an unreserved character is decoded, other escapes get upper-case hex, a
    stray ``%`` becomes ``%25``, and every character outside ``safe`` is encoded as
    UTF-8.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        pair = text[i + 1 : i + 3]
        if char == "%" and len(pair) == 2 and set(pair) <= _HEXDIGITS:
            byte = int(pair, 16)
            out.append(chr(byte) if chr(byte) in _UNRESERVED else f"%{byte:02X}")
            i += 3
            continue
        if char in safe:
            out.append(char)
        else:
            out.extend(f"%{b:02X}" for b in char.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4 for an absolute path (``/a/./b/../c`` → ``/a/c``)."""
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    out: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if out:
                out.pop()
        elif segment != ".":
            out.append(segment)
    if segments[-1] in {".", ".."}:
        out.append("")
    return "/" + "/".join(out)


def _clean_path(path: str) -> str:
    return _remove_dot_segments(_requote(path, _PATH_SAFE)).rstrip("/")


# ------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Url:
    scheme: str
    host: str  # ASCII DNS name, or the IP's text (IPv6 without brackets)
    is_ip: bool
    port: int | None  # None for the scheme's default port
    path: str  # as written
    query: str  # as written


def _host_error() -> InvalidInput:
    return InvalidInput("error.link_host")


def _parse(text: str) -> _Url:
    raw = unicodedata.normalize("NFC", text or "").strip()
    raw = raw.replace("\t", "").replace("\r", "").replace("\n", "")
    if not raw:
        raise _host_error()
    if len(raw) > LINK_MAX_LENGTH:
        raise InvalidInput("error.link_too_long", max=LINK_MAX_LENGTH)
    scheme = explicit_scheme(raw)
    if raw.startswith("//"):
        scheme, rest = "https", raw[2:]
    elif scheme is None:
        scheme, rest = "https", raw
    elif scheme in _DEFAULT_PORTS:
        # Browsers read "https:/x.vn" and "https:\\x.vn" as "https://x.vn".
        rest = raw[len(scheme) + 1 :].lstrip("/\\")
    else:
        raise InvalidInput("error.link_scheme")

    try:
        parts = urlsplit(f"{scheme}://{rest}")
        port = parts.port
    except ValueError:
        raise _host_error() from None
    netloc, hostname = parts.netloc, parts.hostname
    if not netloc or hostname is None or "@" in netloc or "\\" in netloc or port == 0:
        raise _host_error()

    if netloc.startswith("["):
        try:
            address: IPAddress = ipaddress.IPv6Address(hostname)
        except ValueError:
            raise _host_error() from None
        if not is_public_ip(address):
            raise _host_error()
        host, is_ip = address.compressed, True
    elif re.fullmatch(r"[0-9.]+", hostname):
        try:
            address = ipaddress.IPv4Address(hostname)
        except ValueError:
            raise _host_error() from None
        if not is_public_ip(address):
            raise _host_error()
        host, is_ip = str(address), True
    else:
        ascii_host = dns_hostname(hostname)
        if ascii_host is None or ascii_host.rsplit(".", 1)[-1] in _SPECIAL_TLDS:
            raise _host_error()
        host, is_ip = ascii_host, False

    return _Url(
        scheme=scheme,
        host=host,
        is_ip=is_ip,
        port=None if port in (None, _DEFAULT_PORTS[scheme]) else port,
        path=parts.path,
        query=parts.query,
    )


def _redirect_target(url: _Url) -> str | None:
    """The destination a known redirect wrapper points to, or None."""
    names = _REDIRECTORS.get((url.host, _clean_path(url.path)))
    if names is None or url.port is not None:
        return None
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        if name in names:
            target = value.strip()
            return target if _HTTP_PREFIX.match(target) else None
    return None


def normalize_link(url: str) -> NormalizedLink:
    """The canonical form of one link (rules in the module docstring).

    Raises ``InvalidInput`` with ``error.link_scheme`` (not http/https),
    ``error.link_host`` (no usable public host: missing, malformed, localhost,
    private IP, credentials, bad port) or ``error.link_too_long`` (param ``max``).
    """
    parsed = _parse(url)
    for _ in range(_MAX_UNWRAP):
        target = _redirect_target(parsed)
        if target is None:
            break
        parsed = _parse(target)
    else:
        raise _host_error()  # wrappers nested beyond reason

    scheme, host, path = parsed.scheme, parsed.host, _clean_path(parsed.path)
    entry = None if parsed.is_ip else _platform_entry(host)
    if entry is not None and parsed.port is None:
        scheme, host = "https", _canonical_host(entry, host)

    params: list[tuple[str, str]] = []
    for part in parsed.query.split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not _tracks(name, entry):
            params.append((name, _requote(name, _KEY_SAFE) + sep + _requote(value, _VALUE_SAFE)))

    if host == "youtu.be" and parsed.port is None and (video := _YOUTU_BE.fullmatch(path)):
        host, path = "www.youtube.com", "/watch"
        params = [("v", f"v={video.group(1)}")] + [
            p for p in params if unquote_plus(p[0]).strip() != "v"
        ]

    netloc = f"[{host}]" if ":" in host else host
    if parsed.port is not None:
        netloc += f":{parsed.port}"
    query = "&".join(encoded for _, encoded in params)
    normalized = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    if len(normalized) > LINK_MAX_LENGTH:
        raise InvalidInput("error.link_too_long", max=LINK_MAX_LENGTH)
    return NormalizedLink(
        original=url,
        normalized=normalized,
        platform=PLATFORM_WEB if parsed.is_ip else detect_platform(host),
        host=host,
    )


# ----------------------------------------------------------------------- extraction

# Characters that end a URL in running text: whitespace, quotes, angle brackets and
# CJK/fullwidth punctuation.
_URL_CHAR = r"[^\s<>\"`“”‘’«»「」『』（）【】〈〉《》、，。！？]"
_LINK = re.compile(
    r"(?<![\w@.\-/])"
    r"(?:"
    rf"(?P<http>[Hh][Tt][Tt][Pp][Ss]?://{_URL_CHAR}+)"
    r"|"
    r"(?P<host>(?P<www>[Ww][Ww][Ww]\.)?"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,24})"
    r"(?::[0-9]{1,5})?)"
    rf"(?P<path>/{_URL_CHAR}*)?"
    r")"
)
# Top-level domains accepted for a bare "domain.tld/path" without "www." (so that
# "node.js/x" or "v1.2/abc" are not taken for links).
_BARE_TLDS = frozenset(
    {"vn", "com", "net", "org", "info", "biz", "io", "co", "me", "tv", "asia", "edu", "gov",
     "app", "dev", "news", "page", "site", "online", "xyz", "ai", "ly", "gl", "be", "am",
     "in", "us", "uk", "sg", "jp", "kr", "cn", "tw", "hk", "de", "fr", "link", "to"}
)  # fmt: skip
_TRAILING = ".,;:!?'…"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


def _trim(candidate: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets at the end."""
    while candidate:
        last = candidate[-1]
        if last in _TRAILING or (
            last in _CLOSERS and candidate.count(last) > candidate.count(_CLOSERS[last])
        ):
            candidate = candidate[:-1]
        else:
            break
    return candidate


def _text_candidates(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _LINK.finditer(text):
        candidate = _trim(match.group(0))
        if match.group("http") is not None:
            if len(candidate) <= candidate.index("://") + 3:
                continue
        else:
            path = candidate[len(match.group("host")) :]
            bare_ok = match.group("tld").lower() in _BARE_TLDS and len(path) > 1
            if match.group("www") is None and not bare_ok:
                continue
        found.append((match.start(), match.start() + len(candidate), candidate))
    return found


def _utf16_index(text: str) -> dict[int, int]:
    """Telegram offset (UTF-16 code units) → index in ``text``, at character boundaries."""
    index: dict[int, int] = {}
    units = 0
    for i, char in enumerate(text):
        index[units] = i
        units += 2 if ord(char) > 0xFFFF else 1
    index[units] = len(text)
    return index


def _is_web_link(candidate: str) -> bool:
    scheme = explicit_scheme(candidate.strip())
    return scheme is None or scheme in _DEFAULT_PORTS


def _entity_candidates(
    text: str, entities: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Candidates from ``url`` and ``text_link`` entities, and the spans they cover."""
    index = _utf16_index(text)
    found: list[tuple[int, int, str]] = []
    spans: list[tuple[int, int]] = []
    for entity in entities:
        if not isinstance(entity, Mapping):
            continue
        kind, offset, length = entity.get("type"), entity.get("offset"), entity.get("length")
        if kind not in {"url", "text_link"}:
            continue
        if isinstance(offset, bool) or isinstance(length, bool):
            continue
        if not isinstance(offset, int) or not isinstance(length, int) or length < 0:
            continue
        start, end = index.get(offset), index.get(offset + length)
        if start is not None and end is not None:
            spans.append((start, end))
        position = start if start is not None else len(text)
        if kind == "url":
            if start is None or end is None:
                continue
            candidate = text[start:end].strip()
        else:
            url = entity.get("url")
            if not isinstance(url, str):
                continue
            candidate = url.strip()
        if candidate and _is_web_link(candidate):
            found.append((position, end if end is not None else position, candidate))
    return found, spans


def extract_links(text: str | None, entities: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """Candidate links in a message, in order of appearance, each once.

    ``text`` is the message's text or caption; ``entities`` its entities as plain
    dicts (``{"type", "offset", "length", "url"}``, offsets in UTF-16 code units as
    Telegram counts them). Found: ``text_link`` URLs (hidden behind words), ``url``
    entities, and in the text itself ``http(s)://…`` URLs, ``www.…`` hosts and bare
    ``domain.tld/path`` (common top-level domains only, with a path). Text inside an
    entity is not scanned again. Only web links: ``tg://``, ``mailto:`` and other
    schemes are skipped. Sentence punctuation and an unbalanced closing bracket at
    the end are not part of a link. Two candidates with the same normalized form
    count once (the first is kept); candidates are not validated, so the caller's
    ``normalize_link`` can tell the person what is wrong with one.
    """
    text = text or ""
    from_entities, spans = _entity_candidates(text, entities or ())
    from_text = [
        c for c in _text_candidates(text) if not any(c[0] < e and s < c[1] for s, e in spans)
    ]
    candidates = sorted(from_entities + from_text, key=lambda c: c[0])
    seen: set[str] = set()
    links: list[str] = []
    for _, _, candidate in candidates:
        try:
            key = normalize_link(candidate).normalized
        except InvalidInput:
            key = candidate
        if key not in seen:
            seen.add(key)
            links.append(candidate)
    return links
