"""The clock services read, injectable so tests control time without sleeping.

``ShiftableClock`` is the one seam tests and the local sandbox share: frozen at a
given instant (tests), or the system time plus an offset (the sandbox's "+1 day").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """Aware UTC now."""
    return datetime.now(UTC)


class ShiftableClock:
    """A clock that can be moved by hand.

    ``ShiftableClock(start)`` is frozen at ``start`` (an aware datetime) and moves
    only by ``advance`` or by setting ``now``; ``ShiftableClock()`` follows the
    system time, shifted by whatever was advanced. Calling it returns aware UTC.
    """

    def __init__(self, start: datetime | None = None) -> None:
        if start is not None and start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._frozen = start.astimezone(UTC) if start is not None else None
        self._offset = timedelta(0)

    def __call__(self) -> datetime:
        base = self._frozen if self._frozen is not None else datetime.now(UTC)
        return base + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen is not None

    @property
    def offset(self) -> timedelta:
        """How far the clock was moved from where it started (or from system time)."""
        return self._offset

    @property
    def now(self) -> datetime:
        return self()

    @now.setter
    def now(self, value: datetime) -> None:
        """Jump to ``value`` (an aware datetime), forwards or backwards."""
        if value.tzinfo is None:
            raise ValueError("the clock's time must be timezone-aware")
        self._offset += value - self()

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    def __repr__(self) -> str:
        kind = "frozen" if self.frozen else "system"
        return f"<ShiftableClock {kind} now={self().isoformat()} offset={self._offset}>"
