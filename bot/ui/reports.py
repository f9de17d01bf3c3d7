"""/report as organizers see it: the scope buttons (campaigns, this month, the last
30 days, the last quarter) and the concise report message built from a ``Report``
(``bot/services/reports.py``), outcomes included. Telegram HTML; every value enters through ``t``
parameters (escaped); numbers with thousands separators, rates as percentages; cut
to one message (``fit``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.provinces import get_province
from bot.reference import label
from bot.services.campaigns import DATE_FORMAT
from bot.services.reports import WEEK, Report
from bot.status_labels import OUTCOME_KIND_KEYS as KIND_KEYS
from bot.status_labels import REQUEST_STATUS_KEYS
from bot.ui.callbacks import ReportCB
from bot.ui.campaigns import short_name
from bot.ui.cards import format_number
from bot.ui.requests import fit
from storage.dto import CampaignDTO
from storage.repositories.reports import Counted

T = Callable[..., str]
#: Campaigns offered as buttons (the active one first, then the latest).
CAMPAIGN_BUTTONS = 8
#: Items of a breakdown shown on one line (the rest summed as "others").
SHOWN = 6
#: ``ReportCB.kind`` of the weekly report toggle.
SUBSCRIBE = "sub"
PERIOD_KEYS = {
    "month": ("report.btn.month", "report.title.month"),
    "30d": ("report.btn.days30", "report.title.days30"),
    "quarter": ("report.btn.quarter", "report.title.quarter"),
}


def scope_kb(campaigns: Sequence[CampaignDTO], t: T) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for c in campaigns[:CAMPAIGN_BUTTONS]:
        key = "report.btn.active" if c.active else "report.btn.campaign"
        kb.row(
            InlineKeyboardButton(
                text=t(key, name=short_name(c.name)),
                callback_data=ReportCB(kind="campaign", id=c.id).pack(),
            )
        )
    kb.row(
        *(
            InlineKeyboardButton(text=t(button), callback_data=ReportCB(kind=kind).pack())
            for kind, (button, _) in PERIOD_KEYS.items()
        )
    )
    return kb.as_markup()


def subscription_kb(subscribed: bool, t: T) -> InlineKeyboardMarkup:
    """Under the report's chart: the weekly report, on or off (pressing toggles)."""
    key = "report.sub.btn.on" if subscribed else "report.sub.btn.off"
    button = InlineKeyboardButton(text=t(key), callback_data=ReportCB(kind=SUBSCRIBE).pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def percent(rate: float | None, t: T) -> str:
    return t("report.rate.none") if rate is None else f"{round(rate * 100)}%"


def _breakdown(counts: Counted, name: Callable[[str | None], str], lang: str, t: T) -> str:
    parts = [f"{name(code)} {format_number(n, lang)}" for code, n in counts[:SHOWN]]
    rest = sum(n for _, n in counts[SHOWN:])
    if rest:
        parts.append(t("report.others", count=format_number(rest, lang)))
    return " · ".join(parts)


def _namer(kind: str, lang: str, t: T) -> Callable[[str | None], str]:
    def name(code: str | None) -> str:
        if code is None:
            return t("report.unknown")
        if kind == "provinces":
            province = get_province(code)
            return province.label(lang) if province else code
        if kind == "statuses":
            return t(REQUEST_STATUS_KEYS[code]) if code in REQUEST_STATUS_KEYS else code
        if kind == "outcomes":
            return t(KIND_KEYS[code]) if code in KIND_KEYS else code
        return label(kind, code, lang)

    return name


def report_text(report: Report, t: T, lang: str) -> str:
    n = lambda value: format_number(value, lang)  # noqa: E731
    provinces, needs = _namer("provinces", lang, t), _namer("needs", lang, t)
    statuses, platforms = _namer("statuses", lang, t), _namer("platforms", lang, t)
    dates = {
        "start": report.first_day.strftime(DATE_FORMAT),
        "end": report.last_day.strftime(DATE_FORMAT),
    }
    if report.campaign is not None:
        title = t("report.title.campaign", name=report.campaign.name, **dates)
    elif report.kind == WEEK:
        title = t("report.title.week", **dates)
    else:
        title = t(PERIOD_KEYS[report.kind][1], **dates)
    reg, pitches, offers, stories = (
        report.registrations,
        report.pitches,
        report.offers,
        report.stories,
    )
    lines = [
        title,
        "",
        t("report.registrations", startups=n(reg.startups), ambassadors=n(reg.ambassadors)),
    ]
    if reg.startups_by_province:
        lines.append(
            t("report.by_province", items=_breakdown(reg.startups_by_province, provinces, lang, t))
        )
    lines += ["", t("report.pitches", count=n(pitches.total))]
    if pitches.total:
        lines.append(t("report.by_need", items=_breakdown(pitches.by_need, needs, lang, t)))
        lines.append(t("report.by_status", items=_breakdown(pitches.by_status, statuses, lang, t)))
    lines += [
        "",
        t(
            "report.offers",
            made=n(offers.made),
            accepted=n(offers.accepted),
            declined=n(offers.declined),
            expired=n(offers.expired),
            rate=percent(offers.acceptance_rate, t),
        ),
        t(
            "report.stories",
            due=n(stories.due),
            on_time=n(stories.on_time),
            rate=percent(stories.on_time_rate, t),
        ),
        "",
        t("report.links", count=n(report.links)),
    ]
    if report.links_by_platform:
        lines.append(
            t("report.by_platform", items=_breakdown(report.links_by_platform, platforms, lang, t))
        )
        lines.append(
            t("report.by_province", items=_breakdown(report.links_by_province, provinces, lang, t))
        )
    outcomes = report.outcomes
    lines.append("")
    if outcomes.asked:
        lines.append(t("report.outcomes", asked=n(outcomes.asked), answered=n(outcomes.answered)))
        if outcomes.by_kind:
            kinds = _namer("outcomes", lang, t)
            lines.append(
                t("report.outcomes.by_kind", items=_breakdown(outcomes.by_kind, kinds, lang, t))
            )
    else:
        lines.append(t("report.outcomes.none"))
    if report.top_ambassadors:
        lines += ["", t("report.top.title")]
        for rank, amb in enumerate(report.top_ambassadors, 1):
            name = amb.name or f"#{amb.ambassador_id}"
            lines.append(t("report.top.line", rank=rank, name=name, count=n(amb.on_time)))
    uncovered = report.uncovered
    lines.append("")
    if uncovered.total:
        names = ", ".join(u.name or f"#{u.startup_id}" for u in uncovered.startups)
        more = uncovered.total - len(uncovered.startups)
        if more > 0:
            names += ", " + t("report.others", count=n(more))
        lines.append(t("report.uncovered", count=n(uncovered.total), names=names))
    else:
        lines.append(t("report.uncovered.none"))
    return fit("\n".join(lines))
