"""The test-side API: simulated users' updates, expectations and button presses."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.types import Update

from sandbox import Emulator, SimMessage
from tests.sandbox.conftest import RawApi


async def fetch(bot: Bot) -> list[Update]:
    """All pending updates, parsed by aiogram's models (so their JSON shape is checked)."""
    updates = await bot.get_updates(timeout=0)
    if updates:
        await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    return updates


async def test_user_updates_parse_as_aiogram_models(emu: Emulator, bot: Bot):
    user = emu.user(2**40, "Lan", last_name="Nguyen", username="lan", language_code="vi")
    await user.send("/start ref_42")
    await user.send_sticker()
    await user.send_photo(caption="me")
    await user.send_document(filename="deck.pdf", content=b"%PDF-1.7", caption="pitch")
    await user.send_contact(phone_number="+84901234567")
    await user.forward(text="news", from_chat_title="VnExpress")
    updates = await fetch(bot)
    messages = [u.message for u in updates]
    assert all(m is not None for m in messages)
    start, sticker, photo, doc, contact, fwd = messages
    assert start.text == "/start ref_42"
    assert start.entities[0].type == "bot_command" and start.entities[0].length == 6
    assert start.from_user.id == 2**40 and start.chat.type == "private"
    assert sticker.sticker.emoji == "👍"
    assert photo.photo[-1].width == 2 and photo.caption == "me"
    assert doc.document.file_name == "deck.pdf" and doc.document.mime_type == "application/pdf"
    assert contact.contact.phone_number == "+84901234567"
    assert contact.contact.user_id == 2**40
    assert fwd.forward_origin.type == "channel"
    assert fwd.forward_origin.chat.title == "VnExpress"
    ids = [u.update_id for u in updates]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


async def test_bot_can_download_what_a_user_sent(emu: Emulator, bot: Bot):
    user = emu.user(1, "A")
    msg = await user.send_document(filename="cv.txt", content=b"my cv")
    file = await bot.get_file(msg.document["file_id"])
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"my cv"


async def test_group_commands_and_privacy_mode(emu: Emulator, bot: Bot):
    alice = emu.user(1, "Alice")
    bob = emu.user(2, "Bob")
    group = emu.group("Hanoi founders")
    await alice.add_bot_to(group)
    added = await fetch(bot)
    assert [u.event_type for u in added] == ["my_chat_member", "message"]
    assert added[0].my_chat_member.new_chat_member.status == "member"
    assert added[1].message.new_chat_members[0].id == emu.bot_id

    await bob.send("/help@in2spire_test_bot args", chat=group)
    await bob.send("just chatting", chat=group)  # privacy mode: the bot does not see this
    await bob.send("/help@other_bot", chat=group)  # addressed to another bot
    bot_msg = await bot.send_message(group.id, "Hi all")
    await bob.send("replying to the bot", chat=group, reply_to=group.messages()[-1])
    texts = [u.message.text for u in await fetch(bot)]
    assert texts == ["/help@in2spire_test_bot args", "replying to the bot"]
    assert bot_msg.chat.id == group.id
    help_msg = group.messages()[1]
    assert help_msg.entities == [{"type": "bot_command", "offset": 0, "length": 23}]


async def test_block_unblock_and_group_membership_updates(emu: Emulator, bot: Bot):
    user = emu.user(1, "A")
    group = emu.group("Basic", type="group")
    await user.block_bot()
    await user.unblock_bot()
    await user.add_bot_to(group)
    await user.set_group_title(group, "Renamed")
    newcomer = emu.user(2, "B")
    await newcomer.join(group)
    await newcomer.leave(group)
    supergroup = await emu.migrate_group(group)
    await user.remove_bot_from(supergroup)
    updates = await fetch(bot)
    summary = [
        (u.event_type, u.my_chat_member.new_chat_member.status if u.my_chat_member else None)
        for u in updates
    ]
    assert summary == [
        ("my_chat_member", "kicked"),
        ("my_chat_member", "member"),
        ("my_chat_member", "member"),
        ("message", None),  # new_chat_members [bot]
        ("message", None),  # new_chat_title
        ("message", None),  # new_chat_members [B]
        ("message", None),  # left_chat_member B
        ("message", None),  # migrate_to_chat_id
        ("message", None),  # migrate_from_chat_id
        ("my_chat_member", "kicked"),
    ]
    messages = [u.message for u in updates if u.message]
    assert messages[1].new_chat_title == "Renamed"
    assert messages[2].new_chat_members[0].id == 2
    assert messages[3].left_chat_member.id == 2
    assert messages[4].migrate_to_chat_id == supergroup.id
    assert messages[5].migrate_from_chat_id == group.id
    assert messages[5].chat.id == supergroup.id


async def test_press_roundtrip_returns_the_callback_answer(emu: Emulator, api: RawApi, bot: Bot):
    user = emu.user(1001, "Lan")
    markup = {
        "inline_keyboard": [
            [{"text": "✅ Approve", "callback_data": "appr:1"}],
            [{"text": "❌ Reject", "callback_data": "rej:1"}],
        ]
    }
    await api.ok("sendMessage", chat_id=1001, text="Application #1", reply_markup=markup)

    async def bot_side() -> None:
        (update,) = await bot.get_updates(timeout=2)
        query = update.callback_query
        assert query.data == "appr:1" and query.from_user.id == 1001
        assert query.message.message_id == 1 and query.chat_instance
        await bot.answer_callback_query(query.id, text="Approved!", show_alert=True)
        await bot.edit_message_text("Application #1: approved", chat_id=1001, message_id=1)

    task = asyncio.create_task(bot_side())
    answer = await user.press("Approve")  # unique substring of the button text
    await task
    assert (answer.text, answer.show_alert) == ("Approved!", True)
    edited = await user.expect_edit(timeout=1)
    assert edited.text == "Application #1: approved" and edited.buttons == []


async def test_press_data_forges_callback_data_and_times_out_helpfully(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    await api.ok("sendMessage", chat_id=1001, text="Menu", reply_markup=markup)
    msg = await user.expect_message(timeout=1)
    with pytest.raises(AssertionError, match="did not call answerCallbackQuery") as info:
        await user.press_data("appr:1:startup", message=msg, timeout=0.05)
    assert "pressed 'appr:1:startup'" in str(info.value)
    update = emu.pending_updates[-1]["callback_query"]
    assert update["data"] == "appr:1:startup"
    # Late answers are still accepted; unknown ids are not.
    assert await api.ok("answerCallbackQuery", callback_query_id=update["id"])
    status, body = await api("answerCallbackQuery", callback_query_id=update["id"])
    assert (status, body["description"]) == (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )


async def test_press_errors_name_the_buttons(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    with pytest.raises(AssertionError, match="no bot message with an inline keyboard"):
        await user.press("Go")
    markup = {
        "inline_keyboard": [
            [{"text": "Go left", "callback_data": "l"}, {"text": "Go right", "callback_data": "r"}],
            [{"text": "Docs", "url": "https://example.com"}],
        ]
    }
    await api.ok("sendMessage", chat_id=1001, text="Menu", reply_markup=markup)
    with pytest.raises(AssertionError, match="ambiguous"):
        await user.press("Go")
    with pytest.raises(AssertionError, match=r"no button 'Stop'.*Go left"):
        await user.press("Stop")
    with pytest.raises(AssertionError, match="not a callback button"):
        await user.press("Docs")


async def test_expect_message_skips_edits_and_reports_activity_on_timeout(
    emu: Emulator, api: RawApi
):
    user = emu.user(1001, "Lan")
    await user.send("/start")
    first = await api.ok("sendMessage", chat_id=1001, text="one")
    await api.ok("editMessageText", chat_id=1001, message_id=first["message_id"], text="uno")
    await api.ok("sendMessage", chat_id=1001, text="two")
    assert (await user.expect_message(timeout=1)).text == "uno"  # live object, already edited
    assert (await user.expect_message(timeout=1)).text == "two"
    assert (await user.expect_edit(timeout=1)).message_id == first["message_id"]
    await api("sendMessage", chat_id=1001, text="<b>oops", parse_mode="HTML")
    with pytest.raises(AssertionError) as info:
        await user.expect_message(timeout=0.05)
    dump = str(info.value)
    assert "expected a new bot message within 0.05s" in dump
    assert "user sent #1 Lan: '/start'" in dump
    assert "sendMessage failed 400: Bad Request: can't parse entities" in dump


async def test_expect_waits_for_a_later_message_without_polling(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    waiter = asyncio.create_task(user.expect_message(timeout=2))
    await asyncio.sleep(0)
    await api.ok("sendMessage", chat_id=1001, text="later")
    msg = await waiter
    assert isinstance(msg, SimMessage) and msg.text == "later"


async def test_history_and_drain(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    await user.send("hi")
    await api.ok("sendMessage", chat_id=1001, text="hello")
    await api.ok("sendMessage", chat_id=1001, text="again")
    assert [(m.from_bot, m.text) for m in user.messages()] == [
        (False, "hi"),
        (True, "hello"),
        (True, "again"),
    ]
    user.drain()
    with pytest.raises(AssertionError):
        await user.expect_message(timeout=0.01)
    await user.expect_silence(within=0.01)


async def test_blocked_user_cannot_send_and_group_ids(emu: Emulator):
    user = emu.user(1, "A")
    await user.block_bot()
    with pytest.raises(AssertionError, match="unblock_bot"):
        await user.send("hi")
    assert emu.group("S").id < -1000000000000
    basic = emu.group("B", type="group")
    assert -1000000000000 < basic.id < 0
    assert emu.user(1, "other name") is user


async def test_reply_keyboard_tap_and_user_edit(emu: Emulator, api: RawApi, bot: Bot):
    user = emu.user(1001, "Lan")
    markup = {
        "keyboard": [[{"text": "📱 Share phone", "request_contact": True}], ["Skip"]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }
    await api.ok("sendMessage", chat_id=1001, text="Your phone?", reply_markup=markup)
    sent = await user.expect_message(timeout=1)
    assert sent.reply_keyboard == [["📱 Share phone"], ["Skip"]]
    assert user.reply_keyboard() == [["📱 Share phone"], ["Skip"]]
    shared = await user.tap("Share phone", phone_number="+84901234567")
    assert shared.contact == {
        "phone_number": "+84901234567",
        "first_name": "Lan",
        "user_id": 1001,
    }
    skipped = await user.tap("Skip")
    await user.edit(skipped, "Skip it")
    await api.ok("sendMessage", chat_id=1001, text="ok", reply_markup={"remove_keyboard": True})
    assert user.reply_keyboard() == []
    with pytest.raises(AssertionError, match="no unique reply keyboard button"):
        await user.tap("Skip")
    kinds = [u.event_type for u in await fetch(bot)]
    assert kinds == ["message", "message", "edited_message"]
