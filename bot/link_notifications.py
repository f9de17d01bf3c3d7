"""Messages about published links sent to people other than the one pressing a button:
the startup hears where its story appeared; the ambassador hears (from the
background check) when a link looks broken, when a re-check finds it no longer opens,
and when a re-check finds a link they were told about working again
(``bot/services/link_rechecks.py``). Each reads in their own language; an
unreachable recipient is logged and skipped (``safe_send``)."""

from __future__ import annotations

from aiogram import Bot

from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import recipient
from bot.services import Services
from bot.services.link_rechecks import Notice
from bot.services.links import Confirmed, Story
from bot.ui.links import (
    broken_kb,
    broken_text,
    check_reason,
    short_url,
    startup_text,
    story_title,
)
from storage.dto import LinkDTO


async def notify_startup(
    bot: Bot, services: Services, translator: Translator, done: Confirmed
) -> bool:
    if not done.stored:
        return False
    user_id = done.story.startup.user_id
    lang, t = await recipient(services, translator, user_id)
    return await safe_send(bot, user_id, startup_text(done, t, lang))


async def notify_broken(
    bot: Bot, services: Services, translator: Translator, story: Story, link: LinkDTO
) -> bool:
    """The ambassador's link does not seem to open: say so, with a button to replace it."""
    user_id = story.ambassador.user_id
    lang, t = await recipient(services, translator, user_id)
    return await safe_send(
        bot, user_id, broken_text(story, link, t, lang), reply_markup=broken_kb(link.id, t)
    )


async def notify_recheck(
    bot: Bot,
    services: Services,
    translator: Translator,
    story: Story,
    link: LinkDTO,
    notice: Notice,
) -> bool:
    """What a check found, for the ambassador: broken (as ``notify_broken``), no
    longer opening (it worked before), or working again (after a broken notice)."""
    if notice == "broken":
        return await notify_broken(bot, services, translator, story, link)
    user_id = story.ambassador.user_id
    lang, t = await recipient(services, translator, user_id)
    title = story_title(story, t, lang)
    url = short_url(link.normalized_url)
    if notice == "fixed":
        return await safe_send(bot, user_id, t("link.fixed", title=title, url=url))
    text = t("link.broken_later", title=title, url=url, reason=check_reason(link, t))
    return await safe_send(bot, user_id, text, reply_markup=broken_kb(link.id, t))
