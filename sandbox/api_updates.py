"""Handlers for getUpdates and the webhook methods."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.api_common import Described, Params
from sandbox.delivery import Webhook
from sandbox.errors import ApiError, bad_request
from sandbox.world import World

_SECRET_RE = re.compile(r"[A-Za-z0-9_-]+")
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


async def get_updates(w: World, p: Params) -> list[dict[str, Any]]:
    if w.delivery.webhook is not None:
        raise ApiError(409, CONFLICT_WEBHOOK)
    limit = min(max(p.get("limit", 100), 1), 100)
    timeout = min(max(p.get("timeout", 0), 0), 50)
    return await w.delivery.get_updates(
        p.get("offset"), limit, float(timeout), p.get("allowed_updates")
    )


async def set_webhook(w: World, p: Params) -> Described:
    url = p["url"]
    if not url:
        existed = w.delivery.webhook is not None
        await w.delivery.delete_webhook(bool(p.get("drop_pending_updates")))
        return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = p.get("secret_token")
    if secret is not None:
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
    allowed = p.get("allowed_updates")
    if allowed is not None and not all(isinstance(a, str) for a in allowed):
        raise bad_request("can't parse allowed_updates JSON object")
    w.delivery.set_allowed(allowed)
    hook = Webhook(
        url=url,
        secret_token=secret,
        max_connections=min(max(p.get("max_connections", 40), 1), 100),
        ip_address=p.get("ip_address"),
    )
    current = w.delivery.webhook
    if current is not None and (current.url, current.secret_token) == (url, secret):
        if p.get("drop_pending_updates"):
            await w.delivery.set_webhook(hook, True)
        return Described(True, "Webhook is already set")
    await w.delivery.set_webhook(hook, bool(p.get("drop_pending_updates")))
    return Described(True, "Webhook was updated" if current else "Webhook was set")


async def delete_webhook(w: World, p: Params) -> Described:
    existed = w.delivery.webhook is not None
    await w.delivery.delete_webhook(bool(p.get("drop_pending_updates")))
    return Described(True, "Webhook was deleted" if existed else "Webhook is already deleted")


def get_webhook_info(w: World, p: Params) -> dict[str, Any]:
    return w.delivery.info()
