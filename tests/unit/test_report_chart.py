"""The /report chart: one valid PNG of the designed size (1080×1350), small enough for
a phone (< 300 KB), for a full report and for an empty one ("no data" panels), in
both languages."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from matplotlib import image

from bot.services.reports import Report
from bot.ui.report_chart import HEIGHT, WIDTH, render_chart, report_chart
from storage.repositories.reports import WeeklySeries
from tests.unit.test_report_ui import report

PNG = b"\x89PNG\r\n\x1a\n"
PLATFORMS = ("facebook", "youtube", "tiktok", "zalo")
PROVINCES = ("ho_chi_minh", "ha_noi", "da_nang", "can_tho", "hai_phong", "khanh_hoa")


def full() -> Report:
    weeks = tuple(date(2026, 1, 5) + timedelta(weeks=i) for i in range(60))
    counts = tuple(
        (i, p, (i * 3 + k * 5) % 11 + 1) for i in range(60) for k, p in enumerate(PLATFORMS)
    )
    provinces = tuple((code, 500 - 40 * i) for i, code in enumerate(PROVINCES)) + tuple(
        (f"x{i}", 3) for i in range(20)
    )
    return report(weekly=WeeklySeries(weeks, counts), links_by_province=(*provinces, (None, 1)))


def empty() -> Report:
    return report(weekly=WeeklySeries((), ()), links_by_province=(), links_by_platform=())


def check_png(data: bytes) -> None:
    assert data[:8] == PNG
    assert 10_000 < len(data) < 300_000
    pixels = image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert pixels.std() > 0  # not a blank image


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("make", [full, empty])
def test_valid_png_of_the_designed_size(make: Callable[[], Report], lang: str) -> None:
    check_png(report_chart(make(), lang))


async def test_drawn_off_the_event_loop() -> None:
    check_png(await render_chart(full(), "vi"))


def test_empty_and_full_differ() -> None:
    assert report_chart(full(), "vi") != report_chart(empty(), "vi")
