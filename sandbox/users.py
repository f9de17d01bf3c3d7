# The test API takes `timeout=` arguments by design (it is the shape tests are written in).
# ruff: noqa: ASYNC109
"""Test-side handles: SimUser acts as a Telegram user, SimChat names a chat.

Users talk to the bot only by producing updates the bot fetches over HTTP, and read what the
bot did from their per-chat event stream, so the bot may live in another process.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sandbox.diagnostics import describe_timeout
from sandbox.entities import detect_entities, validate_entities
from sandbox.media import document_json, guess_mime, photo_sizes, sticker_json, tiny_png
from sandbox.membership import service_message, set_bot_status
from sandbox.models import CallbackAnswer, ChatRecord, SimMessage, UserRecord

if TYPE_CHECKING:
    from sandbox.client import Emulator

_PRESENT = ("creator", "administrator", "member")


class SimChat:
    """A chat as the test sees it. After a migration `migrated_to` names the supergroup."""

    def __init__(self, emu: Emulator, record: ChatRecord) -> None:
        self._emu = emu
        self.record = record
        self.migrated_to: SimChat | None = None

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def type(self) -> str:
        return self.record.type

    @property
    def title(self) -> str | None:
        return self.record.title

    @property
    def username(self) -> str | None:
        return self.record.username

    @property
    def bot_status(self) -> str:
        return self.record.bot_status

    @property
    def pinned(self) -> list[SimMessage]:
        return [self.record.messages[i] for i in self.record.pinned]

    def messages(self, include_deleted: bool = False) -> list[SimMessage]:
        return [m for m in self.record.history if include_deleted or not m.deleted]

    def __repr__(self) -> str:
        return f"<SimChat {self.record.label()}>"


class SimUser:
    def __init__(self, emu: Emulator, record: UserRecord) -> None:
        self._emu = emu
        self._w = emu.world
        self.record = record
        self.private_chat = emu.chat(record.id)

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def first_name(self) -> str:
        return self.record.first_name

    @property
    def username(self) -> str | None:
        return self.record.username

    def __repr__(self) -> str:
        return f"<SimUser {self.id} {self.record.full_name!r}>"

    # -- chat resolution -------------------------------------------------------------------

    def _chat(self, chat: Any) -> ChatRecord:
        """None -> the private chat with the bot; follows migrations like a real client."""
        if chat is None:
            record = self.private_chat.record
        elif isinstance(chat, SimChat):
            record = chat.record
        elif isinstance(chat, ChatRecord):
            record = chat
        else:
            record = self._emu.chat(int(chat)).record
        while record.migrated_to is not None:
            record = self._w.chats[record.migrated_to]
        return record

    def _join_silently(self, chat: ChatRecord) -> None:
        status = chat.members.get(self.id)
        if status == "kicked":
            raise AssertionError(f"{self!r} is banned from {chat.label()}")
        if status not in _PRESENT:
            has_owner = "creator" in chat.members.values()
            chat.members[self.id] = "member" if has_owner else "creator"
        self._w.stream(chat, self.id)

    # -- sending ---------------------------------------------------------------------------

    def _post(self, chat_ref: Any, **fields: Any) -> SimMessage:
        chat = self._chat(chat_ref)
        if chat.is_private:
            if chat.id != self.id:
                raise AssertionError("a user can only write to their own private chat with the bot")
            if chat.bot_status == "kicked":
                raise AssertionError(f"{self!r} has blocked the bot; call unblock_bot() first")
            chat.bot_started = True
        else:
            self._join_silently(chat)
        w = self._w
        msg = w.new_message(chat, self.record, from_bot=False, **fields)
        chat.note(f"user sent {msg.summary()}")
        if chat.bot_present and w.bot_sees(msg):
            w.push_update("message", msg.to_api(), chat)
        return msg

    async def send(
        self,
        text: str,
        chat: Any = None,
        *,
        reply_to: SimMessage | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> SimMessage:
        """Send a text message; "/cmd args" gets a bot_command entity as on Telegram."""
        if not text.strip():
            raise ValueError("Telegram clients cannot send an empty message")
        found = validate_entities(text, entities) if entities else []
        return self._post(chat, text=text, entities=detect_entities(text, found), reply_to=reply_to)

    async def send_sticker(self, emoji: str = "👍", chat: Any = None) -> SimMessage:
        stored = self._w.store_file("sticker", b"RIFF\x00\x00\x00\x00WEBPVP8 ", None, "image/webp")
        return self._post(chat, media={"sticker": sticker_json(stored, emoji)})

    async def send_photo(
        self, content: bytes | None = None, caption: str | None = None, chat: Any = None
    ) -> SimMessage:
        data = content if content is not None else tiny_png()
        stored = self._w.store_file("photo", data, None, "image/jpeg")
        return self._post(
            chat,
            media={"photo": photo_sizes(self._w, stored)},
            is_caption=True,
            text=caption or "",
            entities=detect_entities(caption, []) if caption else [],
        )

    async def send_document(
        self,
        filename: str = "file.pdf",
        content: bytes = b"%PDF-1.4\n%sandbox\n",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: Any = None,
    ) -> SimMessage:
        stored = self._w.store_file("document", content, filename, guess_mime(filename, mime_type))
        return self._post(
            chat,
            media={"document": document_json(stored)},
            is_caption=True,
            text=caption or "",
            entities=detect_entities(caption, []) if caption else [],
        )

    async def send_contact(
        self,
        phone_number: str,
        first_name: str | None = None,
        last_name: str | None = None,
        user_id: int | None = -1,
        chat: Any = None,
    ) -> SimMessage:
        """Share a contact; by default the user's own (as a request_contact button does)."""
        own = user_id == -1
        contact: dict[str, Any] = {
            "phone_number": phone_number,
            "first_name": first_name or (self.record.first_name if own else "Contact"),
        }
        last = last_name if last_name is not None else (self.record.last_name if own else None)
        if last:
            contact["last_name"] = last
        if own:
            contact["user_id"] = self.id
        elif user_id is not None:
            contact["user_id"] = user_id
        return self._post(chat, media={"contact": contact})

    async def forward(
        self,
        text: str = "Forwarded message",
        from_chat_title: str | None = None,
        from_user: SimUser | None = None,
        sender_name: str | None = None,
        chat: Any = None,
    ) -> SimMessage:
        """A message forwarded from a channel (from_chat_title), a user, or a hidden user."""
        date = int(self._w.now()) - 60
        origin: dict[str, Any]
        if from_chat_title is not None:
            channel_id = -(1002000000000 + abs(hash(from_chat_title)) % 10**9)
            origin = {
                "type": "channel",
                "chat": {"id": channel_id, "title": from_chat_title, "type": "channel"},
                "message_id": 1 + abs(hash(text)) % 10000,
                "date": date,
            }
        elif from_user is not None:
            origin = {"type": "user", "sender_user": from_user.record.to_api(), "date": date}
        else:
            origin = {
                "type": "hidden_user",
                "sender_user_name": sender_name or "Hidden",
                "date": date,
            }
        return self._post(
            chat, text=text, entities=detect_entities(text, []), forward_origin=origin
        )

    async def edit(self, message: SimMessage, text: str) -> SimMessage:
        """Edit one of the user's own text messages; the bot gets an edited_message update."""
        if message.from_bot or message.sender is not self.record:
            raise AssertionError("a user can only edit their own messages")
        chat = message.chat
        message.text = text
        message.entities = detect_entities(text, [])
        message.edit_date = int(self._w.now())
        message.edited = True
        chat.note(f"user edited {message.summary()}")
        if chat.bot_present and self._w.bot_sees(message):
            self._w.push_update("edited_message", message.to_api(), chat)
        return message

    def reply_keyboard(self, chat: Any = None) -> list[list[str]]:
        """The reply keyboard the user currently sees (latest one the bot sent, unless removed)."""
        return [[b["text"] for b in row] for row in self._reply_keyboard_rows(chat)]

    def _reply_keyboard_rows(self, chat: Any) -> list[list[dict[str, Any]]]:
        for msg in reversed(self._chat(chat).history):
            markup = msg.reply_markup if msg.from_bot else None
            if markup and "keyboard" in markup:
                return markup["keyboard"]
            if markup and "remove_keyboard" in markup:
                return []
        return []

    async def tap(
        self, button: str, chat: Any = None, phone_number: str = "+84900000000"
    ) -> SimMessage:
        """Tap a reply keyboard button: sends its text, or shares the contact it requests."""
        buttons = [b for row in self._reply_keyboard_rows(chat) for b in row]
        matches = [b for b in buttons if b["text"] == button] or [
            b for b in buttons if button in b["text"]
        ]
        if len(matches) != 1:
            texts = [b["text"] for b in buttons]
            raise AssertionError(f"no unique reply keyboard button {button!r}; keyboard: {texts}")
        found = matches[0]
        if found.get("request_contact"):
            return await self.send_contact(phone_number, chat=chat)
        return await self.send(found["text"], chat=chat)

    # -- reading the bot's replies ---------------------------------------------------------

    async def _expect(self, kind: str, timeout: float, chat: Any, what: str) -> SimMessage:
        record = self._chat(chat)
        stream = self._w.stream(record, self.id)
        event = await stream.take(kind, timeout)
        if event is None:
            headline = f"{self!r} expected {what} within {timeout}s, but none arrived."
            raise AssertionError(describe_timeout(self._w, record, stream, headline))
        return event.message

    async def expect_message(self, timeout: float = 5.0, chat: Any = None) -> SimMessage:
        """The next new message the bot sent in the chat (edits and deletions are skipped)."""
        return await self._expect("message", timeout, chat, "a new bot message")

    async def expect_edit(self, timeout: float = 5.0, chat: Any = None) -> SimMessage:
        """The next edit (text, caption or markup) of a bot message; the live, updated message."""
        return await self._expect("edit", timeout, chat, "an edit of a bot message")

    async def expect_delete(self, timeout: float = 5.0, chat: Any = None) -> SimMessage:
        return await self._expect("delete", timeout, chat, "a deletion by the bot")

    async def expect_silence(self, within: float = 0.3, chat: Any = None) -> None:
        """Assert that the bot sends no new message for `within` seconds."""
        record = self._chat(chat)
        stream = self._w.stream(record, self.id)
        event = await stream.take("message", within)
        if event is not None:
            raise AssertionError(f"expected no bot message, got {event.message.summary()}")

    def messages(self, chat: Any = None, include_deleted: bool = False) -> list[SimMessage]:
        """Full history of the chat (user and bot messages), in order."""
        record = self._chat(chat)
        return [m for m in record.history if include_deleted or not m.deleted]

    def last_bot_message(self, chat: Any = None) -> SimMessage | None:
        for msg in reversed(self._chat(chat).history):
            if msg.from_bot and not msg.deleted and msg.service is None:
                return msg
        return None

    def drain(self, chat: Any = None) -> None:
        """Forget events not yet consumed by expect_*."""
        self._w.stream(self._chat(chat), self.id).clear()

    # -- buttons ---------------------------------------------------------------------------

    async def press(
        self,
        button: str,
        message: SimMessage | None = None,
        timeout: float = 5.0,
        chat: Any = None,
    ) -> CallbackAnswer:
        """Press an inline button by text (exact, else unique substring) or "data:<data>"."""
        msg = message or self._latest_keyboard(chat)
        found = _find_button(msg, button)
        if "callback_data" not in found:
            raise AssertionError(f"button {found['text']!r} is not a callback button: {found}")
        return await self.press_data(found["callback_data"], message=msg, timeout=timeout)

    async def press_data(
        self, data: str, message: SimMessage | None = None, timeout: float = 5.0, chat: Any = None
    ) -> CallbackAnswer:
        """Send arbitrary (possibly forged) callback data for a message."""
        msg = message or self._latest_keyboard(chat, required=False)
        if msg.deleted:
            raise AssertionError(f"message #{msg.message_id} was deleted; it cannot be pressed")
        chat_record = msg.chat
        if chat_record.is_private and chat_record.bot_status == "kicked":
            raise AssertionError(f"{self!r} has blocked the bot; call unblock_bot() first")
        if not chat_record.bot_present:
            raise AssertionError(f"the bot is not in {chat_record.label()}")
        pending = self._w.new_callback(self.record, msg, data)
        try:
            return await asyncio.wait_for(asyncio.shield(pending.future), timeout)
        except TimeoutError:
            headline = (
                f"{self!r} pressed {data!r} on #{msg.message_id} but the bot did not call "
                f"answerCallbackQuery within {timeout}s."
            )
            stream = self._w.stream(chat_record, self.id)
            raise AssertionError(describe_timeout(self._w, chat_record, stream, headline)) from None

    def _latest_keyboard(self, chat: Any, required: bool = True) -> SimMessage:
        """Latest bot message with an inline keyboard (else, if not required, the latest one)."""
        record = self._chat(chat)
        fallback = None
        for msg in reversed(record.history):
            if msg.from_bot and not msg.deleted and msg.service is None:
                if msg.keyboard:
                    return msg
                fallback = fallback or msg
        if required or fallback is None:
            raise AssertionError(f"no bot message with an inline keyboard in {record.label()}")
        return fallback

    # -- membership ------------------------------------------------------------------------

    async def block_bot(self) -> None:
        set_bot_status(self._w, self.private_chat.record, "kicked", self.record)

    async def unblock_bot(self) -> None:
        chat = self.private_chat.record
        chat.bot_started = True
        set_bot_status(self._w, chat, "member", self.record)

    async def add_bot_to(self, group: SimChat, as_admin: bool = False) -> None:
        chat = self._chat(group)
        self._join_silently(chat)
        set_bot_status(self._w, chat, "administrator" if as_admin else "member", self.record)
        service_message(self._w, chat, self.record, {"new_chat_members": [self._w.bot.to_api()]})

    async def remove_bot_from(self, group: SimChat) -> None:
        chat = self._chat(group)
        set_bot_status(self._w, chat, "kicked", self.record)
        service_message(self._w, chat, self.record, {"left_chat_member": self._w.bot.to_api()})

    async def promote_bot(self, group: SimChat) -> None:
        """Make the bot an administrator of a group it is already in."""
        set_bot_status(self._w, self._chat(group), "administrator", self.record)

    async def join(self, group: SimChat) -> SimMessage:
        """Join with a visible new_chat_members service message (send() joins silently)."""
        chat = self._chat(group)
        if chat.members.get(self.id) in _PRESENT:
            raise AssertionError(f"{self!r} is already a member of {chat.label()}")
        self._join_silently(chat)
        service_message(self._w, chat, self.record, {"new_chat_members": [self.record.to_api()]})
        return chat.history[-1]

    async def leave(self, group: SimChat) -> SimMessage:
        chat = self._chat(group)
        chat.members[self.id] = "left"
        service_message(self._w, chat, self.record, {"left_chat_member": self.record.to_api()})
        return chat.history[-1]

    async def set_group_title(self, group: SimChat, title: str) -> SimMessage:
        chat = self._chat(group)
        self._join_silently(chat)
        chat.title = title
        service_message(self._w, chat, self.record, {"new_chat_title": title})
        return chat.history[-1]


def _find_button(msg: SimMessage, button: str) -> dict[str, Any]:
    buttons = msg.buttons
    if button.startswith("data:"):
        data = button[len("data:") :]
        matches = [b for b in buttons if b.get("callback_data") == data]
    else:
        matches = [b for b in buttons if b["text"] == button]
        if not matches:
            matches = [b for b in buttons if button in b["text"]]
    if len(matches) == 1 or (matches and all(m == matches[0] for m in matches)):
        return matches[0]
    if not matches:
        raise AssertionError(
            f"no button {button!r} on message #{msg.message_id}; buttons: {msg.button_texts}"
        )
    raise AssertionError(
        f"button {button!r} is ambiguous on message #{msg.message_id}: "
        f"{[m['text'] for m in matches]}"
    )
