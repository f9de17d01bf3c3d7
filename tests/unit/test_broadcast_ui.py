"""The broadcast pieces that need no database: typed schedule times, the progress
line (bar, rate, ETA), the report (cut to Telegram's limit, reasons), the CSV, and
content taken from the organizer's message with its formatting."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, Document, Message, MessageEntity, PhotoSize, Sticker

from bot.broadcast_message import content_from_message
from bot.deadlines import parse_local_moment
from bot.errors import InvalidInput
from bot.i18n import default_translator
from bot.services.broadcasts import Report
from bot.ui.broadcasts import (
    FAILED_SHOWN,
    eta_text,
    progress_bar,
    progress_text,
    report_csv,
    report_text,
)
from bot.ui.requests import MESSAGE_MAX
from storage.dto import BroadcastDTO, DeliveryCounts, DeliveryLine

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 30, 16, 30, tzinfo=UTC)  # 23:30 on 30 December in Vietnam
t = default_translator("en").bind("en")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2026 08:30", datetime(2026, 12, 31, 8, 30)),
        ("31-12-26 8h30", datetime(2026, 12, 31, 8, 30)),
        ("31/12 08.30", datetime(2026, 12, 31, 8, 30)),
        ("2/1 7:05", datetime(2027, 1, 2, 7, 5)),  # no year: the next 2 January
        (" 30/12, 23:45 ", datetime(2026, 12, 30, 23, 45)),
    ],
)
def test_typed_times_are_local_and_day_first(text: str, expected: datetime) -> None:
    assert parse_local_moment(text, NOW, VN) == expected.replace(tzinfo=VN)


@pytest.mark.parametrize("text", ["tomorrow", "31/12/2026", "32/12/2026 08:00", "31/12 25:00", ""])
def test_unreadable_times_say_how_to_write_them(text: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_local_moment(text, NOW, VN)
    assert err.value.code == "broadcast.error.bad_time"
    assert err.value.params["example"] == "31/12/2026 08:00"


def test_progress_bar_eta_and_line() -> None:
    assert progress_bar(0, 10) == "░" * 20
    assert progress_bar(5, 10) == "█" * 10 + "░" * 10
    assert progress_bar(10, 10) == "█" * 20
    assert progress_bar(0, 0) == "█" * 20
    assert eta_text(None, t) == "…"
    assert eta_text(42.4, t) == "42 s"
    assert eta_text(150, t) == "2 min 30 s"
    assert eta_text(7300, t) == "2 h 1 min"
    broadcast = BroadcastDTO(1, 5, "sending", {}, {}, {})
    counts = DeliveryCounts(sent=40, failed={"blocked": 10}, planned=140, claimed=10)
    text = progress_text(broadcast, counts, 25.0, t)
    assert "25%" in text and "Left 150" in text and "25.0 msg/s" in text and "6 s" in text


def _line(n: int) -> DeliveryLine:
    return DeliveryLine(-n, "group", f"=Nhóm {n}", "failed", "removed", "Forbidden", None, 0)


def test_report_lists_failed_chats_within_the_limit_and_the_csv_is_safe() -> None:
    broadcast = BroadcastDTO(3, 5, "done", {}, {"ack": True}, {})
    failed = [_line(n) for n in range(1, 50)]
    counts = DeliveryCounts(sent=100, failed={"removed": 49})
    text = report_text(Report(broadcast, counts, {"removed": 49}), failed, t)
    assert len(text) <= MESSAGE_MAX
    assert "removed from group: 49" in text
    assert text.count("• ") == FAILED_SHOWN and f"and {49 - FAILED_SHOWN} more" in text
    assert "Acknowledged: 0 of 100 recipients (0 people)" in text

    raw = report_csv(failed, t, VN)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1][:5] == ["-1", "group", "'=Nhóm 1", "failed", "removed the bot from the group"]


def _message(**fields: object) -> Message:
    chat = Chat(id=1, type="private")
    return Message(message_id=1, date=NOW, chat=chat, **fields)  # type: ignore[arg-type]


def test_content_keeps_formatting_and_refuses_the_rest() -> None:
    bold = MessageEntity(type="bold", offset=0, length=4)
    text = content_from_message(_message(text="Demo <b>", entities=[bold]))
    assert text == {"text": "Demo <b>", "entities": [{"type": "bold", "offset": 0, "length": 4}]}
    photo = PhotoSize(file_id="small", file_unique_id="s", width=90, height=90)
    big = PhotoSize(file_id="big", file_unique_id="b", width=800, height=800)
    got = content_from_message(_message(photo=[photo, big], caption="Hi", caption_entities=[bold]))
    assert got is not None and got["photo"] == "big" and got["caption"] == "Hi"
    doc = Document(file_id="D", file_unique_id="d", file_name="plan.pdf")
    got = content_from_message(_message(document=doc))
    assert got == {"document": "D", "file_name": "plan.pdf", "caption": "", "entities": []}
    sticker = Sticker(
        file_id="S",
        file_unique_id="s",
        type="regular",
        width=1,
        height=1,
        is_animated=False,
        is_video=False,
    )
    assert content_from_message(_message(sticker=sticker)) is None
