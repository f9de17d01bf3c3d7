"""The /report chart (issue #7): one PNG read on a phone, 1080×1350 px (4:5, the
shape Telegram shows full width), two panels built from the same ``Report`` as the
message:

- top: links per ISO week (Monday, local time), stacked by platform;
- bottom: links per province, the top ``TOP_PROVINCES`` as horizontal bars.

Labels are in the organizer's language (DejaVu Sans, shipped with matplotlib, has
the Vietnamese diacritics). A report without links gives the same layout with a
clear "no data" in each panel, so the organizer always gets the picture.

No pyplot: a ``matplotlib.figure.Figure`` with the Agg canvas, so there is no global
state and drawing is safe in a worker thread (``render_chart`` runs ``report_chart``
off the event loop with ``asyncio.to_thread``: it costs ~0.1–0.3 s of CPU).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import default_translator
from bot.provinces import get_province
from bot.reference import label
from bot.services.reports import Report

T = Callable[..., str]
#: Pixel size: WIDTH / DPI by HEIGHT / DPI inches.
WIDTH, HEIGHT, DPI = 1080, 1350, 100
TOP_PROVINCES = 10
#: At most this many week labels on the x axis (every n-th week otherwise).
WEEK_LABELS = 12
#: Colour per platform (stable: the same platform has the same colour in every chart).
COLORS = (
    "#1877F2",
    "#E4405F",
    "#FF0000",
    "#000000",
    "#0A66C2",
    "#2AABEE",
    "#F4B400",
    "#34A853",
    "#8E44AD",
    "#7F8C8D",
)
FONT = 20


def _t(lang: str) -> T:
    tr = default_translator(lang)
    return lambda key, **params: str(tr.t(lang, key, **params))


def _province(code: str | None, lang: str, t: T) -> str:
    if code is None:
        return t("report.unknown")
    province = get_province(code)
    return province.label(lang) if province else code


def _no_data(ax: Axes, t: T) -> None:
    ax.text(
        0.5,
        0.5,
        t("report.chart.no_data"),
        ha="center",
        va="center",
        fontsize=FONT + 4,
        color="#7F8C8D",
        transform=ax.transAxes,
    )
    ax.set_xticks([])
    ax.set_yticks([])


def report_chart(report: Report, lang: str, t: T | None = None) -> bytes:
    """The chart of ``report`` as PNG bytes (WIDTH × HEIGHT px), labels in ``lang``."""
    t = t or _t(lang)
    fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.set_facecolor("white")
    top, bottom = fig.subplots(2, 1, gridspec_kw={"height_ratios": [1, 1]})

    # Links per week, stacked by platform.
    weeks = report.weekly.weeks
    series = report.weekly.by_platform()
    top.set_title(t("report.chart.weekly"), fontsize=FONT + 6, loc="left", pad=14)
    if weeks and any(sum(counts) for counts in series.values()):
        order = sorted(series, key=lambda p: -sum(series[p]))
        x = list(range(len(weeks)))
        base = [0] * len(weeks)
        for i, platform in enumerate(order):
            counts = series[platform]
            top.bar(
                x,
                counts,
                bottom=base,
                color=COLORS[i % len(COLORS)],
                label=label("platforms", platform, lang),
                width=0.8,
            )
            base = [b + c for b, c in zip(base, counts, strict=True)]
        step = max(1, -(-len(weeks) // WEEK_LABELS))
        top.set_xticks(x[::step], [w.strftime("%d/%m") for w in weeks][::step])
        top.tick_params(axis="x", labelsize=FONT - 4, rotation=45 if len(x) > 6 else 0)
        top.tick_params(axis="y", labelsize=FONT - 4)
        top.yaxis.get_major_locator().set_params(integer=True)
        top.set_ylim(0, max(base) * 1.35)
        top.legend(fontsize=FONT - 4, loc="upper left", ncols=min(3, len(order)), frameon=False)
        top.set_xlabel(t("report.chart.week_of"), fontsize=FONT - 2)
    else:
        _no_data(top, t)

    # Links per province, the top ones.
    provinces = report.links_by_province[:TOP_PROVINCES]
    bottom.set_title(t("report.chart.provinces"), fontsize=FONT + 6, loc="left", pad=14)
    if provinces:
        names = [_province(code, lang, t) for code, _ in provinces][::-1]
        counts = [n for _, n in provinces][::-1]
        bars = bottom.barh(names, counts, color="#2E86C1", height=0.7)
        bottom.bar_label(bars, padding=6, fontsize=FONT - 4)
        bottom.tick_params(axis="y", labelsize=FONT - 2)
        bottom.tick_params(axis="x", labelsize=FONT - 4)
        bottom.xaxis.get_major_locator().set_params(integer=True)
        bottom.set_xlim(0, max(counts) * 1.15)
    else:
        _no_data(bottom, t)

    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(
        f"{report.first_day:%d/%m/%Y} – {report.last_day:%d/%m/%Y}",
        fontsize=FONT,
        color="#555555",
        x=0.98,
        ha="right",
    )
    fig.tight_layout(pad=1.5, h_pad=3)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


async def render_chart(report: Report, lang: str, t: T | None = None) -> bytes:
    """``report_chart`` in a worker thread (it is CPU work; the event loop goes on)."""
    return await asyncio.to_thread(report_chart, report, lang, t)
