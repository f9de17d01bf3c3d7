"""Handlers for chat information, membership and pinned messages."""

from __future__ import annotations

from typing import Any

from sandbox.api_common import Params
from sandbox.errors import bad_request
from sandbox.membership import member_json, set_bot_status
from sandbox.models import ChatRecord
from sandbox.world import World

_GIFT_TYPES = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}
_GROUP_PERMISSIONS = {
    "can_send_messages": True,
    "can_send_audios": True,
    "can_send_documents": True,
    "can_send_photos": True,
    "can_send_videos": True,
    "can_send_video_notes": True,
    "can_send_voice_notes": True,
    "can_send_polls": True,
    "can_send_other_messages": True,
    "can_add_web_page_previews": True,
    "can_change_info": False,
    "can_invite_users": True,
    "can_pin_messages": False,
    "can_manage_topics": False,
}


def get_chat(w: World, p: Params) -> dict[str, Any]:
    chat = w.resolve_chat(p["chat_id"])
    d = chat.to_api()
    d.update(accent_color_id=0, max_reaction_count=11, accepted_gift_types=dict(_GIFT_TYPES))
    if not chat.is_private:
        d["permissions"] = dict(_GROUP_PERMISSIONS)
        if chat.description:
            d["description"] = chat.description
        if chat.migrated_from is not None:
            d["migrated_from_chat_id"] = chat.migrated_from
    if chat.pinned:
        pinned = w.find_message(chat, chat.pinned[-1])
        if pinned is not None:
            d["pinned_message"] = pinned.to_api()
    return d


def get_chat_member(w: World, p: Params) -> dict[str, Any]:
    chat = w.writable_chat(p["chat_id"])
    user_id = p["user_id"]
    user = w.bot if user_id == w.bot.id else w.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    return member_json(user, w.member_status(chat, user_id))


def _present(chat: ChatRecord) -> list[tuple[int, str]]:
    return [
        (uid, s) for uid, s in chat.members.items() if s in ("creator", "administrator", "member")
    ]


def get_chat_member_count(w: World, p: Params) -> int:
    chat = w.writable_chat(p["chat_id"])
    if chat.is_private:
        return 2
    return len(_present(chat)) + (1 if chat.bot_present else 0)


def get_chat_administrators(w: World, p: Params) -> list[dict[str, Any]]:
    chat = w.writable_chat(p["chat_id"])
    if chat.is_private:
        raise bad_request("there are no administrators in the private chat")
    admins = [
        member_json(w.users[uid], status)
        for uid, status in _present(chat)
        if status in ("creator", "administrator")
    ]
    if chat.bot_status == "administrator":
        admins.append(member_json(w.bot, "administrator"))
    return admins


def leave_chat(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    if chat.is_private:
        raise bad_request("chat member status can't be changed in private chats")
    set_bot_status(w, chat, "left", w.bot)
    # Members see "<bot> left the group", as in Telegram (the bot, gone, gets no update).
    msg = w.new_message(chat, w.bot, from_bot=True, service={"left_chat_member": w.bot.to_api()})
    w.emit("service", msg)
    return True


def _check_pin_rights(chat: ChatRecord) -> None:
    if not chat.is_private and chat.bot_status != "administrator":
        raise bad_request("not enough rights to manage pinned messages in the chat")


def pin_chat_message(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    msg = w.find_message(chat, p["message_id"])
    if msg is None:
        raise bad_request("message to pin not found")
    _check_pin_rights(chat)
    if msg.message_id in chat.pinned:
        chat.pinned.remove(msg.message_id)
    chat.pinned.append(msg.message_id)
    service = w.new_message(
        chat, w.bot, from_bot=True, service={"pinned_message": msg.to_api(with_reply=False)}
    )
    w.emit("service", service)
    return True


def unpin_chat_message(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    _check_pin_rights(chat)
    message_id = p.get("message_id")
    if message_id is None:
        if chat.pinned:
            chat.pinned.pop()
    elif message_id in chat.pinned:
        chat.pinned.remove(message_id)
    else:
        raise bad_request("message to unpin not found")
    chat.note(f"bot unpinned {message_id or 'latest'}")
    return True


def unpin_all_chat_messages(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    _check_pin_rights(chat)
    chat.pinned.clear()
    return True


def ban_chat_member(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    if chat.is_private:
        raise bad_request("can't ban members in private chats")
    if chat.bot_status != "administrator":
        raise bad_request("not enough rights to restrict/ban chat member")
    user_id = p["user_id"]
    if user_id not in w.users:
        raise bad_request("user not found")
    if chat.members.get(user_id) == "creator":
        raise bad_request("can't remove chat owner")
    chat.members[user_id] = "kicked"
    chat.note(f"bot banned user {user_id}")
    return True


def unban_chat_member(w: World, p: Params) -> bool:
    chat = w.writable_chat(p["chat_id"])
    if chat.type != "supergroup":
        raise bad_request("method is available for supergroup and channel chats only")
    if chat.bot_status != "administrator":
        raise bad_request("not enough rights to restrict/ban chat member")
    user_id = p["user_id"]
    status = chat.members.get(user_id, "left")
    if status == "creator":
        raise bad_request("can't remove chat owner")
    if status == "kicked" or not p.get("only_if_banned"):
        chat.members[user_id] = "left"
    return True
