"""sendMessage / edit / delete behaviour and Telegram's error answers, over raw HTTP."""

from __future__ import annotations

import pytest

from sandbox import Emulator
from tests.sandbox.conftest import RawApi

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


def keyboard(*rows: list[dict]) -> dict:
    return {"inline_keyboard": list(rows)}


@pytest.mark.parametrize("how", ["json", "form", "multipart", "query"])
async def test_send_message_happy_path_in_every_encoding(emu: Emulator, api: RawApi, how: str):
    user = emu.user(1001, "Lan", username="lan")
    markup = keyboard([{"text": "Yes", "callback_data": "y"}, {"text": "Site", "url": "x.com"}])
    status, body = await api(
        "sendMessage",
        how=how,
        chat_id=1001,
        text="<b>Xin chào</b> Lan",
        parse_mode="HTML",
        reply_markup=markup,
        disable_notification=True,
    )
    assert status == 200, body
    result = body["result"]
    assert result["message_id"] == 1
    assert result["chat"] == {"id": 1001, "first_name": "Lan", "username": "lan", "type": "private"}
    assert result["from"]["is_bot"] is True
    assert result["from"]["username"] == "in2spire_test_bot"
    assert result["text"] == "Xin chào Lan"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 8}]
    assert result["reply_markup"] == markup
    assert isinstance(result["date"], int)

    msg = await user.expect_message(timeout=1)
    assert msg.text == "Xin chào Lan"
    assert msg.html == "<b>Xin chào</b> Lan"
    assert msg.button_texts == ["Yes", "Site"]
    assert msg.keyboard == markup["inline_keyboard"]
    assert msg.disable_notification is True
    assert msg.from_bot


async def test_message_ids_are_per_chat_and_increasing(emu: Emulator, api: RawApi):
    emu.user(1, "A")
    emu.user(2, "B")
    ids = [
        (await api.ok("sendMessage", chat_id=chat, text="x"))["message_id"] for chat in (1, 1, 2, 1)
    ]
    assert ids == [1, 2, 1, 3]


async def test_method_names_are_case_insensitive_and_unknown_params_ignored(
    emu: Emulator, api: RawApi
):
    emu.user(7, "A")
    result = await api.ok("SENDMESSAGE", chat_id="7", text="hi", no_such_param="whatever")
    assert result["text"] == "hi"


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": 999, "text": "x"}, "Bad Request: chat not found"),
        ({"chat_id": "@nobody", "text": "x"}, "Bad Request: chat not found"),
        ({"chat_id": 1001, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": 1001}, "Bad Request: message text is empty"),
        ({"chat_id": 1001, "text": "   \n "}, "Bad Request: message text is empty"),
        ({"text": "x"}, "Bad Request: chat_id is empty"),
        ({"chat_id": 1001, "text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"chat_id": 1001, "text": "a <foo>b</foo>", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 2',
        ),
        (
            {"chat_id": 1001, "text": "1 < 2", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 2',
        ),
        (
            {"chat_id": 1001, "text": "<b>bold", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            {"chat_id": 1001, "text": "Done.", "parse_mode": "MarkdownV2"},
            "Bad Request: can't parse entities: "
            "Character '.' is reserved and must be escaped with the preceding '\\'",
        ),
        (
            {
                "chat_id": 1001,
                "text": "x",
                "reply_markup": keyboard([{"text": "A", "callback_data": "x" * 65}]),
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {
                "chat_id": 1001,
                "text": "x",
                "reply_markup": keyboard([{"text": "A", "callback_data": "a", "url": "x.com"}]),
            },
            "Bad Request: can't parse inline keyboard button: exactly one of the optional "
            "fields must be used to specify type of the button",
        ),
        (
            {"chat_id": 1001, "text": "x", "reply_markup": keyboard([{"text": "A"}])},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {"chat_id": 1001, "text": "x", "reply_markup": "{not json"},
            "Bad Request: can't parse reply keyboard markup JSON object",
        ),
        (
            {"chat_id": 1001, "text": "x", "message_thread_id": "abc"},
            "Bad Request: invalid message_thread_id specified",
        ),
        (
            {"chat_id": 1001, "text": "x", "reply_parameters": {"message_id": 77}},
            "Bad Request: message to be replied not found",
        ),
    ],
)
async def test_send_message_errors(emu: Emulator, api: RawApi, params: dict, description: str):
    emu.user(1001, "Lan")
    status, body = await api("sendMessage", how="form", **params)
    assert (status, body) == (400, {"ok": False, "error_code": 400, "description": description})


async def test_callback_data_of_64_bytes_is_accepted(emu: Emulator, api: RawApi):
    emu.user(1001, "Lan")
    data = "é" * 32  # 64 bytes in UTF-8
    await api.ok(
        "sendMessage",
        chat_id=1001,
        text="x",
        reply_markup=keyboard([{"text": "A", "callback_data": data}]),
    )


async def test_text_limit_is_checked_after_parsing(emu: Emulator, api: RawApi):
    emu.user(1001, "Lan")
    result = await api.ok(
        "sendMessage", chat_id=1001, text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )
    assert len(result["text"]) == 4096


async def test_wrong_token_and_unknown_method(emu: Emulator, api: RawApi):
    status, body = await api("getMe", token="999:nope")
    assert (status, body) == (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    status, body = await api("sendTelepathy")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_blocked_user_gives_403_until_unblocked(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    await user.block_bot()
    status, body = await api("sendMessage", chat_id=1001, text="hi")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    await user.unblock_bot()
    await api.ok("sendMessage", chat_id=1001, text="hi")


async def test_user_who_never_started_the_bot_cannot_be_messaged_first(emu: Emulator, api: RawApi):
    user = emu.user(5, "Shy", started=False)
    status, body = await api("sendMessage", chat_id=5, text="hi")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot can't initiate conversation with a user",
    )
    await user.send("/start")
    await api.ok("sendMessage", chat_id=5, text="hi")


async def test_group_membership_errors(emu: Emulator, api: RawApi):
    owner = emu.user(1, "Owner")
    group = emu.group("Founders", type="group")
    supergroup = emu.group("Hanoi founders")
    status, body = await api("sendMessage", chat_id=group.id, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot is not a member of the group chat",
    )
    await owner.add_bot_to(supergroup)
    await api.ok("sendMessage", chat_id=supergroup.id, text="hello group")
    await owner.remove_bot_from(supergroup)
    status, body = await api("sendMessage", chat_id=supergroup.id, text="x")
    assert (status, body["description"]) == (
        403,
        "Forbidden: bot was kicked from the supergroup chat",
    )


async def test_migrated_group_answers_with_migrate_to_chat_id(emu: Emulator, api: RawApi):
    owner = emu.user(1, "Owner")
    group = emu.group("Old group", type="group")
    await owner.add_bot_to(group)
    supergroup = await emu.migrate_group(group)
    assert supergroup.type == "supergroup"
    assert str(supergroup.id).startswith("-100")
    status, body = await api("sendMessage", chat_id=group.id, text="x")
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: group chat was upgraded to a supergroup chat",
        "parameters": {"migrate_to_chat_id": supergroup.id},
    }
    await api.ok("sendMessage", chat_id=supergroup.id, text="x")
    # The user's client follows the migration too.
    sent = await owner.send("/help", chat=group)
    assert sent.chat_id == supergroup.id


async def test_edit_text_markup_and_not_modified(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    markup = keyboard([{"text": "Go", "callback_data": "go"}])
    sent = await api.ok("sendMessage", chat_id=1001, text="Pick", reply_markup=markup)
    msg = await user.expect_message(timeout=1)
    mid = sent["message_id"]

    status, body = await api(
        "editMessageText", chat_id=1001, message_id=mid, text="Pick", reply_markup=markup
    )
    assert (status, body["description"]) == (400, NOT_MODIFIED)

    edited = await api.ok(
        "editMessageText", chat_id=1001, message_id=mid, text="<i>Picked</i>", parse_mode="HTML"
    )
    assert edited["text"] == "Picked"
    assert "reply_markup" not in edited  # editing without reply_markup drops the keyboard
    assert "edit_date" in edited
    got = await user.expect_edit(timeout=1)
    assert got is msg and msg.edited and msg.text == "Picked" and msg.buttons == []

    status, body = await api("editMessageReplyMarkup", chat_id=1001, message_id=mid)
    assert (status, body["description"]) == (400, NOT_MODIFIED)
    await api.ok("editMessageReplyMarkup", chat_id=1001, message_id=mid, reply_markup=markup)
    assert (await user.expect_edit(timeout=1)).button_texts == ["Go"]


async def test_edit_and_delete_errors(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    mine = await user.send("hello bot")
    status, body = await api("editMessageText", chat_id=1001, message_id=99, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    status, body = await api("editMessageText", chat_id=1001, message_id=mine.message_id, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message can't be edited")
    status, body = await api("deleteMessage", chat_id=1001, message_id=99)
    assert (status, body["description"]) == (400, "Bad Request: message to delete not found")
    status, body = await api("deleteMessage", chat_id=1001)
    assert (status, body["description"]) == (
        400,
        "Bad Request: message identifier is not specified",
    )


async def test_delete_rules_in_groups(emu: Emulator, api: RawApi):
    owner = emu.user(1, "Owner")
    group = emu.group("G")
    await owner.add_bot_to(group)
    theirs = await owner.send("/start", chat=group)
    ours = await api.ok("sendMessage", chat_id=group.id, text="bot says")
    status, body = await api("deleteMessage", chat_id=group.id, message_id=theirs.message_id)
    assert (status, body["description"]) == (400, "Bad Request: message can't be deleted")
    assert await api.ok("deleteMessage", chat_id=group.id, message_id=ours["message_id"]) is True
    deleted = await owner.expect_delete(timeout=1, chat=group)
    assert deleted.deleted and deleted.message_id == ours["message_id"]
    await owner.promote_bot(group)
    assert await api.ok("deleteMessages", chat_id=group.id, message_ids=[theirs.message_id, 500])
    assert theirs.deleted


async def test_copy_and_forward(emu: Emulator, api: RawApi):
    a = emu.user(1, "A")
    b = emu.user(2, "B")
    original = await a.send("look at this")
    copied = await api.ok("copyMessage", chat_id=2, from_chat_id=1, message_id=original.message_id)
    got = await b.expect_message(timeout=1)
    assert copied == {"message_id": got.message_id}
    assert got.text == "look at this" and got.forward_origin is None
    fwd = await api.ok("forwardMessage", chat_id=2, from_chat_id=1, message_id=original.message_id)
    assert fwd["forward_origin"]["type"] == "user"
    assert fwd["forward_origin"]["sender_user"]["id"] == 1
    status, body = await api("copyMessage", chat_id=2, from_chat_id=1, message_id=404)
    assert (status, body["description"]) == (400, "Bad Request: message to copy not found")


async def test_chat_action_pin_and_chat_info(emu: Emulator, api: RawApi):
    emu.user(1001, "Lan", username="lan")
    assert await api.ok("sendChatAction", chat_id=1001, action="typing") is True
    status, body = await api("sendChatAction", chat_id=1001, action="dancing")
    assert (status, body["description"]) == (400, "Bad Request: wrong parameter action in request")
    sent = await api.ok("sendMessage", chat_id=1001, text="pin me")
    assert await api.ok("pinChatMessage", chat_id=1001, message_id=sent["message_id"])
    chat = await api.ok("getChat", chat_id=1001)
    assert chat["pinned_message"]["message_id"] == sent["message_id"]
    assert chat["type"] == "private" and chat["accepted_gift_types"]
    member = await api.ok("getChatMember", chat_id=1001, user_id=1001)
    assert member == {
        "status": "member",
        "user": {
            "id": 1001,
            "is_bot": False,
            "first_name": "Lan",
            "username": "lan",
            "language_code": "en",
        },
    }
    assert await api.ok("getChatMemberCount", chat_id=1001) == 2


async def test_group_admin_methods(emu: Emulator, api: RawApi):
    owner = emu.user(1, "Owner")
    member = emu.user(2, "Member")
    group = emu.group("G", username="g_chat")
    await owner.add_bot_to(group, as_admin=True)
    await member.join(group)
    admins = await api.ok("getChatAdministrators", chat_id="@g_chat")
    assert [(a["status"], a["user"]["id"]) for a in admins] == [
        ("creator", 1),
        ("administrator", emu.bot_id),
    ]
    assert await api.ok("getChatMemberCount", chat_id=group.id) == 3
    assert await api.ok("banChatMember", chat_id=group.id, user_id=2)
    assert (await api.ok("getChatMember", chat_id=group.id, user_id=2))["status"] == "kicked"
    assert await api.ok("leaveChat", chat_id=group.id)
    assert group.bot_status == "left"
    left = group.messages()[-1]  # members see the bot leave, as in Telegram
    assert left.service == {"left_chat_member": emu.world.bot.to_api()} and left.from_bot


async def test_empty_inline_keyboard_is_no_keyboard(emu: Emulator, api: RawApi):
    emu.user(1, "A")
    sent = await api.ok("sendMessage", chat_id=1, text="x", reply_markup={"inline_keyboard": []})
    assert "reply_markup" not in sent
    status, body = await api(
        "editMessageReplyMarkup",
        chat_id=1,
        message_id=sent["message_id"],
        reply_markup={"inline_keyboard": [[]]},
    )
    assert (status, body["description"]) == (400, NOT_MODIFIED)
