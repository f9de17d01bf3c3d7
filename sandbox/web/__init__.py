"""The local sandbox's web page: an aiohttp app over a running ``LocalSandbox``.

``routes.py`` is the JSON API, the event stream and the page; ``render.py`` turns a
message into the HTML fragment both use; ``personas.py`` keeps the people the page
can act as; ``strings.py`` has the page's own words in Vietnamese and English. The
page's template, script and style are in ``templates/`` and ``static/`` (no build step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from sandbox.web.routes import MAX_UPLOAD, SANDBOX, add_routes, errors, guard, security_headers

if TYPE_CHECKING:
    from sandbox.local import LocalSandbox


def build_web_app(sandbox: LocalSandbox) -> web.Application:
    app = web.Application(middlewares=[guard, errors], client_max_size=MAX_UPLOAD + 64 * 1024)
    app[SANDBOX] = sandbox
    app.on_response_prepare.append(security_headers)
    add_routes(app)
    return app


__all__ = ["build_web_app"]
