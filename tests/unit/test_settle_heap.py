"""The heap is frozen after startup so full GC passes do not stall the event loop."""

from __future__ import annotations

import gc

from bot.app import GC_GEN0_THRESHOLD, settle_heap


def test_settle_heap_freezes_startup_objects_and_raises_the_young_threshold() -> None:
    before = gc.get_threshold()
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000  # aiogram, pydantic and SQLAlchemy objects
        assert gc.get_threshold()[0] == GC_GEN0_THRESHOLD
        survivor: list[object] = []
        survivor.append(survivor)  # a new cycle is still collectable
        del survivor
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
