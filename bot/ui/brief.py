"""The brief an ambassador reads: built from the pitch's fields by a fixed template.

Deterministic on purpose: the same request always reads the same way, in the
reader's language, with every word the startup typed escaped. When the startup
chose a suggested brief (issue #6), its structured part takes the story's place;
everything else stays as the template has it. The startup's contact
is shown only to ambassadors who accepted (``with_contact``).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.i18n import Html, escape
from bot.provinces import region_label
from bot.reference import label, labels
from bot.services.briefs import chosen_brief
from bot.ui.ai_brief import brief_block
from bot.ui.cards import T
from storage.dto import StartupDTO, StoryRequestDTO


def render_brief(
    request: StoryRequestDTO,
    startup: StartupDTO,
    t: T,
    lang: str,
    tz: ZoneInfo,
    *,
    with_contact: bool = False,
) -> Html:
    """The brief as Telegram HTML (at most ~2,900 characters: within one message)."""
    company = escape(startup.company_name or "")
    need = label("needs", request.need, lang) if request.need else ""
    chosen = chosen_brief(request)
    lines = [
        t("brief.title", company=company, need=need),
        "",
        brief_block(chosen, lang, t) if chosen else escape(request.story or ""),
        "",
        t("brief.audiences", audiences=labels("audiences", request.audiences, lang)),
        t("brief.platforms", platforms=labels("platforms", request.platforms, lang))
        if request.platforms
        else t("brief.platforms_any"),
        t("brief.regions", regions=", ".join(region_label(r, lang) for r in request.regions)),
        t("brief.languages", languages=labels("languages", request.languages, lang)),
    ]
    if request.deadline is not None:
        lines.append(t("brief.deadline", date=request.deadline.astimezone(tz).strftime("%d/%m/%Y")))
    if request.wanted:
        lines.append(t("brief.wanted", count=request.wanted))
    if with_contact:
        contact = " · ".join(
            escape(v) for v in (startup.contact_name, startup.phone, startup.email) if v
        )
        lines.append(t("brief.contact", contact=Html(contact)))
    return Html("\n".join(lines))
