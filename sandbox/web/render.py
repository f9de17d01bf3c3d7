"""A message as an HTML fragment, rendered on the server for the page and the event
stream alike (the page's script only places fragments).

Everything that comes from a user or the bot is escaped; formatting is rebuilt from the
message's entities (UTF-16 offsets, as Telegram sends them) into a closed set of tags:
b, i, u, s, span.spoiler, code, pre, a, blockquote. Links keep only http, https and tg
addresses (a ``javascript:`` text_link is shown as plain text). What the page adds by
itself (service messages, "edited", the buttons' label) is in the page's language.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Any
from urllib.parse import urlsplit

from sandbox.models import SimMessage
from sandbox.web.strings import DEFAULT_LANG, text

SAFE_SCHEMES = frozenset({"http", "https", "tg"})

#: entity type -> (opening tag, closing tag); others are shown as their plain text.
_TAGS: dict[str, tuple[str, str]] = {
    "bold": ("<b>", "</b>"),
    "italic": ("<i>", "</i>"),
    "underline": ("<u>", "</u>"),
    "strikethrough": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
    "expandable_blockquote": ('<blockquote class="expandable">', "</blockquote>"),
}


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def safe_href(url: str) -> str | None:
    """The URL if its scheme is http, https or tg (a bare host gets http://); else None."""
    cleaned = "".join(c for c in url.strip() if c >= " " and c != "\x7f")
    if not cleaned:
        return None
    try:
        scheme = urlsplit(cleaned).scheme.lower()
    except ValueError:
        return None
    if not scheme:  # "example.com/page" as Telegram detects it
        return None if cleaned.startswith(("/", "\\", ":")) else "http://" + cleaned
    return cleaned if scheme in SAFE_SCHEMES else None


def _link(href: str | None) -> tuple[str, str] | None:
    if href is None:
        return None
    return f'<a href="{esc(href)}" rel="noopener" target="_blank">', "</a>"


def _tags(entity: dict[str, Any], text: str) -> tuple[str, str] | None:
    kind = entity.get("type")
    if kind in _TAGS:
        return _TAGS[kind]
    if kind == "pre":
        language = entity.get("language")
        if language:
            return f'<pre data-language="{esc(language)}"><code>', "</code></pre>"
        return "<pre>", "</pre>"
    if kind == "text_link":
        return _link(safe_href(str(entity.get("url", ""))))
    if kind == "url":
        return _link(safe_href(text))
    return None


def _utf16_units(text: str) -> list[str]:
    """The text split so that index i is UTF-16 unit i ('' for a surrogate's 2nd half)."""
    units: list[str] = []
    for ch in text:
        units.append(ch)
        if ord(ch) > 0xFFFF:
            units.append("")
    return units


def _plain(chunk: str, in_pre: bool) -> str:
    out = esc(chunk)
    return out if in_pre else out.replace("\n", "<br>")


def render_text(text: str, entities: list[dict[str, Any]] | None) -> str:
    """Text with its entities as safe HTML; newlines as <br> (kept inside pre)."""
    if not text:
        return ""
    units = _utf16_units(text)
    size = len(units)
    spans: list[tuple[int, int, int, str, str, bool]] = []  # start, end, order, open, close, pre
    for order, entity in enumerate(entities or []):
        try:
            start = max(0, int(entity["offset"]))
            end = min(size, start + int(entity["length"]))
        except (KeyError, TypeError, ValueError):
            continue
        if end <= start:
            continue
        tags = _tags(entity, "".join(units[start:end]))
        if tags is not None:
            spans.append((start, end, order, tags[0], tags[1], entity.get("type") == "pre"))
    if not spans:
        return _plain(text, False)
    # Outer entities first at the same offset, so tags nest; crossings close and reopen.
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))
    cuts = sorted({0, size, *(s[0] for s in spans), *(s[1] for s in spans)})
    out: list[str] = []
    stack: list[tuple[int, int, int, str, str, bool]] = []
    pending = list(spans)
    for i, pos in enumerate(cuts):
        # Close what ends here; an entity still open below one that ends is reopened.
        if any(s[1] == pos for s in stack):
            reopen = []
            while any(s[1] == pos for s in stack):
                top = stack.pop()
                out.append(top[4])
                if top[1] != pos:
                    reopen.append(top)
            for span in reversed(reopen):
                out.append(span[3])
                stack.append(span)
        while pending and pending[0][0] == pos:
            span = pending.pop(0)
            out.append(span[3])
            stack.append(span)
        if i + 1 < len(cuts):
            chunk = "".join(units[pos : cuts[i + 1]])
            out.append(_plain(chunk, any(s[5] for s in stack)))
    while stack:
        out.append(stack.pop()[4])
    return "".join(out)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def _keyboard(msg: SimMessage, lang: str) -> str:
    rows = []
    for row in msg.keyboard:
        buttons = []
        for button in row:
            label = esc(button.get("text", ""))
            if "callback_data" in button:
                buttons.append(
                    f'<button type="button" class="kb-btn" '
                    f'data-data="{esc(button["callback_data"])}">{label}</button>'
                )
                continue
            href = safe_href(str(button.get("url", ""))) if "url" in button else None
            if href is not None:
                buttons.append(
                    f'<a class="kb-btn kb-btn--url" href="{esc(href)}" target="_blank" '
                    f'rel="noopener">{label} ↗</a>'
                )
            else:  # login, web app, switch-inline, pay...: not emulated, shown disabled
                buttons.append(f'<button type="button" class="kb-btn" disabled>{label}</button>')
        rows.append(f'<div class="kb-row">{"".join(buttons)}</div>')
    if not rows:
        return ""
    buttons_label = esc(text(lang, "sandbox.msg.buttons"))
    return f'<div class="msg__kb" role="group" aria-label="{buttons_label}">{"".join(rows)}</div>'


def _service_text(msg: SimMessage, lang: str) -> str:
    service = msg.service or {}
    who = msg.sender.full_name
    if "new_chat_members" in service:
        names = ", ".join(
            str(m.get("first_name", "")) + (" (bot)" if m.get("is_bot") else "")
            for m in service["new_chat_members"]
        )
        if len(service["new_chat_members"]) == 1 and service["new_chat_members"][0].get(
            "id"
        ) == getattr(msg.sender, "id", None):
            return text(lang, "sandbox.msg.joined", name=names)
        return text(lang, "sandbox.msg.added", who=who, names=names)
    if "left_chat_member" in service:
        member = service["left_chat_member"]
        name = str(member.get("first_name", ""))
        if member.get("id") == msg.sender.id:
            return text(lang, "sandbox.msg.left", name=name)
        name += " (bot)" if member.get("is_bot") else ""
        return text(lang, "sandbox.msg.removed", who=who, name=name)
    if "group_chat_created" in service:
        return text(lang, "sandbox.msg.created", who=who, title=msg.chat.title or "")
    if "new_chat_title" in service:
        return text(lang, "sandbox.msg.renamed", who=who, title=service["new_chat_title"])
    if "migrate_to_chat_id" in service:
        return text(lang, "sandbox.msg.migrated_to", chat_id=service["migrate_to_chat_id"])
    if "migrate_from_chat_id" in service:
        return text(lang, "sandbox.msg.migrated_from", chat_id=service["migrate_from_chat_id"])
    if "pinned_message" in service:
        pinned = service["pinned_message"]
        body = str(pinned.get("text") or pinned.get("caption") or "")
        body = body or text(lang, "sandbox.msg.a_message")
        short = body if len(body) <= 60 else body[:57] + "…"
        return text(lang, "sandbox.msg.pinned", who=who, text=short)
    return f"{who}: " + ", ".join(service)


def _local(ts: int, tz: tzinfo) -> datetime:
    return datetime.fromtimestamp(ts, UTC).astimezone(tz)


def message_iso(msg: SimMessage) -> str:
    return datetime.fromtimestamp(msg.date, UTC).isoformat()


def render_message(msg: SimMessage, tz: tzinfo, lang: str = DEFAULT_LANG) -> str:
    """The message's <article> (or a service message's <p>): the fragment the page shows,
    with the page's own words in ``lang``."""
    chat_id, message_id = msg.chat.id, msg.message_id
    ident = f'id="m-{chat_id}-{message_id}" data-chat="{chat_id}" data-id="{message_id}"'
    if msg.service is not None:
        return (
            f'<p class="msg msg--service" {ident} data-from="{msg.sender.id}" tabindex="-1">'
            f"{esc(_service_text(msg, lang))}</p>"
        )
    classes = ["msg", "msg--bot" if msg.from_bot else "msg--user"]
    if msg.deleted:
        classes.append("msg--deleted")
    parts = [
        f'<article class="{" ".join(classes)}" {ident} data-from="{msg.sender.id}" tabindex="-1">',
        f'<header class="msg__from">{esc(msg.sender.full_name)}</header>',
    ]
    if msg.photo:
        biggest = msg.photo[-1]
        alt = msg.text if msg.is_caption and msg.text else text(lang, "sandbox.msg.photo")
        parts.append(
            f'<img class="msg__photo" src="/files/{esc(biggest["file_id"])}" alt="{esc(alt)}">'
        )
    doc = msg.document
    if doc:
        name = str(doc.get("file_name") or "file")
        parts.append(
            f'<a class="msg__doc" href="/files/{esc(doc["file_id"])}" download="{esc(name)}">'
            f"📄 {esc(name)} ({_size(int(doc.get('file_size') or 0))})</a>"
        )
    if msg.sticker:
        parts.append(f'<span class="msg__sticker">{esc(msg.sticker.get("emoji") or "")}</span>')
    if msg.contact:
        contact = msg.contact
        parts.append(
            f'<span class="msg__contact">📇 {esc(contact.get("first_name", ""))} '
            f"{esc(contact.get('phone_number', ''))}</span>"
        )
    parts.append(f'<div class="msg__text">{render_text(msg.text, msg.entities)}</div>')
    parts.append(_keyboard(msg, lang))
    when = _local(msg.date, tz)
    edited = f" · {esc(text(lang, 'sandbox.msg.edited'))}" if msg.edited else ""
    deleted = f" · {esc(text(lang, 'sandbox.msg.deleted'))}" if msg.deleted else ""
    parts.append(
        f'<footer class="msg__meta"><time datetime="{message_iso(msg)}">'
        f"{when:%H:%M}</time>{edited}{deleted}</footer>"
    )
    parts.append("</article>")
    return "".join(parts)
