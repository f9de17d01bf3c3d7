"""ChatMember JSON and membership changes (my_chat_member updates, join/leave service messages)."""

from __future__ import annotations

from typing import Any

from sandbox.models import ChatRecord, UserRecord
from sandbox.world import World

_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_send_welcome_messages": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}


def member_json(user: UserRecord, status: str) -> dict[str, Any]:
    d: dict[str, Any] = {"status": status, "user": user.to_api()}
    if status == "creator":
        d["is_anonymous"] = False
    elif status == "administrator":
        d.update(_ADMIN_RIGHTS)
    elif status == "kicked":
        d["until_date"] = 0
    return d


def set_bot_status(w: World, chat: ChatRecord, new: str, by: UserRecord) -> None:
    """Change the bot's status in a chat and send the my_chat_member update Telegram sends."""
    old = chat.bot_status
    chat.bot_status = new
    if old == new:
        return
    payload = {
        "chat": chat.to_api(),
        "from": by.to_api(),
        "date": int(w.now()),
        "old_chat_member": member_json(w.bot, old),
        "new_chat_member": member_json(w.bot, new),
    }
    chat.note(f"bot status {old} -> {new} (by {by.full_name})")
    w.push_update("my_chat_member", payload, chat)


def service_message(w: World, chat: ChatRecord, sender: UserRecord, fields: dict[str, Any]) -> None:
    """A group service message (join, leave, title, migration) delivered as a message update."""
    msg = w.new_message(chat, sender, from_bot=sender.is_bot, service=fields)
    chat.note(f"service {msg.summary()}")
    if chat.bot_present:
        w.push_update("message", msg.to_api(), chat)
