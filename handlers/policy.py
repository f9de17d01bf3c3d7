"""/policy (organizers): the policy and regulation problems raised across pitches,
grouped into themes with the startups and provinces behind each. ``/policy 30``
looks at the last 30 days only.

The answer comes at once: with no AI key, the grouping by sector; with one, a
placeholder ("Grouping N pitches…") that the background call (``bot/ai/insights.py``)
edits into the themes (or into the grouping by sector, with a quiet note, when the
model fails). Everyone else is told it is not allowed.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.ai.assist import AIAssist
from bot.ai.insights import group_policy, send_pages
from bot.filters import IsOrganizer, PrivateChat
from bot.services import Services
from bot.services.policy import MAX_DAYS, fallback_themes
from bot.ui.policy import policy_pages

T = Callable[..., str]


def parse_days(args: str | None) -> int | None:
    """``None`` for all time; the number of days; ValueError for anything else."""
    text = (args or "").strip()
    if not text:
        return None
    days = int(text)
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(text)
    return days


async def on_policy(
    message: Message,
    command: CommandObject,
    bot: Bot,
    services: Services,
    ai: AIAssist,
    lang: str,
    t: T,
) -> None:
    assert message.from_user is not None
    try:
        days = parse_days(command.args)
    except ValueError:
        await message.answer(t("policy.usage", max=MAX_DAYS))
        return
    pitches = await services.policy.pitches(days)
    if not pitches:
        await message.answer(t("policy.none_days", days=days) if days else t("policy.none"))
        return
    if not ai.enabled:
        pages = policy_pages(fallback_themes(pitches), pitches, lang, t, generated=False, days=days)
        await send_pages(bot, message.chat.id, pages)
        return
    placeholder = await message.answer(t("policy.grouping", count=len(pitches)))
    group_policy(
        ai,
        bot,
        message.chat.id,
        placeholder.message_id,
        pitches,
        lang,
        user_id=message.from_user.id,
        days=days,
    )


async def refuse(message: Message, t: T) -> None:
    await message.answer(t("error.not_allowed"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(PrivateChat())
    router.message.register(on_policy, Command("policy"), IsOrganizer())
    router.message.register(refuse, Command("policy"))
    return router
