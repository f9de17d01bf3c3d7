"""ShiftableClock: the one clock seam of the tests and the local sandbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.clock import ShiftableClock
from tests.conftest import TEST_START, FakeClock


def test_frozen_clock_moves_only_by_hand() -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=7)))
    clock = ShiftableClock(start)
    assert clock() == clock() == datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    assert clock().tzinfo == UTC and clock.frozen
    clock.advance(timedelta(hours=25))
    assert clock() == datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
    assert clock.offset == timedelta(hours=25)
    clock.now = datetime(2026, 3, 1, tzinfo=UTC)  # tests may set it, even backwards
    assert clock.now == clock() == datetime(2026, 3, 1, tzinfo=UTC)
    assert clock.offset == timedelta(hours=-26)


def test_system_clock_with_an_offset() -> None:
    clock = ShiftableClock()
    assert not clock.frozen and clock.offset == timedelta(0)
    before = datetime.now(UTC)
    clock.advance(timedelta(days=1))
    shifted = clock()
    after = datetime.now(UTC)
    assert before + timedelta(days=1) <= shifted <= after + timedelta(days=1)
    assert clock.offset == timedelta(days=1)


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ShiftableClock(datetime(2026, 1, 1))
    clock = ShiftableClock()
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.now = datetime(2026, 1, 1)


def test_the_tests_fake_clock_is_it() -> None:
    clock = FakeClock()
    assert isinstance(clock, ShiftableClock) and clock() == TEST_START
