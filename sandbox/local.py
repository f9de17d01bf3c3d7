"""The local sandbox (``in2spire sandbox``, or ``make run`` without BOT_TOKEN): the Bot
API emulator, the real bot long polling it, and a chat page on http://127.0.0.1:8080.

Nothing is stubbed: the bot is built by the production factories (``bot/embedded.py``)
and talks to the emulator over HTTP with aiogram's own session; the AI features use the
fake OpenAI-compatible server of ``sandbox/fake_openai.py``. The bot's settings are
built here, never from the environment or ``.env`` (not DATABASE_URL, not BOT_TOKEN):
its database is its own SQLite file (``data/sandbox.db`` by default).

Time: one ``ShiftableClock`` drives the bot and dates the emulator's messages; the
page's "+1 hour" / "+1 day" advances it and runs the bot's scheduled passes once
(``bot/time_travel.py``). Personas are saved next to the database; groups and chat
history live in the emulator's memory while the process runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from bot.clock import ShiftableClock
from bot.config import Settings
from bot.embedded import EmbeddedBot
from bot.time_travel import jump
from sandbox.client import Emulator
from sandbox.fake_openai import FakeOpenAI
from sandbox.membership import service_message
from sandbox.models import ChatRecord, SimMessage
from sandbox.ratelimit import RateLimits
from sandbox.users import SimUser
from sandbox.web.personas import ORGANIZER_ID, Persona, PersonaRegistry, personas_path
from sandbox.web.render import render_message
from sandbox.web.strings import DEFAULT_LANG

log = logging.getLogger("sandbox")

DEFAULT_DB = Path("data/sandbox.db")
DEFAULT_PORT = 8080
SANDBOX_TOKEN = "700000000:SANDBOX-local-token"
BOT_USERNAME = "in2spire_sandbox_bot"
BOT_NAME = "in2spire (sandbox)"
#: The jump the page offers is at most this far (and must move forwards).
MAX_JUMP = timedelta(days=30)
#: Lenient flood limits (the bot still paces itself as with Telegram).
SANDBOX_LIMITS = RateLimits(private_burst=40)
PRESENT = ("creator", "administrator", "member")


class SandboxSettings(Settings):
    """Settings from the arguments only: no environment variables, no ``.env``."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def sqlite_url(db: Path) -> str:
    return f"sqlite+aiosqlite:///{db}"


def sandbox_settings(db: Path, api_base: str, ai_base: str | None = None) -> Settings:
    """The bot's settings in the sandbox, all explicit."""
    values: dict[str, Any] = {
        "bot_token": SANDBOX_TOKEN,
        "telegram_api_base": api_base,
        "database_url": sqlite_url(db),
        "organizer_ids": (ORGANIZER_ID,),
        "log_level": "WARNING",
        "max_concurrent_updates": 16,
    }
    if ai_base:
        values.update(openai_api_key="sandbox", openai_base_url=ai_base, openai_max_retries=0)
    return SandboxSettings(**values)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_warning(host: str) -> str | None:
    """The line printed when the page is served beyond this machine."""
    if is_loopback(host):
        return None
    return (
        f"WARNING: the sandbox is listening on {host}: anyone who can reach this address "
        "can act as any persona and as the organizer. Use 127.0.0.1 unless you mean it."
    )


def page_url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


@dataclass(eq=False)
class Subscriber:
    """One open event stream (a page tab), for one persona, in the page's language."""

    persona: int
    lang: str = DEFAULT_LANG
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | None] = field(default_factory=asyncio.Queue)


class LocalSandbox:
    def __init__(
        self,
        db: Path = DEFAULT_DB,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        fresh: bool = False,
        demo: bool = False,
        clock: ShiftableClock | None = None,
        ai: bool = True,
        out: Callable[[str], None] = print,
    ) -> None:
        self.db = db
        self.host = host
        self.port = port
        self.fresh = fresh
        self.demo = demo
        self.ai = ai
        self.out = out
        self.clock = clock or ShiftableClock()
        self.personas = PersonaRegistry(personas_path(db))
        self.emulator = Emulator(
            token=SANDBOX_TOKEN,
            bot_username=BOT_USERNAME,
            bot_first_name=BOT_NAME,
            rate_limits=SANDBOX_LIMITS,
            now=lambda: self.clock().timestamp(),
        )
        self.fake_ai: FakeOpenAI | None = None
        self.bot: EmbeddedBot | None = None
        self.settings: Settings | None = None
        self.url = ""
        self.subscribers: set[Subscriber] = set()
        #: (persona, chat) -> the last message id the persona has read there.
        self.read_upto: dict[tuple[int, int], int] = {}
        #: Groups the bot was ever added to (the others show "none").
        self.bot_joined: set[int] = set()
        self._runner: web.AppRunner | None = None
        self._unobserve: Callable[[], None] | None = None
        self._jump_lock = asyncio.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def tz(self) -> Any:
        assert self.settings is not None
        return self.settings.tz

    async def start(self) -> str:
        """Database, emulator, bot, page; returns the page's URL."""
        from sandbox.web import build_web_app
        from storage.migrate import upgrade

        if self.fresh:
            self._delete_files()
        self.db.parent.mkdir(parents=True, exist_ok=True)
        await upgrade(sqlite_url(self.db))
        self.personas.load()
        if self.demo:
            await self._seed_demo()
        await self.emulator.start()
        if self.ai:
            self.fake_ai = FakeOpenAI()
            await self.fake_ai.start()
        self.settings = sandbox_settings(
            self.db, self.emulator.base_url, self.fake_ai.base_url if self.fake_ai else None
        )
        self._unobserve = self.emulator.world.observe(self._on_message)
        for persona in self.personas.all():
            self.user(persona)
        self.bot = EmbeddedBot(self.settings, self.clock)
        await self.bot.start()
        self._runner = web.AppRunner(
            build_web_app(self), access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.url = page_url(self.host, self.port)
        return self.url

    async def stop(self) -> None:
        """Page first (event streams end), then the bot (its shutdown hooks: updates in
        flight finish, the scheduler stops), then the emulator and the fake AI."""
        for sub in list(self.subscribers):
            sub.queue.put_nowait(None)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self.bot is not None:
            await self.bot.stop()
        if self._unobserve is not None:
            self._unobserve()
            self._unobserve = None
        await self.emulator.stop()
        if self.fake_ai is not None:
            await self.fake_ai.stop()
            self.fake_ai = None

    def _delete_files(self) -> None:
        for path in (
            self.db,
            *(self.db.with_name(self.db.name + s) for s in ("-wal", "-shm", "-journal")),
            self.personas.path,
        ):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    async def _seed_demo(self) -> None:
        from bot.demo import nonempty_tables, seed_demo
        from storage.db import create_engine, create_sessionmaker

        engine = create_engine(sqlite_url(self.db), pool_size=2)
        try:
            sessionmaker = create_sessionmaker(engine)
            tables = await nonempty_tables(sessionmaker)
            if tables:
                self.out(f"The sandbox database {self.db} already holds data: demo not loaded.")
            else:
                summary = await seed_demo(sessionmaker, size="small", now=self.clock())
                self.out(
                    "Seeded the small demo data set: "
                    + ", ".join(f"{n:,} {what}" for what, n in summary.counts().items())
                )
            for persona in await demo_personas(sessionmaker):
                self.personas.add(persona)
        finally:
            await engine.dispose()

    # -- personas and chats ----------------------------------------------------------------

    def user(self, persona: Persona, *, started: bool = True) -> SimUser:
        return self.emulator.user(
            id=persona.id,
            first_name=persona.telegram_name,
            language_code=persona.lang,
            started=started,
        )

    def chat_of(self, persona_id: int, chat_id: int) -> ChatRecord | None:
        """The chat as the persona sees it (following migrations), if they are in it."""
        record = self.emulator.world.chats.get(chat_id)
        while record is not None and record.migrated_to is not None:
            record = self.emulator.world.chats.get(record.migrated_to)
        if record is None:
            return None
        if record.is_private:
            return record if record.id == persona_id else None
        return record if record.members.get(persona_id) in PRESENT else None

    def sees(self, persona_id: int, chat: ChatRecord) -> bool:
        if chat.is_private:
            return chat.id == persona_id
        return chat.members.get(persona_id) in PRESENT

    def groups(self) -> list[ChatRecord]:
        return [
            c
            for c in self.emulator.world.chats.values()
            if not c.is_private and c.migrated_to is None
        ]

    def bot_status(self, chat: ChatRecord) -> str:
        if chat.bot_status == "left" and chat.id not in self.bot_joined:
            return "none"
        return chat.bot_status

    def group_json(self, chat: ChatRecord) -> dict[str, Any]:
        return {
            "id": chat.id,
            "title": chat.title or "",
            "type": chat.type,
            "members": [uid for uid, s in chat.members.items() if s in PRESENT],
            "bot": self.bot_status(chat),
        }

    def owner(self, chat: ChatRecord) -> SimUser:
        """Who acts for the group (adds the bot...): its creator, else an admin or member."""
        for wanted in PRESENT:
            for uid, status in chat.members.items():
                persona = self.personas.get(uid)
                if status == wanted and persona is not None:
                    return self.user(persona)
        raise ValueError("the group has no members")

    async def create_group(self, title: str, creator: Persona) -> ChatRecord:
        chat = self.emulator.group(title, type="group").record
        user = self.user(creator)
        chat.members[creator.id] = "creator"
        self.emulator.world.stream(chat, creator.id)
        service_message(self.emulator.world, chat, user.record, {"group_chat_created": True})
        return chat

    def mark_bot_joined(self, chat: ChatRecord) -> None:
        self.bot_joined.add(chat.id)

    # -- time ------------------------------------------------------------------------------

    def clock_json(self) -> dict[str, Any]:
        now = self.clock()
        return {
            "now": now.isoformat(),
            "local": now.astimezone(self.tz).strftime("%d/%m/%Y %H:%M"),
            "offset_seconds": int(self.clock.offset.total_seconds()),
        }

    async def jump(self, delta: timedelta) -> dict[str, Any]:
        """Move the bot's and the emulator's clock forwards, then run every scheduled
        pass once (those tied to a time of day only if the jump crossed it)."""
        if not timedelta(0) < delta <= MAX_JUMP:
            raise ValueError("the jump must be forwards and at most 30 days")
        async with self._jump_lock:
            assert self.bot is not None and self.bot.parts is not None
            assert self.bot.bot is not None
            results = await jump(self.clock, delta, self.bot.parts, self.bot.bot)
            self.publish_state()
            for result in results:
                if result.error:
                    log.warning("sandbox: pass %s failed: %s", result.name, result.error)
        return self.clock_json()

    # -- live events -----------------------------------------------------------------------

    def subscribe(self, persona_id: int, lang: str = DEFAULT_LANG) -> Subscriber:
        sub = Subscriber(persona_id, lang)
        self.subscribers.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    def publish_state(self) -> None:
        for sub in list(self.subscribers):
            sub.queue.put_nowait(("state", {}))

    def _on_message(self, kind: str, msg: SimMessage) -> None:
        """World observer: each stream whose persona is in the chat gets the fragment."""
        event = "message" if kind == "service" else kind
        payloads: dict[str, dict[str, Any]] = {}  # by page language
        for sub in list(self.subscribers):
            if not self.sees(sub.persona, msg.chat):
                continue
            payload = payloads.get(sub.lang)
            if payload is None:
                payload = payloads[sub.lang] = {
                    "chat_id": msg.chat.id,
                    "message_id": msg.message_id,
                    "html": render_message(msg, self.tz, sub.lang),
                    "from_id": msg.sender.id,
                }
            sub.queue.put_nowait((event, payload))
        if kind == "service" and not msg.chat.is_private:
            self.publish_state()  # joins, leaves, migrations change the groups


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def demo_personas(sessionmaker: Any) -> list[Persona]:
    """Two approved startups (the most covered) and two approved ambassadors (the
    busiest: their reminders show on +1 day) of the demo data set."""
    from storage.repositories import Repositories

    found: list[Persona] = []
    async with sessionmaker() as session:
        repos = Repositories.bind(session)
        # The role shows as a translated badge beside the name, so names stay as stored.
        profiles = [
            (s.user_id, s.company_name, "demo-startup")
            for s in await repos.startups.most_covered(limit=2)
        ] + [
            (a.user_id, a.display_name, "demo-ambassador")
            for a in await repos.ambassadors.busiest(limit=2)
        ]
        for user_id, profile_name, role in profiles:
            user = await repos.users.get(user_id)
            if user is None or user.deleted_at is not None:
                continue
            first = user.first_name or ""
            if role == "demo-startup":
                name = f"{first} ({_short(profile_name or '')})" if profile_name else first
            else:
                name = _short(profile_name or first)
            found.append(Persona(user.id, name, user.language, role, first))
    return found


async def serve(sandbox: LocalSandbox, stop: asyncio.Event | None = None) -> None:
    """Run until Ctrl-C (SIGINT) or SIGTERM (or ``stop`` is set), then shut down cleanly."""
    stop = stop or asyncio.Event()
    warning = host_warning(sandbox.host)
    if warning:
        sandbox.out(warning)
    loop = asyncio.get_running_loop()
    handled = []
    if sys.platform != "win32":
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
    try:
        url = await sandbox.start()
        sandbox.out(f"Sandbox ready: open {url}  (bot @{BOT_USERNAME}, database {sandbox.db})")
        sandbox.out(
            "Personas are kept in "
            f"{sandbox.personas.path}; groups and chat history live in memory until you stop. "
            "Ctrl-C stops."
        )
        await stop.wait()
        sandbox.out("Stopping the sandbox...")
    finally:
        await sandbox.stop()
        for sig in handled:
            loop.remove_signal_handler(sig)


def run_sandbox(
    db: Path = DEFAULT_DB,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    fresh: bool = False,
    demo: bool = False,
    out: Callable[[str], None] = print,
) -> None:
    from bot.logging_setup import setup_logging

    setup_logging("WARNING", secrets=(SANDBOX_TOKEN,))
    sandbox = LocalSandbox(db, host=host, port=port, fresh=fresh, demo=demo, out=out)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(sandbox))


__all__ = [
    "DEFAULT_DB",
    "LocalSandbox",
    "host_warning",
    "is_loopback",
    "run_sandbox",
    "sandbox_settings",
    "serve",
]
