"""Emulator: runs the fake Bot API server and hands out simulated users and chats to tests."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.api_bot import scope_key
from sandbox.diagnostics import bot_activity
from sandbox.errors import ApiError
from sandbox.membership import service_message
from sandbox.methods import METHODS_BY_LOWER
from sandbox.models import StoredFile, UserRecord
from sandbox.ratelimit import Clock, RateLimits
from sandbox.server import build_app, call_method
from sandbox.users import SimChat, SimUser
from sandbox.world import Fault, World

log = logging.getLogger("sandbox")


class Emulator:
    """A Telegram Bot API server on loopback plus the world it serves.

    Point a bot at it with `TelegramAPIServer.from_base(emu.base_url)` (aiogram) or
    `base_url=f"{emu.base_url}/bot"` (python-telegram-bot).
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        bot_username: str = "in2spire_test_bot",
        rate_limits: RateLimits | None = None,
        clock: Clock | None = None,
        *,
        bot_first_name: str = "In2spire Test Bot",
        privacy_mode: bool = True,
        now: Callable[[], float] | None = None,
    ) -> None:
        """``clock`` (monotonic seconds) drives the rate limits; ``now`` (epoch
        seconds, ``time.time`` by default) dates the messages."""
        self.world = World(
            token=token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            rate_limits=rate_limits if rate_limits is not None else RateLimits(),
            clock=clock,
            privacy_mode=privacy_mode,
            now=now,
        )
        self.world.delivery.on_reply = self._on_webhook_reply
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._users: dict[int, SimUser] = {}
        self._chats: dict[int, SimChat] = {}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Emulator:
        runner = web.AppRunner(
            build_app(self.world), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound = runner.addresses[0]
        self.base_url = f"http://{host}:{bound[1]}"
        return self

    async def stop(self) -> None:
        await self.world.delivery.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- identity --------------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_id(self) -> int:
        return self.world.bot.id

    @property
    def bot_username(self) -> str | None:
        return self.world.bot.username

    @property
    def api_url(self) -> str:
        """Base of method URLs for this token: f"{api_url}/getMe"."""
        return f"{self.base_url}/bot{self.token}"

    # -- users and chats -------------------------------------------------------------------

    def user(
        self,
        id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        *,
        started: bool = True,
    ) -> SimUser:
        """Get or create a user. `started=False`: the user never opened the bot, so the bot
        gets 403 "bot can't initiate conversation with a user" until the user writes."""
        existing = self._users.get(id)
        if existing is not None:
            return existing
        record = UserRecord(id, first_name, last_name, username, language_code)
        chat = self.world.add_user(record, started)
        self._chats[chat.id] = SimChat(self, chat)
        user = self._users[id] = SimUser(self, record)
        return user

    def group(
        self,
        title: str = "Test group",
        type: str = "supergroup",
        id: int | None = None,
        username: str | None = None,
    ) -> SimChat:
        """Get or create a group; ids are negative, -100... for supergroups."""
        record = self.world.new_group(title, type, id, username)
        chat = self._chats.get(record.id)
        if chat is None:
            chat = self._chats[record.id] = SimChat(self, record)
        return chat

    def chat(self, chat_id: int) -> SimChat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise KeyError(f"no chat {chat_id} in the emulator")
        return chat

    async def migrate_group(self, group: SimChat, by: SimUser | None = None) -> SimChat:
        """Upgrade a basic group to a supergroup with a new id, as Telegram does."""
        old = group.record
        if old.type != "group" or old.migrated_to is not None:
            raise ValueError(f"only a basic group can be migrated, not {old.label()}")
        if by is None:
            owner = next(
                (uid for uid, s in old.members.items() if s in ("creator", "administrator")),
                next(iter(old.members), None),
            )
            if owner is None:
                raise ValueError("the group has no members to perform the migration")
            by_record = self.world.users[owner]
        else:
            by_record = by.record
        w = self.world
        new = w.new_group(old.title or "", "supergroup", None, None)
        new.members = dict(old.members)
        new.bot_status = old.bot_status
        new.migrated_from = old.id
        for uid in new.members:
            w.stream(new, uid)
        service_message(w, old, by_record, {"migrate_to_chat_id": new.id})
        old.migrated_to = new.id
        service_message(w, new, by_record, {"migrate_from_chat_id": old.id})
        new_chat = self._chats[new.id] = SimChat(self, new)
        group.migrated_to = new_chat
        return new_chat

    # -- fault injection -------------------------------------------------------------------

    def fail_next(
        self, chat: SimChat | SimUser | int, kind: str, times: int = 1, *, retry_after: int = 1
    ) -> None:
        """Make the next ``times`` sends to ``chat`` fail: ``"429"`` (Too Many Requests
        with ``retry_after``), ``"500"`` (Internal Server Error) or ``"drop"`` (the
        connection is closed without an answer: the client sees a network error, as
        after a timeout). Queued after failures already injected for that chat; the
        failed sends deliver nothing and take no rate-limit tokens."""
        if kind not in ("429", "500", "drop"):
            raise ValueError(f"unknown fault {kind!r}")
        chat_id = chat if isinstance(chat, int) else chat.id
        queue = self.world.faults.setdefault(chat_id, deque())
        queue.extend(Fault(kind, retry_after) for _ in range(times))

    def clear_faults(self) -> None:
        self.world.faults.clear()

    # -- inspection ------------------------------------------------------------------------

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """What setMyCommands stored for exactly this scope and language (no fallback)."""
        key = (scope_key(self.world, scope), language_code)
        return [dict(c) for c in self.world.commands.get(key, [])]

    def bot_text(self, kind: str, language_code: str = "") -> str | None:
        """Stored setMyDescription / setMyShortDescription / setMyName values."""
        return self.world.bot_texts.get((kind, language_code))

    @property
    def webhook_info(self) -> dict[str, Any]:
        return self.world.delivery.info()

    @property
    def stats(self) -> Counter[str]:
        """Requests per method (live counter)."""
        return self.world.stats

    async def wait_for_polls(
        self,
        count: int = 1,
        *,
        timeout: float = 60.0,  # noqa: ASYNC109 (a test helper, like SimUser.expect_*)
        alive: Callable[[], bool] | None = None,
    ) -> None:
        """Wait until the bot has called getUpdates ``count`` more times: it is up and
        polling. For a bot started in another process, whose start-up time is not
        the test's business; ``alive`` (the process is still running) fails fast.
        """
        target = self.world.stats["getUpdates"] + count
        deadline = asyncio.get_running_loop().time() + timeout
        while self.world.stats["getUpdates"] < target:
            if alive is not None and not alive():
                raise RuntimeError("the bot stopped before it started polling")
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the bot did not poll for updates within {timeout}s")
            await asyncio.sleep(0.05)

    @property
    def error_stats(self) -> Counter[str]:
        """Failed requests as "method:code"."""
        return self.world.error_stats

    @property
    def files(self) -> dict[str, StoredFile]:
        return self.world.files

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self.world.delivery.pending)

    def set_webhook_delivery(
        self,
        *,
        max_attempts: int | None = None,
        retry_delay: float | None = None,
        timeout: float | None = None,
    ) -> None:
        settings = self.world.delivery.settings
        if max_attempts is not None:
            settings.max_attempts = max_attempts
        if retry_delay is not None:
            settings.retry_delay = retry_delay
        if timeout is not None:
            settings.timeout = timeout

    def describe(self) -> str:
        return bot_activity(self.world)

    # -- direct calls ----------------------------------------------------------------------

    async def call(self, method: str, **params: Any) -> Any:
        """Call a method in-process, as the bot would over HTTP; raises ApiError on failure."""
        found = METHODS_BY_LOWER.get(method.lower())
        if found is None:
            raise ApiError(404, "Not Found")
        status, body = await call_method(self.world, found, params)
        if not body["ok"]:
            raise ApiError(status, body["description"], body.get("parameters"))
        return body["result"]

    async def _on_webhook_reply(self, params: dict[str, Any]) -> None:
        """A webhook answered with a method call in its body; execute it like Telegram."""
        name = str(params.pop("method"))
        found = METHODS_BY_LOWER.get(name.lower())
        if found is None:
            log.warning("sandbox: webhook reply asked for unknown method %r", name)
            return
        await call_method(self.world, found, params)
