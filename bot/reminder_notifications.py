"""Messages about reminders sent to people other than the ambassador: organizers hear
when a story turns overdue and when someone blocked the bot (their reminders stop);
the startup hears when a story is released."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Bot

from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import recipient
from bot.services import Services
from bot.services.reminders import OrganizerDigest, StoryContext
from bot.ui.reminders import organizer_digest_text, overdue_notice
from bot.ui.requests import request_title


async def _organizers(
    bot: Bot, services: Services, translator: Translator, key: str, story: StoryContext
) -> None:
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    for org_id in ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        if key == "reminder.overdue_organizers":
            text = overdue_notice(story, t, lang, services.offers.tz)
        else:
            title = request_title(story.request, story.startup.company_name, t, lang)
            text = t(key, title=title, name=story.ambassador.display_name or "—")
        await safe_send(bot, org_id, text)


async def notify_overdue(
    bot: Bot, services: Services, translator: Translator, story: StoryContext
) -> None:
    await _organizers(bot, services, translator, "reminder.overdue_organizers", story)


async def notify_blocked(
    bot: Bot, services: Services, translator: Translator, story: StoryContext
) -> None:
    await _organizers(bot, services, translator, "reminder.blocked_organizers", story)


async def notify_released(
    bot: Bot, services: Services, translator: Translator, story: StoryContext
) -> None:
    """The startup hears that an ambassador gave its story back (a replacement is asked)."""
    lang, t = await recipient(services, translator, story.startup.user_id)
    title = request_title(story.request, story.startup.company_name, t, lang)
    name = story.ambassador.display_name or "—"
    await safe_send(
        bot, story.startup.user_id, t("reminder.released_startup", title=title, name=name)
    )


async def send_organizer_digest(
    bot: Bot,
    services: Services,
    translator: Translator,
    digest: OrganizerDigest,
    narratives: Mapping[str, str] | None = None,
) -> None:
    """``narratives``: the generated summary per language (absent: the numbers only)."""
    ids = await services.organizers.all_ids()
    languages = await services.users.languages(ids, translator.default)
    now = services.reminders.clock()
    for org_id in ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        narrative = (narratives or {}).get(lang)
        text = organizer_digest_text(
            digest, t, lang, services.reminders.tz, now, narrative=narrative
        )
        await safe_send(bot, org_id, text)
