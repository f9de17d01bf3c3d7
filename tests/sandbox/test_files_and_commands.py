"""File upload/download and bot settings (commands per scope and language, descriptions)."""

from __future__ import annotations

import aiohttp

from sandbox import Emulator
from sandbox.media import tiny_png
from tests.sandbox.conftest import RawApi


async def test_multipart_document_upload_then_get_file_and_download(emu: Emulator, api: RawApi):
    user = emu.user(1001, "Lan")
    payload = b"%PDF-1.7 pitch deck"
    status, body = await api(
        "sendDocument",
        how="multipart",
        chat_id=1001,
        document=("deck.pdf", payload, "application/octet-stream"),
        caption="<b>Deck</b>",
        parse_mode="HTML",
    )
    assert status == 200, body
    doc = body["result"]["document"]
    assert doc["file_name"] == "deck.pdf" and doc["mime_type"] == "application/pdf"
    assert doc["file_size"] == len(payload)
    assert body["result"]["caption"] == "Deck"
    assert body["result"]["caption_entities"] == [{"type": "bold", "offset": 0, "length": 4}]

    msg = await user.expect_message(timeout=1)
    assert msg.document == doc and msg.text == "Deck" and msg.caption == "Deck"
    stored = emu.files[doc["file_id"]]
    assert (stored.data, stored.filename, stored.mime_type) == (
        payload,
        "deck.pdf",
        "application/pdf",
    )

    file = await api.ok("getFile", file_id=doc["file_id"])
    assert file["file_size"] == len(payload)
    async with aiohttp.ClientSession() as session:
        url = f"{emu.base_url}/file/bot{emu.token}/{file['file_path']}"
        async with session.get(url) as resp:
            assert resp.status == 200
            assert await resp.read() == payload
        async with session.get(f"{emu.base_url}/file/bot{emu.token}/documents/nope") as resp:
            assert resp.status == 404


async def test_attach_reference_file_id_reuse_and_url(emu: Emulator, api: RawApi):
    emu.user(1, "A")
    status, body = await api(
        "sendDocument",
        how="multipart",
        chat_id=1,
        document="attach://part1",
        part1=("notes.txt", b"hello", "text/plain"),
    )
    assert status == 200, body
    file_id = body["result"]["document"]["file_id"]
    again = await api.ok("sendDocument", chat_id=1, document=file_id)
    assert again["document"]["file_id"] == file_id
    by_url = await api.ok("sendDocument", chat_id=1, document="https://example.com/report.pdf")
    assert by_url["document"]["file_name"] == "report.pdf"
    status, body = await api("sendDocument", chat_id=1, document="no-such-file-id")
    assert (status, body["description"]) == (
        400,
        "Bad Request: wrong file identifier/HTTP URL specified",
    )
    status, body = await api("sendDocument", chat_id=1)
    assert (status, body["description"]) == (
        400,
        "Bad Request: there is no document in the request",
    )


async def test_send_photo_checks_the_image(emu: Emulator, api: RawApi):
    user = emu.user(1, "A")
    status, body = await api(
        "sendPhoto", how="multipart", chat_id=1, photo=("p.png", tiny_png(300, 200), "image/png")
    )
    assert status == 200, body
    sizes = body["result"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 60), (300, 200)]
    assert (await user.expect_message(timeout=1)).photo == sizes
    status, body = await api(
        "sendPhoto", how="multipart", chat_id=1, photo=("p.png", b"not an image", "image/png")
    )
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")


async def test_edit_caption(emu: Emulator, api: RawApi):
    emu.user(1, "A")
    sent = await api.ok("sendPhoto", chat_id=1, photo="https://example.com/p.jpg", caption="old")
    edited = await api.ok(
        "editMessageCaption", chat_id=1, message_id=sent["message_id"], caption="new"
    )
    assert edited["caption"] == "new"
    status, body = await api("editMessageText", chat_id=1, message_id=sent["message_id"], text="x")
    assert (status, body["description"]) == (
        400,
        "Bad Request: there is no text in the message to edit",
    )


async def test_commands_per_scope_and_language(emu: Emulator, api: RawApi):
    emu.user(1001, "Lan")
    default = [{"command": "start", "description": "Start"}]
    vi = [{"command": "start", "description": "Bắt đầu"}]
    admin = [{"command": "approve", "description": "Approve applications"}]
    await api.ok("setMyCommands", commands=default)
    await api.ok("setMyCommands", how="form", commands=vi, language_code="vi")
    await api.ok(
        "setMyCommands",
        how="multipart",
        commands=admin,
        scope={"type": "chat", "chat_id": 1001},
    )
    assert emu.commands() == default
    assert emu.commands(language_code="vi") == vi
    assert emu.commands(scope={"type": "chat", "chat_id": 1001}) == admin
    assert emu.commands(scope={"type": "all_private_chats"}) == []
    assert await api.ok("getMyCommands", scope={"type": "chat", "chat_id": "1001"}) == admin
    assert await api.ok("getMyCommands", language_code="vi") == vi
    await api.ok("deleteMyCommands", language_code="vi")
    assert emu.commands(language_code="vi") == []

    status, body = await api("setMyCommands", commands=[{"command": "Start", "description": "x"}])
    assert (status, body["description"]) == (400, "Bad Request: BOT_COMMAND_INVALID")
    status, body = await api(
        "setMyCommands", commands=default, scope={"type": "chat", "chat_id": 404}
    )
    assert (status, body["description"]) == (400, "Bad Request: chat not found")
    status, body = await api("setMyCommands")
    assert (status, body["description"]) == (400, "Bad Request: commands is empty")


async def test_descriptions_and_name(emu: Emulator, api: RawApi):
    await api.ok("setMyDescription", description="Innovation ambassadors", language_code="en")
    await api.ok("setMyShortDescription", short_description="Hi")
    await api.ok("setMyName", name="In2spire", language_code="vi")
    assert emu.bot_text("description", "en") == "Innovation ambassadors"
    assert await api.ok("getMyShortDescription") == {"short_description": "Hi"}
    assert await api.ok("getMyName", language_code="vi") == {"name": "In2spire"}
    assert await api.ok("getMyName") == {"name": "In2spire Test Bot"}
    status, body = await api("setMyShortDescription", short_description="x" * 121)
    assert (status, body["description"]) == (400, "Bad Request: bot short description is too long")
