"""The in-memory world: users, chats, messages, files, callbacks and bot settings.

Everything is keyed for O(1) lookups because a benchmark drives hundreds of users at once.
Method handlers and the test-side API both mutate the world only through this class.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.delivery import UpdateDelivery
from sandbox.errors import ApiError, bad_request, forbidden
from sandbox.events import Event, EventStream
from sandbox.models import CallbackAnswer, ChatRecord, SimMessage, StoredFile, UserRecord
from sandbox.ratelimit import Clock, RateLimiter, RateLimits

log = logging.getLogger("sandbox")

#: Told of every message as it appears or changes: (kind, message) with kind
#: "message" | "edit" | "delete" | "service". Called synchronously; must not block.
Observer = Callable[[str, SimMessage], None]

_FILE_PREFIX = {
    "document": "BQACAgIAAxkBAAI",
    "photo": "AgACAgIAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
}
_FILE_DIR = {"document": "documents", "photo": "photos", "sticker": "stickers"}


@dataclass
class PendingCallback:
    user: UserRecord
    message: SimMessage
    data: str
    future: asyncio.Future[CallbackAnswer]


SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendvideo",
        "sendanimation",
        "sendaudio",
        "sendvoice",
        "sendsticker",
        "copymessage",
        "forwardmessage",
    }
)


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected failure: ``kind`` is "429" (with ``retry_after``), "500" or
    "drop" (the connection is closed without an answer, like a timeout)."""

    kind: str
    retry_after: int = 1


class World:
    def __init__(
        self,
        token: str,
        bot_username: str,
        bot_first_name: str,
        rate_limits: RateLimits,
        clock: Clock | None,
        privacy_mode: bool,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.token = token
        #: Wall-clock time (epoch seconds) for message dates; a shifted clock in the
        #: local sandbox, ``time.time`` otherwise.
        self.now: Callable[[], float] = now or time.time
        self.observers: list[Observer] = []
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot = UserRecord(bot_id, bot_first_name, username=bot_username, is_bot=True)
        self.privacy_mode = privacy_mode
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.chats_by_username: dict[str, ChatRecord] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.bot_texts: dict[tuple[str, str], str] = {}  # (kind, language_code) -> text
        self.callbacks: dict[str, PendingCallback] = {}
        self.limiter = RateLimiter(rate_limits, clock)
        self.delivery = UpdateDelivery()
        self.stats: Counter[str] = Counter()
        self.error_stats: Counter[str] = Counter()
        self.recent_errors: deque[tuple[float, str, int | str | None, str]] = deque(maxlen=50)
        self.last_request: tuple[float, str] | None = None
        #: Injected failures per chat id, consumed by the next sends there (server.py).
        self.faults: dict[int, deque[Fault]] = {}
        self._group_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._salt = secrets.token_hex(3)

    # -- users and chats -------------------------------------------------------------------

    def add_user(self, user: UserRecord, started: bool) -> ChatRecord:
        self.users[user.id] = user
        chat = self.chats.get(user.id)
        if chat is None:
            chat = ChatRecord(user.id, "private", user=user, bot_started=started)
            chat.members[user.id] = "member"
            chat.streams[user.id] = EventStream()
            self.chats[user.id] = chat
        return chat

    def new_group(
        self, title: str, chat_type: str, chat_id: int | None, username: str | None
    ) -> ChatRecord:
        if chat_type not in ("group", "supergroup"):
            raise ValueError(f"group type must be 'group' or 'supergroup', not {chat_type!r}")
        if chat_id is None:
            n = next(self._group_ids)
            chat_id = -(1001000000000 + n) if chat_type == "supergroup" else -(4000000000 + n)
        existing = self.chats.get(chat_id)
        if existing is not None:
            return existing
        if chat_id >= 0:
            raise ValueError("group ids are negative")
        chat = ChatRecord(chat_id, chat_type, title=title, username=username, bot_status="left")
        self.chats[chat_id] = chat
        if username:
            self.chats_by_username[username.lower()] = chat
        return chat

    def resolve_chat(self, chat_id: int | str) -> ChatRecord:
        """chat_id as the bot passes it (id or "@username") -> chat, or "chat not found"."""
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
        elif chat_id.startswith("@"):
            chat = self.chats_by_username.get(chat_id[1:].lower())
        else:
            chat = None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def writable_chat(self, chat_id: int | str) -> ChatRecord:
        """Resolve a chat the bot acts in, raising the 400/403 Telegram gives when it can't."""
        chat = self.resolve_chat(chat_id)
        self.check_access(chat)
        return chat

    def check_access(self, chat: ChatRecord) -> None:
        if chat.migrated_to is not None:
            raise bad_request(
                "group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.is_private:
            if chat.bot_status == "kicked":
                raise forbidden("bot was blocked by the user")
            if not chat.bot_started:
                raise forbidden("bot can't initiate conversation with a user")
            return
        if chat.bot_status == "kicked":
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        if chat.bot_status == "left":
            raise forbidden(f"bot is not a member of the {chat.type} chat")

    def member_status(self, chat: ChatRecord, user_id: int) -> str:
        if user_id == self.bot.id:
            return chat.bot_status
        return chat.members.get(user_id, "left")

    def stream(self, chat: ChatRecord, user_id: int) -> EventStream:
        stream = chat.streams.get(user_id)
        if stream is None:
            stream = chat.streams[user_id] = EventStream()
        return stream

    def user_lookup(self, user_id: int) -> dict[str, Any] | None:
        user = self.users.get(user_id)
        return user.to_api() if user is not None else None

    # -- messages --------------------------------------------------------------------------

    def new_message(
        self, chat: ChatRecord, sender: UserRecord, *, from_bot: bool, **fields: Any
    ) -> SimMessage:
        """Allocate the chat's next message id and record the message in its history."""
        msg = SimMessage(
            chat=chat,
            message_id=chat.next_message_id,
            sender=sender,
            date=int(self.now()),
            from_bot=from_bot,
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[msg.message_id] = msg
        chat.history.append(msg)
        if not from_bot:  # what the bot sends is announced by ``emit`` once complete
            self.notify("service" if msg.service is not None else "message", msg)
        return msg

    def find_message(self, chat: ChatRecord, message_id: int) -> SimMessage | None:
        msg = chat.messages.get(message_id)
        return None if msg is None or msg.deleted else msg

    def emit(self, kind: str, msg: SimMessage) -> None:
        """Tell every user watching the chat what the bot did."""
        chat = msg.chat
        verb = {"message": "sent", "edit": "edited", "delete": "deleted"}.get(kind, kind)
        chat.note(f"bot {verb} {msg.summary()}")
        self.notify(kind, msg)
        if kind == "service":
            return
        event = Event(kind, msg)
        for stream in chat.streams.values():
            stream.push(event)

    def observe(self, observer: Observer) -> Callable[[], None]:
        """Call ``observer(kind, message)`` for every message users post and every
        message the bot sends, edits or deletes; returns the function that stops it."""
        self.observers.append(observer)

        def stop() -> None:
            if observer in self.observers:
                self.observers.remove(observer)

        return stop

    def notify(self, kind: str, msg: SimMessage) -> None:
        for observer in list(self.observers):
            try:
                observer(kind, msg)
            except Exception:  # an observer's bug must not break the Bot API
                log.exception("sandbox: message observer failed")

    # -- updates ---------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any], chat: ChatRecord) -> int | None:
        return self.delivery.push(kind, payload, abs(chat.id))

    def bot_sees(self, msg: SimMessage) -> bool:
        """Privacy mode: in groups a bot only gets commands, replies to it and service messages."""
        chat = msg.chat
        if chat.is_private or not self.privacy_mode or chat.bot_status == "administrator":
            return True
        if msg.service is not None:
            return True
        if msg.reply_to is not None and msg.reply_to.from_bot:
            return True
        for e in msg.entities:
            if e["type"] == "bot_command" and e["offset"] == 0:
                command = msg.text[: e["length"]]
                _, _, target = command.partition("@")
                return not target or target.lower() == (self.bot.username or "").lower()
        return False

    # -- files -----------------------------------------------------------------------------

    def store_file(
        self,
        kind: str,
        data: bytes,
        filename: str | None,
        mime_type: str | None,
        url: str | None = None,
    ) -> StoredFile:
        n = next(self._file_ids)
        token = secrets.token_urlsafe(12)
        ext = ""
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        elif kind == "photo":
            ext = ".jpg"
        elif kind == "sticker":
            ext = ".webp"
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX.get(kind, 'BQAC')}{n:06d}{token}",
            file_unique_id=f"AgAD{n:06d}{self._salt}",
            kind=kind,
            data=data,
            filename=filename,
            mime_type=mime_type,
            file_path=f"{_FILE_DIR.get(kind, 'documents')}/file_{n}{ext}",
            url=url,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # -- callbacks -------------------------------------------------------------------------

    def new_callback(self, user: UserRecord, msg: SimMessage, data: str) -> PendingCallback:
        query_id = f"{self._salt}{next(self._callback_ids):012d}"
        pending = PendingCallback(user, msg, data, asyncio.get_running_loop().create_future())
        self.callbacks[query_id] = pending
        payload = {
            "id": query_id,
            "from": user.to_api(),
            "message": msg.to_api(),
            "chat_instance": str(abs(msg.chat.id) * 7919 + 17),
            "data": data,
        }
        msg.chat.note(f"{user.full_name} pressed {data!r} on #{msg.message_id}")
        self.push_update("callback_query", payload, msg.chat)
        return pending

    def answer_callback(self, query_id: str, answer: CallbackAnswer) -> None:
        pending = self.callbacks.pop(query_id, None)
        if pending is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        pending.message.chat.note(
            f"bot answered callback {pending.data!r}: {answer.text!r} alert={answer.show_alert}"
        )
        if not pending.future.done():
            pending.future.set_result(answer)

    # -- bookkeeping -----------------------------------------------------------------------

    def take_fault(self, method: str, raw: dict[str, Any]) -> Fault | None:
        """The next injected failure for a send to this chat, if any (consumed)."""
        if not self.faults or method.lower() not in SEND_METHODS:
            return None
        try:
            chat_id = int(raw.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        queue = self.faults.get(chat_id)
        if not queue:
            return None
        fault = queue.popleft()
        if not queue:
            del self.faults[chat_id]
        return fault

    def record_error(self, method: str, chat_ref: Any, error: ApiError) -> None:
        self.error_stats[f"{method}:{error.code}"] += 1
        self.recent_errors.append((time.monotonic(), method, chat_ref, error.description))
        chat = None
        if isinstance(chat_ref, int):
            chat = self.chats.get(chat_ref)
        elif isinstance(chat_ref, str) and chat_ref.lstrip("-").isdigit():
            chat = self.chats.get(int(chat_ref))
        if chat is not None:
            chat.note(f"bot {method} failed {error.code}: {error.description}")
