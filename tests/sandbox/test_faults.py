"""Injected failures (``Emulator.fail_next``): 429 with retry_after, 500 and a dropped
connection reach aiogram as the exceptions a real outage raises, once each, for that
chat only; the next send goes through."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

from sandbox import Emulator


async def test_faults_are_consumed_in_order_for_that_chat_only(emu: Emulator, bot: Bot) -> None:
    lan = emu.user(1001)
    other = emu.user(1002)
    emu.fail_next(lan, "429", retry_after=7)
    emu.fail_next(lan, "500")
    emu.fail_next(lan.id, "drop")
    with pytest.raises(TelegramRetryAfter) as flood:
        await bot.send_message(lan.id, "one")
    assert flood.value.retry_after == 7
    await bot.send_message(other.id, "unaffected")  # another chat is not touched
    with pytest.raises(TelegramServerError):
        await bot.send_message(lan.id, "two")
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(lan.id, "three")
    sent = await bot.send_message(lan.id, "four")
    assert [m.text for m in lan.messages()] == ["four"]
    assert sent.message_id == lan.messages()[0].message_id
    assert [m.text for m in other.messages()] == ["unaffected"]
    assert emu.error_stats["sendMessage:429"] == 1
    assert emu.error_stats["sendMessage:500"] == 1
    assert emu.error_stats["sendMessage:drop"] == 1


async def test_faults_apply_to_sends_not_other_calls(emu: Emulator, bot: Bot) -> None:
    lan = emu.user(1001)
    emu.fail_next(lan, "500", times=2)
    await bot.get_chat(lan.id)  # not a send: no fault consumed
    for _ in range(2):
        with pytest.raises(TelegramServerError):
            await bot.send_message(lan.id, "x")
    await bot.send_message(lan.id, "ok")
    emu.fail_next(lan, "500")
    emu.clear_faults()
    await bot.send_message(lan.id, "ok again")
    with pytest.raises(ValueError, match="unknown fault"):
        emu.fail_next(lan, "503")
