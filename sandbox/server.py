"""The aiohttp application: /bot{token}/{method} and /file/bot{token}/{file_path}."""

from __future__ import annotations

import inspect
import json
import logging
import time
import traceback
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from sandbox.api_common import Described
from sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError
from sandbox.methods import METHODS_BY_LOWER, Method
from sandbox.params import Upload, parse_params
from sandbox.world import Fault, World

log = logging.getLogger("sandbox")

MAX_BODY = 60 * 1024 * 1024  # bots may upload up to 50 MB
_WORLD = web.AppKey("world", World)


async def call_method(w: World, method: Method, raw: Mapping[str, Any]) -> tuple[int, dict]:
    """Run one method call; returns (HTTP status, response body) exactly as Telegram would."""
    w.stats[method.name] += 1
    w.last_request = (time.monotonic(), method.name)
    try:
        params = parse_params(method.params, raw)
        result = method.handler(w, params)
        if inspect.isawaitable(result):
            result = await result
    except ApiError as e:
        w.record_error(method.name, raw.get("chat_id"), e)
        return e.code, e.to_json()
    except Exception as e:  # a bug in the emulator: make it loud in the test output
        log.exception("sandbox: %s crashed", method.name)
        error = ApiError(500, f"Internal Server Error: {type(e).__name__}: {e}")
        w.record_error(method.name, raw.get("chat_id"), error)
        w.recent_errors.append((time.monotonic(), method.name, None, traceback.format_exc()))
        return 500, error.to_json()
    if isinstance(result, Described):
        return 200, {"ok": True, "result": result.result, "description": result.description}
    return 200, {"ok": True, "result": result}


async def read_raw_params(request: web.Request) -> dict[str, Any]:
    """Merge query string and body (JSON, urlencoded or multipart) into one mapping."""
    raw: dict[str, Any] = dict(request.query) if request.query_string else {}
    if not request.body_exists:
        return raw
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            raw.update(body)
    elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                try:
                    data = value.file.read()
                finally:
                    value.file.close()
                raw[key] = Upload(value.filename, value.content_type, data)
            elif isinstance(value, bytes | bytearray):
                raw[key] = bytes(value).decode("utf-8", "replace")
            else:
                raw[key] = value
    return raw


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode(),
        status=status,
        content_type="application/json",
    )


async def handle_method(request: web.Request) -> web.Response:
    w = request.app[_WORLD]
    if request.match_info["token"] != w.token:
        return _json(401, UNAUTHORIZED.to_json())
    method = METHODS_BY_LOWER.get(request.match_info["method"].lower())
    if method is None:
        return _json(404, NOT_FOUND.to_json())
    try:
        raw = await read_raw_params(request)
    except web.HTTPRequestEntityTooLarge:
        return _json(413, ApiError(413, "Request Entity Too Large").to_json())
    except ValueError:
        return _json(400, ApiError(400, "Bad Request: can't parse request body").to_json())
    fault = w.take_fault(method.name, raw)
    if fault is not None:
        return _fault(request, w, method.name, raw, fault)
    status, body = await call_method(w, method, raw)
    return _json(status, body)


def _fault(
    request: web.Request, w: World, method: str, raw: Mapping[str, Any], fault: Fault
) -> web.Response:
    """An injected failure (``Emulator.fail_next``); the message is not sent."""
    w.stats[method] += 1
    if fault.kind == "drop":
        w.error_stats[f"{method}:drop"] += 1
        if request.transport is not None:
            request.transport.close()  # the client sees the connection closed, no answer
        return web.Response(status=204)
    if fault.kind == "429":
        error = ApiError(
            429,
            f"Too Many Requests: retry after {fault.retry_after}",
            {"retry_after": fault.retry_after},
        )
    else:
        error = ApiError(500, "Internal Server Error")
    w.record_error(method, raw.get("chat_id"), error)
    return _json(error.code, error.to_json())


async def handle_file(request: web.Request) -> web.Response:
    w = request.app[_WORLD]
    if request.match_info["token"] != w.token:
        return _json(401, UNAUTHORIZED.to_json())
    stored = w.files_by_path.get(request.match_info["path"])
    if stored is None:
        return _json(404, NOT_FOUND.to_json())
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )


async def handle_unknown(request: web.Request) -> web.Response:
    return _json(404, NOT_FOUND.to_json())


def build_app(w: World) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY)
    app[_WORLD] = w
    app.router.add_route("*", "/bot{token}/{method}", handle_method)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    app.router.add_route("*", "/{tail:.*}", handle_unknown)
    return app
