"""The sandbox page's HTTP API: JSON endpoints, the event stream and the page itself.

Errors are ``{"error": "..."}`` with 400 (bad input) or 404 (unknown persona, chat,
message, group or file). State-changing requests from another origin are refused
(403), so a web page elsewhere cannot drive the sandbox through the browser.

Language: every request may carry ``?lang=vi`` or ``?lang=en`` in its query string (a
POST too, whatever its body). The page (``/``) is rendered in it, the event stream
(``/events``) and ``/api/messages`` render message fragments in it, and errors come
back in it; missing or unknown, it is Vietnamese (``strings.DEFAULT_LANG``). The page
keeps its language in its own URL and adds it to every API call.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from datetime import timedelta
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from aiohttp import web

from sandbox.models import ChatRecord, SimMessage
from sandbox.users import SimUser
from sandbox.web.personas import ORGANIZER_ID, Persona, PersonaError
from sandbox.web.render import esc, message_iso, render_message
from sandbox.web.strings import (
    CHAT_TYPE_KEYS,
    LANGUAGES,
    PAGE_KEYS,
    ROLE_KEYS,
    label,
    page_lang,
    page_strings,
    text,
)

if TYPE_CHECKING:
    from sandbox.local import LocalSandbox

SANDBOX: web.AppKey[LocalSandbox] = web.AppKey("sandbox")
WEB_DIR = Path(__file__).resolve().parent
TEMPLATE = WEB_DIR / "templates" / "index.html"
STATIC = WEB_DIR / "static"
KEEPALIVE_SECONDS = 15.0
PRESS_TIMEOUT = 5.0
TEXT_MAX = 4096
TITLE_MAX = 128
CAPTION_MAX = 1024
MAX_UPLOAD = 20 * 1024 * 1024
_LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})

#: Used when templates/index.html is absent: the same placeholders, no script.
FALLBACK_PAGE = """<!doctype html>
<html lang="$lang"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>in2spire $page_brand · @$bot_username</title></head>
<body data-persona="$persona_id" data-chat="$chat_id" data-lang="$lang">
<header><p>in2spire $page_brand · @$bot_username · $page_bot_time
<time id="clock">$clock_local</time></p>
<p role="group" aria-labelledby="lang-label"><span id="lang-label">$page_page_language</span>
$lang_links</p></header>
<nav aria-label="$page_personas"><ul id="persona-list">
$personas_html
</ul></nav>
<nav aria-label="$page_chats"><ul id="chat-list">
$chats_html
</ul></nav>
<main><div id="log" role="log" aria-live="polite" aria-label="$page_messages">
$messages_html
</div></main>
<script type="application/json" id="state">$state_json</script>
<script type="application/json" id="strings">$strings_json</script>
</body></html>
"""
#: The language switch: each language named in itself.
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


class Fail(Exception):
    """An error answer: a catalog key and its parameters, said in the request's language."""

    def __init__(self, status: int, key: str, /, **params: Any) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


def _json(data: Any, status: int = 200) -> web.Response:
    return web.Response(
        text=json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def _sandbox(request: web.Request) -> LocalSandbox:
    return request.app[SANDBOX]


def _lang(request: web.Request) -> str:
    return page_lang(request.query.get("lang"))


def _error(request: web.Request, status: int, key: str, /, **params: Any) -> web.Response:
    return _json({"error": text(_lang(request), key, **params)}, status)


# ------------------------------------------------------------------ middlewares


@web.middleware
async def errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except Fail as exc:
        return _error(request, exc.status, exc.key, **exc.params)


@web.middleware
async def guard(request: web.Request, handler: Any) -> web.StreamResponse:
    """Refuse other origins' writes and, on loopback, other Host names (DNS rebinding)."""
    sandbox = _sandbox(request)
    from sandbox.local import is_loopback

    if is_loopback(sandbox.host):
        host = (request.host or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in _LOOPBACK_NAMES and host != sandbox.host.strip("[]").lower():
            return _error(request, 403, "sandbox.error.bad_host")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc.lower() != (request.host or "").lower():
            return _error(request, 403, "sandbox.error.cross_origin")
    return await handler(request)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: every response, the event stream included."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if response.content_type == "text/html":
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )


# ------------------------------------------------------------------ parameters


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise Fail(400, "sandbox.error.body_json") from None
    if not isinstance(data, dict):
        raise Fail(400, "sandbox.error.body_object")
    return data


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise Fail(400, "sandbox.error.not_a_number", field=name)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value.strip()):
        return int(value)
    raise Fail(400, "sandbox.error.not_a_number", field=name)


def _persona(sandbox: LocalSandbox, value: Any) -> Persona:
    if value is None:
        raise Fail(400, "sandbox.error.persona_missing")
    persona = sandbox.personas.get(_int(value, "persona"))
    if persona is None:
        raise Fail(404, "sandbox.error.no_persona")
    return persona


def _chat(sandbox: LocalSandbox, persona: Persona, value: Any) -> ChatRecord:
    if value is None:
        raise Fail(400, "sandbox.error.chat_missing")
    chat = sandbox.chat_of(persona.id, _int(value, "chat"))
    if chat is None:
        raise Fail(404, "sandbox.error.no_chat")
    return chat


def _group(sandbox: LocalSandbox, request: web.Request) -> ChatRecord:
    group_id = _int(request.match_info["id"], "group id")
    chat = sandbox.emulator.world.chats.get(group_id)
    if chat is None or chat.is_private:
        raise Fail(404, "sandbox.error.no_group")
    if chat.migrated_to is not None:
        raise Fail(400, "sandbox.error.group_migrated", chat_id=chat.migrated_to)
    return chat


def _message_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Fail(400, "sandbox.error.text_empty")
    if len(value) > TEXT_MAX:
        raise Fail(400, "sandbox.error.text_too_long", limit=TEXT_MAX)
    return value


def _title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Fail(400, "sandbox.error.title_empty")
    if len(value) > TITLE_MAX:
        raise Fail(400, "sandbox.error.title_too_long", limit=TITLE_MAX)
    return " ".join(value.split())


# ------------------------------------------------------------------ views of the world


def bot_json(sandbox: LocalSandbox) -> dict[str, Any]:
    bot = sandbox.emulator.world.bot
    return {"id": bot.id, "username": bot.username, "name": bot.first_name}


def state_json(sandbox: LocalSandbox) -> dict[str, Any]:
    return {
        "bot": bot_json(sandbox),
        "personas": [p.to_json() for p in sandbox.personas.all()],
        "groups": [sandbox.group_json(g) for g in sandbox.groups()],
        "clock": sandbox.clock_json(),
    }


def _unread(sandbox: LocalSandbox, persona_id: int, chat: ChatRecord) -> int:
    seen = sandbox.read_upto.get((persona_id, chat.id), 0)
    return sum(
        1
        for m in chat.history
        if m.message_id > seen and m.sender.id != persona_id and not m.deleted and m.service is None
    )


def chats_json(sandbox: LocalSandbox, persona: Persona) -> list[dict[str, Any]]:
    private = sandbox.emulator.world.chats[persona.id]
    out = [
        {
            "id": private.id,
            "title": sandbox.emulator.world.bot.first_name,
            "type": "private",
            "unread": _unread(sandbox, persona.id, private),
        }
    ]
    for group in sandbox.groups():
        if sandbox.sees(persona.id, group):
            out.append(
                {
                    "id": group.id,
                    "title": group.title or "",
                    "type": group.type,
                    "unread": _unread(sandbox, persona.id, group),
                }
            )
    return out


def message_json(sandbox: LocalSandbox, msg: SimMessage, lang: str) -> dict[str, Any]:
    return {
        "id": msg.message_id,
        "chat_id": msg.chat.id,
        "from": {
            "id": msg.sender.id,
            "name": msg.sender.full_name,
            "is_bot": msg.sender.is_bot,
        },
        "date": message_iso(msg),
        "html": render_message(msg, sandbox.tz, lang),
        "deleted": msg.deleted,
    }


def reply_keyboard(chat: ChatRecord) -> list[list[dict[str, str]]] | None:
    """The reply keyboard shown under the input: the bot's latest, unless removed."""
    for msg in reversed(chat.history):
        markup = msg.reply_markup if msg.from_bot and not msg.deleted else None
        if markup and "keyboard" in markup:
            return [[{"text": str(b.get("text", ""))} for b in row] for row in markup["keyboard"]]
        if markup and "remove_keyboard" in markup:
            return None
    return None


def commands_for(sandbox: LocalSandbox, persona: Persona, chat: ChatRecord) -> list[dict]:
    """setMyCommands as a Telegram client resolves it: the narrowest scope that has
    commands, in the person's language first, then without a language."""
    stored = sandbox.emulator.world.commands
    if chat.is_private:
        scopes: list[tuple[Any, ...]] = [("chat", chat.id), ("all_private_chats",)]
    else:
        admin = chat.members.get(persona.id) in ("creator", "administrator")
        scopes = [("chat_member", chat.id, persona.id)]
        if admin:
            scopes.append(("chat_administrators", chat.id))
        scopes.append(("chat", chat.id))
        if admin:
            scopes.append(("all_chat_administrators",))
        scopes.append(("all_group_chats",))
    scopes.append(("default",))
    for scope in scopes:
        for lang in (persona.lang, ""):
            found = stored.get((scope, lang))
            if found:
                return [{"command": c["command"], "description": c["description"]} for c in found]
    return []


def _initials(name: str) -> str:
    words = re.sub(r"\(.*?\)", "", name).split()[:2]
    return "".join(w[0] for w in words).upper() or "?"


def _hue(ident: int) -> int:
    return (abs(ident) * 47) % 360


def personas_html(sandbox: LocalSandbox, current: int, lang: str) -> str:
    items = []
    for p in sandbox.personas.all():
        role = ""
        if p.role != "person":
            role = f'<span class="persona__role">{esc(label(lang, ROLE_KEYS, p.role))}</span>'
        here = ' aria-current="true"' if p.id == current else ""
        items.append(
            f'<li><a class="item persona" href="?persona={p.id}&amp;lang={lang}" '
            f'data-persona="{p.id}"{here}>'
            f'<span class="avatar" style="--h:{_hue(p.id)}" aria-hidden="true">'
            f"{esc(_initials(p.name))}</span>"
            f'<span class="item__main"><span class="item__name">{esc(p.name)}</span>{role}</span>'
            f'<span class="item__lang">{esc(p.lang)}</span></a></li>'
        )
    return "\n".join(items)


def chats_html(chats: list[dict[str, Any]], persona_id: int, current: int, lang: str) -> str:
    items = []
    for c in chats:
        here = ' aria-current="true"' if c["id"] == current else ""
        kind = ""
        if c["type"] != "private":
            kind_label = esc(label(lang, CHAT_TYPE_KEYS, c["type"]))
            kind = f'<span class="persona__role">{kind_label}</span>'
        unread = 0 if c["id"] == current else c["unread"]
        badge = ""
        if unread:
            said = esc(text(lang, "sandbox.page.unread", count=unread))
            badge = f'<span class="badge" aria-label="{said}">{unread}</span>'
        items.append(
            f'<li><a class="item chat-link" '
            f'href="?persona={persona_id}&amp;chat={c["id"]}&amp;lang={lang}" '
            f'data-chat="{c["id"]}"{here}>'
            f'<span class="avatar avatar--chat" style="--h:{_hue(c["id"])}" aria-hidden="true">'
            f"{esc(_initials(c['title']))}</span>"
            f'<span class="item__main"><span class="item__name">{esc(c["title"])}</span>'
            f"{kind}</span>{badge}</a></li>"
        )
    return "\n".join(items)


def script_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">."""
    return (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _mark_read(sandbox: LocalSandbox, persona_id: int, chat: ChatRecord) -> None:
    if chat.history:
        sandbox.read_upto[(persona_id, chat.id)] = chat.history[-1].message_id


# ------------------------------------------------------------------ handlers


def lang_links(persona_id: int, chat_id: int, lang: str) -> str:
    """The header's language switch: a link per language, the current one marked."""
    links = []
    for code in LANGUAGES:
        here = ' aria-current="true"' if code == lang else ""
        links.append(
            f'<a class="langs__link" id="lang-{code}" lang="{code}" hreflang="{code}" '
            f'href="?persona={persona_id}&amp;chat={chat_id}&amp;lang={code}"{here}>'
            f"{esc(LANGUAGE_NAMES[code])}</a>"
        )
    return "\n".join(links)


def template_strings(lang: str) -> dict[str, str]:
    """``sandbox.page.add_bot`` -> placeholder ``$page_add_bot``, HTML-escaped."""
    strings = page_strings(lang)
    return {key.removeprefix("sandbox.").replace(".", "_"): esc(strings[key]) for key in PAGE_KEYS}


async def page(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    lang = _lang(request)
    persona = sandbox.personas.get(ORGANIZER_ID)
    with contextlib.suppress(Fail):
        persona = _persona(sandbox, request.query.get("persona", ORGANIZER_ID))
    assert persona is not None
    chat = sandbox.chat_of(persona.id, persona.id)
    with contextlib.suppress(Fail):
        chat = _chat(sandbox, persona, request.query.get("chat", persona.id))
    assert chat is not None
    _mark_read(sandbox, persona.id, chat)
    chats = chats_json(sandbox, persona)
    template = TEMPLATE.read_text(encoding="utf-8") if TEMPLATE.exists() else FALLBACK_PAGE
    html = Template(template).safe_substitute(
        template_strings(lang),
        lang=lang,
        lang_links=lang_links(persona.id, chat.id, lang),
        personas_html=personas_html(sandbox, persona.id, lang),
        chats_html=chats_html(chats, persona.id, chat.id, lang),
        messages_html="\n".join(render_message(m, sandbox.tz, lang) for m in chat.history),
        persona_id=str(persona.id),
        chat_id=str(chat.id),
        bot_username=esc(sandbox.emulator.world.bot.username or ""),
        clock_local=esc(sandbox.clock_json()["local"]),
        state_json=script_json(state_json(sandbox)),
        strings_json=script_json(page_strings(lang)),
    )
    return web.Response(text=html, content_type="text/html")


async def get_state(request: web.Request) -> web.Response:
    return _json(state_json(_sandbox(request)))


async def create_persona(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    body = await _body(request)
    try:
        persona = sandbox.personas.create(body.get("name"), body.get("lang", "vi"))
    except PersonaError as exc:
        raise Fail(400, exc.key, **exc.params) from None
    sandbox.user(persona, started=False)  # has not opened the bot yet
    sandbox.publish_state()
    return _json(persona.to_json(), 201)


async def get_chats(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    persona = _persona(sandbox, request.query.get("persona"))
    return _json(chats_json(sandbox, persona))


async def get_messages(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    persona = _persona(sandbox, request.query.get("persona"))
    chat = _chat(sandbox, persona, request.query.get("chat"))
    _mark_read(sandbox, persona.id, chat)
    return _json(
        {
            "messages": [message_json(sandbox, m, _lang(request)) for m in chat.history],
            "reply_keyboard": reply_keyboard(chat),
            "commands": commands_for(sandbox, persona, chat),
        }
    )


async def send(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    body = await _body(request)
    persona = _persona(sandbox, body.get("persona"))
    chat = _chat(sandbox, persona, body.get("chat"))
    said = _message_text(body.get("text"))
    user = sandbox.user(persona)
    keyboard = reply_keyboard(chat) or []
    if any(b["text"] == said for row in keyboard for b in row):
        await user.tap(said, chat=chat)  # shares the contact for request_contact buttons
    else:
        await user.send(said, chat=chat)
    _mark_read(sandbox, persona.id, chat)
    return _json({"ok": True})


async def press(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    body = await _body(request)
    persona = _persona(sandbox, body.get("persona"))
    chat = _chat(sandbox, persona, body.get("chat"))
    message_id = _int(body.get("message_id"), "message_id")
    data = body.get("data")
    msg = chat.messages.get(message_id)
    if msg is None or msg.deleted or not msg.from_bot:
        raise Fail(404, "sandbox.error.no_bot_message")
    if not isinstance(data, str) or not any(b.get("callback_data") == data for b in msg.buttons):
        raise Fail(400, "sandbox.error.no_button")
    if not chat.bot_present:
        raise Fail(400, "sandbox.error.bot_not_in_chat")
    user = sandbox.user(persona)
    try:
        answer = await user.press_data(data, message=msg, timeout=PRESS_TIMEOUT)
    except AssertionError:  # no answerCallbackQuery in time: the client stops waiting
        return _json({"answer": None})
    shown = {"text": answer.text, "show_alert": answer.show_alert, "url": answer.url}
    return _json({"answer": shown})


async def upload(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    try:
        form = await request.post()
    except ValueError:
        raise Fail(400, "sandbox.error.multipart") from None
    persona = _persona(sandbox, form.get("persona"))
    chat = _chat(sandbox, persona, form.get("chat"))
    field = form.get("file")
    if not isinstance(field, web.FileField):
        raise Fail(400, "sandbox.error.file_missing")
    content = field.file.read()
    if not content:
        raise Fail(400, "sandbox.error.file_empty")
    caption_value = form.get("caption")
    caption = caption_value.strip() if isinstance(caption_value, str) else ""
    if len(caption) > CAPTION_MAX:
        raise Fail(400, "sandbox.error.caption_too_long", limit=CAPTION_MAX)
    user = sandbox.user(persona)
    ctype = (field.content_type or "").lower()
    from sandbox.media import image_size

    if ctype.startswith("image/") and image_size(content) is not None:
        await user.send_photo(content, caption=caption or None, chat=chat)
    else:
        filename = Path(field.filename or "file").name[:128] or "file"
        await user.send_document(
            filename, content, mime_type=ctype or None, caption=caption or None, chat=chat
        )
    _mark_read(sandbox, persona.id, chat)
    return _json({"ok": True})


async def create_group(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    body = await _body(request)
    title = _title(body.get("title"))
    persona = _persona(sandbox, body.get("persona"))
    chat = await sandbox.create_group(title, persona)
    sandbox.publish_state()
    return _json(sandbox.group_json(chat), 201)


async def add_member(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    chat = _group(sandbox, request)
    body = await _body(request)
    persona = _persona(sandbox, body.get("persona"))
    if sandbox.sees(persona.id, chat):
        raise Fail(400, "sandbox.error.already_member")
    if chat.members.get(persona.id) == "kicked":
        raise Fail(400, "sandbox.error.banned")
    await sandbox.user(persona).join(sandbox.emulator.chat(chat.id))
    sandbox.publish_state()
    return _json(sandbox.group_json(chat))


async def group_bot(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    chat = _group(sandbox, request)
    body = await _body(request)
    action = body.get("action")
    try:
        owner: SimUser = sandbox.owner(chat)
    except ValueError:  # nobody left in the group to act for it
        raise Fail(400, "sandbox.error.group_no_members") from None
    group = sandbox.emulator.chat(chat.id)
    if action == "add":
        if chat.bot_present:
            raise Fail(400, "sandbox.error.bot_already_in")
        await owner.add_bot_to(group)
        sandbox.mark_bot_joined(chat)
    elif action == "add_admin":
        if chat.bot_status == "administrator":
            raise Fail(400, "sandbox.error.bot_already_admin")
        if chat.bot_present:
            await owner.promote_bot(group)
        else:
            await owner.add_bot_to(group, as_admin=True)
        sandbox.mark_bot_joined(chat)
    elif action == "remove":
        if not chat.bot_present:
            raise Fail(400, "sandbox.error.bot_not_in_group")
        await owner.remove_bot_from(group)
    else:
        raise Fail(400, "sandbox.error.bad_action")
    sandbox.publish_state()
    return _json(sandbox.group_json(chat))


async def migrate(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    chat = _group(sandbox, request)
    if chat.type != "group":
        raise Fail(400, "sandbox.error.only_basic_group")
    try:
        new = await sandbox.emulator.migrate_group(sandbox.emulator.chat(chat.id))
    except ValueError:  # a basic group without members cannot be migrated
        raise Fail(400, "sandbox.error.group_no_members") from None
    if chat.id in sandbox.bot_joined:
        sandbox.bot_joined.add(new.id)
    sandbox.publish_state()
    return _json(sandbox.group_json(new.record))


async def jump(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    body = await _body(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise Fail(400, "sandbox.error.not_a_number", field="seconds")
    if not math.isfinite(seconds) or seconds <= 0:
        raise Fail(400, "sandbox.error.clock_forwards")
    if seconds > 30 * 86400:
        raise Fail(400, "sandbox.error.jump_max", seconds=30 * 86400)
    return _json(await sandbox.jump(timedelta(seconds=seconds)))


async def events(request: web.Request) -> web.StreamResponse:
    sandbox = _sandbox(request)
    persona = _persona(sandbox, request.query.get("persona"))
    sub = sandbox.subscribe(persona.id, _lang(request))
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-cache",
            "X-Accel-Buffering": "no",
        }
    )
    try:
        await response.prepare(request)
        await response.write(b": connected\n\n")
        while True:
            try:
                item = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if item is None:  # the sandbox is stopping
                break
            kind, data = item
            payload = json.dumps(data, ensure_ascii=False)
            await response.write(f"event: {kind}\ndata: {payload}\n\n".encode())
    except ConnectionResetError:  # the page went away
        pass
    finally:
        sandbox.unsubscribe(sub)
    return response


async def file(request: web.Request) -> web.Response:
    sandbox = _sandbox(request)
    stored = sandbox.emulator.world.files.get(request.match_info["file_id"])
    if stored is None or (not stored.data and stored.url):
        raise Fail(404, "sandbox.error.no_file")
    mime = stored.mime_type or "application/octet-stream"
    if stored.kind == "photo" and mime.startswith("image/") and mime != "image/svg+xml":
        disposition = "inline"
    else:
        if stored.kind == "photo":
            mime = "application/octet-stream"
        name = stored.filename or stored.file_path.rsplit("/", 1)[-1]
        disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(
        body=stored.data,
        headers={"Content-Type": mime, "Content-Disposition": disposition},
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/", page)
    r.add_get("/api/state", get_state)
    r.add_post("/api/personas", create_persona)
    r.add_get("/api/chats", get_chats)
    r.add_get("/api/messages", get_messages)
    r.add_post("/api/send", send)
    r.add_post("/api/press", press)
    r.add_post("/api/upload", upload)
    r.add_post("/api/groups", create_group)
    r.add_post("/api/groups/{id}/members", add_member)
    r.add_post("/api/groups/{id}/bot", group_bot)
    r.add_post("/api/groups/{id}/migrate", migrate)
    r.add_post("/api/clock/jump", jump)
    r.add_get("/events", events)
    r.add_get("/files/{file_id}", file)
    if STATIC.is_dir():
        r.add_static("/static", STATIC)
