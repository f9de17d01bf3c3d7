"""A fake OpenAI-compatible server on loopback, for tests and benchmarks of the AI
features through the real ``openai`` client (real HTTP).

    async with FakeOpenAI() as fake:
        settings = Settings(openai_api_key="test", openai_base_url=fake.base_url, ...)
        fake.script(Reply(status=429, headers={"retry-after-ms": "10"}), Reply(json={...}))

It serves ``POST /v1/chat/completions`` (and ``/chat/completions``). Scripted replies
are used first, in order: a JSON object as the message content, raw content text, an
HTTP error status (with an optional body and headers, e.g. 429 with retry-after), a
delay. With nothing scripted, a default responder answers every known prompt with
schema-valid output in the language of the request (the prompt is recognised by
``response_format.json_schema.name``, or by the ``[prompt <name> v<version>]`` marker
that starts the system message; the values are read back from the ``<data>`` block).
``latency`` delays every answer (benchmarks). Every request is kept in ``requests``;
replies carry ``usage`` token counts. Only aiohttp is needed.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

_MARKER_RE = re.compile(r"^\[prompt ([a-z0-9_]+) v[^\]]*\]")
_DATA_RE = re.compile(r"<data>\s*(.*?)\s*</data>", re.DOTALL)


@dataclass
class Reply:
    """One scripted answer. ``json`` or ``content`` is the message content (``json``
    is serialised); ``status`` other than 200 answers an error with ``body`` (a JSON
    error object by default) and ``headers``; ``delay`` waits first (seconds)."""

    json: Any = None
    content: str | None = None
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: (prompt_tokens, completion_tokens); estimated from the text when None.
    usage: tuple[int, int] | None = None


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        messages = self.body.get("messages")
        return messages if isinstance(messages, list) else []

    @property
    def prompt(self) -> str | None:
        """The prompt's name: the json_schema name, else the system message's marker."""
        return detect_prompt(self.body)

    @property
    def data(self) -> dict[str, Any]:
        """The values of the ``<data>`` block of the user message ({} when absent)."""
        return data_of(self.body)


def _text(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def detect_prompt(body: dict[str, Any]) -> str | None:
    response_format = body.get("response_format")
    if isinstance(response_format, dict):
        schema = response_format.get("json_schema")
        if isinstance(schema, dict) and isinstance(schema.get("name"), str):
            return str(schema["name"])
    for message in body.get("messages") or ():
        if isinstance(message, dict) and message.get("role") == "system":
            match = _MARKER_RE.match(_text(message).strip())
            if match:
                return match.group(1)
    return None


def data_of(body: dict[str, Any]) -> dict[str, Any]:
    for message in reversed(body.get("messages") or ()):
        if isinstance(message, dict) and message.get("role") == "user":
            match = _DATA_RE.search(_text(message))
            if match:
                try:
                    data = json.loads(match.group(1))
                except json.JSONDecodeError:
                    return {}
                return data if isinstance(data, dict) else {}
    return {}


# --- the default responder ---------------------------------------------------------------

_ANGLES = {
    "vi": [
        "Câu chuyện người sáng lập",
        "Tác động tới cộng đồng",
        "Công nghệ phía sau",
        "Góc nhìn khách hàng",
        "Bài học khởi nghiệp",
    ],
    "en": [
        "The founder's story",
        "Impact on the community",
        "The technology behind it",
        "The customer's view",
        "Lessons from the journey",
    ],
}


def _brief(data: dict[str, Any], vi: bool) -> dict[str, Any]:
    company = str(data.get("company") or ("Startup" if not vi else "Công ty khởi nghiệp"))
    choices = [c.get("code") for c in data.get("platform_choices") or () if isinstance(c, dict)]
    if vi:
        return {
            "title": f"{company}: hành trình đổi mới sáng tạo"[:120],
            "angle": f"{company} giải quyết một vấn đề thật cho người dùng Việt Nam.",
            "key_messages": [
                f"{company} giải quyết một vấn đề cụ thể.",
                "Sản phẩm đã được người dùng thật kiểm chứng.",
                "Startup đang tìm kiếm đối tác đồng hành.",
            ],
            "target_audience": "Nhà đầu tư và đối tác",
            "call_to_action": f"Liên hệ {company} để tìm hiểu thêm."[:200],
            "hashtags": ["#khoinghiep", "#DoiMoiSangTao"],
            "platforms": choices[:2],
        }
    return {
        "title": f"{company}: an innovation journey"[:120],
        "angle": f"{company} solves a real problem for people in Vietnam.",
        "key_messages": [
            f"{company} solves a concrete problem.",
            "Real users have tested the product.",
            "The startup is looking for partners.",
        ],
        "target_audience": "Investors and partners",
        "call_to_action": f"Contact {company} to learn more."[:200],
        "hashtags": ["#startup", "#innovation"],
        "platforms": choices[:2],
    }


def _post_draft(data: dict[str, Any], vi: bool) -> dict[str, Any]:
    lang = "vi" if vi else "en"
    taken = {str(a).strip().lower() for a in data.get("angles_taken") or ()}
    previous = str(data.get("previous") or "")
    angle = next((a for a in _ANGLES[lang] if a.lower() not in taken), _ANGLES[lang][-1] + " 2")
    company = str(data.get("company") or "Startup")
    if vi:
        hook = f"{angle}: điều gì khiến {company} khác biệt?"
        body = f"{hook}\n\n{company} đang thay đổi cách chúng ta làm việc. " * 3
    else:
        hook = f"{angle}: what makes {company} different?"
        body = f"{hook}\n\n{company} is changing how we work. " * 3
    if data.get("shorter") and previous:
        body = previous[: max(1, len(previous) // 2)]
    return {"angle": angle[:200], "hook": hook[:300], "text": body.strip()[:3000]}


def _policy_themes(data: dict[str, Any], vi: bool) -> dict[str, Any]:
    groups: dict[str, list[int]] = {}
    for pitch in data.get("pitches") or ():
        if isinstance(pitch, dict) and isinstance(pitch.get("id"), int):
            groups.setdefault(str(pitch.get("sector") or "other"), []).append(pitch["id"])
    if not groups:
        groups = {"other": [0]}
    themes = []
    for sector, ids in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:8]:
        if vi:
            title, summary = (
                f"Rào cản chính sách: {sector}",
                f"{len(ids)} startup gặp cùng vướng mắc.",
            )
        else:
            title, summary = (
                f"Policy obstacle: {sector}",
                f"{len(ids)} startups face the same issue.",
            )
        themes.append({"title": title[:120], "summary": summary, "request_ids": ids})
    return {"themes": themes}


def _needs(data: dict[str, Any], vi: bool) -> dict[str, Any]:
    choices = [c.get("code") for c in data.get("choices") or () if isinstance(c, dict)]
    return {"needs": choices[:1]}


def _digest(data: dict[str, Any], vi: bool) -> str:
    numbers = data.get("numbers") if isinstance(data.get("numbers"), dict) else {}
    parts = ", ".join(f"{k}: {v}" for k, v in (numbers or {}).items())
    if vi:
        return f"Tóm tắt hôm nay — {parts or 'một ngày yên ắng'}."
    return f"Today in short — {parts or 'a quiet day'}."


_JSON_RESPONDERS = {
    "brief": _brief,
    "post_draft": _post_draft,
    "policy_themes": _policy_themes,
    "needs": _needs,
}


def default_content(body: dict[str, Any]) -> str:
    """Schema-valid output for a known prompt ("ok" for anything else)."""
    name = detect_prompt(body)
    data = data_of(body)
    vi = data.get("language", "vi") != "en"
    if name in _JSON_RESPONDERS:
        return json.dumps(_JSON_RESPONDERS[name](data, vi), ensure_ascii=False)
    if name == "digest_narrative":
        return _digest(data, vi)
    return "{}" if isinstance(body.get("response_format"), dict) else "ok"


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


# --- the server --------------------------------------------------------------------------


class FakeOpenAI:
    def __init__(self, *, latency: float = 0.0, host: str = "127.0.0.1") -> None:
        self.latency = latency
        self.host = host
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply] = deque()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these, in order (then the default again)."""
        self._script.extend(replies)

    @property
    def scripted_left(self) -> int:
        return len(self._script)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        app.router.add_post("/chat/completions", self._completions)
        self._closing = asyncio.Event()
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._closing.set()  # wakes delayed answers, so shutting down never waits
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _wait(self, seconds: float) -> bool:
        """Sleep; False when the server is shutting down meanwhile."""
        if seconds <= 0:
            return True
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def _completions(self, request: web.Request) -> web.StreamResponse:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = None
        if not isinstance(body, dict):
            return web.json_response(_error(400, "body must be a JSON object"), status=400)
        self.requests.append(RecordedRequest(request.path, dict(request.headers), body))
        reply = self._script.popleft() if self._script else Reply()
        if not await self._wait(self.latency + reply.delay):
            return web.json_response(_error(503, "shutting down"), status=503)
        if reply.status != 200:
            payload = reply.body if reply.body is not None else _error(reply.status, "scripted")
            if isinstance(payload, str):
                return web.Response(text=payload, status=reply.status, headers=reply.headers)
            return web.json_response(payload, status=reply.status, headers=reply.headers)
        if reply.content is not None:
            content = reply.content
        elif reply.json is not None:
            content = json.dumps(reply.json, ensure_ascii=False)
        else:
            content = default_content(body)
        prompt_text = "".join(_text(m) for m in body.get("messages") or ())
        prompt_tokens, completion_tokens = reply.usage or (_tokens(prompt_text), _tokens(content))
        return web.json_response(
            {
                "id": f"chatcmpl-fake-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": str(body.get("model") or "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            },
            headers=reply.headers,
        )


def _error(status: int, message: str) -> dict[str, Any]:
    kind = {429: "rate_limit_exceeded", 400: "invalid_request_error"}.get(status, "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": str(status)}}
