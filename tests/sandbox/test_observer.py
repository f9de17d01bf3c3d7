"""World observers (the local sandbox's live page) and the message clock."""

from __future__ import annotations

from sandbox import Emulator


async def test_observer_sees_user_and_bot_messages_edits_deletes() -> None:
    seen: list[tuple[str, int, str]] = []
    async with Emulator(now=lambda: 1_772_416_800.0) as emu:
        stop = emu.world.observe(lambda kind, msg: seen.append((kind, msg.message_id, msg.text)))
        lan = emu.user(id=5, first_name="Lan")
        await lan.send("hello")
        sent = await emu.call("sendMessage", chat_id=5, text="hi <b>Lan</b>", parse_mode="HTML")
        await emu.call("editMessageText", chat_id=5, message_id=sent["message_id"], text="edited")
        await emu.call("deleteMessage", chat_id=5, message_id=sent["message_id"])
        group = emu.group("G", type="group")
        await lan.join(group)
        stop()
        await lan.send("unseen")
    assert seen == [
        ("message", 1, "hello"),
        ("message", 2, "hi Lan"),  # once complete (entities parsed), not before
        ("edit", 2, "edited"),
        ("delete", 2, "edited"),
        ("service", 1, ""),
    ]
    assert sent["date"] == 1_772_416_800  # the message clock given to the emulator


async def test_a_failing_observer_does_not_break_the_api() -> None:
    async with Emulator() as emu:

        def broken(kind: str, msg: object) -> None:
            raise RuntimeError("boom")

        emu.world.observe(broken)
        emu.user(id=5)
        result = await emu.call("sendMessage", chat_id=5, text="still sent")
        assert result["text"] == "still sent"
