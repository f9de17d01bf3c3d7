"""/policy: policy themes with the startups and provinces behind each (organizers).

Telegram HTML; every value (the model's titles and summaries, company names) enters
through ``t`` parameters, so it is escaped. The text is split into messages at theme
boundaries (a theme longer than one message is cut at a line boundary), at most
``MAX_PAGES`` of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import escape
from bot.provinces import region_label
from bot.reference import label
from bot.services.policy import PolicyPitch, Theme
from bot.ui.cards import T
from bot.ui.requests import MESSAGE_MAX, fit

#: Messages one /policy answer may take; what does not fit is left out ("…").
MAX_PAGES = 5


def _startups(pitches: Sequence[PolicyPitch]) -> str:
    """``Company (#3, #7), Other (#5)``: each company once, with its pitches."""
    by_company: dict[str, list[int]] = {}
    for pitch in pitches:
        by_company.setdefault(pitch.company, []).append(pitch.id)
    return ", ".join(
        f"{name} ({', '.join(f'#{i}' for i in ids)})" for name, ids in by_company.items()
    )


def _provinces(pitches: Sequence[PolicyPitch], lang: str) -> str:
    """``Cần Thơ (2), Hà Nội``: each province once, the most frequent first."""
    counts: dict[str, int] = {}
    for pitch in pitches:
        if pitch.province:
            name = region_label(pitch.province, lang)
            counts[name] = counts.get(name, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    return ", ".join(f"{name} ({n})" if n > 1 else name for name, n in ranked) or "—"


def theme_block(n: int, theme: Theme, by_id: dict[int, PolicyPitch], lang: str, t: T) -> str:
    pitches = [by_id[i] for i in theme.pitch_ids if i in by_id]
    if theme.other:
        title = t("policy.other")
    elif theme.sector is not None:
        title = label("sectors", theme.sector, lang)
    else:
        title = theme.title
    lines = [t("policy.theme", n=n, title=title, count=len(pitches))]
    if theme.summary:
        lines.append(escape(theme.summary))
    lines.append(t("policy.startups", names=_startups(pitches)))
    lines.append(t("policy.provinces", names=_provinces(pitches, lang)))
    return "\n".join(lines)


def policy_pages(
    themes: Sequence[Theme],
    pitches: Sequence[PolicyPitch],
    lang: str,
    t: T,
    *,
    generated: bool,
    days: int | None = None,
    note: str | None = None,
) -> list[str]:
    """The answer as messages of at most ``MESSAGE_MAX`` characters each."""
    by_id = {p.id: p for p in pitches}
    head = [
        t("policy.title_days", count=len(pitches), days=days)
        if days
        else t("policy.title", count=len(pitches))
    ]
    head.append(t("policy.generated") if generated else t("policy.by_sector"))
    if note:
        head.append(note)
    blocks = ["\n".join(head)]
    blocks += [fit(theme_block(n, theme, by_id, lang, t)) for n, theme in enumerate(themes, 1)]
    pages: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}\n\n{block}" if current else block
        if len(joined) <= MESSAGE_MAX:
            current = joined
        else:
            pages.append(current)
            current = block
    pages.append(current)
    if len(pages) > MAX_PAGES:
        pages = pages[:MAX_PAGES]
        pages[-1] = fit(pages[-1] + "\n…")
    return pages
