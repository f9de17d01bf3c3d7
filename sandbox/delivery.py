"""Getting updates to the bot: a getUpdates queue with long polling, or webhook POSTs.

Webhook deliveries are sharded by chat over `max_connections` workers, so one chat's updates
stay in order while different chats are delivered concurrently, as with Telegram.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.errors import ApiError
from sandbox.params import Upload

ALL_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "message_reaction",
        "message_reaction_count",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)
# Telegram's default when allowed_updates is empty: everything but these three.
DEFAULT_ALLOWED = ALL_UPDATE_TYPES - {"chat_member", "message_reaction", "message_reaction_count"}

CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)

ReplyHandler = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class DeliverySettings:
    """Webhook delivery knobs; tests shrink retry_delay to keep failures fast."""

    max_attempts: int = 4
    retry_delay: float = 0.5  # doubled after each failed attempt
    timeout: float = 10.0


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None


class UpdateDelivery:
    def __init__(self, on_reply: ReplyHandler | None = None) -> None:
        self.on_reply = on_reply
        self.settings = DeliverySettings()
        self.next_update_id = 1
        self.pending: deque[dict[str, Any]] = deque()
        self.allowed: frozenset[str] = DEFAULT_ALLOWED
        self.allowed_list: list[str] | None = None
        self.webhook: Webhook | None = None
        self.last_poll: float | None = None
        self.delivered = 0
        self.failed = 0
        self._poll_waiter: asyncio.Future[None] | None = None
        self._poll_gen = 0
        self._queues: list[asyncio.Queue[dict[str, Any]]] = []
        self._workers: list[asyncio.Task[None]] = []
        self._inflight = 0
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    # -- producing -------------------------------------------------------------------------

    def push(self, kind: str, payload: dict[str, Any], route: int) -> int | None:
        """Queue an update; returns its id, or None if allowed_updates filters it out."""
        if kind not in self.allowed:
            return None
        update_id = self.next_update_id
        self.next_update_id += 1
        update = {"update_id": update_id, kind: payload}
        if self._queues:
            self._queues[route % len(self._queues)].put_nowait(update)
        else:
            self.pending.append(update)
            waiter = self._poll_waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return update_id

    def set_allowed(self, allowed: list[str] | None) -> None:
        if allowed is None:
            return
        self.allowed_list = list(allowed)
        self.allowed = frozenset(allowed) if allowed else DEFAULT_ALLOWED

    @property
    def pending_count(self) -> int:
        if self._queues:
            return sum(q.qsize() for q in self._queues) + self._inflight
        return len(self.pending)

    # -- getUpdates ------------------------------------------------------------------------

    async def get_updates(
        self, offset: int | None, limit: int, wait: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        self.set_allowed(allowed)
        self.last_poll = time.monotonic()
        if offset is not None:
            if offset < 0:
                while len(self.pending) > -offset:
                    self.pending.popleft()
            else:
                while self.pending and self.pending[0]["update_id"] < offset:
                    self.pending.popleft()
        if not self.pending and wait > 0 and not self._closed:
            self._poll_gen += 1
            gen = self._poll_gen
            previous = self._poll_waiter
            if previous is not None and not previous.done():
                previous.set_result(None)
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._poll_waiter = fut
            try:
                await asyncio.wait_for(fut, wait)
            except TimeoutError:
                pass
            finally:
                if self._poll_waiter is fut:
                    self._poll_waiter = None
            self.last_poll = time.monotonic()
            if gen != self._poll_gen:
                raise ApiError(409, CONFLICT_POLL)
        return list(itertools.islice(self.pending, limit))

    # -- webhook ---------------------------------------------------------------------------

    async def set_webhook(self, hook: Webhook, drop_pending: bool) -> None:
        await self._stop_workers()
        if drop_pending:
            self.pending.clear()
        self.webhook = hook
        self._queues = [asyncio.Queue() for _ in range(hook.max_connections)]
        self._workers = [asyncio.create_task(self._worker(q)) for q in self._queues]
        while self.pending:
            update = self.pending.popleft()
            self._queues[_route_of(update) % len(self._queues)].put_nowait(update)

    async def delete_webhook(self, drop_pending: bool) -> None:
        await self._stop_workers()
        self.webhook = None
        if drop_pending:
            self.pending.clear()

    async def _stop_workers(self) -> None:
        workers, queues = self._workers, self._queues
        self._workers, self._queues = [], []
        for task in workers:
            task.cancel()
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)
        leftovers = list(self.pending)
        for q in queues:
            while not q.empty():
                leftovers.append(q.get_nowait())
        leftovers.sort(key=lambda u: u["update_id"])
        self.pending = deque(leftovers)

    async def _worker(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        while True:
            update = await queue.get()
            self._inflight += 1
            delivered = False
            try:
                delivered = await self._deliver(update)
            except asyncio.CancelledError:
                if not delivered:
                    self.pending.append(update)
                raise
            finally:
                self._inflight -= 1

    async def _deliver(self, update: dict[str, Any]) -> bool:
        hook = self.webhook
        if hook is None:
            return False
        if self._session is None:
            self._session = aiohttp.ClientSession()
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        body = json.dumps(update, ensure_ascii=False).encode()
        settings = self.settings
        for attempt in range(max(1, settings.max_attempts)):
            try:
                async with self._session.post(
                    hook.url,
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=settings.timeout),
                ) as resp:
                    if 200 <= resp.status < 300:
                        reply = await _read_reply(resp)
                        self.delivered += 1
                        if reply and self.on_reply is not None:
                            await self.on_reply(reply)
                        return True
                    error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
            except aiohttp.ClientConnectorError:
                error = "Connection refused"
            except (aiohttp.ClientError, TimeoutError) as e:
                error = f"Connection failed: {type(e).__name__}"
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            if attempt + 1 < settings.max_attempts:
                await asyncio.sleep(settings.retry_delay * (2**attempt))
        self.failed += 1
        return True  # given up: counts as handled so it is not re-queued

    def info(self) -> dict[str, Any]:
        hook = self.webhook
        d: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_count,
        }
        if hook is not None:
            d["max_connections"] = hook.max_connections
            if hook.ip_address:
                d["ip_address"] = hook.ip_address
            if hook.last_error_date is not None:
                d["last_error_date"] = hook.last_error_date
                d["last_error_message"] = hook.last_error_message
            if self.allowed_list:
                d["allowed_updates"] = self.allowed_list
        return d

    async def close(self) -> None:
        self._closed = True
        waiter = self._poll_waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        await self._stop_workers()
        if self._session is not None:
            await self._session.close()
            self._session = None


def _route_of(update: dict[str, Any]) -> int:
    """The chat an update belongs to, so its webhook worker keeps per-chat order."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if chat:
            return abs(int(chat["id"]))
        sender = value.get("from")
        if sender:
            return int(sender["id"])
    return 0


async def _read_reply(resp: aiohttp.ClientResponse) -> dict[str, Any] | None:
    """A webhook may answer with a method call in its body; Telegram executes it."""
    ctype = resp.content_type
    if ctype == "application/json":
        try:
            data = await resp.json()
        except (ValueError, aiohttp.ContentTypeError):
            return None
        return data if isinstance(data, dict) and "method" in data else None
    if ctype == "multipart/form-data":
        reader = aiohttp.MultipartReader(resp.headers, resp.content)
        data = {}
        while True:
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                continue
            if part.filename:
                raw = await part.read(decode=True)
                ptype = part.headers.get("Content-Type", "application/octet-stream")
                data[part.name] = Upload(part.filename, ptype, bytes(raw))
            else:
                data[part.name] = await part.text()
        return data if "method" in data else None
    return None
