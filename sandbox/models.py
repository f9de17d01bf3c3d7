"""Records of the emulated world and their Bot API JSON shapes.

`SimMessage` is both the stored message and the object tests inspect: it is live, so an edit
made by the bot is visible through every reference a test holds.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sandbox.events import EventStream


@dataclass(eq=False)
class UserRecord:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code and not self.is_bot:
            d["language_code"] = self.language_code
        return d

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass(frozen=True)
class StoredFile:
    """A file the emulator knows: uploaded by the bot or sent by a simulated user."""

    file_id: str
    file_unique_id: str
    kind: str  # "document" | "photo" | "sticker"
    data: bytes
    filename: str | None
    mime_type: str | None
    file_path: str
    url: str | None = None  # set when the bot sent an HTTP URL instead of bytes

    @property
    def size(self) -> int:
        return len(self.data)

    def to_api_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    text: str | None
    show_alert: bool
    url: str | None = None
    cache_time: int = 0


@dataclass(eq=False)
class ChatRecord:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    username: str | None = None
    user: UserRecord | None = None  # the other side of a private chat
    # user_id -> "creator" | "administrator" | "member" | "left" | "kicked"
    members: dict[int, str] = field(default_factory=dict)
    bot_status: str = "member"  # "member" | "administrator" | "left" | "kicked"
    bot_started: bool = True  # private chats: has the user ever opened the bot
    migrated_to: int | None = None
    migrated_from: int | None = None
    next_message_id: int = 1
    messages: dict[int, SimMessage] = field(default_factory=dict)
    history: list[SimMessage] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)
    streams: dict[int, EventStream] = field(default_factory=dict)  # user_id -> stream
    log: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=40))
    description: str | None = None

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    @property
    def bot_present(self) -> bool:
        return self.bot_status in ("member", "administrator")

    def to_api(self) -> dict[str, Any]:
        if self.user is not None:
            d: dict[str, Any] = {"id": self.id, "first_name": self.user.first_name}
            if self.user.last_name:
                d["last_name"] = self.user.last_name
            if self.user.username:
                d["username"] = self.user.username
            d["type"] = "private"
            return d
        d = {"id": self.id, "title": self.title or "", "type": self.type}
        if self.username:
            d["username"] = self.username
        return d

    def note(self, line: str) -> None:
        """Remember recent activity for timeout diagnostics."""
        self.log.append((time.monotonic(), line))

    def label(self) -> str:
        if self.user is not None:
            return f"private chat {self.id} with {self.user.full_name}"
        return f"{self.type} {self.id} {self.title!r}"


@dataclass(eq=False)
class SimMessage:
    chat: ChatRecord
    message_id: int
    sender: UserRecord
    date: int
    from_bot: bool
    text: str = ""  # plain text after entity parsing; the caption for media messages
    entities: list[dict[str, Any]] = field(default_factory=list)
    is_caption: bool = False
    html: str | None = None  # raw text as the bot sent it with parse_mode HTML
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    media: dict[str, Any] = field(default_factory=dict)  # {"document": {...}} etc.
    service: dict[str, Any] | None = None  # service fields (new_chat_members, ...)
    forward_origin: dict[str, Any] | None = None
    reply_to: SimMessage | None = None
    message_thread_id: int | None = None
    disable_notification: bool = False
    protect_content: bool = False
    link_preview_options: dict[str, Any] | None = None
    edit_date: int | None = None
    edited: bool = False
    deleted: bool = False

    @property
    def chat_id(self) -> int:
        return self.chat.id

    @property
    def caption(self) -> str | None:
        return self.text if self.is_caption else None

    @property
    def document(self) -> dict[str, Any] | None:
        return self.media.get("document")

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        return self.media.get("photo")

    @property
    def sticker(self) -> dict[str, Any] | None:
        return self.media.get("sticker")

    @property
    def contact(self) -> dict[str, Any] | None:
        return self.media.get("contact")

    @property
    def keyboard(self) -> list[list[dict[str, Any]]]:
        """Inline keyboard rows (empty if the message has none)."""
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            return self.reply_markup["inline_keyboard"]
        return []

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [b for row in self.keyboard for b in row]

    @property
    def button_texts(self) -> list[str]:
        return [b["text"] for row in self.keyboard for b in row]

    @property
    def reply_keyboard(self) -> list[list[str]]:
        """Texts of a ReplyKeyboardMarkup sent with this message, by row."""
        if self.reply_markup and "keyboard" in self.reply_markup:
            return [[b["text"] for b in row] for row in self.reply_markup["keyboard"]]
        return []

    def to_api(self, with_reply: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender.to_api(),
            "chat": self.chat.to_api(),
            "date": self.date,
        }
        if self.message_thread_id is not None:
            d["message_thread_id"] = self.message_thread_id
        if self.forward_origin is not None:
            d["forward_origin"] = self.forward_origin
        if with_reply and self.reply_to is not None:
            d["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.edit_date is not None:
            d["edit_date"] = self.edit_date
        if self.protect_content:
            d["has_protected_content"] = True
        if self.media:
            d.update(self.media)
        if self.is_caption:
            if self.text:
                d["caption"] = self.text
                if self.entities:
                    d["caption_entities"] = self.entities
        elif self.service is None:
            d["text"] = self.text
            if self.entities:
                d["entities"] = self.entities
        if self.service:
            d.update(self.service)
        if self.link_preview_options:
            d["link_preview_options"] = self.link_preview_options
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            d["reply_markup"] = self.reply_markup
        return d

    def summary(self) -> str:
        """One line for diagnostics."""
        who = "bot" if self.from_bot else self.sender.full_name
        if self.service:
            body = "service " + ",".join(self.service)
        elif self.media:
            body = "+".join(self.media) + (f" {self.text[:60]!r}" if self.text else "")
        else:
            body = repr(self.text[:80] + ("..." if len(self.text) > 80 else ""))
        extra = f" buttons={self.button_texts}" if self.keyboard else ""
        if self.reply_keyboard:
            extra += f" reply_keyboard={self.reply_keyboard}"
        flags = " (deleted)" if self.deleted else ""
        return f"#{self.message_id} {who}: {body}{extra}{flags}"

    def __repr__(self) -> str:
        return f"<SimMessage chat={self.chat.id} {self.summary()}>"
