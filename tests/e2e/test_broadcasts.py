"""Broadcasts as an organizer meets them, over the emulator: /broadcast with an exact
preview (formatting kept), the audience and option buttons, Send now with its
confirmation, the progress message and the final report (CSV), "Got it" presses
counted by recipient (forged presses refused); Schedule in local time across a
restart, Cancel from /broadcasts; Stop mid-way; and everyone else refused,
including forged buttons.

The scheduler's own passes run in real time in the background; tests also call the
sender and the progress pass directly (the claim and ``reported_at`` keep their
work single), with the fake clock deciding what is due.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

from sqlalchemy import select

from bot.ui.callbacks import AckCB, BroadcastCB
from sandbox import Emulator, SimUser
from sandbox.users import SimChat
from storage.db import create_sessionmaker
from storage.models import BroadcastDelivery
from storage.repositories import Repositories
from tests.conftest import FakeClock
from tests.e2e.conftest import ORGANIZER_ID, RunningBot, make_settings, open_organizer_chats
from tests.e2e.flows import t
from tests.factories import add_users, approved_ambassador, approved_startup

LANG = "vi"
AMBASSADORS = (7001, 7002, 7003)
STARTUP = 7100
BOLD = [{"type": "bold", "offset": 0, "length": 8}]


def organizer(emulator: Emulator) -> SimUser:
    return emulator.user(id=ORGANIZER_ID, first_name="Organizer", language_code="vi")


async def seed_people(running_bot: RunningBot, emulator: Emulator) -> dict[int, SimUser]:
    async with create_sessionmaker(running_bot.engine)() as s, s.begin():
        repos = Repositories.bind(s)
        await add_users(repos, [*AMBASSADORS, STARTUP], running_bot.clock())
        for uid in AMBASSADORS:
            await approved_ambassador(repos, uid)
        await approved_startup(repos, STARTUP)
    return {
        uid: emulator.user(id=uid, first_name=f"Người {uid}", language_code="vi")
        for uid in (*AMBASSADORS, STARTUP)
    }


async def tagged_group(org: SimUser, emulator: Emulator, title: str, tag: str) -> SimChat:
    group = emulator.group(title, type="supergroup")
    await org.add_bot_to(group)
    await org.expect_message()  # the "added" notice
    await org.send(f"/tag {tag}", chat=group)
    await org.expect_message(chat=group)
    return group


async def send_pass(running_bot: RunningBot) -> None:
    assert running_bot.parts is not None and running_bot.bot is not None
    await running_bot.parts.broadcasts.run_once(running_bot.bot)


async def progress_pass(running_bot: RunningBot) -> None:
    assert running_bot.parts is not None and running_bot.bot is not None
    await running_bot.parts.broadcast_progress.run_once(running_bot.bot)


async def delivery_statuses(running_bot: RunningBot) -> dict[int, str]:
    async with create_sessionmaker(running_bot.engine)() as s:
        rows = await s.execute(select(BroadcastDelivery.chat_id, BroadcastDelivery.status))
        return {int(chat): str(status) for chat, status in rows}


def bot_messages(user: SimUser, chat: object = None) -> list:
    return [m for m in user.messages(chat=chat) if m.from_bot]


async def compose(org: SimUser, text: str, entities: list | None = None) -> tuple:
    await org.send("/broadcast")
    assert (await org.expect_message()).html == t(LANG, "broadcast.ask.message")
    await org.send(text, entities=entities)
    preview = await org.expect_message()
    card = await org.expect_message()
    return preview, card


async def test_compose_preview_send_progress_report_and_acks(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org = organizer(emulator)
    people = await seed_people(running_bot, emulator)
    hanoi = await tagged_group(org, emulator, "Đại sứ Hà Nội", "hanoi")
    press = await tagged_group(org, emulator, "Báo chí", "press")

    preview, card = await compose(org, "Demo day thứ Sáu <b>không phải thẻ</b>", BOLD)
    # The preview is the message recipients get: same text, same formatting.
    assert preview.text == "Demo day thứ Sáu <b>không phải thẻ</b>"
    assert [e for e in preview.entities if e["type"] == "bold"] == BOLD
    assert card.text.startswith(t(LANG, "broadcast.preview_note", id=1).split(":")[0])
    assert t(LANG, "broadcast.audience.none") in card.html

    await org.press(t(LANG, "broadcast.btn.ambassadors", count=3), message=card)
    card = await org.expect_edit()
    assert t(LANG, "broadcast.audience.ambassadors", count=3) in card.html
    await org.press(t(LANG, "broadcast.btn.tags", count=0), message=card)
    tags = await org.expect_edit()
    assert tags.button_texts[:2] == ["☐ hanoi (1)", "☐ press (1)"]
    await org.press("☐ hanoi (1)", message=tags)
    tags = await org.expect_edit()
    assert "☑ hanoi (1)" in tags.button_texts
    await org.press(t(LANG, "btn.back"), message=tags)
    card = await org.expect_edit()
    await org.press(t(LANG, "broadcast.btn.ack"), message=card)
    card = await org.expect_edit()
    assert "4" in card.html and t(LANG, "broadcast.option.ack") in card.html
    await org.press(t(LANG, "broadcast.btn.pin"), message=card)
    card = await org.expect_edit()
    await org.promote_bot(hanoi)  # the bot may pin there

    # A second preview shows the "Got it" button now chosen.
    await org.press(t(LANG, "broadcast.btn.preview"), message=card)
    second = await org.expect_message()
    assert second.button_texts == ["✅ Đã nhận · Got it"]
    card = await org.expect_message()

    await org.press(t(LANG, "broadcast.btn.send"), message=card)
    confirm = await org.expect_edit()
    assert confirm.html == t(LANG, "broadcast.confirm_send", id=1, count=4)
    await org.press(t(LANG, "broadcast.btn.go", count=4), message=confirm)
    progress = await org.expect_edit()
    assert progress.button_texts == [t(LANG, "broadcast.btn.stop")]

    await send_pass(running_bot)
    for uid in AMBASSADORS:
        got = bot_messages(people[uid])
        assert len(got) == 1, uid
        assert got[0].text == preview.text and got[0].entities == preview.entities
    assert not bot_messages(people[STARTUP])
    in_hanoi = [m for m in hanoi.messages() if m.from_bot and m.text == preview.text]
    assert len(in_hanoi) == 1
    assert [m.message_id for m in hanoi.pinned] == [in_hanoi[0].message_id]
    assert not [m for m in press.messages() if m.from_bot and m.text == preview.text]

    # "Got it": counted once per person and recipient; forged presses refused.
    first = people[AMBASSADORS[0]]
    message = bot_messages(first)[0]
    answer = await first.press("✅ Đã nhận · Got it", message=message)
    assert answer.text == t(LANG, "broadcast.ack.thanks")
    answer = await first.press("✅ Đã nhận · Got it", message=message)
    assert answer.text == t(LANG, "broadcast.ack.already")
    first.drain()
    await first.send("/help")
    help_reply = await first.expect_message()
    forged = await first.press_data(AckCB(id=1).pack(), message=help_reply)
    assert forged.show_alert and forged.text == t(LANG, "broadcast.error.not_found")
    member = emulator.user(id=7200, first_name="Thành viên", language_code="vi")
    answer = await member.press("✅ Đã nhận · Got it", message=in_hanoi[0])
    assert answer.text == t(LANG, "broadcast.ack.thanks")
    answer = await org.press("✅ Đã nhận · Got it", message=in_hanoi[0])
    assert answer.text == t(LANG, "broadcast.ack.thanks")

    # The report: once, exact, with the acks by recipient in the CSV.
    await progress_pass(running_bot)
    report = await org.expect_message(timeout=10)
    assert t(LANG, "broadcast.report.acks", recipients=2, sent=4, people=3) in report.html
    assert "✅" in report.text and t(LANG, "broadcast.status.done") in report.text
    assert t(LANG, "broadcast.btn.csv_failed") not in report.button_texts
    await progress_pass(running_bot)
    await org.expect_silence(within=0.5)

    await org.press(t(LANG, "broadcast.btn.csv_all"), message=report)
    document = await org.expect_message()
    assert document.document is not None
    rows = list(
        csv.reader(
            io.StringIO(emulator.world.files[document.document["file_id"]].data.decode("utf-8-sig"))
        )
    )
    assert rows[0][0] == t(LANG, "broadcast.csv.chat_id")
    acks = {int(r[0]): int(r[7]) for r in rows[1:]}
    assert acks == {hanoi.id: 2, AMBASSADORS[0]: 1, AMBASSADORS[1]: 0, AMBASSADORS[2]: 0}


async def test_schedule_across_a_restart_and_cancel_from_the_list(
    running_bot: RunningBot, emulator: Emulator, clock: FakeClock
) -> None:
    org = organizer(emulator)
    people = await seed_people(running_bot, emulator)

    _, card = await compose(org, "Nhắc lịch họp tuần")
    await org.press(t(LANG, "broadcast.btn.startups", count=1), message=card)
    card = await org.expect_edit()
    await org.press(t(LANG, "broadcast.btn.schedule"), message=card)
    ask = await org.expect_edit()
    assert "Asia/Ho_Chi_Minh" in ask.text
    await org.send("ngày mai")
    assert (
        t(LANG, "broadcast.error.bad_time", example="").split("<code>")[0]
        in (await org.expect_message()).html
    )
    # clock: 2026-03-02 02:00 UTC = 09:00 in Hanoi
    await org.send("01/03/2026 10:00")
    assert (await org.expect_message()).html == t(LANG, "broadcast.error.past")
    await org.send("02/03/2026 10:30")
    scheduled = await org.expect_message()
    assert scheduled.html == t(
        LANG,
        "broadcast.scheduled",
        id=1,
        when="10:30 02/03/2026",
        tz="Asia/Ho_Chi_Minh",
        count=1,
    )

    # A second one, scheduled by quick pick, then cancelled from /broadcasts.
    _, card = await compose(org, "Sẽ bị hủy")
    await org.press(t(LANG, "broadcast.btn.ambassadors", count=3), message=card)
    card = await org.expect_edit()
    await org.press(t(LANG, "broadcast.btn.schedule"), message=card)
    ask = await org.expect_edit()
    await org.press("08:00 03/03/2026", message=ask)
    assert "08:00 03/03/2026" in (await org.expect_edit()).text

    await org.send("/broadcasts")
    listing = await org.expect_message()
    assert listing.button_texts == [
        t(LANG, "broadcast.btn.cancel", id=2),
        t(LANG, "broadcast.btn.cancel", id=1),
    ]
    answer = await org.press(t(LANG, "broadcast.btn.cancel", id=2), message=listing)
    assert answer.text == t(LANG, "broadcast.cancelled", id=2)
    listing = await org.expect_edit()
    assert listing.button_texts == [t(LANG, "broadcast.btn.cancel", id=1)]

    await send_pass(running_bot)
    assert not bot_messages(people[STARTUP])  # not yet

    await running_bot.restart()
    clock.advance(timedelta(minutes=91))
    await send_pass(running_bot)
    got = bot_messages(people[STARTUP])
    assert [m.text for m in got] == ["Nhắc lịch họp tuần"]
    clock.advance(timedelta(days=2))
    await send_pass(running_bot)
    for uid in AMBASSADORS:
        assert not bot_messages(people[uid])  # the cancelled one never went

    # The scheduled one started without a progress message: it gets one, then the report.
    await progress_pass(running_bot)
    report = await org.expect_message(timeout=10)
    if report.button_texts == [t(LANG, "broadcast.btn.stop")]:  # the progress message first
        report = await org.expect_message(timeout=10)
    assert t(LANG, "broadcast.status.done") in report.text


async def test_stop_mid_way(emulator: Emulator, migrated_url: str, clock: FakeClock) -> None:
    # A slow sender (5 a second) so Stop lands in the middle.
    runner = RunningBot(make_settings(emulator, migrated_url, broadcast_rate=5), clock)
    await runner.start()
    try:
        await open_organizer_chats(emulator)
        org = organizer(emulator)
        ids = range(7300, 7330)
        async with create_sessionmaker(runner.engine)() as s, s.begin():
            repos = Repositories.bind(s)
            await add_users(repos, ids, clock())
            for uid in ids:
                await approved_ambassador(repos, uid)
        people = {uid: emulator.user(id=uid, first_name=f"A{uid}") for uid in ids}

        _, card = await compose(org, "Dài lắm")
        await org.press(t(LANG, "broadcast.btn.ambassadors", count=30), message=card)
        card = await org.expect_edit()
        await org.press(t(LANG, "broadcast.btn.send"), message=card)
        confirm = await org.expect_edit()
        await org.press(t(LANG, "broadcast.btn.go", count=30), message=confirm)
        progress = await org.expect_edit()

        sending = asyncio.create_task(send_pass(runner))
        async with asyncio.timeout(10):
            while sum(bool(bot_messages(p)) for p in people.values()) < 5:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await org.press(t(LANG, "broadcast.btn.stop"), message=progress)
        question = await org.expect_message()
        answer = await org.press(t(LANG, "broadcast.btn.halt"), message=question)
        assert answer.text is None and not answer.show_alert
        stopped = await org.expect_edit()
        assert stopped.text.startswith(t(LANG, "broadcast.stopped", count=0).split(":")[0])
        await asyncio.wait_for(sending, 20)

        statuses = await delivery_statuses(runner)
        sent = {c for c, s in statuses.items() if s == "sent"}
        cancelled = {c for c, s in statuses.items() if s == "cancelled"}
        assert sent | cancelled == set(ids)
        assert 5 <= len(sent) < 25, len(sent)
        for uid, person in people.items():
            assert len(bot_messages(person)) == (1 if uid in sent else 0), uid

        await progress_pass(runner)
        report = await org.expect_message(timeout=10)
        assert t(LANG, "broadcast.status.stopped") in report.text
        assert f"{len(sent)}" in report.text and f"{len(cancelled)}" in report.text
    finally:
        await runner.stop()


async def test_everyone_else_is_refused_and_old_drafts_stay_closed(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org = organizer(emulator)
    people = await seed_people(running_bot, emulator)
    amb = people[AMBASSADORS[0]]
    await amb.send("/start")
    await amb.expect_message()
    for command in ("/broadcast", "/broadcasts"):
        await amb.send(command)
        assert (await amb.expect_message()).html == t(LANG, "error.not_allowed")

    _, card = await compose(org, "Chỉ ban tổ chức")
    for action in ("go", "part", "csv", "halt", "cancel", "report"):
        forged = await amb.press_data(
            BroadcastCB(action=action, id=1, value="ambassadors").pack(),
            message=bot_messages(amb)[-1],
        )
        assert forged.show_alert and forged.text == t(LANG, "error.not_allowed"), action

    # The organizer's own card: nobody chosen yet, Send is refused with the reason.
    answer = await org.press(t(LANG, "broadcast.btn.send"), message=card)
    assert answer.show_alert and answer.text == t(LANG, "broadcast.error.no_recipients")
    await org.press(t(LANG, "broadcast.btn.discard"), message=card)
    assert (await org.expect_edit()).html == t(LANG, "broadcast.discarded", id=1)
    # The discarded draft's buttons no longer work (an old card pressed again).
    answer = await org.press_data(BroadcastCB(action="go", id=1).pack(), message=card)
    assert answer.show_alert and answer.text == t(LANG, "broadcast.error.not_draft")
    # A tag nobody has, forged onto a live draft.
    _, card = await compose(org, "Thẻ giả")
    answer = await org.press_data(
        BroadcastCB(action="tag", id=2, value="nope").pack(), message=card
    )
    assert answer.show_alert and answer.text == t(LANG, "broadcast.error.bad_choice")
    # Unsupported content gets a clear answer.
    await org.press(t(LANG, "broadcast.btn.edit"), message=card)
    await org.expect_message()
    await org.send_sticker()
    assert (await org.expect_message()).html == t(LANG, "broadcast.error.unsupported")


async def test_a_photo_then_a_document_with_captions(
    running_bot: RunningBot, emulator: Emulator
) -> None:
    org = organizer(emulator)
    people = await seed_people(running_bot, emulator)
    await org.send("/broadcast")
    await org.expect_message()
    await org.send_photo(caption="Ảnh sự kiện")
    preview = await org.expect_message()
    assert preview.photo and preview.caption == "Ảnh sự kiện"
    card = await org.expect_message()
    assert t(LANG, "broadcast.content.photo", chars=11) in card.html

    await org.press(t(LANG, "broadcast.btn.edit"), message=card)
    await org.expect_message()
    await org.send_document("ke-hoach.pdf", caption="Kế hoạch")
    preview = await org.expect_message()
    assert preview.document and preview.caption == "Kế hoạch"
    card = await org.expect_message()
    assert "ke-hoach.pdf" in card.text

    await org.press(t(LANG, "broadcast.btn.startups", count=1), message=card)
    card = await org.expect_edit()
    await org.press(t(LANG, "broadcast.btn.send"), message=card)
    await org.press(t(LANG, "broadcast.btn.go", count=1), message=await org.expect_edit())
    await org.expect_edit()
    await send_pass(running_bot)
    [got] = bot_messages(people[STARTUP])
    assert got.document and got.document["file_name"] == "ke-hoach.pdf"
    assert got.caption == "Kế hoạch"
