"""/myreport and /mystats as messages (Telegram HTML; values escaped through ``t``
parameters; cut to one message with ``fit``)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.reference import label
from bot.services.mine import MyStats, StartupReport
from bot.status_labels import REQUEST_STATUS_KEYS
from bot.ui.callbacks import MineCB
from bot.ui.cards import format_number
from bot.ui.outcomes import KIND_KEYS
from bot.ui.reports import percent
from bot.ui.requests import fit, local_time

T = Callable[..., str]


def myreport_text(report: StartupReport, t: T, lang: str, tz: ZoneInfo) -> str:
    n = lambda value: format_number(value, lang)  # noqa: E731
    lines = [t("mine.report.title", name=report.company_name or "—")]
    if not report.requests:
        lines += ["", t("mine.report.empty")]
    for r in report.requests:
        status = t(REQUEST_STATUS_KEYS[r.status]) if r.status in REQUEST_STATUS_KEYS else r.status
        lines += [
            "",
            t(
                "mine.report.request",
                id=r.id,
                need=label("needs", r.need, lang) if r.need else "—",
                status=status,
                deadline=local_time(r.deadline, tz, with_time=False),
            ),
        ]
        if r.covered_by:
            names = ", ".join(
                (c.name or "—") + (" ✅" if c.published else " ⏳") for c in r.covered_by
            )
            lines.append(t("mine.report.covered", names=names))
        else:
            lines.append(t("mine.report.not_covered"))
        for platform, url in r.links:
            lines.append(
                t("mine.report.link", platform=label("platforms", platform, lang), url=url)
            )
        if r.outcome is not None:
            kinds = ", ".join(t(KIND_KEYS[k]) if k in KIND_KEYS else k for k in r.outcome.kinds)
            lines.append(t("mine.report.outcome", kinds=kinds))
            if r.outcome.note:
                lines.append(t("mine.report.outcome_note", note=r.outcome.note))
    if report.totals:
        lines += ["", t("mine.report.totals")]
        for total in report.totals:
            lines.append(
                t(
                    "mine.report.total",
                    platform=label("platforms", total.platform, lang),
                    links=n(total.links),
                    reach=n(total.reach),
                )
            )
    return fit("\n".join(lines))


def mystats_text(stats: MyStats, t: T, lang: str) -> str:
    n = lambda value: format_number(value, lang)  # noqa: E731
    s = stats.stats
    lines = [
        t("mine.stats.title"),
        "",
        t(
            "mine.stats.stories",
            accepted=n(s.accepted),
            published=n(s.published),
            on_time=n(s.on_time),
            overdue=n(s.overdue),
        ),
        t("mine.stats.rate", rate=percent(s.on_time_rate, t)),
    ]
    if stats.links_by_platform:
        items = " · ".join(
            f"{label('platforms', p or '', lang)} {n(c)}" for p, c in stats.links_by_platform
        )
        lines.append(t("mine.stats.links", items=items))
    else:
        lines.append(t("mine.stats.no_links"))
    lines.append("")
    if stats.leaderboard and stats.rank.rank is not None:
        lines.append(t("mine.stats.rank", rank=n(stats.rank.rank), peers=n(stats.rank.peers)))
    else:
        lines.append(t("mine.stats.opt_in", peers=n(stats.rank.peers)))
    return fit("\n".join(lines))


def leaderboard_kb(stats: MyStats, t: T) -> InlineKeyboardMarkup:
    key = "mine.btn.hide" if stats.leaderboard else "mine.btn.show"
    button = InlineKeyboardButton(text=t(key), callback_data=MineCB(action="lb").pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])
