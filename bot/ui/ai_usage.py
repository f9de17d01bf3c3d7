"""/ai_usage: AI calls, tokens and the estimated cost per day and feature (organizers).

Telegram HTML; every value enters through ``t`` parameters (escaped). The text is cut
to one message (``fit``) however many features and days there are.
"""

from __future__ import annotations

from itertools import groupby

from bot.config import Settings
from bot.services.ai_usage import UsageReport, estimated_cost
from bot.ui.cards import T, format_number
from bot.ui.requests import fit
from storage.dto import UsageRow

#: Days /ai_usage covers (today included).
USAGE_DAYS = 7


def format_cost(usd: float) -> str:
    """``0.0123`` for small amounts (cents matter less than their order), ``12.34`` above 1."""
    return f"{usd:.2f}" if usd >= 1 else f"{usd:.4f}"


def _figures(row: UsageRow, settings: Settings, lang: str) -> dict[str, str | int]:
    cost = estimated_cost(
        row.prompt_tokens,
        row.completion_tokens,
        settings.openai_price_input,
        settings.openai_price_output,
    )
    return {
        "calls": format_number(row.calls, lang),
        "failed": format_number(row.failed, lang),
        "tokens_in": format_number(row.prompt_tokens, lang),
        "tokens_out": format_number(row.completion_tokens, lang),
        "cost": format_cost(cost),
    }


def _line(row: UsageRow, settings: Settings, t: T, lang: str) -> str:
    line = t("ai.usage.line", feature=row.feature, **_figures(row, settings, lang))
    if row.disabled:
        line += t("ai.usage.templates", count=format_number(row.disabled, lang))
    return line


def usage_text(report: UsageReport, settings: Settings, t: T, lang: str) -> str:
    lines = [
        t(
            "ai.usage.title",
            days=(report.last - report.first).days + 1,
            start=report.first.strftime("%d/%m/%Y"),
            end=report.last.strftime("%d/%m/%Y"),
        ),
        t(
            "ai.usage.model",
            model=settings.openai_model,
            price_in=f"{settings.openai_price_input:g}",
            price_out=f"{settings.openai_price_output:g}",
        ),
    ]
    if not settings.ai_enabled:
        lines.append(t("ai.usage.off"))
    if not report.rows:
        lines += ["", t("ai.usage.empty")]
        return fit("\n".join(lines))
    for day, rows in groupby(report.rows, key=lambda r: r.day):
        lines += ["", t("ai.usage.day", date=day.strftime("%d/%m/%Y"))]
        lines += [_line(row, settings, t, lang) for row in rows]
    total = report.total
    lines += ["", t("ai.usage.total", **_figures(total, settings, lang))]
    if total.disabled:
        lines[-1] += t("ai.usage.templates", count=format_number(total.disabled, lang))
    return fit("\n".join(lines))
