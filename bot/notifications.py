"""Messages the bot sends to people other than the one writing (organizers, applicants).

Each recipient gets the text in their own language. A recipient who blocked the
bot or never opened a chat with it is logged and skipped: one unreachable
organizer must not stop the others from hearing about a registration.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.i18n import Translator
from bot.services import Services
from bot.services.forms import Profile
from bot.ui.cards import ROLE_KEYS, applicant_name, review_card
from bot.ui.keyboards import review_kb

log = logging.getLogger(__name__)


async def safe_send(bot: Bot, chat_id: int, text: str, **kwargs: object) -> bool:
    try:
        await bot.send_message(chat_id, text, **kwargs)  # type: ignore[arg-type]
    except TelegramAPIError as exc:
        log.warning("message not delivered", extra={"chat_id": chat_id, "error": str(exc)})
        return False
    return True


async def notify_organizers_of_submission(
    bot: Bot,
    services: Services,
    translator: Translator,
    role: str,
    profile: Profile,
    changed_fields: tuple[str, ...] = (),
) -> int:
    """Send the review card with Approve / Reject to every organizer; returns how many got it."""
    organizer_ids = await services.organizers.all_ids()
    languages = await services.users.languages(organizer_ids, translator.default)
    person = await services.users.get(profile.user_id)
    applicant = applicant_name(
        person.first_name if person else None, person.username if person else None, profile.user_id
    )
    delivered = 0
    for org_id in organizer_ids:
        lang = languages[org_id]
        t = translator.bind(lang)
        text = review_card(
            role, profile, lang, t, applicant=applicant, changed_fields=changed_fields
        )
        if await safe_send(bot, org_id, text, reply_markup=review_kb(role, profile.id, t)):
            delivered += 1
    return delivered


async def notify_applicant_of_decision(
    bot: Bot,
    services: Services,
    translator: Translator,
    role: str,
    profile: Profile,
    approved: bool,
    reason: str | None,
) -> bool:
    person = await services.users.get(profile.user_id)
    lang = person.language if person else translator.default
    t = translator.bind(lang)
    role_name = t(ROLE_KEYS[role])
    if approved:
        text = t("decision.approved", role=role_name)
    else:
        text = t("decision.rejected", role=role_name, reason=reason or "—")
    return await safe_send(bot, profile.user_id, text)
