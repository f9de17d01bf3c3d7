"""Messages about published links sent to people other than the one pressing a button:
the startup hears where its story appeared; the ambassador hears (from the
background check) when a link looks broken. Each reads in their own language; an
unreachable recipient is logged and skipped (``safe_send``)."""

from __future__ import annotations

from aiogram import Bot

from bot.i18n import Translator
from bot.notifications import safe_send
from bot.offer_notifications import recipient
from bot.services import Services
from bot.services.links import Confirmed, Story
from bot.ui.links import broken_kb, broken_text, startup_text
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
