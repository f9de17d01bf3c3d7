"""Validation and normalisation of what people type (phones, e-mails, URLs, numbers, text).

Each function is pure: it returns the canonical form to store, or raises
``InvalidInput`` whose first argument is the i18n key of the message telling the
person what is expected. Canonical forms matter because organizers count links and
contacts: the same thing typed two ways must be stored once, so every normaliser is
idempotent (``f(f(x)) == f(x)``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from urllib.parse import unquote_plus, urlsplit

import idna
import phonenumbers
from email_validator import EmailNotValidError, validate_email

from bot.errors import InvalidInput
from bot.reference import platform as _platform

# ---------------------------------------------------------------------------- phone

_PHONE_CHARS = re.compile(r"[0-9\s.\-()+/]+")
_MAX_PHONE_DIGITS = 15  # E.164 maximum


def normalize_phone(text: str) -> str:
    """A phone number in E.164 (``+84901234567``).

    Vietnamese numbers may be written nationally (``090 123 4567``), with ``84`` or
    ``+84`` (even ``+84 0901…``), with dots, dashes and parentheses; foreign numbers
    need an international prefix (``+`` or ``00``). Letters (vanity numbers) and
    extensions are rejected: the bot needs a number someone can call.
    """
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw or not _PHONE_CHARS.fullmatch(raw):
        raise InvalidInput("error.phone_invalid")
    international = raw.lstrip("( ").startswith("+")
    if raw.count("+") > int(international):
        raise InvalidInput("error.phone_invalid")
    digits = re.sub(r"\D", "", raw)
    # Shortest valid VN numbers (1900/1800 lines) have 8 digits; "00" + E.164 at most 17.
    if not 8 <= len(digits) <= _MAX_PHONE_DIGITS + 2:
        raise InvalidInput("error.phone_invalid")
    # Only digits reach the parser, so it cannot pick up letters or "ext." suffixes.
    candidate = ("+" if international else "") + digits
    try:
        number = phonenumbers.parse(candidate, "VN")
    except phonenumbers.NumberParseException:
        raise InvalidInput("error.phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput("error.phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# ---------------------------------------------------------------------------- email


def normalize_email(text: str) -> str:
    """An e-mail address with its domain lowercased (local part kept as typed).

    Syntax only: no DNS look-up, so it works offline and in tests. A ``mailto:``
    prefix (copied from a link) is tolerated.
    """
    raw = unicodedata.normalize("NFC", text or "").strip()
    if raw.lower().startswith("mailto:"):
        raw = raw[len("mailto:") :].strip()
    if not raw:
        raise InvalidInput("error.email_invalid")
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput("error.email_invalid") from None
    return str(result.normalized)


# ------------------------------------------------------------------------------ URL

URL_MAX_LENGTH = 2048

# Query parameters that only identify a click or a share, never the content. Kept
# out so the same article shared from Facebook and from Zalo is stored once.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gbraid",
        "wbraid",
        "dclid",
        "msclkid",
        "yclid",
        "ttclid",
        "twclid",
        "si",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "zarsrc",
        "gidzl",
        "mibextid",
        "srsltid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
    }
)
TRACKING_PREFIXES = ("utm_",)

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(.*)", re.DOTALL)
_PORT_START = re.compile(r"\d{1,5}(?:[/?#]|$)")
_FORBIDDEN_URL_CHARS = re.compile(r"[\s<>\"\\^`{|}]")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter name (as written, possibly percent-encoded) only tracks."""
    key = unquote_plus(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _clean_query(query: str) -> str:
    """Drop empty and tracking parameters; keep the rest byte for byte, in order."""
    kept = []
    for part in query.split("&"):
        if not part:
            continue
        name = part.split("=", 1)[0]
        if is_tracking_param(name):
            continue
        kept.append(part)
    return "&".join(kept)


def dns_hostname(host: str) -> str | None:
    """``host`` as a lowercase ASCII (punycode) DNS name, or None when it is not one.

    At least two labels, each 1-63 letters, digits or inner hyphens, and a
    letters-only (or IDN) last label, which also rules out every IP literal
    (``127.0.0.1``, ``2130706433``, ``0x7f.1``) and ``localhost``. A trailing dot is
    dropped. Storing the ASCII form gives one spelling per site and shows look-alike
    (homograph) domains for what they are.
    """
    host = host.rstrip(".")
    if not host or host.startswith("[") or ":" in host:
        return None
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii").lower()
        idna.decode(ascii_host)  # rejects malformed "xn--" labels
    except (idna.IDNAError, UnicodeError):
        return None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or len(labels) < 2:
        return None
    if not all(_LABEL.fullmatch(label) for label in labels):
        return None
    if not _TLD.fullmatch(labels[-1]):
        return None
    return ascii_host


def explicit_scheme(text: str) -> str | None:
    """The lowercased scheme ``text`` starts with, or None when it has none.

    ``host:8080/x`` is a host with a port, not a scheme called "host"; ``tel:0901…``
    and ``javascript:…`` are schemes.
    """
    match = _SCHEME.fullmatch(text)
    if match is None or _PORT_START.match(match.group(2)):
        return None
    return match.group(1).lower()


def _normalize_host(host: str) -> str:
    """ASCII hostname, lowercased, validated (``dns_hostname``); IP literals are refused."""
    ascii_host = dns_hostname(host)
    if ascii_host is None:
        raise InvalidInput("error.url_invalid")
    return ascii_host


def normalize_url(text: str, *, require_https: bool = False) -> str:
    """A canonical ``http(s)://host[:port]/path?query`` URL for a website or a post.

    - A missing scheme means ``https://``; only http and https are accepted
      (``error.url_scheme`` for javascript:, ftp:, data:, mailto:, …, and for http
      when ``require_https``).
    - The host must be a public DNS name: at least two labels, a letters-only (or
      IDN) top-level label; stored lowercased in ASCII/punycode. IP literals
      (private or not), ``localhost`` and credentials (``user:pass@``) are refused:
      people share sites by name, and addresses invite SSRF and phishing tricks.
    - Default ports, the fragment, tracking parameters (``utm_*``, fbclid, gclid,
      si, igshid, …) and a bare ``/`` path are dropped; the path and the other
      query parameters are kept exactly as typed, in order.
    - At most ``URL_MAX_LENGTH`` characters (``error.url_too_long``).
    """
    raw = unicodedata.normalize("NFC", text or "").strip()
    if not raw:
        raise InvalidInput("error.url_invalid")
    if len(raw) > URL_MAX_LENGTH:
        raise InvalidInput("error.url_too_long", max=URL_MAX_LENGTH)
    if _FORBIDDEN_URL_CHARS.search(raw) or any(unicodedata.category(c) == "Cc" for c in raw):
        raise InvalidInput("error.url_invalid")

    scheme = explicit_scheme(raw)
    if raw.startswith("//"):
        raw = "https:" + raw
    elif scheme is not None:
        if scheme not in _DEFAULT_PORTS:
            raise InvalidInput("error.url_scheme")
        if not raw[len(scheme) + 1 :].startswith("//"):
            raise InvalidInput("error.url_invalid")
    else:
        raw = "https://" + raw

    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        raise InvalidInput("error.url_invalid") from None
    scheme = parts.scheme.lower()
    if require_https and scheme != "https":
        raise InvalidInput("error.url_scheme")
    if "@" in parts.netloc or parts.hostname is None:
        raise InvalidInput("error.url_invalid")
    if port == 0:
        raise InvalidInput("error.url_invalid")

    host = _normalize_host(parts.hostname)
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = "" if parts.path == "/" else parts.path
    query = _clean_query(parts.query)
    url = f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")
    if len(url) > URL_MAX_LENGTH:
        raise InvalidInput("error.url_too_long", max=URL_MAX_LENGTH)
    return url


def normalize_profile_url(platform: str, text: str) -> str:
    """The canonical URL of a profile/channel on ``platform`` (a taxonomy code).

    ``@handle`` is accepted where the platform has handles (TikTok, Instagram, X,
    Threads, YouTube) and kept in the case typed. For platforms with known hosts the
    URL must be on one of them (``error.profile_url_platform``), and mobile, ``www``
    and legacy hosts are unified (m.facebook.com → www.facebook.com, twitter.com →
    x.com, threads.net → www.threads.com); such URLs are stored as https without port
    or trailing slash and need a path (``error.profile_url_incomplete``). Press, TV,
    radio, blog and "other" accept any website (plain ``normalize_url``).
    """
    entry = _platform(platform)
    if entry is None:
        raise ValueError(f"unknown platform code: {platform!r}")
    raw = unicodedata.normalize("NFC", text or "").strip()
    if raw.startswith("@"):
        handle = raw[1:]
        if (
            entry.handle_url is None
            or entry.handle_pattern is None
            or not re.fullmatch(entry.handle_pattern, handle)
        ):
            raise InvalidInput("error.profile_handle_invalid", platform=platform)
        return entry.handle_url.format(handle=handle)

    url = normalize_url(raw)
    if not entry.hosts:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not entry.owns_host(host):
        raise InvalidInput("error.profile_url_platform", platform=platform)
    path = parts.path.rstrip("/")
    if not path and not parts.query:
        raise InvalidInput("error.profile_url_incomplete", platform=platform)
    query = f"?{parts.query}" if parts.query else ""
    # Platforms serve HTTPS on the default port and ignore a trailing slash; unifying
    # scheme, port, slash and host keeps one stored copy per profile.
    return f"https://{entry.canonical(host)}{path}{query}"


# -------------------------------------------------------------------------- numbers

AUDIENCE_MAX = 2_000_000_000

_UNITS: dict[str, int] = {
    "k": 1_000,
    "nghin": 1_000,
    "ngan": 1_000,
    "m": 1_000_000,
    "tr": 1_000_000,
    "trieu": 1_000_000,
    "mil": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_AUDIENCE = re.compile(
    r"~?\s*(?P<num>\d+(?:[.,\s]\d+)*)\s*(?P<unit>[a-z]+)?\s*\+?",
)
_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")


def _fold_ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("đ", "d").replace("Đ", "D").lower()


def _is_grouped(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _audience_number(num: str, has_unit: bool) -> Decimal | None:
    """The number in ``num``, or None when its separators are malformed or ambiguous.

    Without a unit every separator groups thousands ("12.000", "12,000", "12 000").
    With a unit the last "." or "," is a decimal point ("1.2k", "1,2 triệu"), earlier
    ones of the other kind group thousands ("1.234,5k"). "1.500k" is refused: it is
    1.5 thousand in English but 1.5 million in Vietnamese.
    """
    groups = re.split(r"[.,\s]", num)
    seps = re.findall(r"[.,\s]", num)
    if not seps:
        return Decimal(num)
    if len(set(seps)) == 1 and _is_grouped(groups) and (not has_unit or len(seps) > 1):
        return Decimal("".join(groups))
    if not has_unit or any(s.isspace() for s in seps):
        return None
    *int_seps, point = seps
    if len(int_seps) == 0:
        if len(groups[-1]) == 3:
            return None
        return Decimal(f"{groups[0]}.{groups[1]}")
    if len(set(int_seps)) != 1 or point in int_seps or not _is_grouped(groups[:-1]):
        return None
    return Decimal("".join(groups[:-1]) + "." + groups[-1])


def parse_audience(text: str) -> int:
    """Follower/reader count from "12000", "12.000", "12k", "1,2 triệu", "1.5M", "2 tr"…

    Thousand separators may be "." (Vietnamese), "," (English) or spaces; with a
    unit the separator is a decimal point. Fractions are rounded half up. Between 0
    and ``AUDIENCE_MAX``.
    """
    folded = _fold_ascii((text or "").strip())
    m = _AUDIENCE.fullmatch(folded) if len(folded) <= 40 else None
    if not m:
        raise InvalidInput("error.audience_invalid")
    unit = m.group("unit")
    if unit is not None and unit not in _UNITS:
        raise InvalidInput("error.audience_invalid")
    number = _audience_number(m.group("num"), unit is not None)
    if number is None:
        raise InvalidInput("error.audience_invalid")
    with localcontext(prec=80):  # exact for any 40-character input
        value = (number * (_UNITS[unit] if unit else 1)).quantize(Decimal(1), ROUND_HALF_UP)
    if not 0 <= value <= AUDIENCE_MAX:
        raise InvalidInput("error.audience_invalid")
    return int(value)


CAPACITY_MIN = 1
CAPACITY_MAX = 50


def parse_capacity(text: str) -> int:
    """Stories per month an ambassador can take: a whole number in 1..50."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not CAPACITY_MIN <= int(raw) <= CAPACITY_MAX:
        raise InvalidInput("error.capacity_invalid", min=CAPACITY_MIN, max=CAPACITY_MAX)
    return int(raw)


# ----------------------------------------------------------------------------- text

_BLANK_RUN = re.compile(r"\n{3,}")


def _strip_controls(text: str) -> str:
    """NFC text with newline-normalised line breaks and no control characters.

    NFC matters: Vietnamese typed on some keyboards arrives decomposed and would
    otherwise not compare or search equal to the same words typed elsewhere.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return "".join(
        c
        for c in text
        if c in "\n\t" or (unicodedata.category(c) != "Cc" and c not in "\ufeff\ufffe")
    )


def clean_text(text: str, *, max_len: int, min_len: int = 1, field: str = "text") -> str:
    """Free text (pitch, bio…) trimmed, control characters removed, blank-line runs collapsed.

    Lengths are counted after cleaning, in characters. ``field`` is passed to the
    message so it can name what was wrong.
    """
    cleaned = _strip_controls(text or "")
    lines = [line.rstrip() for line in cleaned.split("\n")]
    cleaned = _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()
    length = len(cleaned)
    if length == 0:
        raise InvalidInput("error.text_empty", field=field)
    if length < min_len:
        raise InvalidInput("error.text_too_short", field=field, min=min_len, length=length)
    if length > max_len:
        raise InvalidInput("error.text_too_long", field=field, max=max_len, length=length)
    return cleaned


def clean_name(text: str, max_len: int = 100, *, field: str = "name") -> str:
    """A name on one line: line breaks and runs of whitespace become single spaces."""
    single = " ".join(_strip_controls(text or "").split())
    return clean_text(single, max_len=max_len, field=field)
