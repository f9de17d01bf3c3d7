"""Deadlines: presets and typed dates, end of the local day, future and at most 90 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.deadlines import MAX_DAYS, PRESET_DAYS, deadline_in_days, parse_deadline
from bot.errors import InvalidInput

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# 23:30 on 1 March in Vietnam is still 1 March there but 16:30 UTC.
NOW = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)


def test_presets_end_on_the_local_day() -> None:
    deadline = deadline_in_days(7, NOW, VN)
    assert deadline.astimezone(VN).date().isoformat() == "2026-03-08"
    assert (deadline.hour, deadline.minute, deadline.second) == (23, 59, 59)
    assert deadline.astimezone(UTC) == datetime(2026, 3, 8, 16, 59, 59, tzinfo=UTC)
    assert all(deadline_in_days(d, NOW, VN) > NOW for d in PRESET_DAYS)


@pytest.mark.parametrize("text", ["14/03/2026", "14-3-2026", "14.03.26", " 14 / 3 / 2026 "])
def test_typed_dates_day_first(text: str) -> None:
    assert parse_deadline(text, NOW, VN).astimezone(VN).date().isoformat() == "2026-03-14"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("tomorrow", "error.deadline_format"),
        ("2026-03-14", "error.deadline_format"),
        ("31/02/2026", "error.deadline_format"),
        ("01/03/2026", "error.deadline_past"),  # today in Vietnam
        ("28/02/2026", "error.deadline_past"),
        ("31/05/2026", "error.deadline_too_far"),  # 91 days
    ],
)
def test_bad_dates_are_refused_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_deadline(text, NOW, VN)
    assert caught.value.code == code


def test_the_last_allowed_day() -> None:
    last = (NOW.astimezone(VN).date() + timedelta(days=MAX_DAYS)).strftime("%d/%m/%Y")
    assert parse_deadline(last, NOW, VN) > NOW


@given(st.integers(-400, 400))
def test_any_offset_is_accepted_exactly_within_1_to_90_days(days: int) -> None:
    if 1 <= days <= MAX_DAYS:
        deadline = deadline_in_days(days, NOW, VN)
        assert NOW < deadline <= NOW + timedelta(days=MAX_DAYS + 1)
    else:
        with pytest.raises(InvalidInput):
            deadline_in_days(days, NOW, VN)
